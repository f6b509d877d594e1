package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
)

// TestOutcome is one result of a test in its history.
type TestOutcome struct {
	RunID      int64
	ResultID   int64
	Status     string
	DurationMs int64
	Attempts   int
	Commit     string
	StartedMs  int64 // when the run started
}

// TestHistory is what the store knows of one test over time, up to a run.
type TestHistory struct {
	TestID   int64
	Suite    string
	Name     string
	Outcomes []TestOutcome // newest first
	// LastPassedRun is the newest run the test passed in; 0 when it never did.
	LastPassedRun int64
	// FailingSince is the first run of the test's run of failures (failed or errored, since it
	// last passed) that its newest outcome belongs to; 0 when that outcome is not a failure.
	FailingSince int64
}

// TestByName finds a project's test.
func (s *Store) TestByName(ctx context.Context, projectID int64, suite, name string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM tests WHERE project_id = ? AND suite = ? AND name = ?`,
		projectID, suite, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("test %s %s: %w", suite, name, ErrNotFound)
	}
	return id, err
}

// History returns a test's history as it stood at run upTo (≤ 0: the newest run): its newest n
// outcomes up to that run (n ≤ 0: 30), the last run it passed in and the run its failures then
// started in. Later runs are left out. Each part is one index range of test_results.
func (s *Store) History(ctx context.Context, testID, upTo int64, n int) (TestHistory, error) {
	if n <= 0 {
		n = 30
	}
	if upTo <= 0 {
		upTo = math.MaxInt64
	}
	h := TestHistory{TestID: testID}
	err := s.db.QueryRowContext(ctx, `SELECT suite, name FROM tests WHERE id = ?`, testID).Scan(&h.Suite, &h.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("test %d: %w", testID, ErrNotFound)
	}
	if err != nil {
		return h, err
	}
	if h.Outcomes, err = s.outcomes(ctx, testID, upTo, n); err != nil {
		return h, err
	}
	// ORDER BY … LIMIT 1, not max(): with the upper bound SQLite would read every pass.
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT run_id FROM test_results
		WHERE test_id = ? AND status = 'passed' AND run_id <= ? ORDER BY run_id DESC LIMIT 1), 0)`, testID, upTo).Scan(&h.LastPassedRun); err != nil {
		return h, err
	}
	if len(h.Outcomes) > 0 && isFailure(h.Outcomes[0].Status) {
		err = s.db.QueryRowContext(ctx, `SELECT coalesce(min(run_id), 0) FROM test_results
			WHERE test_id = ? AND status IN ('failed', 'errored') AND run_id > ? AND run_id <= ?`,
			testID, h.LastPassedRun, upTo).Scan(&h.FailingSince)
	}
	return h, err
}

// outcomes reads the newest n results of a test up to run upTo. CROSS JOIN keeps the test's
// results the outer loop: SQLite would otherwise walk every run below upTo and sort.
func (s *Store) outcomes(ctx context.Context, testID, upTo int64, n int) ([]TestOutcome, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tr.run_id, tr.id, tr.status, tr.duration_ms, tr.attempts, r.commit_sha, r.started_ms
		FROM test_results tr CROSS JOIN runs r ON r.id = tr.run_id
		WHERE tr.test_id = ? AND tr.run_id <= ? ORDER BY tr.run_id DESC, tr.id DESC LIMIT ?`, testID, upTo, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TestOutcome{}
	for rows.Next() {
		var o TestOutcome
		if err := rows.Scan(&o.RunID, &o.ResultID, &o.Status, &o.DurationMs, &o.Attempts, &o.Commit, &o.StartedMs); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func isFailure(status string) bool { return status == TestFailed || status == TestErrored }

// LastRunWith returns the newest finished run of the project before beforeRunID whose status
// is status (StatusPassed for the last green run, StatusFailed for the last red one); 0 when
// there is none.
func (s *Store) LastRunWith(ctx context.Context, projectID, beforeRunID int64, status string) (Run, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM runs WHERE project_id = ? AND status = ? AND id < ?
		ORDER BY id DESC LIMIT 1`, projectID, status, beforeRunID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, nil
	}
	if err != nil {
		return Run{}, err
	}
	return s.Run(ctx, id)
}

// NewlyFailing lists the tests that fail in runID but did not fail in baseRunID (they passed
// there, were skipped, or did not exist yet).
func (s *Store) NewlyFailing(ctx context.Context, runID, baseRunID int64) ([]TestResult, error) {
	return s.queryResults(ctx, `SELECT `+resultColumns+` FROM test_results tr JOIN tests t ON t.id = tr.test_id
		WHERE tr.run_id = ? AND tr.status IN ('failed', 'errored')
		AND NOT EXISTS (SELECT 1 FROM test_results b WHERE b.run_id = ? AND b.test_id = tr.test_id
		                AND b.status IN ('failed', 'errored'))
		ORDER BY t.suite, t.name`, runID, baseRunID)
}

// Fixed lists the tests that pass in runID and failed in baseRunID.
func (s *Store) Fixed(ctx context.Context, runID, baseRunID int64) ([]TestResult, error) {
	return s.queryResults(ctx, `SELECT `+resultColumns+` FROM test_results tr JOIN tests t ON t.id = tr.test_id
		WHERE tr.run_id = ? AND tr.status = 'passed'
		AND EXISTS (SELECT 1 FROM test_results b WHERE b.run_id = ? AND b.test_id = tr.test_id
		            AND b.status IN ('failed', 'errored'))
		ORDER BY t.suite, t.name`, runID, baseRunID)
}

// Regression is a test that ran at least twice as long as its median.
type Regression struct {
	TestResult
	MedianMs int64 // median duration of its earlier passing results (at most RegressionWindow)
	Samples  int   // how many earlier results the median is of
}

// Duration regressions: a passing test of a run is a regression when it took at least
// RegressionFactor times the median of its last RegressionWindow passing results before the
// run (at least RegressionMinSamples of them) and at least RegressionMinMs more: a test going
// from 1 ms to 3 ms is noise, not news.
const (
	RegressionFactor     = 2
	RegressionWindow     = 20
	RegressionMinSamples = 3
	RegressionMinMs      = 50
)

// Regressions lists the run's passing tests that got at least twice as slow, slowest first.
func (s *Store) Regressions(ctx context.Context, runID int64) ([]Regression, error) {
	current, err := s.queryResults(ctx, `SELECT `+resultColumns+` FROM test_results tr JOIN tests t ON t.id = tr.test_id
		WHERE tr.run_id = ? AND tr.status = 'passed' AND tr.duration_ms >= ? ORDER BY tr.duration_ms DESC`,
		runID, RegressionFactor*RegressionMinMs)
	if err != nil {
		return nil, err
	}
	out := []Regression{}
	for _, r := range current {
		durations, err := s.earlierDurations(ctx, r.TestID, runID)
		if err != nil {
			return nil, err
		}
		if len(durations) < RegressionMinSamples {
			continue
		}
		med := Median(durations)
		if r.DurationMs >= RegressionFactor*med && r.DurationMs-med >= RegressionMinMs {
			out = append(out, Regression{TestResult: r, MedianMs: med, Samples: len(durations)})
		}
	}
	return out, nil
}

func (s *Store) earlierDurations(ctx context.Context, testID, runID int64) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT duration_ms FROM test_results INDEXED BY test_results_by_test_status
		WHERE test_id = ? AND status = 'passed' AND run_id < ? ORDER BY run_id DESC LIMIT ?`, testID, runID, RegressionWindow)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Median is the median of xs (the mean of the middle two when len(xs) is even); xs is not
// changed. It panics on an empty slice.
func Median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
