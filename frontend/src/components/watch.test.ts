import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, project, run, step, watchState } from '../testing/fake';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

function start(handlers: ConstructorParameters<typeof FakeGo>[0]) {
  const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), SetAutoRun: () => null, ...handlers });
  const wb = new Workbench(go.api());
  render(App, { wb });
  return { go, wb };
}

const autoRun = () => screen.getByTestId('auto-run') as HTMLInputElement;

beforeEach(() => {
  history.replaceState(null, '', '#/build');
});

describe('watch status in the header', () => {
  it('shows how many directories are watched', async () => {
    start({});
    await settle();
    const header = screen.getByTestId('project-header');
    const state = within(header).getByTestId('watch-state');
    expect(state.textContent).toBe('● watching 12 dirs');
    expect(state.dataset.watching).toBe('true');
    expect(autoRun().checked).toBe(true);
    expect(autoRun().disabled).toBe(false);
    expect(within(header).getByLabelText('auto-run')).toBe(autoRun());
    expect(screen.queryByTestId('pending')).toBeNull();
    expect(screen.queryByTestId('watch-error')).toBeNull();
  });

  it('is muted and offers no auto-run when the project is not watched', async () => {
    start({ WatchState: () => watchState({ watching: false, dirs: 0, auto: false }) });
    await settle();
    const state = screen.getByTestId('watch-state');
    expect(state.textContent).toBe('○ not watching');
    expect(state.dataset.watching).toBe('false');
    expect(state.classList.contains('on')).toBe(false);
    expect(autoRun().disabled).toBe(true);
  });

  it('shows why watching failed as a warning', async () => {
    const error =
      'inotify watch limit reached (fs.inotify.max_user_watches = 8192); raise it with: sudo sysctl fs.inotify.max_user_watches=524288';
    start({ WatchState: () => watchState({ watching: false, dirs: 0, auto: false, error }) });
    await settle();
    expect(screen.getByTestId('watch-state').textContent).toBe('⚠ not watching');
    expect(screen.getByTestId('watch-error').textContent).toBe(`⚠ ${error}`);
  });

  it('toggles auto-run through SetAutoRun and follows the event', async () => {
    const { go } = start({});
    await settle();
    await fireEvent.click(autoRun());
    await settle();
    expect(go.calls.filter((c) => c.method === 'SetAutoRun').map((c) => c.args)).toEqual([[false]]);
    expect(autoRun().checked).toBe(false);

    go.emit('watch.state', watchState({ auto: false }));
    await tick();
    expect(autoRun().checked).toBe(false);

    await fireEvent.click(autoRun());
    await settle();
    expect(go.calls.filter((c) => c.method === 'SetAutoRun').map((c) => c.args)).toEqual([[false], [true]]);
    go.emit('watch.state', watchState({ auto: true }));
    await tick();
    expect(autoRun().checked).toBe(true);

    // Turned off from elsewhere (the terminal's `a` key, another tab).
    go.emit('watch.state', watchState({ auto: false }));
    await tick();
    expect(autoRun().checked).toBe(false);
  });

  it('puts the switch back and shows the error when Go refuses', async () => {
    start({
      SetAutoRun: () => {
        throw { code: 'conflict', message: '/home/dev/demo is not being watched' };
      },
    });
    await settle();
    await fireEvent.click(autoRun());
    await settle();
    expect(autoRun().checked).toBe(true);
    expect(screen.getByTestId('error-banner').dataset.code).toBe('conflict');
  });

  it('shows the changes waiting for a run', async () => {
    const { go } = start({ WatchState: () => watchState({ auto: false, pending: 3 }) });
    await settle();
    expect(screen.getByTestId('pending').textContent?.trim()).toBe('3 changes pending');
    go.emit('watch.state', watchState({ auto: false, pending: 1 }));
    await tick();
    expect(screen.getByTestId('pending').textContent?.trim()).toBe('1 change pending');
    go.emit('watch.state', watchState({ auto: false, pending: 0 }));
    await tick();
    expect(screen.queryByTestId('pending')).toBeNull();
  });
});

describe('loop warning', () => {
  const loop =
    'Auto-run paused: the last 3 runs were started by files the pipeline itself writes (out/gen.go). ' +
    'Add them to watch.ignore in eightfold.yaml or to .gitignore, then turn auto-run back on.';

  it('says which files retrigger the pipeline and resumes auto-run', async () => {
    const { go } = start({});
    await settle();
    expect(screen.queryByTestId('loop-warning')).toBeNull();
    go.emit('watch.state', watchState({ auto: false, loop }));
    await tick();
    const banner = screen.getByTestId('loop-warning');
    expect(banner.textContent).toContain(loop);
    expect(autoRun().checked).toBe(false);

    await fireEvent.click(within(banner).getByRole('button', { name: 'Resume auto-run' }));
    await settle();
    expect(go.calls.find((c) => c.method === 'SetAutoRun')?.args).toEqual([true]);
    expect(screen.queryByTestId('loop-warning')).toBeNull();
    expect(autoRun().checked).toBe(true);
  });

  it('can be dismissed', async () => {
    const { go } = start({ WatchState: () => watchState({ auto: false, loop }) });
    await settle();
    await fireEvent.click(within(screen.getByTestId('loop-warning')).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('loop-warning')).toBeNull();
    expect(go.calls.some((c) => c.method === 'SetAutoRun')).toBe(false);
  });
});

describe('why runs started', () => {
  it('shows the changed files or the trigger on each row', async () => {
    start({
      Runs: () => [
        run({ id: 4, trigger: 'change', changed_files: ['a.go', 'lib/b.go', 'c.go'], changed_count: 3 }),
        run({ id: 3, trigger: 'change', changed_files: ['README.md'], changed_count: 1 }),
        run({ id: 2, trigger: 'start' }),
        run({ id: 1, trigger: 'manual' }),
      ],
    });
    await settle();
    const causes = screen.getAllByTestId('run-cause');
    expect(causes.map((c) => c.textContent)).toEqual(['a.go +2', 'README.md', 'start', 'manual']);
    expect(causes[0].title).toBe('a.go\nlib/b.go\nc.go');
  });

  it('lists the changed files in the run detail', async () => {
    const files = Array.from({ length: 100 }, (_, i) => `src/f${i}.ts`);
    start({
      Runs: () => [
        run({ id: 2, trigger: 'change', status: 'cancelled', reason: 'superseded: a.go changed', changed_files: files, changed_count: 130 }),
        run({ id: 1, trigger: 'manual' }),
      ],
      StepLog: () => ({ chunks: [], nextSeq: 0, more: false }),
    });
    await settle();
    const rows = screen.getAllByTestId('run-row');
    await fireEvent.click(rows[0]);
    await settle();
    const section = screen.getByTestId('changed-files');
    expect(within(section).getByRole('heading').textContent).toContain('Changed files');
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(101);
    expect(items[0].textContent).toBe('src/f0.ts');
    expect(screen.getByTestId('changed-more').textContent).toBe('and 30 more');
    expect(screen.getByTestId('run-reason').textContent).toBe('superseded: a.go changed');

    await fireEvent.click(rows[1]);
    await settle();
    expect(screen.queryByTestId('changed-files')).toBeNull();
  });

  it('leaves out "and N more" when every file is listed', async () => {
    start({
      Runs: () => [run({ id: 1, trigger: 'change', changed_files: ['a.go', 'b.go'], changed_count: 2, steps: [step()] })],
      StepLog: () => ({ chunks: [], nextSeq: 0, more: false }),
    });
    await settle();
    await fireEvent.click(screen.getAllByTestId('run-row')[0]);
    await settle();
    expect(within(screen.getByTestId('changed-files')).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['a.go', 'b.go']);
    expect(screen.queryByTestId('changed-more')).toBeNull();
  });
});

describe('document title', () => {
  afterEach(() => {
    delete window.go;
    delete window.runtime;
    document.title = '';
  });

  it('shows the live state in the browser face', async () => {
    const { go } = start({ Runs: () => [run({ id: 1, status: 'passed' })] });
    await settle();
    expect(document.title).toBe('✔ passed — demo');

    go.emit('run.started', run({ id: 2, status: 'running', steps: [step({ status: 'running' })] }));
    await tick();
    expect(document.title).toBe('● running — demo');

    go.emit('run.finished', run({ id: 2, status: 'failed', steps: [step({ status: 'failed' })] }));
    await tick();
    expect(document.title).toBe('✖ failed — demo');

    go.emit('watch.state', watchState({ auto: false }));
    await tick();
    expect(document.title).toBe('✖ failed — demo (paused)');
  });

  it('leaves the desktop window title to Go', async () => {
    window.go = { main: { App: {} } };
    window.runtime = { EventsOn: () => () => {}, BrowserOpenURL: () => {} };
    document.title = 'Eightfold — demo — passed';
    const { go } = start({ Runs: () => [run({ id: 1, status: 'passed' })] });
    await settle();
    go.emit('run.started', run({ id: 2, status: 'running' }));
    await tick();
    expect(document.title).toBe('Eightfold — demo — passed');
  });
});
