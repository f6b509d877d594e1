// The browser tab's title: the newest run's state at a glance. The desktop window's title is
// set by Go.

import type { ProjectInfo, RunInfo, RunStatus, WatchState } from './types';

const MARKS: Record<RunStatus, string> = {
  running: '●',
  passed: '✔',
  failed: '✖',
  error: '✖',
  cancelled: '⊘',
  interrupted: '⚡',
};

function tests(run: RunInfo): string {
  const { total, failed } = run.tests;
  if (run.status === 'passed' && total > 0) return ` · ${total} ${total === 1 ? 'test' : 'tests'}`;
  if (run.status === 'failed' && failed > 0) return ` · ${failed} of ${total} ${total === 1 ? 'test' : 'tests'}`;
  return '';
}

/** "● running — demo", "✔ passed · 42 tests — demo", "✖ failed · 3 of 42 tests — demo (paused)". */
export function documentTitle(project: ProjectInfo | null, newest: RunInfo | null, watch: WatchState | null): string {
  if (!project) return 'Eightfold';
  const paused = watch?.watching && !watch.auto ? ' (paused)' : '';
  if (!newest) return `Eightfold — ${project.name}${paused}`;
  const mark = MARKS[newest.status] ?? '?';
  return `${mark} ${newest.status}${tests(newest)} — ${project.name}${paused}`;
}
