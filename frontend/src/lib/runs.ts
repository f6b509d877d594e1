// Which of a project's runs is the newest, by the backend's rule (store.LatestRun): the run
// going, else the one that finished last. Run ids are the order runs were recorded in, not the
// order they ran in: a CI run of an older commit, imported late, has a higher id than the newer
// local runs, and its reports say when it ran.

import type { RunInfo } from './types';

/**
 * Whether run a is older than run b: a run going is newer than one that is over; of two over,
 * the one that finished first is older; at the same time, an imported CI run is older than a
 * local one (the backend takes a CI run only when it finished later); else, or at a time that
 * does not parse, the one with the lower id.
 */
export function olderRun(a: RunInfo, b: RunInfo): boolean {
  const aGoing = a.status === 'running';
  if (aGoing !== (b.status === 'running')) return !aGoing;
  const ta = Date.parse(a.finished_at);
  const tb = Date.parse(b.finished_at);
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta < tb;
  const aCI = a.trigger === 'ci';
  if (ta === tb && aCI !== (b.trigger === 'ci')) return aCI;
  return a.id < b.id;
}

/** The run going, else the one that finished last; null when there are none. */
export function newestRun(runs: readonly RunInfo[]): RunInfo | null {
  return runs.reduce<RunInfo | null>((best, r) => (!best || olderRun(best, r) ? r : best), null);
}
