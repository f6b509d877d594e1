import { describe, expect, it } from 'vitest';
import { project, run, watchState as watching } from '../testing/fake';
import { documentTitle } from './title';

describe('documentTitle', () => {
  it('shows the newest run and the project', () => {
    expect(documentTitle(project(), run({ status: 'running' }), watching())).toBe('● running — demo');
    expect(documentTitle(project(), run({ status: 'passed' }), watching())).toBe('✔ passed — demo');
    expect(documentTitle(project(), run({ status: 'failed' }), watching())).toBe('✖ failed — demo');
    expect(documentTitle(project(), run({ status: 'cancelled' }), null)).toBe('⊘ cancelled — demo');
  });

  it('adds test counts when there are some', () => {
    const tests = { total: 42, passed: 39, failed: 3, skipped: 0, flaky: 0 };
    expect(documentTitle(project(), run({ status: 'passed', tests: { ...tests, failed: 0 } }), null)).toBe('✔ passed · 42 tests — demo');
    expect(documentTitle(project(), run({ status: 'failed', tests }), null)).toBe('✖ failed · 3 of 42 tests — demo');
  });

  it('names flaky tests, and counts tests while the run goes', () => {
    const tests = { total: 42, passed: 41, failed: 0, skipped: 1, flaky: 2 };
    expect(documentTitle(project(), run({ status: 'passed', tests }), null)).toBe('✔ passed · 42 tests, 2 flaky — demo');
    expect(documentTitle(project(), run({ status: 'failed', tests: { ...tests, failed: 1, flaky: 1 } }), null)).toBe(
      '✖ failed · 1 of 42 tests, 1 flaky — demo',
    );
    expect(documentTitle(project(), run({ status: 'running', tests: { ...tests, total: 1, flaky: 0 } }), null)).toBe(
      '● running · 1 test — demo',
    );
    expect(documentTitle(project(), run({ status: 'running', tests: { ...tests, failed: 3, flaky: 0 } }), null)).toBe(
      '● running · 42 tests, 3 failed — demo',
    );
    expect(documentTitle(project(), run({ status: 'cancelled', tests }), null)).toBe('⊘ cancelled — demo');
  });

  it('says when auto-run is paused, but not when nothing is watched', () => {
    expect(documentTitle(project(), run(), watching({ auto: false }))).toBe('✔ passed — demo (paused)');
    expect(documentTitle(project(), null, watching({ auto: false }))).toBe('Eightfold — demo (paused)');
    expect(documentTitle(project(), run(), watching({ watching: false, auto: false }))).toBe('✔ passed — demo');
  });

  it('is plain without a project', () => {
    expect(documentTitle(null, null, null)).toBe('Eightfold');
  });
});
