// Small formatters for times, durations, sizes and commits.

import type { RunInfo, StepInfo } from './types';

/** n and the word for that many: "1 host", "3 hosts", "0 hosts"; `many` is for words not made plural with an "s". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function shortSha(commit: string): string {
  return commit.slice(0, 7);
}

/** "850ms", "12.3s", "2m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A span of days or hours for plan figures: "45m", "5h 20m", "3d 4h", "12d". */
export function formatSpan(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  if (d >= 10 || h % 24 === 0) return `${d}d`;
  return `${d}d ${h % 24}h`;
}

/** "just now", "42s ago", "5m ago", "3h ago", "2d ago", then the date. */
export function formatRelative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.floor((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)}d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** "0 B", "512 B", "1.2 KiB", "3.4 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Duration so far: ticks with `now` while running, else what the server reported. */
export function liveDuration(item: Pick<RunInfo | StepInfo, 'status' | 'started_at' | 'duration_ms'>, now: number): number {
  if (item.status !== 'running') return item.duration_ms;
  const t = Date.parse(item.started_at);
  return Number.isNaN(t) ? item.duration_ms : Math.max(item.duration_ms, now - t);
}
