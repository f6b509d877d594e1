package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Test result statuses as stored. A flaky result is passed with Attempts > 1.
const (
	TestPassed  = "passed"
	TestFailed  = "failed"
	TestSkipped = "skipped"
	TestErrored = "errored"
)

// TestResult is one test's result in one step of a run.
type TestResult struct {
	ID         int64 // set when loaded
	RunID      int64
	StepID     int64
	TestID     int64 // set when loaded
	Suite      string
	Name       string
	Status     string // TestPassed, TestFailed, TestSkipped or TestErrored
	DurationMs int64
	// Attempts is 1 for a first run. A retry of a failed test is recorded with a higher
	// attempt: its status replaces the earlier one and the earlier failure's message is kept.
	Attempts int
	Message  string
	Output   string // not loaded by listing queries; see TestResultDetail
	File     string
	Line     int
}

// Flaky reports whether the result passed only on a retry.
func (r TestResult) Flaky() bool { return r.Status == TestPassed && r.Attempts > 1 }

// AddTestResults records test results of a step in one transaction. A result for a test the
// step already has is merged: a higher attempt (a retry) replaces the status and duration and
// keeps the first failure's message when it now passes; the same attempt again (a report
// that names a test twice) keeps the worse status.
func (s *Store) AddTestResults(ctx context.Context, projectID, runID, stepID int64, rs []TestResult) error {
	if len(rs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	added, err := s.addTestResults(ctx, tx, projectID, runID, stepID, rs)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record %d test results of run #%d: %w", len(rs), runID, err)
	}
	s.tests.addAll(added) // only once committed: a rolled back id would be reused
	return nil
}

// addTestResults records test results of a step in tx (see AddTestResults) and returns the
// tests it added, for the cache once tx is committed.
func (s *Store) addTestResults(ctx context.Context, tx *sql.Tx, projectID, runID, stepID int64, rs []TestResult) ([]testID, error) {
	testStmt, err := tx.PrepareContext(ctx, `INSERT INTO tests(project_id, suite, name) VALUES(?, ?, ?)
		ON CONFLICT(project_id, suite, name) DO UPDATE SET name = excluded.name RETURNING id`)
	if err != nil {
		return nil, err
	}
	defer testStmt.Close()
	resStmt, err := tx.PrepareContext(ctx, upsertResult)
	if err != nil {
		return nil, err
	}
	defer resStmt.Close()
	var added []testID
	for _, r := range rs {
		key := testKey{projectID, r.Suite, r.Name}
		id, known := s.tests.get(key)
		if !known {
			if err := testStmt.QueryRowContext(ctx, projectID, r.Suite, r.Name).Scan(&id); err != nil {
				return nil, fmt.Errorf("record test %s %s: %w", r.Suite, r.Name, err)
			}
			added = append(added, testID{key, id})
		}
		if _, err := resStmt.ExecContext(ctx, runID, stepID, id, r.Status, r.DurationMs, max(r.Attempts, 1),
			r.Message, r.Output, r.File, r.Line); err != nil {
			return nil, fmt.Errorf("record the result of %s %s: %w", r.Suite, r.Name, err)
		}
	}
	return added, nil
}

// upsertResult inserts a result or merges it into the step's earlier one (see AddTestResults).
// severity orders statuses for duplicates: errored > failed > passed > skipped.
var upsertResult = `INSERT INTO test_results(run_id, step_id, test_id, status, duration_ms, attempts, message, output, file, line)
VALUES(?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(run_id, step_id, test_id) DO UPDATE SET
  status = CASE WHEN excluded.attempts > attempts THEN excluded.status
    WHEN ` + severity("excluded.status") + ` > ` + severity("status") + ` THEN excluded.status ELSE status END,
  duration_ms = CASE WHEN excluded.attempts > attempts THEN excluded.duration_ms ELSE duration_ms + excluded.duration_ms END,
  message = CASE WHEN message = '' OR (excluded.status != 'passed' AND excluded.attempts > attempts) THEN excluded.message ELSE message END,
  output = CASE WHEN excluded.attempts > attempts OR output = '' THEN excluded.output ELSE output END,
  file = CASE WHEN file = '' THEN excluded.file ELSE file END,
  line = CASE WHEN file = '' THEN excluded.line ELSE line END,
  attempts = max(attempts, excluded.attempts)`

func severity(col string) string {
	return `(CASE ` + col + ` WHEN 'errored' THEN 3 WHEN 'failed' THEN 2 WHEN 'passed' THEN 1 ELSE 0 END)`
}

// TestFilter narrows RunTests.
type TestFilter struct {
	Failed bool   // failed or errored only
	Name   string // substring of suite or name, case-insensitive
	Limit  int    // ≤ 0: no limit
	// BySlowest orders by duration, longest first; else by suite and name.
	BySlowest bool
}

const resultColumns = `tr.id, tr.run_id, tr.step_id, tr.test_id, t.suite, t.name, tr.status, tr.duration_ms, tr.attempts, tr.message, tr.file, tr.line`

func scanResult(row interface{ Scan(...any) error }) (TestResult, error) {
	var r TestResult
	err := row.Scan(&r.ID, &r.RunID, &r.StepID, &r.TestID, &r.Suite, &r.Name, &r.Status, &r.DurationMs,
		&r.Attempts, &r.Message, &r.File, &r.Line)
	return r, err
}

// RunTests lists a run's test results (without their output).
func (s *Store) RunTests(ctx context.Context, runID int64, f TestFilter) ([]TestResult, error) {
	where := []string{"tr.run_id = ?"}
	args := []any{runID}
	if f.Failed {
		where = append(where, "tr.status IN ('failed', 'errored')")
	}
	if f.Name != "" {
		where = append(where, "(instr(lower(t.suite), lower(?)) > 0 OR instr(lower(t.name), lower(?)) > 0)")
		args = append(args, f.Name, f.Name)
	}
	order := "t.suite, t.name, tr.step_id"
	if f.BySlowest {
		order = "tr.duration_ms DESC, t.suite, t.name"
	}
	q := `SELECT ` + resultColumns + ` FROM test_results tr JOIN tests t ON t.id = tr.test_id WHERE ` +
		strings.Join(where, " AND ") + ` ORDER BY ` + order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return s.queryResults(ctx, q, args...)
}

func (s *Store) queryResults(ctx context.Context, q string, args ...any) ([]TestResult, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TestResult{}
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TestResultDetail loads one result with its output.
func (s *Store) TestResultDetail(ctx context.Context, resultID int64) (TestResult, error) {
	var out string
	r, err := scanResult(s.db.QueryRowContext(ctx, `SELECT `+resultColumns+` FROM test_results tr
		JOIN tests t ON t.id = tr.test_id WHERE tr.id = ?`, resultID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("test result %d: %w", resultID, ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT output FROM test_results WHERE id = ?`, resultID).Scan(&out)
	r.Output = out
	return r, err
}

// ResultProject returns the id of the project a test result belongs to.
func (s *Store) ResultProject(ctx context.Context, resultID int64) (int64, error) {
	var projectID int64
	err := s.db.QueryRowContext(ctx, `SELECT t.project_id FROM test_results tr JOIN tests t ON t.id = tr.test_id
		WHERE tr.id = ?`, resultID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("test result %d: %w", resultID, ErrNotFound)
	}
	return projectID, err
}
