// The CI export panel's pure parts: the engines, what each status of the file means, when
// writing is allowed and what to say once it is done (docs/ci.md).

import type { CIEngine, CIExport } from './types';

export interface EngineInfo {
  id: CIEngine;
  label: string;
  /** Where the export goes, relative to the repository. */
  path: string;
}

/** The engines in the order offered. */
export const ENGINES: readonly EngineInfo[] = [
  { id: 'github-actions', label: 'GitHub Actions', path: '.github/workflows/eightfold.yml' },
  { id: 'gitlab-ci', label: 'GitLab CI', path: '.gitlab-ci.yml' },
];

/** The engine's name as people say it; the id itself for one this version does not know. */
export function engineLabel(id: string): string {
  return ENGINES.find((e) => e.id === id)?.label ?? id;
}

/** A status as a badge and a sentence; tone picks the badge's colour. */
export interface StatusView {
  label: string;
  tone: 'ok' | 'info' | 'warn';
  explain: string;
}

/** What a preview's status means for the file at path. */
export function statusView(status: string, path: string): StatusView {
  switch (status) {
    case 'new':
      return { label: 'new', tone: 'info', explain: `There is no ${path} yet: writing creates it.` };
    case 'unchanged':
      return { label: 'unchanged', tone: 'ok', explain: `${path} is this export already: there is nothing to write.` };
    case 'changed':
      return {
        label: 'will change',
        tone: 'info',
        explain: `${path} is an earlier export, not edited since: writing replaces it with this one.`,
      };
    case 'hand-edited':
      return {
        label: 'hand-edited',
        tone: 'warn',
        explain: `${path} was changed by hand since it was exported (or was not written by Eightfold). Move the change into eightfold.yaml, or overwrite it: writing replaces those edits.`,
      };
    default:
      return { label: status, tone: 'info', explain: '' };
  }
}

/** Whether Write may be pressed: there is something to write, and a hand edit is to be overwritten only once confirmed. */
export function canWrite(preview: CIExport | null, overwrite: boolean): boolean {
  if (!preview || preview.status === 'unchanged') return false;
  return preview.status !== 'hand-edited' || overwrite;
}

/**
 * Whether two previews show the same file in the same state: the "Overwrite my edits" tick
 * survives a reload (a focus, a project refresh) that shows the same file, and no other.
 */
export function sameFile(a: CIExport | null, b: CIExport | null): boolean {
  if (!a || !b) return false;
  return (
    a.engine === b.engine &&
    a.path === b.path &&
    a.existing === b.existing &&
    a.status === b.status &&
    a.diff === b.diff &&
    a.content === b.content
  );
}

/** What Export did, in a sentence; `previewed` is the content shown before, to say when the file differs from it. */
export function exportOutcome(result: CIExport, previewed: string | null): string {
  const diff = result.diff ? ` (${result.diff})` : '';
  const commit = `commit it to run the pipeline on ${engineLabel(result.engine)}.`;
  let said: string;
  if (!result.written) said = `${result.path} is up to date: nothing was written.`;
  else if (result.status === 'new') said = `Wrote ${result.path}: ${commit}`;
  else if (result.status === 'hand-edited') said = `Overwrote the hand edits in ${result.path}${diff}: ${commit}`;
  else said = `Updated ${result.path}${diff}: ${commit}`;
  if (previewed !== null && previewed !== result.content) {
    said += ' eightfold.yaml changed after the preview: the file holds the newer export shown below.';
  }
  return said;
}

/** The lines of a file, without the empty one after its final newline. */
export function fileLines(content: string): string[] {
  if (content === '') return [];
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
