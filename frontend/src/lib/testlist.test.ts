import { afterEach, describe, expect, it, vi } from 'vitest';
import { testResult } from '../testing/fake';
import { TestList } from './testlist.svelte';
import type { TestCounts, TestQuery, TestResultInfo } from './types';

const counts = (total: number, failed = 0): TestCounts => ({ total, passed: total - failed, failed, skipped: 0, flaky: 0 });

function fakeApi() {
  const calls: [number, TestQuery][] = [];
  const pending: ((rs: TestResultInfo[]) => void)[] = [];
  return {
    calls,
    pending,
    api: {
      RunTests: (runId: number, q: TestQuery = {}) => {
        calls.push([runId, q]);
        return new Promise<TestResultInfo[]>((res) => pending.push(res));
      },
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TestList', () => {
  it('fetches the whole list at once on start', async () => {
    const { api, calls, pending } = fakeApi();
    const list = new TestList(api, 4, () => {});
    list.start(counts(2));
    expect(calls).toEqual([[4, {}]]);
    pending[0]([testResult({ id: 1, suite: 'b' }), testResult({ id: 2, suite: 'a', status: 'failed' })]);
    await Promise.resolve();
    await Promise.resolve();
    expect(list.loaded).toBe(true);
    expect(list.results.map((r) => r.id)).toEqual([1, 2]);
    expect(list.suites.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('fetches again after a pause when the counts change, not when they stay', async () => {
    vi.useFakeTimers();
    const { api, calls, pending } = fakeApi();
    const list = new TestList(api, 4, () => {}, 400);
    list.start(counts(2));
    pending[0]([]);
    await vi.advanceTimersByTimeAsync(0);

    list.follow(counts(2));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(1);

    list.follow(counts(5));
    list.follow(counts(9, 1));
    await vi.advanceTimersByTimeAsync(399);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
  });

  it('keeps one request in flight and folds the changes meanwhile into one more', async () => {
    vi.useFakeTimers();
    const { api, calls, pending } = fakeApi();
    const list = new TestList(api, 4, () => {}, 100);
    list.start(counts(1));
    // Updates every 250 ms while the first (slow) answer is on its way.
    for (let n = 2; n <= 6; n++) {
      list.follow(counts(n));
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(calls).toHaveLength(1);
    pending[0]([testResult({ id: 1 })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(list.results).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(2);
    pending[1]([testResult({ id: 1 }), testResult({ id: 2 })]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    expect(list.results).toHaveLength(2);
  });

  it('reports errors and drops answers once closed', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const failing = new TestList({ RunTests: () => Promise.reject({ code: 'not_found', message: 'no run 4' }) }, 4, (e) => errors.push(e));
    failing.start(counts(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([{ code: 'not_found', message: 'no run 4' }]);

    const { api, calls, pending } = fakeApi();
    const list = new TestList(api, 4, () => {}, 100);
    list.start(counts(1));
    list.follow(counts(2));
    list.close();
    pending[0]([testResult()]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(list.loaded).toBe(false);
    expect(calls).toHaveLength(1);
  });
});
