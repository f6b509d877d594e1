// Words and marks for run and step states, so a state never rests on colour alone.

import type { RunStatus, StepInfo, StepStatus, TestStatus } from './types';

export type Status = RunStatus | StepStatus | TestStatus;

const MARKS: Record<Status, string> = {
  pending: '○',
  running: '◐',
  passed: '✓',
  failed: '✗',
  error: '!',
  timeout: '⧗',
  cancelled: '⊘',
  interrupted: '⚡',
  skipped: '↷',
  errored: '!',
};

/** The mark of a flaky test (passed only on a retry, or flipping between runs). */
export const FLAKY_MARK = '~';

export function statusMark(status: Status): string {
  return MARKS[status] ?? '?';
}

const FAILURES: ReadonlySet<Status> = new Set(['failed', 'error', 'timeout']);

/** The step worth showing first: the first failure, else the running one, else the last that ran. */
export function pickStep(steps: StepInfo[]): StepInfo | undefined {
  return (
    steps.find((s) => FAILURES.has(s.status)) ??
    steps.find((s) => s.status === 'running') ??
    steps.findLast((s) => s.status !== 'pending' && s.status !== 'skipped') ??
    steps[0]
  );
}
