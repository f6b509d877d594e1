// The hosts of a target with several of them (docs/deploy-vps.md, section 10): each host's
// state in a rollout as a badge, what it runs after it, how long it took (live while it runs), and which hosts of a target run a
// version the others do not.

import { formatDuration, plural } from './format';
import type { HostInfo, TargetHostInfo, TargetInfo } from './types';

/** ok: deployed; fail: failed; warn: switched back; run: under way; dim: not reached. */
export type HostTone = 'ok' | 'fail' | 'warn' | 'run' | 'dim';

export interface HostBadge {
  label: string;
  tone: HostTone;
  /** A mark beside the word, so the state never rests on colour alone. */
  mark: string;
}

const BADGES: Record<string, HostBadge> = {
  untouched: { label: 'untouched', tone: 'dim', mark: '–' },
  running: { label: 'deploying', tone: 'run', mark: '◐' },
  deployed: { label: 'deployed', tone: 'ok', mark: '✓' },
  failed: { label: 'failed', tone: 'fail', mark: '✗' },
  'rolled back': { label: 'rolled back', tone: 'warn', mark: '↺' },
};

/** The badge of a host's state in a deploy of this kind (a rollback's running host is "rolling back"). */
export function hostBadge(state: string, kind: string): HostBadge {
  if (state === 'running' && kind === 'rollback') return { ...BADGES.running, label: 'rolling back' };
  return BADGES[state] ?? { label: state, tone: 'dim', mark: '?' };
}

/** What a host runs after (or, while running, is getting from) the rollout, in a few words. */
export function hostRuns(h: HostInfo): string {
  const version = h.version || h.release;
  const previous = h.previous_version || h.previous;
  switch (h.state) {
    case 'deployed':
      return version;
    case 'running':
      return version ? `→ ${version}` : '';
    case 'rolled back':
      return h.previous ? `back on ${previous}` : 'stopped: it had no earlier release';
    case 'failed':
      if (!h.current) return `${version} failed; nothing is current`;
      if (h.current === h.previous) return `${version} failed; still on ${previous}`;
      return h.current === h.release ? version : h.current;
    case 'untouched':
      return 'not touched';
    default:
      return h.current;
  }
}

/** How long a host took: live from its started_at while it deploys (at now), its own figure once it ended; "" when untouched. */
export function hostTook(h: Pick<HostInfo, 'state' | 'started_at' | 'took_ms'>, now: number): string {
  if (h.state === 'untouched') return '';
  if (h.state !== 'running') return formatDuration(h.took_ms);
  const started = h.started_at ? Date.parse(h.started_at) : NaN;
  return Number.isNaN(started) ? '' : formatDuration(Math.max(0, now - started));
}

/** A target's host with what it runs, and whether that is not what most of its hosts run. */
export interface HostVersion extends TargetHostInfo {
  differs: boolean;
}

export interface TargetHosts {
  hosts: HostVersion[];
  /** The version most hosts run ("" when none is known); the ones that differ are flagged. */
  common: string;
  /** Not every host runs the same version (or some are unknown while others are not). */
  mixed: boolean;
}

/** The hosts of a target with the odd ones out flagged; a tie goes to the target's current version. */
export function targetHosts(target: Pick<TargetInfo, 'hosts' | 'current'>): TargetHosts {
  const hosts = target.hosts ?? [];
  const counts = new Map<string, number>();
  for (const h of hosts) counts.set(h.version, (counts.get(h.version) ?? 0) + 1);
  const preferred = target.current?.version ?? '';
  let common = '';
  let best = 0;
  for (const [version, n] of counts) {
    if (n > best || (n === best && version === preferred)) [common, best] = [version, n];
  }
  return { hosts: hosts.map((h) => ({ ...h, differs: h.version !== common })), common, mixed: counts.size > 1 };
}

/** The card's "where" of a target: "ssh · 3 hosts, 2 at a time", else its one host. */
export function targetWhere(target: Pick<TargetInfo, 'kind' | 'host' | 'hosts' | 'parallel'>): string {
  if (target.kind === 'local') return 'local';
  const n = target.hosts?.length ?? 0;
  if (n === 0) return `${target.kind} · ${target.host}`;
  const waves = (target.parallel ?? 1) > 1 ? `, ${target.parallel} at a time` : '';
  return `${target.kind} · ${plural(n, 'host')}${waves}`;
}
