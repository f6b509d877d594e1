import { describe, expect, it } from 'vitest';
import { appendLog, blocked, droppedText, emptyLog, healthWord, lastResult, lockText, noLogs, uptimeText } from './operate';
import type { CheckInfo, LogBatch, OperateTarget } from './types';

const batch = (over: Partial<LogBatch> = {}): LogBatch => ({ stream: 'log-1', lines: [], skipped: 0, ended: false, reason: '', failed: false, ...over });
const texts = (v: ReturnType<typeof emptyLog>) => v.lines.map((l) => (l.marker ? `[${l.text}]` : l.text));

const check = (over: Partial<CheckInfo> = {}): CheckInfo => ({
  name: 'target:staging',
  url: 'http://127.0.0.1:8080/healthz',
  state: 'UP',
  since: '2026-01-01T00:00:00Z',
  status: 200,
  took_ms: 12,
  reason: '',
  uptime_7d: 0.995,
  ...over,
});

const target = (over: Partial<OperateTarget> = {}): OperateTarget => ({
  name: 'staging',
  kind: 'ssh',
  host: 'deploy@203.0.113.10:22',
  path: '/srv/app',
  production: false,
  running: { deploy_id: 1, kind: 'deploy', version: '1.2.0', commit: 'abc', who: 'ann@box', since: '2026-01-01T00:00:00Z' },
  health: null,
  incidents: [],
  logs: 'journalctl -u app -f',
  start: 'systemctl restart app',
  stop: 'systemctl stop app',
  ...over,
});

describe('appendLog', () => {
  it('adds the lines of its own stream only, with a marker where lines were skipped', () => {
    let v = appendLog(emptyLog('log-1'), batch({ lines: ['a', 'b'] }));
    v = appendLog(v, batch({ stream: 'log-2', lines: ['other'] }));
    v = appendLog(v, batch({ lines: ['z'], skipped: 1 }));
    expect(texts(v)).toEqual(['a', 'b', '[… 1 line skipped: the output came faster than it can be shown]', 'z']);
    expect(new Set(v.lines.map((l) => l.n)).size).toBe(4);
  });

  it('keeps the newest lines and counts the others, markers aside', () => {
    let v = appendLog(emptyLog('log-1'), batch({ lines: ['1', '2'], skipped: 5 }), 3);
    v = appendLog(v, batch({ lines: ['3', '4'] }), 3);
    expect(texts(v)).toEqual(['2', '3', '4']);
    expect(droppedText(v)).toBe('… 1 earlier line not kept');
    v = appendLog(v, batch({ lines: ['5', '6'], ended: true, reason: 'closed' }), 3);
    expect(texts(v)).toEqual(['4', '5', '6']);
    expect(droppedText(v)).toBe('… 3 earlier lines not kept');
    expect(v.ended && v.reason === 'closed' && !v.failed).toBe(true);
    expect(droppedText(emptyLog('x'))).toBe('');
  });
});

describe('a target in words', () => {
  it('says how healthy it is', () => {
    expect(healthWord(check())).toBe('UP');
    expect(healthWord(check({ state: '' }))).toBe('not monitored');
    expect(healthWord(null)).toBe('no health check');
    expect(uptimeText(check())).toBe('99.5%');
    expect(uptimeText(check({ uptime_7d: 1 }))).toBe('100%');
    expect(uptimeText(check({ uptime_7d: -1 }))).toBe('');
    expect(lastResult(check())).toBe('200 · 12 ms');
    expect(lastResult(check({ reason: 'status 500, want 200', status: 500 }))).toBe('status 500, want 200');
    expect(lastResult(check({ status: 0 }))).toBe('');
  });

  it('names the lock holder', () => {
    const now = Date.parse('2026-01-01T00:03:00Z');
    expect(lockText({ held: true, who: 'bob@ci', since: '2026-01-01T00:00:00Z', action: 'deploy', version: '1.3.0' }, now)).toBe(
      'bob@ci (deploy of 1.3.0) since 3m ago',
    );
    expect(lockText({ held: true, who: '', since: '', action: '', version: '' }, now)).toBe('someone unknown (the lock has no holder file)');
  });

  it('says why a button cannot be pressed', () => {
    expect(blocked(target(), 'restart')).toBe('');
    expect(blocked(target({ stop: '' }), 'stop')).toContain('no stop: command');
    expect(blocked(target({ start: '' }), 'restart')).toContain('no start: command');
    expect(blocked(target({ running: null }), 'stop')).toBe('Nothing is deployed to this target yet.');
    expect(noLogs(target())).toBe('');
    expect(noLogs(target({ logs: '' }))).toContain('no logs: command');
    const why = 'staging has 3 hosts (a, b, c): restart, stop, logs and the lock work on targets with one host only';
    expect(blocked(target({ unavailable: why }), 'restart')).toBe(why);
    expect(blocked(target({ unavailable: why }), 'stop')).toBe(why);
    expect(noLogs(target({ unavailable: why }))).toBe(why);
  });
});
