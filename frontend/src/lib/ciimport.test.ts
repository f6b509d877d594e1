import { describe, expect, it } from 'vitest';
import { run } from '../testing/fake';
import { REPORT_FORMATS, importedSummary, reportPaths } from './ciimport';

describe('reportPaths', () => {
  it('takes one path a line, trimmed, without blank lines', () => {
    expect(reportPaths('  reports/a.xml\n\n\t~/Downloads/b.xml  \r\n   \n/tmp/c.xml')).toEqual(['reports/a.xml', '~/Downloads/b.xml', '/tmp/c.xml']);
  });

  it('is empty for nothing but blanks', () => {
    expect(reportPaths('')).toEqual([]);
    expect(reportPaths(' \n \n')).toEqual([]);
  });
});

describe('importedSummary', () => {
  const tests = { total: 18, passed: 8, failed: 7, skipped: 3, flaky: 1 };

  it('names the run, its commit, branch and tests', () => {
    expect(importedSummary(run({ name: 'GitHub: main', commit: '4f1c2e0aabbccdd', tests }))).toBe(
      '"GitHub: main" of 4f1c2e0 on main: 18 tests, 8 passed, 7 failed, 3 skipped.',
    );
  });

  it('leaves out a branch it has not, and counts that are 0', () => {
    const one = { total: 1, passed: 1, failed: 0, skipped: 0, flaky: 0 };
    expect(importedSummary(run({ name: 'CI: junit (ok.xml)', commit: 'abcdef0123', branch: '', tests: one }))).toBe(
      '"CI: junit (ok.xml)" of abcdef0: 1 test, 1 passed.',
    );
  });
});

describe('REPORT_FORMATS', () => {
  it('offers what `eightfold import` reads, JUnit first', () => {
    expect(REPORT_FORMATS.map((f) => f.id)).toEqual(['junit', 'go-test-json']);
  });
});
