// The state of the window: the project, its runs, what is selected, errors to show and the
// state of the event stream. Everything live arrives through events; nothing polls.

import { toApiError, type Api, type Connection } from './api';
import type { Route, RunTab } from './route';
import { newestRun } from './runs';
import type { PlaceId, ProjectInfo, RunInfo, WatchState } from './types';

export interface Notice {
  id: number;
  code: string;
  message: string;
}

const MAX_NOTICES = 5;

// How far a run has got; it never goes down, so of two copies the one with more progress is the
// fresher (a StartRun reply may arrive after the first run.updated event).
function progress(run: RunInfo): number {
  const steps = run.steps.reduce((n, s) => n + (s.status === 'pending' ? 0 : s.status === 'running' ? 1 : 2), 0);
  return (run.status === 'running' ? 0 : 1_000_000) + steps;
}

function byNewest(a: RunInfo, b: RunInfo): number {
  return b.id - a.id;
}

export class Workbench {
  readonly api: Api;
  project = $state.raw<ProjectInfo | null>(null);
  /** True until the first attempt to load the project has ended. */
  loading = $state(true);
  runs = $state.raw<RunInfo[]>([]);
  runsLoaded = $state(false);
  notices = $state.raw<Notice[]>([]);
  connection = $state<Connection>('connecting');
  /** Bumped when the event stream is back after a break, so views fetch what they missed. */
  resyncs = $state(0);
  starting = $state(false);
  place = $state<PlaceId>('build');
  selectedRunId = $state<number | null>(null);
  /** The run detail's tab the user picked; null: the one each run suggests. */
  runTab = $state<RunTab | null>(null);
  /** The test result open in the run's tests tab. */
  selectedResultId = $state<number | null>(null);
  /** The Build place shows the project's flaky tests instead of its runs. */
  flakyView = $state(false);
  /** What the watcher is doing; null until loaded. */
  watch = $state.raw<WatchState | null>(null);
  /** The loop warning the user dismissed; it shows again when a new one comes. */
  loopDismissed = $state('');

  readonly activeRun = $derived(this.runs.find((r) => r.status === 'running') ?? null);
  /** The run going, else the one that finished last (runs is in the order runs were recorded). */
  readonly lastRun = $derived(newestRun(this.runs));
  readonly selectedRun = $derived(this.runs.find((r) => r.id === this.selectedRunId) ?? null);
  /** The loop warning to show, "" for none. */
  readonly loopWarning = $derived(this.watch?.loop && this.watch.loop !== this.loopDismissed ? this.watch.loop : '');

  #noticeId = 0;
  /** Counts watch states that arrived, so a slower WatchState reply does not undo a newer event. */
  #watchSeq = 0;

  constructor(api: Api) {
    this.api = api;
  }

  /** Subscribes to events and loads the project and its runs; returns the function that stops. */
  start(): () => void {
    const offs = [
      this.api.on('run.started', (run) => this.upsert(run)),
      this.api.on('run.updated', (run) => this.upsert(run)),
      this.api.on('run.finished', (run) => this.upsert(run)),
      this.api.on('project.changed', (project) => (this.project = project)),
      this.api.on('watch.state', (state) => this.#setWatch(state)),
      this.api.onConnection((state) => {
        const back = state === 'open' && this.connection === 'reconnecting';
        this.connection = state;
        if (back) {
          this.resyncs++;
          void this.load();
        }
      }),
    ];
    void this.load();
    return () => offs.forEach((off) => off());
  }

  async load(): Promise<void> {
    await Promise.all([this.#loadProject(), this.#loadRuns(), this.#loadWatch()]);
  }

  async #loadWatch(): Promise<void> {
    const seq = this.#watchSeq;
    try {
      const state = await this.api.WatchState();
      if (seq === this.#watchSeq) this.#setWatch(state);
    } catch (err) {
      this.report(err);
    }
  }

  #setWatch(state: WatchState): void {
    this.#watchSeq++;
    this.watch = state;
    if (!state.loop) this.loopDismissed = '';
  }

  async #loadProject(): Promise<void> {
    try {
      this.project = await this.api.Project();
    } catch (err) {
      this.report(err);
    } finally {
      this.loading = false;
    }
  }

  async #loadRuns(): Promise<void> {
    try {
      const loaded = await this.api.Runs(0);
      const merged = new Map(loaded.map((r) => [r.id, r]));
      // Runs that events brought while the list was loading may be fresher than the list.
      for (const run of this.runs) {
        const other = merged.get(run.id);
        if (!other || progress(run) > progress(other)) merged.set(run.id, run);
      }
      this.runs = [...merged.values()].sort(byNewest);
      this.runsLoaded = true;
    } catch (err) {
      this.report(err);
    }
  }

  /** Puts a run into the list, replacing an older copy with the same id. */
  upsert(run: RunInfo): void {
    const old = this.runs.find((r) => r.id === run.id);
    if (!old) this.runs = [...this.runs, run].sort(byNewest);
    else if (progress(run) >= progress(old)) this.runs = this.runs.map((r) => (r === old ? run : r));
  }

  /** Goes where a route (the location hash) says. */
  navigate(route: Route): Promise<void> {
    this.place = route.place;
    this.flakyView = route.place === 'build' && !!route.flaky;
    this.runTab = route.tab ?? null;
    const done = this.selectRun(route.runId);
    this.selectedResultId = route.runId === null ? null : (route.resultId ?? null);
    return done;
  }

  /** Opens a test result of the selected run (null closes it), in the tests tab. */
  selectResult(id: number | null): void {
    this.selectedResultId = id;
    if (id !== null) this.runTab = 'tests';
  }

  async selectRun(id: number | null): Promise<void> {
    if (id !== this.selectedRunId) this.selectedResultId = null;
    this.selectedRunId = id;
    if (id !== null) this.flakyView = false;
    if (id === null || this.runs.some((r) => r.id === id)) return;
    try {
      this.upsert(await this.api.GetRun(id));
    } catch (err) {
      this.report(err);
      if (this.selectedRunId === id) this.selectedRunId = null;
    }
  }

  async startRun(): Promise<void> {
    if (this.starting || this.activeRun) return;
    this.starting = true;
    try {
      const run = await this.api.StartRun();
      this.upsert(run);
      this.selectedRunId = run.id;
    } catch (err) {
      this.report(err);
    } finally {
      this.starting = false;
    }
  }

  async cancelRun(): Promise<void> {
    const run = this.activeRun;
    if (!run) return;
    try {
      await this.api.CancelRun(run.id);
    } catch (err) {
      this.report(err);
    }
  }

  /** Turns auto-run on or off; the switch moves at once and moves back if Go refuses. */
  async setAutoRun(on: boolean): Promise<void> {
    const before = this.watch;
    if (before) this.#setWatch({ ...before, auto: on, loop: on ? '' : before.loop });
    const seq = this.#watchSeq;
    try {
      await this.api.SetAutoRun(on);
    } catch (err) {
      // Unless Go has said something newer since.
      if (before && seq === this.#watchSeq) this.#setWatch(before);
      this.report(err);
    }
  }

  dismissLoop(): void {
    this.loopDismissed = this.watch?.loop ?? '';
  }

  /** Shows an error in the banner. */
  report(err: unknown): void {
    const e = toApiError(err);
    this.notices = [...this.notices, { id: ++this.#noticeId, code: e.code, message: e.message }].slice(-MAX_NOTICES);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}
