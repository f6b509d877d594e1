// Keeps one step's LogModel up to date: fetches pages with StepLog until the server has no more,
// and on every log.appended event for the step fetches what follows. One fetch is in flight at a
// time; events that arrive meanwhile are folded into one more fetch when it ends.

import type { Api } from './api';
import { LogModel } from './log';
import type { LogAppended } from './types';

export const PAGE_BYTES = 1 << 20;

export class LogFeed {
  readonly model = new LogModel();
  readonly stepId: number;
  readonly #api: Pick<Api, 'StepLog'>;
  readonly #changed: () => void;
  readonly #failed: (err: unknown) => void;
  #nextSeq = 0;
  #busy = false;
  #again = false;
  #closed = false;

  constructor(api: Pick<Api, 'StepLog'>, stepId: number, changed: () => void, failed: (err: unknown) => void) {
    this.#api = api;
    this.stepId = stepId;
    this.#changed = changed;
    this.#failed = failed;
  }

  /** Fetches everything after what the model holds. */
  async pull(): Promise<void> {
    if (this.#closed) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    try {
      do {
        this.#again = false;
        let more = true;
        while (more) {
          const page = await this.#api.StepLog(this.stepId, this.#nextSeq, PAGE_BYTES);
          if (this.#closed) return;
          this.model.append(page.chunks);
          this.#nextSeq = Math.max(this.#nextSeq, page.nextSeq);
          this.#changed();
          more = page.more && page.chunks.length > 0;
        }
      } while (this.#again);
    } catch (err) {
      if (!this.#closed) this.#failed(err);
    } finally {
      this.#busy = false;
    }
  }

  /** Handles a log.appended event: fetches when it is about this step and brings news. */
  notify(ev: LogAppended): void {
    if (ev.stepId === this.stepId && ev.seq > this.#nextSeq) void this.pull();
  }

  /** Stops: responses still on their way are dropped. */
  close(): void {
    this.#closed = true;
  }
}
