import { describe, expect, it } from 'vitest';
import { testResult as r } from '../testing/fake';
import { countResults, firstLine, flakyWhy, groupSuites, isFlaky, location, matches, splitName, visibleRows, type Row } from './testtree';

const results = [
  r({ id: 1, suite: 'pkg/b', name: 'TestB1' }),
  r({ id: 2, suite: 'pkg/a', name: 'TestA2', status: 'passed' }),
  r({ id: 3, suite: 'pkg/a', name: 'TestA1', status: 'failed', message: '\n  a_test.go:4: boom\nmore', file: 'a_test.go', line: 4 }),
  r({ id: 4, suite: 'pkg/c', name: 'TestC1', flaky: true, attempts: 2, duration_ms: 300 }),
  r({ id: 5, suite: 'pkg/c', name: 'TestC0', status: 'skipped', duration_ms: 0 }),
  r({ id: 6, suite: 'pkg/b', name: 'TestB2', duration_ms: 900 }),
  r({ id: 7, suite: 'pkg/d', name: '[build failed]', status: 'errored' }),
];

function names(rows: Row[]): string[] {
  return rows.map((row) => (row.kind === 'suite' ? `${row.expanded ? '▾' : '▸'}${row.suite.name}` : `  ${row.result.name}`));
}

describe('countResults', () => {
  it('counts errored as failed and flaky as passed too', () => {
    expect(countResults(results)).toEqual({ total: 7, passed: 4, failed: 2, skipped: 1, flaky: 1 });
  });
});

describe('groupSuites', () => {
  it('puts suites with failures first, then flaky ones, then the rest by name; failures first within a suite', () => {
    const suites = groupSuites(results);
    expect(suites.map((s) => s.name)).toEqual(['pkg/a', 'pkg/d', 'pkg/c', 'pkg/b']);
    expect(suites[0].results.map((x) => x.name)).toEqual(['TestA1', 'TestA2']);
    expect(suites[2].results.map((x) => x.name)).toEqual(['TestC1', 'TestC0']);
    expect(suites[3].durationMs).toBe(912);
    expect(suites[0].counts).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
  });

  it('sorts names with numbers as people do', () => {
    const suites = groupSuites([r({ id: 1, name: 'Test10' }), r({ id: 2, name: 'Test9' })]);
    expect(suites[0].results.map((x) => x.name)).toEqual(['Test9', 'Test10']);
  });
});

describe('matches', () => {
  it.each([
    ['all', '', 1, true],
    ['failed', '', 3, true],
    ['failed', '', 7, true],
    ['failed', '', 1, false],
    ['flaky', '', 4, true],
    ['flaky', '', 1, false],
    ['all', 'testb', 1, true],
    ['all', 'PKG/B', 6, true],
    ['all', 'nope', 1, false],
    ['failed', 'a1', 3, true],
  ] as const)('%s %j result %d → %s', (filter, search, id, want) => {
    expect(matches(results.find((x) => x.id === id)!, filter, search)).toBe(want);
  });
});

describe('visibleRows', () => {
  const suites = groupSuites(results);
  const none = () => undefined;

  it('opens the suites where something failed and folds the green ones', () => {
    expect(names(visibleRows(suites, { filter: 'all', search: '', expanded: none }))).toEqual([
      '▾pkg/a',
      '  TestA1',
      '  TestA2',
      '▾pkg/d',
      '  [build failed]',
      '▸pkg/c',
      '▸pkg/b',
    ]);
  });

  it("follows the user's choice for a suite", () => {
    const expanded = (s: string) => (s === 'pkg/a' ? false : s === 'pkg/b' ? true : undefined);
    expect(names(visibleRows(suites, { filter: 'all', search: '', expanded }))).toEqual([
      '▸pkg/a',
      '▾pkg/d',
      '  [build failed]',
      '▸pkg/c',
      '▾pkg/b',
      '  TestB1',
      '  TestB2',
    ]);
  });

  it('shows only the suites with a match, opened, with how many of their tests are shown', () => {
    const rows = visibleRows(suites, { filter: 'failed', search: '', expanded: none });
    expect(names(rows)).toEqual(['▾pkg/a', '  TestA1', '▾pkg/d', '  [build failed]']);
    expect(rows[0]).toMatchObject({ kind: 'suite', shown: 1 });
    expect(names(visibleRows(suites, { filter: 'flaky', search: '', expanded: none }))).toEqual(['▾pkg/c', '  TestC1']);
    expect(names(visibleRows(suites, { filter: 'all', search: ' b2 ', expanded: none }))).toEqual(['▾pkg/b', '  TestB2']);
    expect(visibleRows(suites, { filter: 'failed', search: 'TestB', expanded: none })).toEqual([]);
  });

  it('lists every test longest first, flat, for the slowest', () => {
    const rows = visibleRows(suites, { filter: 'slow', search: '', expanded: none });
    expect(rows.every((row) => row.kind === 'test' && row.flat)).toBe(true);
    expect(names(rows).slice(0, 2)).toEqual(['  TestB2', '  TestC1']);
    expect(names(rows).at(-1)).toBe('  TestC0');
    expect(names(visibleRows(suites, { filter: 'slow', search: 'pkg/c', expanded: none }))).toEqual(['  TestC1', '  TestC0']);
  });

  it('regroups 10,000 results quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      r({ id: i + 1, suite: `pkg/${i % 100}`, name: `Test${i}`, status: i % 997 === 0 ? 'failed' : 'passed' }),
    );
    const t0 = performance.now();
    const big = groupSuites(many);
    const rows = visibleRows(big, { filter: 'all', search: 'test1', expanded: none });
    expect(big).toHaveLength(100);
    expect(rows.length).toBeGreaterThan(1000);
    // Generous: this is a smoke check that nothing is quadratic, not a benchmark.
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('names and places', () => {
  it.each([
    ['TestTotal/with_discount', ['TestTotal/', 'with_discount']],
    ['TestA/b/c', ['TestA/b/', 'c']],
    ['TestPlain', ['', 'TestPlain']],
    ['[build failed]', ['', '[build failed]']],
    ['/lead', ['', '/lead']],
    ['trail/', ['', 'trail/']],
  ])('splitName(%j)', (name, want) => {
    expect(splitName(name)).toEqual(want);
  });

  it('takes the first line with text of a message', () => {
    expect(firstLine('\n  a_test.go:4: boom\nmore')).toBe('a_test.go:4: boom');
    expect(firstLine('')).toBe('');
  });

  it('says where a test failed', () => {
    expect(location({ file: 'a_test.go', line: 4 })).toBe('a_test.go:4');
    expect(location({ file: 'a_test.go', line: 0 })).toBe('a_test.go');
    expect(location({ file: '', line: 3 })).toBe('');
  });
});

describe('flaky by history', () => {
  const sameCode = { reasons: ['same-code'], evidence: [3, 4], flips: 1 };
  const both = [
    r({ id: 1, suite: 'pkg/a', name: 'TestSame', flaky_history: sameCode }),
    r({ id: 2, suite: 'pkg/a', name: 'TestFlips', status: 'failed', flaky_history: { reasons: ['flips'], evidence: [2, 5, 7], flips: 4 } }),
    r({ id: 3, suite: 'pkg/a', name: 'TestRetry', flaky: true, attempts: 3, flaky_history: { reasons: ['passed-on-retry', 'same-code'], evidence: [7], flips: 0 } }),
    r({ id: 4, suite: 'pkg/a', name: 'TestSteady' }),
  ];

  it('calls a result flaky when it passed on a retry or its history says so', () => {
    expect(both.map(isFlaky)).toEqual([true, true, true, false]);
  });

  it('says why: the retry here first, then the history, without repeating the retry', () => {
    expect(both.map(flakyWhy)).toEqual([
      ['failed and passed on the same code'],
      ['flipped 4 times'],
      ['passed after 3 attempts', 'failed and passed on the same code'],
      [],
    ]);
  });

  it('counts them as flaky and by their status, and the flaky filter shows them', () => {
    expect(countResults(both)).toEqual({ total: 4, passed: 3, failed: 1, skipped: 0, flaky: 3 });
    expect(both.filter((x) => matches(x, 'flaky', '')).map((x) => x.id)).toEqual([1, 2, 3]);
  });

  it('ranks a flaky pass after the failures and before the steady passes', () => {
    expect(groupSuites(both)[0].results.map((x) => x.id)).toEqual([2, 3, 1, 4]);
  });
});
