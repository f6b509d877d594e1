import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, chunk, project, run, step, watchState } from '../testing/fake';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

function start(handlers: ConstructorParameters<typeof FakeGo>[0]) {
  const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...handlers });
  const wb = new Workbench(go.api());
  render(App, { wb });
  return { go, wb };
}

beforeEach(() => {
  history.replaceState(null, '', '#/build');
});

describe('App', () => {
  it('shows the project header', async () => {
    start({ Project: () => project({ dirty: true, configSource: 'detected from go.mod' }) });
    await settle();
    const header = screen.getByTestId('project-header');
    expect(within(header).getByText('demo')).toBeTruthy();
    expect(within(header).getByText('/home/dev/demo')).toBeTruthy();
    expect(within(header).getByText('0123456')).toBeTruthy();
    expect(within(header).getByTestId('dirty-badge')).toBeTruthy();
    expect(header.textContent).toContain('detected from go.mod');
  });

  it('shows why the config does not load instead of its source', async () => {
    const msg = 'eightfold.yaml:4:14: steps[0].timeout: "soon" is not a duration';
    start({ Project: () => project({ configSource: '', configError: msg }) });
    await settle();
    const err = screen.getByTestId('config-error');
    expect(err.textContent).toContain('config error');
    expect(err.textContent).toContain(msg);
  });

  it('lists runs newest first and updates them from events', async () => {
    const { go } = start({
      Runs: () => [run({ id: 2, status: 'failed' }), run({ id: 1 })],
    });
    await settle();
    let rows = screen.getAllByTestId('run-row');
    expect(rows.map((r) => r.dataset.runId)).toEqual(['2', '1']);
    expect(rows[0].dataset.status).toBe('failed');
    expect(within(rows[0]).getByTestId('status-badge').textContent).toContain('failed');
    expect(rows[0].textContent).toContain('main@0123456');

    go.emit('run.started', run({ id: 3, status: 'running', steps: [step({ status: 'running' })] }));
    await tick();
    rows = screen.getAllByTestId('run-row');
    expect(rows.map((r) => r.dataset.runId)).toEqual(['3', '2', '1']);
    expect(rows[0].dataset.status).toBe('running');

    go.emit('run.updated', run({ id: 3, status: 'passed' }));
    await tick();
    rows = screen.getAllByTestId('run-row');
    expect(rows[0].dataset.status).toBe('passed');
    expect(within(rows[0]).getByTestId('status-badge').textContent).toContain('passed');
    expect(go.calls.filter((c) => c.method === 'Runs')).toHaveLength(1);
  });

  it('says how to start when there are no runs', async () => {
    start({});
    await settle();
    expect(screen.getByTestId('runs-empty').textContent).toContain('Press Run or run eightfold run in a terminal');
  });

  it('shows the note of a place that has not landed', async () => {
    start({});
    await settle();
    await fireEvent.click(screen.getByTestId('nav-code'));
    expect(await screen.findByTestId('place-note')).toBeTruthy();
    expect(screen.getByTestId('place-note').textContent).toContain('The code view has not landed yet.');
    expect(screen.queryByTestId('runs-list')).toBeNull();
  });

  it('shows the plan board even while Go still lists Plan as not ready', async () => {
    start({ Board: () => ({ key: '', today: '2025-03-10', labels: [], columns: [] }) });
    await settle();
    expect(screen.getByTestId('nav-plan').textContent).not.toContain('soon');
    await fireEvent.click(screen.getByTestId('nav-plan'));
    expect(await screen.findByTestId('plan-board')).toBeTruthy();
    expect(screen.queryByTestId('place-note')).toBeNull();
  });

  it('starts a run with r, then offers to cancel it', async () => {
    const running = run({ id: 5, status: 'running', steps: [step({ status: 'running' })] });
    const { go } = start({
      StartRun: () => running,
      GetRun: () => running,
      CancelRun: () => null,
      StepLog: () => ({ chunks: [], nextSeq: 0, more: false }),
    });
    await settle();
    await fireEvent.keyDown(window, { key: 'r' });
    await settle();
    expect(go.calls.some((c) => c.method === 'StartRun')).toBe(true);
    const button = screen.getByTestId('run-button');
    expect(button.dataset.state).toBe('cancel');
    expect(screen.getByTestId('run-detail').dataset.runId).toBe('5');

    await fireEvent.click(button);
    await settle();
    expect(go.calls.find((c) => c.method === 'CancelRun')?.args).toEqual([5]);

    await fireEvent.keyDown(window, { key: 'Escape' });
    await settle();
    expect(screen.queryByTestId('run-detail')).toBeNull();
  });

  it('does not start a run when r is typed into a field', async () => {
    const { go } = start({ StartRun: () => run() });
    await settle();
    const input = document.createElement('input');
    document.body.append(input);
    await fireEvent.keyDown(input, { key: 'r' });
    input.remove();
    expect(go.calls.some((c) => c.method === 'StartRun')).toBe(false);
  });

  it('shows API errors in a banner that can be dismissed', async () => {
    start({
      StartRun: () => {
        throw { code: 'conflict', message: 'A run is already going.' };
      },
    });
    await settle();
    await fireEvent.click(screen.getByTestId('run-button'));
    await settle();
    const banner = screen.getByTestId('error-banner');
    expect(banner.textContent).toContain('A run is already going.');
    expect(banner.dataset.code).toBe('conflict');
    await fireEvent.click(within(banner).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('shows when the event stream is reconnecting, and reloads when it is back', async () => {
    const { go } = start({});
    await settle();
    expect(screen.queryByTestId('connection')).toBeNull();
    go.setConnection('reconnecting');
    await tick();
    expect(screen.getByTestId('connection').textContent).toContain('reconnecting');
    go.setConnection('open');
    await settle();
    expect(screen.queryByTestId('connection')).toBeNull();
    expect(go.calls.filter((c) => c.method === 'Runs')).toHaveLength(2);
    expect(go.calls.filter((c) => c.method === 'WatchState')).toHaveLength(2);
  });
});

describe('run detail', () => {
  it('says why a run was cancelled', async () => {
    start({ Runs: () => [run({ id: 5, status: 'cancelled', reason: 'cancelled by the user', steps: [step({ status: 'cancelled' })] })] });
    await settle();
    await fireEvent.click(screen.getAllByTestId('run-row')[0]);
    await settle();
    expect(screen.getByTestId('run-reason').textContent).toBe('cancelled by the user');
  });

  it('shows the steps and the log of the step worth seeing, live', async () => {
    const steps = [
      step({ id: 10, name: 'build', status: 'passed', log_bytes: 2048 }),
      step({ id: 11, name: 'test', status: 'failed', exit_code: 1, truncated: true }),
    ];
    const { go } = start({
      Runs: () => [run({ id: 4, status: 'failed', steps })],
      StepLog: (stepId, afterSeq) =>
        stepId === 11 && afterSeq === 0
          ? {
              chunks: [chunk(1, '$ go test ./...\n', 'meta'), chunk(2, '--- FAIL: TestX <script>alert(1)</script>\n'), chunk(3, 'boom\n', 'stderr')],
              nextSeq: 3,
              more: false,
            }
          : stepId === 11
            ? { chunks: [chunk(4, 'later\n')], nextSeq: 4, more: false }
            : { chunks: [chunk(1, 'built\n')], nextSeq: 1, more: false },
    });
    await settle();
    await fireEvent.click(screen.getAllByTestId('run-row')[0]);
    await settle();

    const rows = screen.getAllByTestId('step-row');
    expect(rows.map((r) => r.dataset.status)).toEqual(['passed', 'failed']);
    expect(rows[1].getAttribute('aria-current')).toBe('true');
    expect(rows[1].textContent).toContain('exit 1');
    expect(rows[1].textContent).toContain('truncated');
    expect(rows[0].textContent).toContain('2.0 KiB');

    const lines = () => [...screen.getByTestId('log-view').querySelectorAll('.line')];
    expect(lines().map((l) => l.querySelector('.text')!.textContent)).toEqual([
      '$ go test ./...',
      '--- FAIL: TestX <script>alert(1)</script>',
      'boom',
    ]);
    expect(screen.getByTestId('log-view').querySelector('script')).toBeNull();
    expect(lines().map((l) => l.classList.contains('meta') || l.classList.contains('stderr'))).toEqual([true, false, true]);
    expect(lines()[2].querySelector('.ln')!.textContent).toBe('3');

    go.emit('log.appended', { runId: 4, stepId: 11, seq: 4 });
    await settle();
    expect(lines().map((l) => l.querySelector('.text')!.textContent).at(-1)).toBe('later');

    await fireEvent.click(rows[0]);
    await settle();
    expect(lines().map((l) => l.querySelector('.text')!.textContent)).toEqual(['built']);
  });
});
