import { describe, expect, it } from 'vitest';
import { appendLog, blocked, droppedText, emptyLog, healthWord, hostLock, hostResultText, lastResult, locksText, lockText, noLogs, uptimeText, withCheck } from './operate';
import type { CheckInfo, LockInfo, LogBatch, OperateTarget } from './types';

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
  });
});

describe('a target with hosts', () => {
  const A = 'deploy@a:22';
  const B = 'deploy@b:22';
  const hostCheck = (h: string, over: Partial<CheckInfo> = {}) => check({ name: `target:staging@${h}`, ...over });
  const web = target({
    health: check({ hosts: [hostCheck(A), hostCheck(B)] }),
    hosts: [
      { host: A, path: '/srv/app', release: 'r1', version: '1.2.0', health: hostCheck(A) },
      { host: B, path: '/srv/app', release: 'r1', version: '1.2.0', health: hostCheck(B) },
    ],
  });
  const free = (host: string): LockInfo => ({ held: false, who: '', since: '', action: '', version: '', host, hosts: [] });

  it('takes a host check into that host and the combined health, and the target check as before', () => {
    const down = hostCheck(B, { state: 'DOWN', reason: 'status 503' });
    const t = withCheck(web, down);
    expect(t.hosts?.map((h) => h.health?.state)).toEqual(['UP', 'DOWN']);
    expect(t.health?.hosts?.[1]).toBe(down);
    expect(withCheck(web, check({ name: 'target:other@deploy@a:22' }))).toBe(web);
    expect(withCheck(web, check({ state: 'DOWN' })).health?.state).toBe('DOWN');
  });

  it('offers its buttons and logs like a target with one host', () => {
    expect(blocked(web, 'restart')).toBe('');
    expect(noLogs(web)).toBe('');
  });

  it("says each host's lock", () => {
    const now = Date.parse('2026-01-01T00:03:00Z');
    const held: LockInfo = { held: true, who: 'bob@ci', since: '2026-01-01T00:00:00Z', action: 'deploy', version: '1.3.0', host: B, hosts: [] };
    const lock: LockInfo = { ...held, hosts: [free(A), held] };
    expect(locksText(lock, now)).toBe(`${B}: held by bob@ci (deploy of 1.3.0) since 3m ago`);
    expect(locksText({ ...free(''), hosts: [free(A), free(B)] }, now)).toBe('free on all 2 hosts');
    expect(hostLock(lock, B)).toBe(held);
    expect(hostLock('cannot read', B)).toBe('cannot read');
    expect(hostLock(undefined, B)).toBeUndefined();
  });

  it("says how a restart went on each host", () => {
    expect(hostResultText({ host: A, state: 'done', release: 'r1', failure: '' })).toBe(`✓ ${A} done`);
    expect(hostResultText({ host: B, state: 'failed', release: '', failure: 'locked' })).toBe(`✗ ${B} failed`);
    expect(hostResultText({ host: B, state: 'not run', release: '', failure: '' })).toBe(`– ${B} not run`);
  });
});
