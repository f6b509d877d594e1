import { describe, expect, it } from 'vitest';
import { run } from '../testing/fake';
import { changedFiles, runCause, triggerLabel } from './cause';

describe('runCause', () => {
  it('names the first changed file and how many more', () => {
    const cause = runCause(run({ trigger: 'change', changed_files: ['a.go', 'b.go', 'c.go'], changed_count: 3 }));
    expect(cause).toEqual({ text: 'a.go +2', title: 'a.go\nb.go\nc.go' });
  });

  it('counts changes beyond the kept files', () => {
    const files = Array.from({ length: 100 }, (_, i) => `f${i}.txt`);
    const cause = runCause(run({ trigger: 'change', changed_files: files, changed_count: 250 }));
    expect(cause.text).toBe('f0.txt +249');
    expect(cause.title.split('\n')).toHaveLength(101);
    expect(cause.title.endsWith('\nand 150 more')).toBe(true);
  });

  it('shows a single file alone', () => {
    expect(runCause(run({ trigger: 'change', changed_files: ['web/app.ts'], changed_count: 1 })).text).toBe('web/app.ts');
  });

  it('falls back to the word when no files were kept', () => {
    expect(runCause(run({ trigger: 'change', changed_files: [], changed_count: 0 })).text).toBe('change');
  });

  it.each([
    ['manual', 'Started by hand (Run button or eightfold run)'],
    ['start', 'Started when watching began'],
    ['commit', 'Trigger: commit'],
  ])('uses the trigger word for %s', (trigger, title) => {
    expect(runCause(run({ trigger }))).toEqual({ text: trigger, title });
  });
});

describe('changedFiles', () => {
  it('tolerates a missing list', () => {
    expect(changedFiles({ changed_files: null as unknown as string[], changed_count: 4 })).toEqual({ files: [], more: 4 });
  });
});

describe('a CI run', () => {
  it('is labelled CI, with its name in the title', () => {
    expect(runCause(run({ trigger: 'ci', name: 'CI: junit (3 files)' }))).toEqual({
      text: 'CI',
      title: 'Imported from a CI run (eightfold import): CI: junit (3 files)',
    });
  });

  it('names other triggers by their word', () => {
    expect(triggerLabel('ci')).toBe('CI');
    expect(triggerLabel('change')).toBe('change');
  });
});
