// The Operate place's pure logic: a log stream's lines as the view keeps them (capped, with
// markers for what was skipped), and what the health, lock and buttons of a target say.

import { formatRelative, plural } from './format';
import type { CheckInfo, LockInfo, LogBatch, OperateHostResult, OperateTarget } from './types';

/** How many lines of a log the view keeps. */
export const LOG_KEEP = 2000;

/** A line of a log as shown: a marker stands for lines that are not shown. */
export interface LogLine {
  /** Stable key for the list. */
  n: number;
  text: string;
  marker: boolean;
}

/** A log stream as the view keeps it. */
export interface LogView {
  stream: string;
  lines: LogLine[];
  /** The next line's key. */
  next: number;
  /** Lines gone from the top: beyond what the view keeps. */
  dropped: number;
  ended: boolean;
  reason: string;
  failed: boolean;
}

export function emptyLog(stream: string): LogView {
  return { stream, lines: [], next: 0, dropped: 0, ended: false, reason: '', failed: false };
}

/** Adds a batch to a log: a marker where lines were skipped, then its lines; the oldest go beyond `keep`. */
export function appendLog(view: LogView, batch: LogBatch, keep = LOG_KEEP): LogView {
  if (batch.stream !== view.stream) return view;
  let next = view.next;
  const add: LogLine[] = [];
  if (batch.skipped > 0) add.push({ n: next++, text: `… ${plural(batch.skipped, 'line')} skipped: the output came faster than it can be shown`, marker: true });
  for (const text of batch.lines) add.push({ n: next++, text, marker: false });
  let lines = view.lines.concat(add);
  let dropped = view.dropped;
  if (lines.length > keep) {
    const gone = lines.slice(0, lines.length - keep);
    dropped += gone.filter((l) => !l.marker).length;
    lines = lines.slice(gone.length);
  }
  return { ...view, lines, next, dropped, ended: batch.ended, reason: batch.reason, failed: batch.failed };
}

/** The note above a log that lost its oldest lines; "" when it has them all. */
export function droppedText(view: LogView): string {
  return view.dropped > 0 ? `… ${plural(view.dropped, 'earlier line')} not kept` : '';
}

/** What a health check says in a word: UP, DOWN, PENDING, or that it is not monitored now. */
export function healthWord(check: CheckInfo | null): string {
  if (!check) return 'no health check';
  return check.state || 'not monitored';
}

/** The uptime of 7 days as a percentage ("99.5%"); "" without results. */
export function uptimeText(check: CheckInfo | null): string {
  if (!check || check.uptime_7d < 0) return '';
  const pct = check.uptime_7d * 100;
  return `${pct === 100 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** The last result of a check in short: "200 · 12 ms", or why it failed. */
export function lastResult(check: CheckInfo | null): string {
  if (!check) return '';
  if (check.reason) return check.reason;
  if (!check.status) return '';
  return `${check.status} · ${check.took_ms} ms`;
}

/** Who holds a lock, for people: "bob@ci (deploy of 1.2.0) since 3m ago". */
export function lockText(lock: LockInfo, now: number): string {
  const who = lock.who || 'someone unknown (the lock has no holder file)';
  const what = lock.action ? ` (${lock.action}${lock.version ? ` of ${lock.version}` : ''})` : '';
  const since = lock.since ? ` since ${formatRelative(lock.since, now)}` : '';
  return `${who}${what}${since}`;
}

/** Why a button of a target cannot be pressed; "" when it can. */
export function blocked(target: OperateTarget, action: 'restart' | 'stop'): string {
  if (action === 'restart' && !target.start) return 'The target has no start: command in eightfold.yaml.';
  if (action === 'stop' && !target.stop) return 'The target has no stop: command in eightfold.yaml.';
  if (!target.running) return 'Nothing is deployed to this target yet.';
  return '';
}

/** Why a target shows no logs; "" when it has a source. */
export function noLogs(target: OperateTarget): string {
  return target.logs ? '' : 'This ssh target has no logs: command in eightfold.yaml (such as journalctl -u app -f -n 200).';
}

/** A target with a check of check.updated: its own ("target:NAME"), or one of its hosts' ("target:NAME@HOST"). */
export function withCheck(target: OperateTarget, check: CheckInfo): OperateTarget {
  if (check.name === `target:${target.name}`) return { ...target, health: check };
  if (!target.hosts?.some((h) => check.name === `target:${target.name}@${h.host}`)) return target;
  const hosts = target.hosts.map((h) => (check.name === `target:${target.name}@${h.host}` ? { ...h, health: check } : h));
  const health = target.health && { ...target.health, hosts: target.health.hosts?.map((c) => (c.name === check.name ? check : c)) };
  return { ...target, hosts, health };
}

/** A host's lock in a target's lock (undefined while not read; the target's error when it could not be read). */
export function hostLock(lock: LockInfo | string | undefined, host: string): LockInfo | string | undefined {
  if (lock === undefined || typeof lock === 'string') return lock;
  return lock.hosts?.find((l) => l.host === host);
}

/** The lock of a target with several hosts in short: who holds it on which host, else free on all. */
export function locksText(lock: LockInfo, now: number): string {
  const held = lock.hosts?.filter((l) => l.held) ?? [];
  if (!held.length) return `free on all ${lock.hosts?.length ?? 0} hosts`;
  return held.map((l) => `${l.host}: held by ${lockText(l, now)}`).join('; ');
}

const HOST_MARKS: Record<string, string> = { done: '✓', failed: '✗', 'not run': '–' };

/** A host's line in a restart's or stop's result: "✓ host done". */
export function hostResultText(h: OperateHostResult): string {
  return `${HOST_MARKS[h.state] ?? '?'} ${h.host} ${h.state}`;
}
