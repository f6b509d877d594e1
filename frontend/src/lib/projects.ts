// The start screen's and the project switcher's pure parts: how long ago a folder was opened,
// the recent list with what is open, the open projects with their last run.

import { plural } from './format';
import { olderRun } from './runs';
import { statusMark } from './status';
import type { OpenProject, ProjectsInfo, RecentProject, RunInfo, RunStatus } from './types';

/** How many recent folders the start screen lists (the API sends at most this many). */
export const MAX_RECENT = 20;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "opened just now", "opened 5 minutes ago", "opened 3 days ago", "opened 2 months ago", "opened over a year ago". */
export function openedAgo(openedMs: number, now: number): string {
  if (!openedMs) return 'never opened';
  const ms = Math.max(0, now - openedMs);
  if (ms < MINUTE) return 'opened just now';
  if (ms < HOUR) return `opened ${plural(Math.floor(ms / MINUTE), 'minute')} ago`;
  if (ms < DAY) return `opened ${plural(Math.floor(ms / HOUR), 'hour')} ago`;
  const days = Math.floor(ms / DAY);
  if (days < 14) return `opened ${plural(days, 'day')} ago`;
  if (days < 60) return `opened ${plural(Math.floor(days / 7), 'week')} ago`;
  if (days < 365) return `opened ${plural(Math.floor(days / 30), 'month')} ago`;
  return 'opened over a year ago';
}

/** A recent folder as the start screen lists it: whether it is open, and the current one. */
export interface RecentEntry extends RecentProject {
  open: boolean;
  current: boolean;
}

/**
 * The recent folders newest first (ties keep the API's order), at most MAX_RECENT, marked open or
 * current; `current` is the newest word on it (a switch may be newer than `info`).
 */
export function recentEntries(info: ProjectsInfo | null, current = info?.current ?? ''): RecentEntry[] {
  if (!info) return [];
  const open = new Set(info.open.map((p) => p.path));
  return info.recent
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.openedMs - a.r.openedMs || a.i - b.i)
    .slice(0, MAX_RECENT)
    .map(({ r }) => ({ ...r, open: open.has(r.path), current: r.path === current }));
}

/**
 * The open projects in the API's order; the current one's last run is the live one when it is
 * known and not older than the listed one.
 */
export function openEntries(info: ProjectsInfo | null, currentRun: RunInfo | null = null, currentPath = info?.current ?? ''): OpenProject[] {
  if (!info) return [];
  return info.open.map((p) => {
    const current = p.path === currentPath;
    const live = current && currentRun && (!p.lastRun || !olderRun(currentRun, p.lastRun)) ? currentRun : p.lastRun;
    return { ...p, current, lastRun: live };
  });
}

/** The current open project, or null. */
export function currentProject(info: ProjectsInfo | null, current = info?.current ?? ''): OpenProject | null {
  if (!info || !current) return null;
  return info.open.find((p) => p.path === current) ?? null;
}

/** A project's status dot: its last run's status (or "none"), its mark and words for people. */
export interface RunDot {
  status: RunStatus | 'none';
  mark: string;
  label: string;
}

export function runDot(run: RunInfo | null): RunDot {
  if (!run) return { status: 'none', mark: '○', label: 'no runs yet' };
  return { status: run.status, mark: statusMark(run.status), label: `last run ${run.status}` };
}
