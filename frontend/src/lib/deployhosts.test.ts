import { describe, expect, it } from 'vitest';
import { hostBadge, hostRuns, hostTook, targetHosts, targetWhere } from './deployhosts';
import type { HostInfo, TargetHostInfo } from './types';

function host(over: Partial<HostInfo> = {}): HostInfo {
  return {
    host: 'deploy@10.0.0.11:22',
    state: 'deployed',
    release: '20261126T090000.000Z-0.4.1',
    version: '0.4.1',
    previous: '20261126T081502.114Z-0.4.0',
    previous_version: '0.4.0',
    current: '20261126T090000.000Z-0.4.1',
    failure: '',
    took_ms: 9_800,
    ...over,
  };
}

describe('hostBadge', () => {
  it.each([
    ['untouched', 'deploy', 'untouched', 'dim'],
    ['running', 'deploy', 'deploying', 'run'],
    ['running', 'rollback', 'rolling back', 'run'],
    ['deployed', 'promote', 'deployed', 'ok'],
    ['failed', 'deploy', 'failed', 'fail'],
    ['rolled back', 'deploy', 'rolled back', 'warn'],
    ['paused', 'deploy', 'paused', 'dim'],
  ])('%s in a %s → %s (%s)', (state, kind, label, tone) => {
    const b = hostBadge(state, kind);
    expect([b.label, b.tone]).toEqual([label, tone]);
    expect(b.mark).not.toBe('');
  });
});

describe('hostRuns', () => {
  it.each<[string, Partial<HostInfo>, string]>([
    ['deployed', {}, '0.4.1'],
    ['running', { state: 'running', current: '' }, '→ 0.4.1'],
    ['switched back', { state: 'rolled back', current: '20261126T081502.114Z-0.4.0' }, 'back on 0.4.0'],
    ['switched back after a first deploy', { state: 'rolled back', previous: '', previous_version: '', current: '' }, 'stopped: it had no earlier release'],
    ['failed and kept the old release', { state: 'failed', current: '20261126T081502.114Z-0.4.0' }, '0.4.1 failed; still on 0.4.0'],
    ['failed on a first deploy', { state: 'failed', previous: '', previous_version: '', current: '' }, '0.4.1 failed; nothing is current'],
    ['not reached', { state: 'untouched', release: '', version: '', current: '' }, 'not touched'],
  ])('%s', (_, over, said) => {
    expect(hostRuns(host(over))).toBe(said);
  });
});

describe('targetHosts', () => {
  const th = (h: string, version: string): TargetHostInfo => ({ host: h, path: '/srv/app', release: version ? `r-${version}` : '', version });

  it('is not mixed when every host runs one version', () => {
    const v = targetHosts({ hosts: [th('a', '0.4.0'), th('b', '0.4.0')], current: null });
    expect(v.mixed).toBe(false);
    expect(v.common).toBe('0.4.0');
    expect(v.hosts.map((h) => h.differs)).toEqual([false, false]);
  });

  it('flags the host on another version than most', () => {
    const v = targetHosts({ hosts: [th('a', '0.4.0'), th('b', '0.3.9'), th('c', '0.4.0')], current: null });
    expect(v.mixed).toBe(true);
    expect(v.common).toBe('0.4.0');
    expect(v.hosts.filter((h) => h.differs).map((h) => h.host)).toEqual(['b']);
  });

  it('flags a host with nothing known while the others run something', () => {
    const v = targetHosts({ hosts: [th('a', '0.4.0'), th('b', ''), th('c', '0.4.0')], current: null });
    expect(v.mixed).toBe(true);
    expect(v.hosts.filter((h) => h.differs).map((h) => h.host)).toEqual(['b']);
  });

  it("breaks a tie with the target's current version", () => {
    const current = { version: '0.4.1' } as Parameters<typeof targetHosts>[0]['current'];
    const v = targetHosts({ hosts: [th('a', '0.4.0'), th('b', '0.4.1')], current });
    expect(v.common).toBe('0.4.1');
    expect(v.hosts.filter((h) => h.differs).map((h) => h.host)).toEqual(['a']);
  });

  it('has no hosts for a target with one', () => {
    expect(targetHosts({ hosts: [], current: null }).hosts).toEqual([]);
    expect(targetHosts({ current: null }).mixed).toBe(false);
  });
});

describe('targetWhere', () => {
  it.each<[Parameters<typeof targetWhere>[0], string]>([
    [{ kind: 'local', host: 'local' }, 'local'],
    [{ kind: 'ssh', host: 'deploy@203.0.113.10:22', hosts: [] }, 'ssh · deploy@203.0.113.10:22'],
    [{ kind: 'ssh', host: 'deploy@203.0.113.10:22' }, 'ssh · deploy@203.0.113.10:22'],
    [{ kind: 'ssh', host: 'a, b, c', hosts: [{} as TargetHostInfo, {} as TargetHostInfo, {} as TargetHostInfo], parallel: 1 }, 'ssh · 3 hosts'],
    [{ kind: 'ssh', host: 'a, b, c', hosts: [{} as TargetHostInfo, {} as TargetHostInfo, {} as TargetHostInfo], parallel: 2 }, 'ssh · 3 hosts, 2 at a time'],
  ])('%j → %s', (target, said) => {
    expect(targetWhere(target)).toBe(said);
  });
});

describe('hostTook', () => {
  const started = '2026-11-26T09:00:00.000Z';
  const at = (s: number) => Date.parse(started) + s * 1000;

  it('counts a deploying host from its start', () => {
    expect(hostTook(host({ state: 'running', started_at: started, took_ms: 0 }), at(4.2))).toBe('4.2s');
    expect(hostTook(host({ state: 'running', started_at: started, took_ms: 0 }), at(75))).toBe('1m 15s');
  });

  it('has its own figure once it ended, and nothing while untouched or without a start', () => {
    expect(hostTook(host({ started_at: started }), at(600))).toBe('9.8s');
    expect(hostTook(host({ state: 'untouched', started_at: '' }), at(1))).toBe('');
    expect(hostTook(host({ state: 'running', started_at: '' }), at(1))).toBe('');
  });
});
