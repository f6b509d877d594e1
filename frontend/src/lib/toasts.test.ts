import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TOASTS, TOAST_MS, ToastQueue, type Toast } from './toasts';
import type { Notice } from './types';

const notice = (title: string): Notice => ({ kind: 'run', level: 'fail', title, body: '', link: '#/build/1' });

describe('ToastQueue', () => {
  let seen: (readonly Toast[])[];
  let q: ToastQueue;
  beforeEach(() => {
    vi.useFakeTimers();
    seen = [];
    q = new ToastQueue((items) => seen.push(items));
  });
  afterEach(() => vi.useRealTimers());
  const titles = () => q.items.map((t) => t.title);

  it('shows the newest first and at most MAX_TOASTS', () => {
    for (let i = 1; i <= MAX_TOASTS + 2; i++) q.push(notice(`n${i}`));
    expect(titles()).toEqual(['n6', 'n5', 'n4', 'n3']);
    expect(seen).toHaveLength(MAX_TOASTS + 2);
  });

  it('dismisses a toast after TOAST_MS, not before', () => {
    q.push(notice('a'));
    vi.advanceTimersByTime(TOAST_MS - 1);
    expect(titles()).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(titles()).toEqual([]);
  });

  it('keeps a held toast, and gives it the full time again once released', () => {
    const id = q.push(notice('held'));
    q.push(notice('other'));
    q.hold(id);
    vi.advanceTimersByTime(TOAST_MS * 3);
    expect(titles()).toEqual(['held']);
    q.release(id);
    vi.advanceTimersByTime(TOAST_MS - 1);
    expect(titles()).toEqual(['held']);
    vi.advanceTimersByTime(1);
    expect(titles()).toEqual([]);
  });

  it('dismisses by hand, and a pushed-out toast leaves no timer behind', () => {
    const first = q.push(notice('first'));
    for (let i = 0; i < MAX_TOASTS; i++) q.push(notice(`n${i}`));
    expect(titles()).not.toContain('first');
    q.release(first); // gone already: no timer comes back
    expect(vi.getTimerCount()).toBe(MAX_TOASTS);
    q.dismiss(q.items[0].id);
    expect(q.items).toHaveLength(MAX_TOASTS - 1);
    q.clear();
    expect(vi.getTimerCount()).toBe(0);
  });
});
