// The browser tab's title: the newest run's state at a glance. The desktop window's title is
// set by Go.

import { plural } from './format';
import type { ProjectInfo, RunInfo, RunStatus, WatchState } from './types';

const MARKS: Record<RunStatus, string> = {
  running: '●',
  passed: '✔',
  failed: '✖',
  error: '✖',
  cancelled: '⊘',
  interrupted: '⚡',
};

// The counts after the status: the tests so far while running (updated live by run.updated),
// the failures of a failed run, the total of a passed one; flaky ones are named, since a green
// run that only passed on retries is worth a second look.
function tests(run: RunInfo): string {
  const { total, failed, flaky } = run.tests;
  if (total === 0) return '';
  const flakyText = flaky > 0 ? `, ${flaky} flaky` : '';
  if (run.status === 'running') return ` · ${plural(total, 'test')}${failed > 0 ? `, ${failed} failed` : ''}${flakyText}`;
  if (run.status === 'passed') return ` · ${plural(total, 'test')}${flakyText}`;
  if (run.status === 'failed' && failed > 0) return ` · ${failed} of ${plural(total, 'test')}${flakyText}`;
  return '';
}

/** "● running · 120 tests — demo", "✔ passed · 42 tests, 1 flaky — demo", "✖ failed · 3 of 42 tests — demo (paused)". */
export function documentTitle(project: ProjectInfo | null, newest: RunInfo | null, watch: WatchState | null): string {
  if (!project) return 'Eightfold';
  const paused = watch?.watching && !watch.auto ? ' (paused)' : '';
  if (!newest) return `Eightfold — ${project.name}${paused}`;
  const mark = MARKS[newest.status] ?? '?';
  return `${mark} ${newest.status}${tests(newest)} — ${project.name}${paused}`;
}
