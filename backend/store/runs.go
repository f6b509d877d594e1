package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Run statuses as stored.
const (
	StatusPending     = "pending"
	StatusRunning     = "running"
	StatusPassed      = "passed"
	StatusFailed      = "failed"
	StatusCancelled   = "cancelled"
	StatusTimeout     = "timeout"
	StatusInterrupted = "interrupted"
	StatusSkipped     = "skipped"
	StatusError       = "error"
)

// ErrNotFound is returned when a project, run or step does not exist.
var ErrNotFound = errors.New("not found")

// Project is a repository that Eightfold has run.
type Project struct {
	ID   int64
	Path string
	Name string
}

// Run is one execution of a project's pipeline.
type Run struct {
	ID          int64
	ProjectID   int64
	ProjectPath string
	Trigger     string
	Name        string // "" for the pipeline's runs; an imported CI run's name
	Commit      string
	Branch      string
	Dirty       bool
	Tree        string // the working tree's content hash; see migration 0004
	Status      string
	Error       string
	Reason      string   // why the run ended early, e.g. superseded by a newer change
	Changed     []string // the changed paths that triggered it (at most 100)
	ChangedN    int      // how many paths changed in all
	Scope       string   // JSON: what a narrowed run tested and why; "" when it ran as configured
	StartedMs   int64
	FinishedMs  int64 // 0 while running
	Steps       []Step
	Tests       TestCounts
}

// Step is one step of a run.
type Step struct {
	ID         int64
	RunID      int64
	Idx        int
	Name       string
	Command    string
	Status     string
	ExitCode   int
	StartedMs  int64
	FinishedMs int64
	LogBytes   int64
	Truncated  bool
}

// TestCounts sums a run's test results by status. Failed counts errored results too; Flaky
// counts the passed results that needed a retry (they are in Passed as well).
type TestCounts struct {
	Total, Passed, Failed, Skipped, Flaky int
}

// NewRun is what CreateRun needs.
type NewRun struct {
	ProjectID int64
	Trigger   string
	Commit    string
	Branch    string
	Dirty     bool
	StartedMs int64
	Changed   []string // the changed paths that triggered it; only the first 100 are kept
	ChangedN  int      // how many paths changed in all
	Scope     string   // JSON: what a narrowed run tests and why
	Steps     []NewStep
}

// maxChanged is how many changed paths a run keeps.
const maxChanged = 100

// NewStep names a step of a new run and its command.
type NewStep struct {
	Name    string
	Command string
}

// StepEnd is how a step ended.
type StepEnd struct {
	Status     string
	ExitCode   int
	FinishedMs int64
	LogBytes   int64
	Truncated  bool
}

// EnsureProject returns the project at path, creating it on first use.
func (s *Store) EnsureProject(ctx context.Context, path, name string, nowMs int64) (Project, error) {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO projects(path, name, created_ms) VALUES(?, ?, ?) ON CONFLICT(path) DO NOTHING`,
		path, name, nowMs)
	if err != nil {
		return Project{}, fmt.Errorf("record project %s: %w", path, err)
	}
	return s.ProjectByPath(ctx, path)
}

// ProjectByPath finds a project by its absolute path.
func (s *Store) ProjectByPath(ctx context.Context, path string) (Project, error) {
	p := Project{Path: path}
	err := s.db.QueryRowContext(ctx, `SELECT id, name FROM projects WHERE path = ?`, path).Scan(&p.ID, &p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("project %s: %w", path, ErrNotFound)
	}
	return p, err
}

// CreateRun records a new running run and its pending steps.
func (s *Store) CreateRun(ctx context.Context, nr NewRun) (Run, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Run{}, err
	}
	defer tx.Rollback()
	changed, err := json.Marshal(nonNil(nr.Changed[:min(len(nr.Changed), maxChanged)]))
	if err != nil {
		return Run{}, err
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO runs(project_id, trigger, commit_sha, branch, dirty, status, started_ms, changed_files, changed_count, scope)
		 VALUES(?,?,?,?,?,?,?,?,?,?)`,
		nr.ProjectID, nr.Trigger, nr.Commit, nr.Branch, nr.Dirty, StatusRunning, nr.StartedMs, string(changed), max(nr.ChangedN, len(nr.Changed)), nr.Scope)
	if err != nil {
		return Run{}, fmt.Errorf("record run: %w", err)
	}
	runID, err := res.LastInsertId()
	if err != nil {
		return Run{}, err
	}
	for i, st := range nr.Steps {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO steps(run_id, idx, name, command, status) VALUES(?,?,?,?,?)`,
			runID, i, st.Name, st.Command, StatusPending); err != nil {
			return Run{}, fmt.Errorf("record step %s: %w", st.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Run{}, fmt.Errorf("record run: %w", err)
	}
	return s.Run(ctx, runID)
}

// StartStep marks a step running, with its process group (zero when there is none), so
// that the group can be killed after a crash.
func (s *Store) StartStep(ctx context.Context, stepID, startedMs int64, g ProcessGroup) error {
	return s.exec1(ctx, `UPDATE steps SET status = ?, started_ms = ?, pgid = ?, pg_start = ?, boot_id = ? WHERE id = ?`,
		StatusRunning, startedMs, g.PGID, int64(g.StartTicks), g.BootID, stepID)
}

// GitState is the repository state a run started from.
type GitState struct {
	Commit, Branch string
	Dirty          bool
	Tree           string            // content hash of the working tree
	Uncommitted    map[string]string // path → content hash of each uncommitted change (vcs.State)
}

// maxUncommitted is how many uncommitted paths a run keeps (the first, by name).
const maxUncommitted = 1000

// SetRunGit records the git state a run started from.
func (s *Store) SetRunGit(ctx context.Context, runID int64, g GitState) error {
	kept := make(map[string]string, min(len(g.Uncommitted), maxUncommitted))
	for _, p := range slices.Sorted(maps.Keys(g.Uncommitted))[:min(len(g.Uncommitted), maxUncommitted)] {
		kept[p] = g.Uncommitted[p]
	}
	uncommitted, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	return s.exec1(ctx, `UPDATE runs SET commit_sha = ?, branch = ?, dirty = ?, tree_sha = ?, uncommitted = ?, uncommitted_count = ? WHERE id = ?`,
		g.Commit, g.Branch, g.Dirty, g.Tree, string(uncommitted), len(g.Uncommitted), runID)
}

// Uncommitted is a run's record of its work tree's uncommitted changes.
type Uncommitted struct {
	Paths map[string]string // path → content hash; the first maxUncommitted paths by name
	Count int               // how many paths there were in all (more than len(Paths) when cut)
}

// RunUncommitted returns the uncommitted changes recorded for a run (none for a run recorded
// before they were kept, even a dirty one).
func (s *Store) RunUncommitted(ctx context.Context, runID int64) (Uncommitted, error) {
	var u Uncommitted
	var paths string
	err := s.db.QueryRowContext(ctx, `SELECT uncommitted, uncommitted_count FROM runs WHERE id = ?`, runID).Scan(&paths, &u.Count)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("run #%d: %w", runID, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("read the uncommitted changes of run #%d: %w", runID, err)
	}
	return u, json.Unmarshal([]byte(paths), &u.Paths)
}

// SkipStep records that a step did not run because the run's scope leaves nothing for it.
func (s *Store) SkipStep(ctx context.Context, stepID int64) error {
	return s.exec1(ctx, `UPDATE steps SET status = ? WHERE id = ?`, StatusSkipped, stepID)
}

// FinishStep records how a step ended.
func (s *Store) FinishStep(ctx context.Context, stepID int64, e StepEnd) error {
	return s.exec1(ctx,
		`UPDATE steps SET status = ?, exit_code = ?, finished_ms = ?, log_bytes = ?, truncated = ? WHERE id = ?`,
		e.Status, e.ExitCode, e.FinishedMs, e.LogBytes, e.Truncated, stepID)
}

// RunEnd is how a run ended.
type RunEnd struct {
	Status     string
	Error      string // why it ended in error
	Reason     string // why it ended early (cancelled)
	FinishedMs int64
}

// FinishRun records a run's final status; steps still pending are marked skipped.
func (s *Store) FinishRun(ctx context.Context, runID int64, e RunEnd) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE steps SET status = ? WHERE run_id = ? AND status = ?`,
		StatusSkipped, runID, StatusPending); err != nil {
		return fmt.Errorf("record the end of run #%d: %w", runID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, error = ?, reason = ?, finished_ms = ? WHERE id = ?`,
		e.Status, e.Error, e.Reason, e.FinishedMs, runID); err != nil {
		return fmt.Errorf("record the end of run #%d: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record the end of run #%d: %w", runID, err)
	}
	return nil
}

// ProcessGroup is a running step's process group as recorded.
type ProcessGroup struct {
	StepID     int64
	PGID       int
	StartTicks uint64 // the group leader's start, in clock ticks since boot
	BootID     string // the kernel's boot id then: start ticks mean nothing after a reboot
}

// StaleGroups are the process groups of the steps that RecoverInterrupted found running when
// this store was opened: a crashed eightfold may have left them alive.
func (s *Store) StaleGroups() []ProcessGroup { return s.stale }

// RecoverInterrupted marks runs and steps that are still running (left so by a process that
// died) as interrupted, and such deploys as failed (DeployInterrupted), keeps their process groups for StaleGroups, and returns how many
// runs it changed. Only the lock holder calls it.
func (s *Store) RecoverInterrupted(ctx context.Context) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	groups, err := runningGroups(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("find interrupted steps: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE steps SET status = ? WHERE status IN (?, ?)`,
		StatusInterrupted, StatusRunning, StatusPending); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ? WHERE status = ?`, StatusInterrupted, StatusRunning)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE deploys SET status = ?, failure = ?, finished_ms = started_ms WHERE status = ?`,
		DeployFailed, DeployInterrupted, DeployRunning); err != nil {
		return 0, fmt.Errorf("mark interrupted deploys: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("mark interrupted runs: %w", err)
	}
	s.stale = append(s.stale, groups...)
	return n, nil
}

func runningGroups(ctx context.Context, tx *sql.Tx) ([]ProcessGroup, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, pgid, pg_start, boot_id FROM steps WHERE status = ? AND pgid > 0`, StatusRunning)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProcessGroup
	for rows.Next() {
		var g ProcessGroup
		var start int64
		if err := rows.Scan(&g.StepID, &g.PGID, &start, &g.BootID); err != nil {
			return nil, err
		}
		g.StartTicks = uint64(start)
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Store) exec1(ctx context.Context, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotFound
	}
	return nil
}

const runColumns = `r.id, r.project_id, p.path, r.trigger, r.name, r.commit_sha, r.branch, r.dirty, r.tree_sha, r.status, r.error, r.reason,
 r.changed_files, r.changed_count, r.scope, r.started_ms, r.finished_ms,
 (SELECT count(*) FROM test_results t WHERE t.run_id = r.id),
 (SELECT count(*) FROM test_results t WHERE t.run_id = r.id AND t.status = 'passed'),
 (SELECT count(*) FROM test_results t WHERE t.run_id = r.id AND t.status IN ('failed', 'errored')),
 (SELECT count(*) FROM test_results t WHERE t.run_id = r.id AND t.status = 'skipped'),
 (SELECT count(*) FROM test_results t WHERE t.run_id = r.id AND t.status = 'passed' AND t.attempts > 1)`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var changed string
	err := row.Scan(&r.ID, &r.ProjectID, &r.ProjectPath, &r.Trigger, &r.Name, &r.Commit, &r.Branch, &r.Dirty, &r.Tree,
		&r.Status, &r.Error, &r.Reason, &changed, &r.ChangedN, &r.Scope, &r.StartedMs, &r.FinishedMs,
		&r.Tests.Total, &r.Tests.Passed, &r.Tests.Failed, &r.Tests.Skipped, &r.Tests.Flaky)
	if err == nil {
		err = json.Unmarshal([]byte(changed), &r.Changed)
	}
	return r, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Run loads a run with its steps.
func (s *Store) Run(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx,
		`SELECT `+runColumns+` FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("run #%d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	steps, err := s.stepsOf(ctx, `run_id = ?`, id)
	r.Steps = steps[id]
	return r, err
}

// Runs lists a project's runs with their steps, newest first; limit ≤ 0 means 50.
func (s *Store) Runs(ctx context.Context, projectID int64, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+runColumns+` FROM runs r JOIN projects p ON p.id = r.project_id
		 WHERE r.project_id = ? ORDER BY r.id DESC LIMIT ?`, projectID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	steps, err := s.stepsOf(ctx, `run_id IN (SELECT id FROM runs WHERE project_id = ? ORDER BY id DESC LIMIT ?)`, projectID, limit)
	for i := range runs {
		runs[i].Steps = steps[runs[i].ID]
	}
	return runs, err
}

// stepsOf loads the steps matching where, grouped by run.
func (s *Store) stepsOf(ctx context.Context, where string, args ...any) (map[int64][]Step, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+stepColumns+` FROM steps WHERE `+where+` ORDER BY run_id, idx`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Step{}
	for rows.Next() {
		st, err := scanStep(rows)
		if err != nil {
			return nil, err
		}
		out[st.RunID] = append(out[st.RunID], st)
	}
	return out, rows.Err()
}

const stepColumns = `id, run_id, idx, name, command, status, exit_code, started_ms, finished_ms, log_bytes, truncated`

func scanStep(row interface{ Scan(...any) error }) (Step, error) {
	var st Step
	err := row.Scan(&st.ID, &st.RunID, &st.Idx, &st.Name, &st.Command, &st.Status, &st.ExitCode,
		&st.StartedMs, &st.FinishedMs, &st.LogBytes, &st.Truncated)
	return st, err
}

// StepProject returns the id of the project a step belongs to.
func (s *Store) StepProject(ctx context.Context, stepID int64) (int64, error) {
	var projectID int64
	err := s.db.QueryRowContext(ctx,
		`SELECT r.project_id FROM steps s JOIN runs r ON r.id = s.run_id WHERE s.id = ?`, stepID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("step %d: %w", stepID, ErrNotFound)
	}
	return projectID, err
}
