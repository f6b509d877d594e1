package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// Why a test is flaky.
const (
	// FlakyRetry: it failed, was retried in the same run, and passed.
	FlakyRetry = "passed-on-retry"
	// FlakySameTree: it failed and passed on the same code (the same tree_sha).
	FlakySameTree = "same-code"
	// FlakyFlips: on committed code (clean trees) it went from passing to failing or back at
	// least FlakyMinFlips times. Uncommitted trees are left out: while a developer edits,
	// a test that fails, is fixed, and fails again is work, not flakiness.
	FlakyFlips = "flips"
)

// FlakyMinFlips is how many pass/fail changes on clean trees make a test flaky.
const FlakyMinFlips = 3

// FlakyWindow is how many of a project's newest runs Flaky looks at by default.
const FlakyWindow = 50

// FlakyTest is a test that passed and failed without a reason in the code.
type FlakyTest struct {
	TestID   int64
	Suite    string
	Name     string
	Reasons  []string // FlakyRetry, FlakySameTree, FlakyFlips, strongest first
	Evidence []int64  // the runs that show it, oldest first
	Flips    int      // pass/fail changes on clean trees in the window
	Failures int      // failed or errored results in the window
	LastRun  int64    // the newest run it ran in
}

// flakyRow is one result of a test that failed at least once in the window.
type flakyRow struct {
	testID, runID int64
	suite, name   string
	status        string
	attempts      int
	tree          string
	dirty         bool
}

// Flaky finds the flaky tests of a project's newest window runs (≤ 0: FlakyWindow). Only the
// results of tests that failed or were retried in the window are read.
func (s *Store) Flaky(ctx context.Context, projectID int64, window int) ([]FlakyTest, error) {
	rows, err := s.db.QueryContext(ctx, flakyQuery("finished_ms > 0", ""), projectID, flakyWindow(window))
	if err != nil {
		return nil, fmt.Errorf("find flaky tests: %w", err)
	}
	return judgeRows(rows)
}

// RunFlaky judges the tests of one run on their history up to it: the window newest runs
// (≤ 0: FlakyWindow) of the project that end with this one, running or not. It returns the
// flaky ones by test id, with one query however many tests the run has.
func (s *Store) RunFlaky(ctx context.Context, projectID, runID int64, window int) (map[int64]FlakyTest, error) {
	rows, err := s.db.QueryContext(ctx, flakyQuery("id <= ?3 AND (finished_ms > 0 OR id = ?3)",
		" AND tr.test_id IN (SELECT test_id FROM test_results WHERE run_id = ?3)"), projectID, flakyWindow(window), runID)
	if err != nil {
		return nil, fmt.Errorf("find the flaky tests of run #%d: %w", runID, err)
	}
	flaky, err := judgeRows(rows)
	if err != nil {
		return nil, fmt.Errorf("find the flaky tests of run #%d: %w", runID, err)
	}
	out := make(map[int64]FlakyTest, len(flaky))
	for _, f := range flaky {
		out[f.TestID] = f
	}
	return out, nil
}

func flakyWindow(window int) int {
	if window <= 0 {
		return FlakyWindow
	}
	return window
}

// flakyQuery reads the results, in the newest runs of project ?1 that pass the recent
// condition (at most ?2 of them), of the tests that failed or were retried there and pass the
// suspects condition, as judgeRows takes them. The run range bounds the index scan on both
// sides: judged as of an old run, the results after it are not read.
func flakyQuery(recent, suspects string) string {
	return `
WITH recent AS (SELECT id, tree_sha, dirty FROM runs WHERE project_id = ?1 AND ` + recent + ` ORDER BY id DESC LIMIT ?2),
suspects AS (SELECT DISTINCT tr.test_id FROM test_results tr JOIN recent r ON r.id = tr.run_id
             WHERE (tr.status IN ('failed', 'errored') OR tr.attempts > 1)` + suspects + `)
SELECT tr.test_id, tr.run_id, t.suite, t.name, tr.status, tr.attempts, r.tree_sha, r.dirty
FROM suspects su
JOIN test_results tr ON tr.test_id = su.test_id AND tr.run_id BETWEEN (SELECT min(id) FROM recent) AND (SELECT max(id) FROM recent)
JOIN recent r ON r.id = tr.run_id
JOIN tests t ON t.id = tr.test_id
ORDER BY tr.test_id, tr.run_id, tr.id`
}

// judgeRows reads flakyRows (test_id, run_id, suite, name, status, attempts, tree_sha,
// dirty; grouped by test, oldest first within one) and judges them. The texts repeat from
// row to row, so each is copied only when it changes.
func judgeRows(rows *sql.Rows) ([]FlakyTest, error) {
	defer rows.Close()
	var all []flakyRow
	var suite, name, status, tree sql.RawBytes
	var prev flakyRow
	for rows.Next() {
		var f flakyRow
		if err := rows.Scan(&f.testID, &f.runID, &suite, &name, &status, &f.attempts, &tree, &f.dirty); err != nil {
			return nil, err
		}
		f.suite, f.name = reuse(prev.suite, suite), reuse(prev.name, name)
		f.status, f.tree = reuse(prev.status, status), reuse(prev.tree, tree)
		all, prev = append(all, f), f
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return judgeAll(all), nil
}

// reuse is last when b holds the same text, else b copied.
func reuse(last string, b sql.RawBytes) string {
	if string(b) == last { // compiled without a copy
		return last
	}
	return string(b)
}

// judgeAll judges each test of rows (grouped by test, oldest first within one) and returns
// the flaky ones, newest last run first.
func judgeAll(rows []flakyRow) []FlakyTest {
	out := []FlakyTest{}
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].testID == rows[start].testID {
			end++
		}
		if ft, ok := judgeFlaky(rows[start:end]); ok {
			out = append(out, ft)
		}
		start = end
	}
	slices.SortFunc(out, func(a, b FlakyTest) int { return int(b.LastRun - a.LastRun) })
	return out
}

// judgeFlaky decides on one test's results in the window, oldest first. It is pure.
func judgeFlaky(rs []flakyRow) (FlakyTest, bool) {
	ft := FlakyTest{TestID: rs[0].testID, Suite: rs[0].suite, Name: rs[0].name, LastRun: rs[len(rs)-1].runID}
	evidence := map[int64]bool{}
	for _, r := range rs {
		if r.status == TestPassed && r.attempts > 1 {
			evidence[r.runID] = true
		}
		if isFailure(r.status) {
			ft.Failures++
		}
	}
	if len(evidence) > 0 {
		ft.Reasons = append(ft.Reasons, FlakyRetry)
	}
	if runs := sameTreeConflicts(rs); len(runs) > 0 {
		ft.Reasons = append(ft.Reasons, FlakySameTree)
		for _, id := range runs {
			evidence[id] = true
		}
	}
	flips, flipRuns := cleanFlips(rs)
	ft.Flips = flips
	if flips >= FlakyMinFlips {
		ft.Reasons = append(ft.Reasons, FlakyFlips)
		for _, id := range flipRuns {
			evidence[id] = true
		}
	}
	for id := range evidence {
		ft.Evidence = append(ft.Evidence, id)
	}
	slices.Sort(ft.Evidence)
	return ft, len(ft.Reasons) > 0
}

// sameTreeConflicts returns, for each tree the test both passed and failed on, the first run
// it passed and the first run it failed on that tree.
func sameTreeConflicts(rs []flakyRow) []int64 {
	type seen struct{ passed, failed int64 }
	byTree := map[string]*seen{}
	var trees []string
	for _, r := range rs {
		if r.tree == "" {
			continue
		}
		s := byTree[r.tree]
		if s == nil {
			s = &seen{}
			byTree[r.tree] = s
			trees = append(trees, r.tree)
		}
		switch {
		case r.status == TestPassed && s.passed == 0:
			s.passed = r.runID
		case isFailure(r.status) && s.failed == 0:
			s.failed = r.runID
		}
	}
	var out []int64
	for _, t := range trees {
		if s := byTree[t]; s.passed != 0 && s.failed != 0 {
			out = append(out, s.passed, s.failed)
		}
	}
	return out
}

// cleanFlips counts the changes between passing and failing over the results on clean trees,
// and returns the runs where the test's outcome changed.
func cleanFlips(rs []flakyRow) (int, []int64) {
	flips := 0
	var runs []int64
	last := ""
	for _, r := range rs {
		if r.dirty || r.status == TestSkipped {
			continue
		}
		outcome := "pass"
		if isFailure(r.status) {
			outcome = "fail"
		}
		if last != "" && outcome != last {
			flips++
			runs = append(runs, r.runID)
		}
		last = outcome
	}
	return flips, runs
}
