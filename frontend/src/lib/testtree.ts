// The test explorer's model: a run's results grouped by suite, filtered, and flattened into the
// rows the virtual list shows. Plain functions over plain data, so 10,000 results regroup in a few
// milliseconds and everything here is tested without a DOM.

import { flakyReasons } from './flaky';
import type { TestCounts, TestResultInfo } from './types';

/** What the explorer shows: every test, the failures, the flaky ones, or all by duration. */
export type TestFilter = 'all' | 'failed' | 'flaky' | 'slow';

export const FILTERS: readonly TestFilter[] = ['all', 'failed', 'flaky', 'slow'];

/** A result that counts as a failure: failed or errored (a whole-suite failure is errored). */
export function isFailure(r: Pick<TestResultInfo, 'status'>): boolean {
  return r.status === 'failed' || r.status === 'errored';
}

/** Flaky: passed only on a retry in this run, or flaky by the test's history up to the run. */
export function isFlaky(r: Pick<TestResultInfo, 'flaky' | 'flaky_history'>): boolean {
  return r.flaky || Boolean(r.flaky_history);
}

/**
 * Why a result is flaky, in words, or [] when it is not: its retry in this run first, then what
 * the history says ("failed and passed on the same code", "flipped 4 times").
 */
export function flakyWhy(r: Pick<TestResultInfo, 'flaky' | 'attempts' | 'flaky_history'>): string[] {
  const why = r.flaky ? [`passed after ${r.attempts} attempts`] : [];
  const history = r.flaky_history;
  if (!history) return why;
  // A retry in this run says more than "passed on retry" somewhere in the history.
  const reasons = r.flaky ? { ...history, reasons: history.reasons.filter((x) => x !== 'passed-on-retry') } : history;
  return why.concat(flakyReasons(reasons));
}

/** Counts as the run header shows them: flaky tests (see isFlaky) are counted by their status too. */
export function countResults(results: readonly TestResultInfo[]): TestCounts {
  const c: TestCounts = { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const r of results) {
    c.total++;
    if (isFailure(r)) c.failed++;
    else if (r.status === 'skipped') c.skipped++;
    else if (r.status === 'passed') c.passed++;
    if (isFlaky(r)) c.flaky++;
  }
  return c;
}

export interface Suite {
  name: string;
  /** Failures first, then flaky, passed and skipped; by name within each. */
  results: TestResultInfo[];
  counts: TestCounts;
  durationMs: number;
}

// The order of results within a suite: what needs looking at first.
function rank(r: TestResultInfo): number {
  if (isFailure(r)) return 0;
  if (isFlaky(r)) return 1;
  if (r.status === 'passed') return 2;
  if (r.status === 'skipped') return 3;
  return 4;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Groups results by suite: suites with failures first, then flaky ones, then by name. */
export function groupSuites(results: readonly TestResultInfo[]): Suite[] {
  const by = new Map<string, TestResultInfo[]>();
  for (const r of results) {
    let list = by.get(r.suite);
    if (!list) by.set(r.suite, (list = []));
    list.push(r);
  }
  const suites: Suite[] = [];
  for (const [name, list] of by) {
    list.sort((a, b) => rank(a) - rank(b) || collator.compare(a.name, b.name));
    suites.push({ name, results: list, counts: countResults(list), durationMs: list.reduce((n, r) => n + r.duration_ms, 0) });
  }
  const weight = (s: Suite) => (s.counts.failed ? 0 : s.counts.flaky ? 1 : 2);
  return suites.sort((a, b) => weight(a) - weight(b) || collator.compare(a.name, b.name));
}

/** Whether a result passes the filter and the search (a substring of its suite or name, any case). */
export function matches(r: TestResultInfo, filter: TestFilter, search: string): boolean {
  if (filter === 'failed' && !isFailure(r)) return false;
  if (filter === 'flaky' && !isFlaky(r)) return false;
  if (!search) return true;
  const q = search.toLowerCase();
  return r.name.toLowerCase().includes(q) || r.suite.toLowerCase().includes(q);
}

export interface SuiteRow {
  kind: 'suite';
  key: string;
  suite: Suite;
  /** Results of the suite that pass the filter and search. */
  shown: number;
  expanded: boolean;
}

export interface TestRow {
  kind: 'test';
  key: string;
  result: TestResultInfo;
  /** In the flat slowest-first list the suite is shown on the row itself. */
  flat: boolean;
}

export type Row = SuiteRow | TestRow;

export interface RowOptions {
  filter: TestFilter;
  search: string;
  /** The user's choice for a suite; undefined: the default. */
  expanded: (suite: string) => boolean | undefined;
}

/**
 * The rows to show. Slowest: one flat list, longest first. Otherwise a suite row per suite with a
 * match and, when the suite is expanded, its matching results. By default a suite is expanded
 * when something in it failed or when a filter or search narrows the list, collapsed when all green.
 */
export function visibleRows(suites: readonly Suite[], opts: RowOptions): Row[] {
  const search = opts.search.trim();
  const rows: Row[] = [];
  if (opts.filter === 'slow') {
    const all: TestResultInfo[] = [];
    for (const s of suites) for (const r of s.results) if (matches(r, 'all', search)) all.push(r);
    all.sort((a, b) => b.duration_ms - a.duration_ms || collator.compare(a.name, b.name));
    for (const r of all) rows.push({ kind: 'test', key: `t${r.id}`, result: r, flat: true });
    return rows;
  }
  const narrowed = opts.filter !== 'all' || search !== '';
  for (const suite of suites) {
    const shown = narrowed ? suite.results.filter((r) => matches(r, opts.filter, search)) : suite.results;
    if (!shown.length) continue;
    const expanded = opts.expanded(suite.name) ?? (narrowed || suite.counts.failed > 0);
    rows.push({ kind: 'suite', key: `s${suite.name}`, suite, shown: shown.length, expanded });
    if (expanded) for (const r of shown) rows.push({ kind: 'test', key: `t${r.id}`, result: r, flat: false });
  }
  return rows;
}

/** "TestTotal/with_discount" → ["TestTotal/", "with_discount"]: the parent is shown dimmed. */
export function splitName(name: string): [parent: string, leaf: string] {
  // A slash inside brackets ("[build failed]") or at the very end is not a subtest separator.
  const i = name.lastIndexOf('/');
  if (i <= 0 || i === name.length - 1 || name.startsWith('[')) return ['', name];
  return [name.slice(0, i + 1), name.slice(i + 1)];
}

/** The first line of a message, for a row's preview. */
export function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim();
}

/** "cart_test.go:41", or "" when the report did not say. */
export function location(r: Pick<TestResultInfo, 'file' | 'line'>): string {
  if (!r.file) return '';
  return r.line > 0 ? `${r.file}:${r.line}` : r.file;
}
