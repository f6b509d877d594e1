// A run's test results, kept up to date while the run goes: the backend announces the run's new
// counts (run.updated, about every 250 ms while tests stream in); when they change the list is
// fetched again after a pause, never more than one request at a time. RunTests has no "after"
// cursor, so each fetch is the whole list; the pause keeps a 10,000-test run from being fetched
// forty times a second.

import type { Api } from './api';
import { groupSuites, type Suite } from './testtree';
import type { TestCounts, TestResultInfo } from './types';

/** The pause between a change of the counts and the fetch it causes. */
export const REFETCH_DELAY_MS = 400;

function key(c: TestCounts): string {
  return `${c.total}/${c.passed}/${c.failed}/${c.skipped}/${c.flaky}`;
}

export class TestList {
  results = $state.raw<TestResultInfo[]>([]);
  /** True once the first fetch has answered. */
  loaded = $state(false);
  readonly suites: Suite[] = $derived(groupSuites(this.results));
  readonly runId: number;

  readonly #api: Pick<Api, 'RunTests'>;
  readonly #failed: (err: unknown) => void;
  readonly #delay: number;
  #wanted = '';
  #busy = false;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(api: Pick<Api, 'RunTests'>, runId: number, failed: (err: unknown) => void, delayMs = REFETCH_DELAY_MS) {
    this.#api = api;
    this.runId = runId;
    this.#failed = failed;
    this.#delay = delayMs;
  }

  /** Fetches now with these counts as the ones seen. */
  start(counts: TestCounts): void {
    this.#wanted = key(counts);
    void this.refresh();
  }

  /** Takes the run's counts: when they changed, fetches after the pause. */
  follow(counts: TestCounts): void {
    const k = key(counts);
    if (k === this.#wanted) return;
    this.#wanted = k;
    this.#schedule();
  }

  /** Fetches the list; a call while one is in flight fetches once more, after the pause, when it ends. */
  async refresh(): Promise<void> {
    if (this.#closed) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    this.#again = false;
    try {
      const got = await this.#api.RunTests(this.runId, {});
      if (this.#closed) return;
      this.results = got;
      this.loaded = true;
    } catch (err) {
      if (!this.#closed) this.#failed(err);
    } finally {
      this.#busy = false;
      if (this.#again) this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, this.#delay);
  }

  /** Stops: no more fetches, answers on their way are dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
