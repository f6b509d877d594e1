// The guided tour's state for the open project: its progress (kept in storage per project),
// the events that complete its steps, and its buttons' work.

import { toApiError, type Api } from './api';
import { TOUR, loadTour, saveTour, startTour, tourReduce, tourTopics, type TourInput, type TourProgress, type TourStep } from './tour';
import type { ProjectInfo, StageId } from './types';

export class TourState {
  readonly api: Api;
  readonly steps: readonly TourStep[];
  progress = $state.raw<TourProgress | null>(null);
  /** A step's action is under way. */
  busy = $state(false);
  /** Why the last action failed; "" when it did not. */
  error = $state('');

  /** The step shown while the tour runs. */
  readonly step = $derived.by(() => (this.progress?.status === 'running' ? (this.steps[this.progress.step] ?? null) : null));
  /** The stage the ring highlights for the tour; null while it does not run. */
  readonly stage = $derived<StageId | null>(this.step?.stage ?? null);
  readonly stepDone = $derived(!!this.step && !!this.progress?.done.includes(this.step.id));

  #storage: Storage | null;
  #path = '';

  constructor(api: Api, storage: Storage | null, steps: readonly TourStep[] = TOUR) {
    this.api = api;
    this.#storage = storage;
    this.steps = steps;
  }

  /** Follows the events the steps wait for; returns the function that stops. */
  start(): () => void {
    const offs = tourTopics(this.steps).map((topic) =>
      this.api.on(topic, (payload) => this.dispatch({ kind: 'event', topic, payload } as TourInput)),
    );
    return () => offs.forEach((off) => off());
  }

  /** Shows the project's progress: kept, else a demo's tour from the start, else none. */
  open(project: ProjectInfo): void {
    if (project.path === this.#path) return;
    this.#path = project.path;
    this.progress = loadTour(this.#storage, project.path, project.demo, this.steps);
    this.error = '';
  }

  /** Moves the tour and keeps where it is. */
  dispatch(input: TourInput): void {
    const from = this.progress ?? (input.kind === 'restart' ? startTour() : null);
    if (!from || !this.#path) return;
    const next = tourReduce(from, input, this.steps);
    if (next === this.progress) return;
    if (input.kind !== 'event') this.error = '';
    this.progress = next;
    saveTour(this.#storage, this.#path, next);
  }

  /** Does what the shown step's button says (an edit of the demo, a run); a failure is shown in the panel. */
  async act(): Promise<void> {
    const action = this.step?.action;
    if (!action || 'place' in action || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      if ('edit' in action) await this.api.DemoEdit(action.edit, action.undo);
      else await this.api.StartRun();
    } catch (err) {
      this.error = toApiError(err).message;
    } finally {
      this.busy = false;
    }
  }
}
