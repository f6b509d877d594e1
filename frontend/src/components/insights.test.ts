import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { FakeGo, flakyInfo, insights, run, testResult } from '../testing/fake';
import FlakyTests from './FlakyTests.svelte';
import InsightsPanel from './InsightsPanel.svelte';

const settle = async () => {
  await new Promise((res) => setTimeout(res, 0));
  await tick();
};

const ref = (id: number, over = {}) => ({ id, commit: 'abcdef0123456789', dirty: false, started_at: new Date().toISOString(), ...over });

describe('InsightsPanel', () => {
  it('lists newly failing, fixed and slower tests with links, and what changed since the last green run', async () => {
    const go = new FakeGo({
      RunInsights: () =>
        insights({
          run_id: 14,
          last_green: ref(12),
          last_red: ref(13),
          newly_failing: [testResult({ id: 140, run_id: 14, name: 'TestTotal', status: 'failed', message: 'cart_test.go:41: total = 90' })],
          fixed: [testResult({ id: 141, run_id: 14, name: 'TestLogin' })],
          regressions: [{ ...testResult({ id: 142, run_id: 14, name: 'TestSearch', duration_ms: 900 }), median_ms: 150, samples: 20 }],
          slowest: [testResult({ id: 142, run_id: 14, name: 'TestSearch', duration_ms: 900 })],
          since_green: {
            commits: [{ sha: '8c1d2e4f00000000', subject: 'feat(cart): discounts', author: 'Ada', when: new Date().toISOString() }],
            more_commits: 2,
            files: ['cart/cart.go', 'cart/cart_test.go'],
            note: 'run #14 had uncommitted changes that were not recorded (it is older than this version of Eightfold)',
          },
        }),
    });
    render(InsightsPanel, { run: run({ id: 14, status: 'failed' }), api: go.api(), resync: 0, onerror: () => {} });
    await settle();
    expect(go.calls).toEqual([{ method: 'RunInsights', args: [14] }]);
    expect(screen.getByTestId('last-green').getAttribute('href')).toBe('#/build/12');
    expect(screen.getByTestId('last-red').getAttribute('href')).toBe('#/build/13');

    const newly = screen.getByTestId('newly-failing');
    expect(newly.querySelector('h3')?.textContent).toContain('Newly failing since #12');
    expect(within(newly).getByRole('link').getAttribute('href')).toBe('#/build/14/tests/140');
    expect(newly.textContent).toContain('cart_test.go:41: total = 90');
    expect(screen.getByTestId('fixed').querySelector('h3')?.textContent).toContain('Fixed since #13');
    expect(screen.getByTestId('fixed').textContent).toContain('TestLogin');
    expect(screen.getByTestId('regressions').textContent).toContain('900ms vs median 150ms');
    expect(screen.getByTestId('regressions').textContent).toContain('×6.0 over 20 runs');
    expect(screen.getByTestId('slowest').textContent).toContain('900ms');

    const since = screen.getByTestId('since-green');
    expect(since.querySelector('h3')?.textContent).toBe('What changed since #12');
    const commit = within(since).getByTestId('commit');
    expect(commit.textContent).toContain('8c1d2e4');
    expect(commit.textContent).toContain('feat(cart): discounts');
    expect(commit.textContent).toContain('Ada');
    expect(since.textContent).toContain('and 2 more commits');
    expect(since.textContent).toContain('2 files changed');
    expect(since.textContent).toContain('cart/cart_test.go');
    expect(screen.getByTestId('since-green-note').textContent).toBe('run #14 had uncommitted changes that were not recorded (it is older than this version of Eightfold)');
  });

  it('says plainly when there is no green run to compare with', async () => {
    const go = new FakeGo({
      RunInsights: () => insights({ newly_failing: [testResult({ status: 'failed' })] }),
    });
    render(InsightsPanel, { run: run({ id: 1, status: 'failed' }), api: go.api(), resync: 0, onerror: () => {} });
    await settle();
    expect(screen.getByTestId('run-insights').textContent).toContain('No run passed before this one, so every failure counts as new');
    expect(screen.getByTestId('newly-failing').querySelector('h3')?.textContent).toContain('Failing');
    expect(screen.queryByTestId('since-green')).toBeNull();
    expect(screen.queryByTestId('fixed')).toBeNull();
  });

  it('fetches again when the run ends', async () => {
    const go = new FakeGo({ RunInsights: () => insights() });
    const props = { run: run({ id: 3, status: 'running' }), api: go.api(), resync: 0, onerror: () => {} };
    const view = render(InsightsPanel, props);
    await settle();
    expect(screen.getByTestId('run-insights').textContent).toContain('The run is still going');
    await view.rerender({ ...props, run: run({ id: 3, status: 'failed' }) });
    await settle();
    expect(go.calls.map((c) => c.method)).toEqual(['RunInsights', 'RunInsights']);
  });
});

describe('FlakyTests', () => {
  it('lists flaky tests with their reasons in words and the runs that show it', async () => {
    const go = new FakeGo({
      FlakyTests: () => [
        flakyInfo({ test_id: 7, name: 'TestReconnect', reasons: ['passed-on-retry', 'flips'], flips: 4, evidence: [3, 5, 8], failures: 3 }),
        flakyInfo({ test_id: 9, name: 'TestClock', reasons: ['same-code'], evidence: [2, 4] }),
      ],
      RunTests: () => [testResult({ id: 51, test_id: 7, name: 'TestReconnect' }), testResult({ id: 52, test_id: 70, name: 'TestReconnectFast' })],
    });
    const went: string[] = [];
    render(FlakyTests, { api: go.api(), resync: 0, onerror: () => {}, go: (h: string) => went.push(h) });
    await settle();
    expect(go.calls[0]).toEqual({ method: 'FlakyTests', args: [50] });
    const rows = screen.getAllByTestId('flaky-row');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('TestReconnect');
    expect([...rows[0].querySelectorAll('.why li')].map((li) => li.textContent)).toEqual(['passed on retry', 'flipped 4 times']);
    expect(rows[1].querySelector('.why')?.textContent).toContain('failed and passed on the same code');
    const links = within(rows[0]).getAllByTestId('flaky-evidence');
    expect(links.map((a) => a.textContent)).toEqual(['#3', '#5', '#8']);
    expect(links[1].getAttribute('href')).toBe('#/build/5');

    // A click opens the test's own result in that run.
    await fireEvent.click(links[1]);
    await settle();
    expect(go.calls.at(-1)).toEqual({ method: 'RunTests', args: [5, { name: 'TestReconnect' }] });
    expect(went).toEqual(['#/build/5/tests/51']);
  });

  it('asks for another window of runs, and says when there is nothing flaky', async () => {
    const go = new FakeGo({ FlakyTests: () => [] });
    render(FlakyTests, { api: go.api(), resync: 0, onerror: () => {} });
    await settle();
    expect(screen.getByTestId('flaky-empty').textContent).toContain('No flaky test in the last 50 runs.');
    await fireEvent.change(screen.getByTestId('flaky-window'), { target: { value: '200' } });
    await settle();
    expect(go.calls.map((c) => c.args)).toEqual([[50], [200]]);
    expect(screen.getByTestId('flaky-empty').textContent).toContain('No flaky test in the last 200 runs.');
  });
});
