// Why a run started, in the words the runs list and the run detail show.

import type { RunInfo } from './types';

export interface Cause {
  /** Short: the first changed file and "+N" for a change, else the trigger word. */
  text: string;
  /** Long, for the title attribute: every changed file kept, one a line. */
  title: string;
}

const TRIGGERS: Record<string, string> = {
  manual: 'Started by hand (Run button or eightfold run)',
  start: 'Started when watching began',
  change: 'Started by a file change',
  ci: 'Imported from a CI run (eightfold import)',
};

/** The trigger as a run's header names it: "CI" for an imported CI run, else the trigger word. */
export function triggerLabel(trigger: string): string {
  return trigger === 'ci' ? 'CI' : trigger;
}

/** The changed files a run keeps and how many more changed beyond them. */
export function changedFiles(run: Pick<RunInfo, 'changed_files' | 'changed_count'>): { files: string[]; more: number } {
  const files = run.changed_files ?? [];
  return { files, more: Math.max(0, run.changed_count - files.length) };
}

export function runCause(run: Pick<RunInfo, 'trigger' | 'name' | 'changed_files' | 'changed_count'>): Cause {
  const describe = TRIGGERS[run.trigger] ?? `Trigger: ${run.trigger}`;
  if (run.trigger !== 'change') return { text: triggerLabel(run.trigger), title: run.name ? `${describe}: ${run.name}` : describe };
  const { files, more } = changedFiles(run);
  if (!files.length) return { text: run.trigger, title: more ? `${describe}: ${more} files` : describe };
  const others = files.length - 1 + more;
  return {
    text: others ? `${files[0]} +${others}` : files[0],
    title: [...files, ...(more ? [`and ${more} more`] : [])].join('\n'),
  };
}
