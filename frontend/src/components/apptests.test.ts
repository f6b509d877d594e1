// The test explorer inside the app: tabs, routes, live counts and the title.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, flakyInfo, insights, project, run, step, testDetail, testResult, watchState } from '../testing/fake';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

const failing = testResult({ id: 40, run_id: 4, suite: 'shop/cart', name: 'TestTotal', status: 'failed', message: 'cart_test.go:41: boom', file: 'cart_test.go', line: 41 });
const passing = testResult({ id: 41, run_id: 4, suite: 'shop/cart', name: 'TestAdd' });
const counts = { total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 };

function start(hash = '#/build', handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  history.replaceState(null, '', hash);
  const go = new FakeGo({
    Project: () => project(),
    Runs: () => [run({ id: 4, status: 'failed', tests: counts, steps: [step({ id: 10, status: 'failed', exit_code: 1 })] }), run({ id: 3 })],
    WatchState: () => watchState(),
    StepLog: () => ({ chunks: [], nextSeq: 0, more: false }),
    RunTests: () => [failing, passing],
    TestDetail: (id) => testDetail({ result: id === 40 ? failing : passing }),
    RunInsights: () => insights({ run_id: 4 }),
    FlakyTests: () => [flakyInfo()],
    GetRun: (id) => run({ id: id as number }),
    ...handlers,
  });
  const wb = new Workbench(go.api());
  render(App, { wb });
  return { go, wb };
}

beforeEach(() => {
  document.title = '';
});

describe('tests in the run detail', () => {
  it('opens a run that ended with failing tests on its tests, with the counts in the header', async () => {
    start('#/build/4');
    await settle();
    const detail = screen.getByTestId('run-detail');
    expect(within(detail).getByTestId('test-counts').title).toBe('2 tests: 1 passed, 1 failed');
    expect(screen.getByTestId('run-tab-tests').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('run-tab-tests').textContent).toContain('✗ 1');
    expect(screen.getAllByTestId('test-row').map((r) => r.dataset.resultId)).toEqual(['40', '41']);
    expect(screen.queryByTestId('log-view')).toBeNull();
    // The hash stays as it was: the tab is the run's choice, not the user's.
    expect(location.hash).toBe('#/build/4');
  });

  it('opens a passing run on its steps', async () => {
    start('#/build/3');
    await settle();
    expect(screen.getByTestId('run-tab-steps').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('log-view')).toBeTruthy();
  });

  it('puts the tab and the open test in the hash, and Escape closes the test, then the run', async () => {
    start('#/build/4');
    await settle();
    await fireEvent.click(screen.getAllByTestId('test-row')[0]);
    await settle();
    expect(location.hash).toBe('#/build/4/tests/40');
    expect(screen.getByTestId('test-location').textContent).toBe('cart_test.go:41');

    await fireEvent.keyDown(window, { key: 'Escape' });
    await settle();
    expect(screen.queryByTestId('test-detail')).toBeNull();
    expect(location.hash).toBe('#/build/4/tests');

    await fireEvent.click(screen.getByTestId('run-tab-insights'));
    await settle();
    expect(location.hash).toBe('#/build/4/insights');
    expect(screen.getByTestId('run-insights')).toBeTruthy();

    await fireEvent.keyDown(window, { key: 'Escape' });
    await settle();
    expect(screen.queryByTestId('run-detail')).toBeNull();
  });

  it('follows a link to a test result in another run (a history cell)', async () => {
    const { go } = start('#/build/4/tests/40');
    await settle();
    expect(screen.getByTestId('test-detail').dataset.resultId).toBe('40');
    history.pushState(null, '', '#/build/3/tests/41');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await settle();
    expect(screen.getByTestId('run-detail').dataset.runId).toBe('3');
    expect(screen.getByTestId('test-detail').dataset.resultId).toBe('41');
    expect(go.calls.filter((c) => c.method === 'TestDetail').map((c) => c.args)).toEqual([[40], [41]]);
  });

  it('keeps the header counts and the tab title live while the run goes', async () => {
    const { go } = start('#/build');
    await settle();
    const live = (total: number, failed: number, flaky: number) =>
      run({ id: 5, status: 'running', tests: { total, passed: total - failed, failed, skipped: 0, flaky }, steps: [step({ id: 11, status: 'running' })] });
    go.emit('run.started', live(0, 0, 0));
    await settle();
    expect(document.title).toBe('● running — demo');
    go.emit('run.updated', live(120, 0, 0));
    await settle();
    expect(document.title).toBe('● running · 120 tests — demo');
    await fireEvent.click(screen.getAllByTestId('run-row')[0]);
    await settle();
    go.emit('run.updated', live(212, 2, 1));
    await settle();
    expect(document.title).toBe('● running · 212 tests, 2 failed, 1 flaky — demo');
    expect(screen.getByTestId('test-counts').title).toBe('212 tests: 210 passed, 2 failed, 1 flaky');
    go.emit('run.finished', { ...live(212, 2, 1), status: 'failed' });
    await settle();
    expect(document.title).toBe('✖ failed · 2 of 212 tests, 1 flaky — demo');
  });

  it('shows the flaky tests from the Build place', async () => {
    start('#/build');
    await settle();
    expect(screen.getByTestId('view-runs').getAttribute('aria-current')).toBe('page');
    history.pushState(null, '', screen.getByTestId('view-flaky').getAttribute('href'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await settle();
    expect(screen.getByTestId('view-flaky').getAttribute('aria-current')).toBe('page');
    expect(screen.getAllByTestId('flaky-row')).toHaveLength(1);
    expect(screen.queryByTestId('runs-list')).toBeNull();
    expect(location.hash).toBe('#/build/flaky');
  });
});
