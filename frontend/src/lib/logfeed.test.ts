import { describe, expect, it, vi } from 'vitest';
import { chunk } from '../testing/fake';
import { LogFeed, PAGE_BYTES } from './logfeed';
import type { LogPage } from './types';

// A StepLog whose answers the test hands out one at a time.
function manualStepLog() {
  const pending: { args: number[]; resolve: (p: LogPage) => void; reject: (e: unknown) => void }[] = [];
  const StepLog = vi.fn(
    (stepId: number, afterSeq: number, maxBytes: number) =>
      new Promise<LogPage>((resolve, reject) => pending.push({ args: [stepId, afterSeq, maxBytes], resolve, reject })),
  );
  return { StepLog, pending };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('LogFeed', () => {
  it('fetches page after page until the server has no more', async () => {
    const pages: LogPage[] = [
      { chunks: [chunk(1, 'a\n'), chunk(2, 'b\n')], nextSeq: 2, more: true },
      { chunks: [chunk(3, 'c\n')], nextSeq: 3, more: false },
    ];
    const StepLog = vi.fn(async () => pages.shift()!);
    const changed = vi.fn();
    const feed = new LogFeed({ StepLog }, 7, changed, vi.fn());
    await feed.pull();
    expect(StepLog.mock.calls).toEqual([
      [7, 0, PAGE_BYTES],
      [7, 2, PAGE_BYTES],
    ]);
    expect(feed.model.length).toBe(3);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('keeps one fetch in flight and folds events that arrive meanwhile into one more', async () => {
    const { StepLog, pending } = manualStepLog();
    const feed = new LogFeed({ StepLog }, 7, vi.fn(), vi.fn());
    void feed.pull();
    feed.notify({ runId: 1, stepId: 7, seq: 1 });
    feed.notify({ runId: 1, stepId: 7, seq: 2 });
    feed.notify({ runId: 1, stepId: 7, seq: 3 });
    expect(StepLog).toHaveBeenCalledTimes(1);

    pending.shift()!.resolve({ chunks: [chunk(1, 'x\n')], nextSeq: 1, more: false });
    await settle();
    expect(StepLog).toHaveBeenCalledTimes(2);
    expect(StepLog.mock.calls[1]).toEqual([7, 1, PAGE_BYTES]);

    pending.shift()!.resolve({ chunks: [chunk(2, 'y\n'), chunk(3, 'z\n')], nextSeq: 3, more: false });
    await settle();
    expect(StepLog).toHaveBeenCalledTimes(2);
    expect(feed.model.length).toBe(3);
  });

  it('ignores events for other steps and output it already has', async () => {
    const StepLog = vi.fn(async () => ({ chunks: [chunk(1, 'a\n'), chunk(2, 'b\n')], nextSeq: 2, more: false }));
    const feed = new LogFeed({ StepLog }, 7, vi.fn(), vi.fn());
    await feed.pull();
    feed.notify({ runId: 1, stepId: 8, seq: 5 });
    feed.notify({ runId: 1, stepId: 7, seq: 2 });
    await settle();
    expect(StepLog).toHaveBeenCalledTimes(1);
  });

  it('drops answers that arrive after close', async () => {
    const { StepLog, pending } = manualStepLog();
    const changed = vi.fn();
    const feed = new LogFeed({ StepLog }, 7, changed, vi.fn());
    void feed.pull();
    feed.close();
    pending.shift()!.resolve({ chunks: [chunk(1, 'late\n')], nextSeq: 1, more: false });
    await settle();
    expect(changed).not.toHaveBeenCalled();
    expect(feed.model.length).toBe(0);
  });

  it('reports a failed fetch and fetches again on the next event', async () => {
    const StepLog = vi
      .fn()
      .mockRejectedValueOnce({ code: 'not_found', message: 'no step 7' })
      .mockResolvedValueOnce({ chunks: [chunk(1, 'ok\n')], nextSeq: 1, more: false });
    const failed = vi.fn();
    const feed = new LogFeed({ StepLog }, 7, vi.fn(), failed);
    await feed.pull();
    expect(failed).toHaveBeenCalledWith({ code: 'not_found', message: 'no step 7' });
    feed.notify({ runId: 1, stepId: 7, seq: 1 });
    await settle();
    expect(feed.model.length).toBe(1);
  });
});
