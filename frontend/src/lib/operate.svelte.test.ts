import { describe, expect, it } from 'vitest';
import type { Api } from './api';
import { OperateState } from './operate.svelte';
import type { LogBatch, LogStreamInfo } from './types';

const batch = (over: Partial<LogBatch> = {}): LogBatch => ({ stream: 'log-1', lines: [], skipped: 0, ended: false, reason: '', failed: false, ...over });
const info: LogStreamInfo = { id: 'log-1', target: 'staging', source: 'journalctl -u app -f', host: 'h', keep_ms: 60_000 };

/** An Api whose OpenLogs answers when the test says, with the event handlers exposed. */
function slowOpen() {
  const handlers: Record<string, (p: unknown) => void> = {};
  const closed: string[] = [];
  let answer!: (v: LogStreamInfo) => void;
  const api = {
    on: (topic: string, h: (p: unknown) => void) => {
      handlers[topic] = h;
      return () => {};
    },
    Operate: async () => [],
    OpenLogs: () => new Promise<LogStreamInfo>((r) => (answer = r)),
    CloseLogs: async (id: string) => void closed.push(id),
  } as unknown as Api;
  return { api, handlers, closed, answer: (v: LogStreamInfo) => answer(v) };
}

describe('OperateState log streams', () => {
  it('keeps the batches that arrive before OpenLogs says their stream', async () => {
    const f = slowOpen();
    const s = new OperateState(f.api, () => {});
    const stop = s.start(1e9);
    const opened = s.openLogs('staging');
    f.handlers['operate.log'](batch({ lines: ['line 1'] }));
    f.handlers['operate.log'](batch({ ended: true, failed: true, reason: 'journalctl: not found' }));
    f.handlers['operate.log'](batch({ stream: 'log-9', lines: ['another stream'] }));
    f.answer(info);
    await opened;
    const view = s.logs['staging'].view;
    expect(view.lines.map((l) => l.text)).toEqual(['line 1']);
    expect(view.ended).toBe(true);
    expect(view.reason).toBe('journalctl: not found');
    stop();
  });

  it('ends on the server a stream closed while it was being opened', async () => {
    const f = slowOpen();
    const s = new OperateState(f.api, () => {});
    const stop = s.start(1e9);
    const opened = s.openLogs('staging');
    stop(); // the view goes away before OpenLogs answers
    f.answer(info);
    await opened;
    expect(f.closed).toEqual(['log-1']);
    expect(s.logs['staging']).toBeUndefined();
  });
});
