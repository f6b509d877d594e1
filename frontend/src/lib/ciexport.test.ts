import { describe, expect, it } from 'vitest';
import { ENGINES, canWrite, engineLabel, exportOutcome, fileLines, sameFile, statusView } from './ciexport';
import { ciExport } from '../testing/fake';

const exp = ciExport;

describe('engines', () => {
  it('offers GitHub Actions first, with the paths the backend writes', () => {
    expect(ENGINES.map((e) => [e.id, e.path])).toEqual([
      ['github-actions', '.github/workflows/eightfold.yml'],
      ['gitlab-ci', '.gitlab-ci.yml'],
    ]);
    expect(engineLabel('gitlab-ci')).toBe('GitLab CI');
    expect(engineLabel('jenkins')).toBe('jenkins');
  });
});

describe('statusView', () => {
  it.each([
    ['new', 'new', 'info', 'There is no .gitlab-ci.yml yet'],
    ['unchanged', 'unchanged', 'ok', 'nothing to write'],
    ['changed', 'will change', 'info', 'an earlier export, not edited since'],
    ['hand-edited', 'hand-edited', 'warn', 'writing replaces those edits'],
  ])('%s → badge %s', (status, label, tone, explain) => {
    const v = statusView(status, '.gitlab-ci.yml');
    expect(v.label).toBe(label);
    expect(v.tone).toBe(tone);
    expect(v.explain).toContain(explain);
  });

  it('shows a status of a newer backend as it is', () => {
    expect(statusView('stale', 'x.yml')).toEqual({ label: 'stale', tone: 'info', explain: '' });
  });
});

describe('sameFile', () => {
  it('is the same engine, path, file there, status, diff and content', () => {
    expect(sameFile(exp(), exp())).toBe(true);
    expect(sameFile(null, exp())).toBe(false);
    expect(sameFile(exp(), null)).toBe(false);
    expect(sameFile(exp(), exp({ engine: 'gitlab-ci' }))).toBe(false);
    expect(sameFile(exp(), exp({ path: '.gitlab-ci.yml' }))).toBe(false);
    expect(sameFile(exp({ status: 'hand-edited' }), exp({ status: 'changed' }))).toBe(false);
    expect(sameFile(exp({ diff: '+1 -0 lines' }), exp({ diff: '+2 -0 lines' }))).toBe(false);
    expect(sameFile(exp(), exp({ content: 'name: other\n' }))).toBe(false);
    expect(sameFile(exp({ existing: 'a1' }), exp({ existing: 'b2' }))).toBe(false);
  });
});

describe('canWrite', () => {
  it('needs a preview with something to write', () => {
    expect(canWrite(null, false)).toBe(false);
    expect(canWrite(exp({ status: 'unchanged' }), true)).toBe(false);
    expect(canWrite(exp({ status: 'new' }), false)).toBe(true);
    expect(canWrite(exp({ status: 'changed' }), false)).toBe(true);
  });

  it('overwrites a hand-edited file only once confirmed', () => {
    expect(canWrite(exp({ status: 'hand-edited' }), false)).toBe(false);
    expect(canWrite(exp({ status: 'hand-edited' }), true)).toBe(true);
  });
});

describe('exportOutcome', () => {
  const content = 'name: eightfold\non: push\n';

  it.each([
    [exp({ status: 'new', written: true }), 'Wrote .github/workflows/eightfold.yml: commit it to run the pipeline on GitHub Actions.'],
    [
      exp({ engine: 'gitlab-ci', path: '.gitlab-ci.yml', status: 'changed', diff: '+3 -1 lines', written: true }),
      'Updated .gitlab-ci.yml (+3 -1 lines): commit it to run the pipeline on GitLab CI.',
    ],
    [
      exp({ status: 'hand-edited', diff: '+0 -2 lines', written: true }),
      'Overwrote the hand edits in .github/workflows/eightfold.yml (+0 -2 lines): commit it to run the pipeline on GitHub Actions.',
    ],
    [exp({ status: 'unchanged', written: false }), '.github/workflows/eightfold.yml is up to date: nothing was written.'],
  ])('%#: says what happened', (result, said) => {
    expect(exportOutcome(result, content)).toBe(said);
  });

  it('says when the file is not what the preview showed', () => {
    const said = exportOutcome(exp({ status: 'new', written: true, content: 'name: newer\n' }), content);
    expect(said).toContain('eightfold.yaml changed after the preview');
  });
});

describe('fileLines', () => {
  it.each([
    ['', []],
    ['a\nb\n', ['a', 'b']],
    ['a\nb', ['a', 'b']],
    ['a\n\nb\n\n', ['a', '', 'b', '']],
  ])('%j', (content, lines) => {
    expect(fileLines(content)).toEqual(lines);
  });
});
