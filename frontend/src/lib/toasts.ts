// The toasts of the notify event: newest on top, at most MAX_TOASTS at once, each dismissed
// after TOAST_MS unless the pointer rests on it (the timer starts again when it leaves).

import type { Notice } from './types';

/** How many toasts show at once; a newer one pushes out the oldest. */
export const MAX_TOASTS = 4;
/** How long a toast stays (ms) while the pointer is not on it. */
export const TOAST_MS = 6000;

export interface Toast extends Notice {
  id: number;
}

type Timers = Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'>;

/** The toasts showing now, with their timers. `onchange` gets the list after every change. */
export class ToastQueue {
  #items: Toast[] = [];
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly #onchange: (items: readonly Toast[]) => void;
  readonly #clock: Timers;

  constructor(onchange: (items: readonly Toast[]) => void, clock: Timers = globalThis) {
    this.#onchange = onchange;
    this.#clock = clock;
  }

  get items(): readonly Toast[] {
    return this.#items;
  }

  /** Shows a notice; returns its toast's id. */
  push(n: Notice): number {
    const id = this.#next++;
    this.#items = [{ ...n, id }, ...this.#items];
    for (const old of this.#items.slice(MAX_TOASTS)) this.#stop(old.id);
    this.#items = this.#items.slice(0, MAX_TOASTS);
    this.#arm(id);
    this.#onchange(this.#items);
    return id;
  }

  /** Removes a toast now. */
  dismiss(id: number): void {
    this.#stop(id);
    const before = this.#items.length;
    this.#items = this.#items.filter((t) => t.id !== id);
    if (this.#items.length !== before) this.#onchange(this.#items);
  }

  /** The pointer is on the toast: it stays. */
  hold(id: number): void {
    this.#stop(id);
  }

  /** The pointer left: the full time starts again. */
  release(id: number): void {
    if (this.#items.some((t) => t.id === id)) this.#arm(id);
  }

  /** Stops every timer (the component is gone). */
  clear(): void {
    for (const id of [...this.#timers.keys()]) this.#stop(id);
  }

  #arm(id: number): void {
    this.#stop(id);
    this.#timers.set(
      id,
      this.#clock.setTimeout(() => this.dismiss(id), TOAST_MS),
    );
  }

  #stop(id: number): void {
    const t = this.#timers.get(id);
    if (t !== undefined) this.#clock.clearTimeout(t);
    this.#timers.delete(id);
  }
}
