// The guided tour's state for the open project: its progress (kept in storage per project),
// the events that complete its steps, the places its steps open, its steps' work, and the
// clicker's keys.

import { toApiError, type Api } from './api';
import { formatHash } from './route';
import { TOUR, loadTour, saveTour, startTour, tourKeyCommand, tourReduce, tourTopics, workPending, type TourInput, type TourKeyPress, type TourProgress, type TourStep } from './tour';
import { TOUR_WORK, WorkStopped, type TourWork, type WorkContext } from './tourwork';
import type { PlaceId, ProjectInfo, StageId } from './types';

/** What the tour may be given instead of the real thing (tests). */
export interface TourOptions {
  /** Opens a place; by default through the location hash, as a link would. */
  open?: (place: PlaceId) => void;
  /** The steps' work by name; by default lib/tourwork.ts's. */
  work?: Readonly<Record<TourWork, (ctx: WorkContext) => Promise<unknown>>>;
}

function openByHash(place: PlaceId): void {
  const hash = formatHash({ place, runId: null });
  if (globalThis.location && globalThis.location.hash !== hash) globalThis.location.hash = hash;
}

export class TourState {
  readonly api: Api;
  readonly steps: readonly TourStep[];
  progress = $state.raw<TourProgress | null>(null);
  /** A step's work is under way. */
  busy = $state(false);
  /** What the work under way is doing now. */
  note = $state('');
  /** Why the last work failed; "" when it did not. */
  error = $state('');

  /** The step shown while the tour runs. */
  readonly step = $derived.by(() => (this.progress?.status === 'running' ? (this.steps[this.progress.step] ?? null) : null));
  /** The stage the ring highlights for the tour; null while it does not run. */
  readonly stage = $derived<StageId | null>(this.step?.stage ?? null);
  readonly stepDone = $derived(!!this.step && !!this.progress?.done.includes(this.step.id));
  /** The shown step has work not started yet (and its event has not come). */
  readonly pending = $derived.by(() => workPending(this.progress, this.steps));

  #storage: Storage | null;
  #path = '';
  #open: (place: PlaceId) => void;
  #work: NonNullable<TourOptions['work']>;
  /** Stops the waiting of the work under way. */
  #abort: AbortController | null = null;

  constructor(api: Api, storage: Storage | null, steps: readonly TourStep[] = TOUR, opts: TourOptions = {}) {
    this.api = api;
    this.#storage = storage;
    this.steps = steps;
    this.#open = opts.open ?? openByHash;
    this.#work = opts.work ?? TOUR_WORK;
  }

  /**
   * Follows the events the steps wait for, and the current project: when another project (or
   * none) becomes current, the work under way stops, since its calls would go to that project.
   * Returns the function that stops.
   */
  start(): () => void {
    const offs = tourTopics(this.steps).map((topic) =>
      this.api.on(topic, (payload) => this.dispatch({ kind: 'event', topic, payload } as TourInput)),
    );
    offs.push(this.api.on('project.switched', (ref) => ref.path !== this.#path && this.#stopWork()));
    return () => {
      offs.forEach((off) => off());
      this.#stopWork();
    };
  }

  /** Shows the project's progress: kept, else a demo's tour from the start (opening its first place), else none. */
  open(project: ProjectInfo): void {
    if (project.path === this.#path) return;
    this.#stopWork();
    this.#path = project.path;
    const kept = loadTour(this.#storage, project.path, false, this.steps);
    this.progress = kept ?? (project.demo ? startTour() : null);
    this.error = '';
    if (!kept && this.step) this.#open(this.step.place);
  }

  /** Moves the tour and keeps where it is; a step shown by Next, Back or a restart opens its place. */
  dispatch(input: TourInput): void {
    const from = this.progress ?? (input.kind === 'restart' ? startTour() : null);
    if (!from || !this.#path) return;
    const next = tourReduce(from, input, this.steps);
    if (next === this.progress) return;
    const moved = input.kind === 'next' || input.kind === 'back' || input.kind === 'restart';
    if (moved || input.kind === 'skip') this.error = '';
    // A step left behind stops its work, so that its failure cannot show on another step.
    if (moved || next.status !== 'running') this.#stopWork();
    this.progress = next;
    saveTour(this.#storage, this.#path, next);
    if (moved && this.step) this.#open(this.step.place);
  }

  /**
   * Does the shown step's work; what it is doing shows as `note`, a failure as `error` (and
   * the step's work counts as not started, so that PageDown tries it again). Next, Back, Skip
   * and a restart stop it.
   */
  async act(): Promise<void> {
    const step = this.step;
    const action = step?.action;
    if (!step || !action || this.busy) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.dispatch({ kind: 'work' });
    this.busy = true;
    this.error = '';
    this.note = '';
    try {
      await this.#work[action.work]({ api: this.api, signal: abort.signal, say: (text) => !abort.signal.aborted && (this.note = text) });
    } catch (err) {
      if (!(err instanceof WorkStopped) && !abort.signal.aborted) {
        this.dispatch({ kind: 'failed', step: step.id });
        this.error = toApiError(err).message;
      }
    } finally {
      if (this.#abort === abort) {
        this.#abort = null;
        this.busy = false;
        this.note = '';
      }
    }
  }

  /** The clicker's keys (see tourKeyCommand); true when the key was the tour's. */
  key(e: TourKeyPress): boolean {
    const cmd = tourKeyCommand(e, { running: this.step !== null, pending: this.pending, busy: this.busy });
    if (cmd === 'work') void this.act();
    else if (cmd === 'next' || cmd === 'back') this.dispatch({ kind: cmd });
    return cmd !== null;
  }

  #stopWork(): void {
    if (!this.#abort) return;
    this.#abort.abort();
    this.#abort = null;
    this.busy = false;
    this.note = '';
  }
}
