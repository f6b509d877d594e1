// The loop ring's state: the project's Status, loaded at start and again (debounced) after the
// events that change a stage. A failure shows in the ring only: the ring is always on screen,
// and the places report their own errors.

import { toApiError, type Api } from './api';
import { debounce } from './monitor';
import { RING_DEBOUNCE_MS, RING_TOPICS } from './ring';
import type { StatusInfo } from './types';

export class RingState {
  readonly api: Api;
  status = $state.raw<StatusInfo | null>(null);
  /** Why the status could not be loaded; "" when it could. */
  error = $state('');

  #seq = 0;
  readonly #refresh = debounce(() => void this.load(), RING_DEBOUNCE_MS);

  constructor(api: Api) {
    this.api = api;
  }

  /** Loads the status and follows the events that change it; returns the function that stops. */
  start(): () => void {
    const offs = RING_TOPICS.map((topic) => this.api.on(topic, () => this.#refresh.call()));
    void this.load();
    return () => {
      this.#refresh.cancel();
      for (const off of offs) off();
    };
  }

  /** Loads the status now; a newer load wins over an older one. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const status = await this.api.Status();
      if (seq !== this.#seq) return;
      this.status = status;
      this.error = '';
    } catch (err) {
      if (seq === this.#seq) this.error = toApiError(err).message;
    }
  }
}
