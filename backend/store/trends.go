package store

import (
	"context"
	"fmt"
)

// TrendRun is a finished run as the Monitor dashboard counts it: when it finished, how it
// ended, and how long its build and test steps took. A step is a test step when its name
// says "test" or it recorded test results in the run; every other step is a build step.
// Only steps that ran to an end (passed, failed or timed out) are timed.
type TrendRun struct {
	ID         int64
	Status     string
	FinishedMs int64
	BuildMs    int64 // the sum of its build steps' durations
	TestMs     int64 // the sum of its test steps' durations
	BuildSteps int   // how many build steps were timed (0: BuildMs means nothing)
	TestSteps  int   // how many test steps were timed
}

// TrendRuns lists a project's runs that finished in [fromMs, toMs), in any final state,
// oldest first, with their build and test time.
func (s *Store) TrendRuns(ctx context.Context, projectID, fromMs, toMs int64) ([]TrendRun, error) {
	rows, err := s.db.QueryContext(ctx, `
WITH period AS (SELECT id, status, finished_ms FROM runs WHERE project_id = ?1 AND finished_ms >= ?2 AND finished_ms < ?3),
timed AS (SELECT st.run_id, st.finished_ms - st.started_ms AS ms,
		lower(st.name) LIKE '%test%' OR EXISTS (SELECT 1 FROM test_results t WHERE t.run_id = st.run_id AND t.step_id = st.id) AS is_test
	FROM period p JOIN steps st ON st.run_id = p.id
	WHERE st.status IN ('passed', 'failed', 'timeout') AND st.started_ms > 0 AND st.finished_ms >= st.started_ms)
SELECT p.id, p.status, p.finished_ms,
	coalesce(sum(CASE WHEN NOT t.is_test THEN t.ms END), 0), coalesce(sum(CASE WHEN t.is_test THEN t.ms END), 0),
	count(CASE WHEN NOT t.is_test THEN 1 END), count(CASE WHEN t.is_test THEN 1 END)
FROM period p LEFT JOIN timed t ON t.run_id = p.id
GROUP BY p.id ORDER BY p.finished_ms, p.id`, projectID, fromMs, toMs)
	if err != nil {
		return nil, fmt.Errorf("load the runs of the trends: %w", err)
	}
	defer rows.Close()
	var out []TrendRun
	for rows.Next() {
		var r TrendRun
		if err := rows.Scan(&r.ID, &r.Status, &r.FinishedMs, &r.BuildMs, &r.TestMs, &r.BuildSteps, &r.TestSteps); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeployOutcome is a deploy, promotion or rollback that ended.
type DeployOutcome struct {
	ID         int64
	Target     string
	Kind       string
	Version    string
	Status     string // DeploySucceeded or DeployFailed
	FinishedMs int64
}

// DeployOutcomes lists a project's deploys that ended in [fromMs, toMs), oldest first.
func (s *Store) DeployOutcomes(ctx context.Context, projectID, fromMs, toMs int64) ([]DeployOutcome, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, target, kind, version, status, finished_ms FROM deploys
		WHERE project_id = ? AND finished_ms >= ? AND finished_ms < ? AND status IN (?, ?) ORDER BY finished_ms, id`,
		projectID, fromMs, toMs, DeploySucceeded, DeployFailed)
	if err != nil {
		return nil, fmt.Errorf("load the deploys of the trends: %w", err)
	}
	defer rows.Close()
	var out []DeployOutcome
	for rows.Next() {
		var d DeployOutcome
		if err := rows.Scan(&d.ID, &d.Target, &d.Kind, &d.Version, &d.Status, &d.FinishedMs); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Check is a health check the project has recorded.
type Check struct {
	ID   int64
	Name string // "target:staging", "check:api"
	URL  string
}

// Checks lists the project's recorded health checks by name, including those no longer in
// its config (their history stays).
func (s *Store) Checks(ctx context.Context, projectID int64) ([]Check, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, url FROM checks WHERE project_id = ? ORDER BY name`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list the health checks: %w", err)
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var c Check
		if err := rows.Scan(&c.ID, &c.Name, &c.URL); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FlakyAmong finds the flaky tests of a project's finished runs with ids from firstRun to
// lastRun, by the rules of Flaky. The dashboard passes the runs of its period: reading them
// by id range keeps every part of the query on an index.
func (s *Store) FlakyAmong(ctx context.Context, projectID, firstRun, lastRun int64) ([]FlakyTest, error) {
	rows, err := s.db.QueryContext(ctx, `
WITH suspects AS MATERIALIZED (SELECT t.id, t.suite, t.name FROM tests t WHERE t.project_id = ?1 AND (
	EXISTS (SELECT 1 FROM test_results tr WHERE tr.test_id = t.id AND tr.status IN ('failed', 'errored') AND tr.run_id BETWEEN ?2 AND ?3)
	OR EXISTS (SELECT 1 FROM test_results tr WHERE tr.test_id = t.id AND tr.attempts > 1 AND tr.run_id BETWEEN ?2 AND ?3)))
SELECT tr.test_id, tr.run_id, su.suite, su.name, tr.status, tr.attempts, r.tree_sha, r.dirty
FROM suspects su
CROSS JOIN test_results tr ON tr.test_id = su.id AND tr.run_id BETWEEN ?2 AND ?3
CROSS JOIN runs r ON r.id = tr.run_id AND r.finished_ms > 0
ORDER BY tr.test_id, tr.run_id, tr.id`, projectID, firstRun, lastRun)
	if err != nil {
		return nil, fmt.Errorf("find the flaky tests of runs #%d to #%d: %w", firstRun, lastRun, err)
	}
	return judgeRows(rows)
}
