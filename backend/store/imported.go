package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TriggerCI is the trigger of a run that ran elsewhere, on a CI engine, and was imported
// from its test reports (`eightfold import`). Such a run has one step that stands for the
// import, and no artifacts.
const TriggerCI = "ci"

// FinishedRun is a run recorded whole, already ended: an imported CI run.
type FinishedRun struct {
	ProjectID  int64
	Trigger    string
	Name       string
	Git        GitState // Commit, Branch and Tree of the code it tested
	Status     string
	StartedMs  int64
	FinishedMs int64
	Step       NewStep // the one step, which ends as the run does
	ExitCode   int
	Log        string // the step's output
	Results    []TestResult
	ImportHash string // what it was imported from; "" for none
	Again      bool   // record it even when an earlier run of the project has its ImportHash
}

// ImportedError refuses a finished run whose import hash an earlier run of the project has:
// recording the same reports again would count their tests twice.
type ImportedError struct {
	Earlier Run // the newest run recorded with that hash
}

// Error names the earlier run.
func (e *ImportedError) Error() string {
	return fmt.Sprintf("these reports were imported already as run #%d (%q)", e.Earlier.ID, e.Earlier.Name)
}

// RecordFinishedRun records a finished run, its step, the step's output and its test results
// in one transaction: on any error nothing of it is recorded. A run with an ImportHash that an
// earlier run of the project has is refused with an *ImportedError, unless fr.Again; the
// transaction takes the write lock before it looks, so of two imports of the same reports at
// the same moment one is recorded and the other refused.
func (s *Store) RecordFinishedRun(ctx context.Context, fr FinishedRun) (Run, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Run{}, err
	}
	defer tx.Rollback()
	if !fr.Again {
		earlier, err := importedRunID(ctx, tx, fr.ProjectID, fr.ImportHash)
		if err != nil || earlier != 0 {
			tx.Rollback() // free the write lock before reading the earlier run
			return Run{}, s.importedError(ctx, earlier, err)
		}
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO runs(project_id, trigger, name, commit_sha, branch, dirty, tree_sha, status, started_ms, finished_ms, import_hash)
		 VALUES(?,?,?,?,?,?,?,?,?,?,?)`,
		fr.ProjectID, fr.Trigger, fr.Name, fr.Git.Commit, fr.Git.Branch, fr.Git.Dirty, fr.Git.Tree, fr.Status, fr.StartedMs, fr.FinishedMs, fr.ImportHash)
	if err != nil {
		return Run{}, fmt.Errorf("record run: %w", err)
	}
	runID, err := res.LastInsertId()
	if err != nil {
		return Run{}, err
	}
	res, err = tx.ExecContext(ctx,
		`INSERT INTO steps(run_id, idx, name, command, status, exit_code, started_ms, finished_ms, log_bytes) VALUES(?,0,?,?,?,?,?,?,?)`,
		runID, fr.Step.Name, fr.Step.Command, fr.Status, fr.ExitCode, fr.StartedMs, fr.FinishedMs, len(fr.Log))
	if err != nil {
		return Run{}, fmt.Errorf("record step %s: %w", fr.Step.Name, err)
	}
	stepID, err := res.LastInsertId()
	if err != nil {
		return Run{}, err
	}
	if fr.Log != "" {
		chunk := LogChunk{Seq: 1, TimeMs: fr.FinishedMs, Stream: StreamMeta, Data: []byte(fr.Log)}
		if err := appendLog(ctx, tx, stepID, []LogChunk{chunk}); err != nil {
			return Run{}, err
		}
	}
	added, err := s.addTestResults(ctx, tx, fr.ProjectID, runID, stepID, fr.Results)
	if err != nil {
		return Run{}, err
	}
	if err := tx.Commit(); err != nil {
		return Run{}, fmt.Errorf("record run: %w", err)
	}
	s.tests.addAll(added)
	return s.Run(ctx, runID)
}

// importedRunID is the id of the project's newest run recorded with the import hash hash;
// 0 when there is none, or hash is "" (the runs of the pipeline).
func importedRunID(ctx context.Context, tx *sql.Tx, projectID int64, hash string) (int64, error) {
	if hash == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM runs WHERE project_id = ? AND import_hash = ? AND import_hash != ''
		ORDER BY id DESC LIMIT 1`, projectID, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find the run imported as %s: %w", hash, err)
	}
	return id, nil
}

// importedError is the *ImportedError naming the run earlier, or err when looking failed.
func (s *Store) importedError(ctx context.Context, earlier int64, err error) error {
	if err != nil {
		return err
	}
	r, err := s.Run(ctx, earlier)
	if err != nil {
		return err
	}
	return &ImportedError{Earlier: r}
}

// LatestRun returns the project's newest run by time: the run of this machine with the
// highest id (they run one after another), unless an imported CI run finished after it did
// (a CI run is imported late, and of any commit; its reports say when it ran). A run that
// is going is the newest. ok is false before the first run.
func (s *Store) LatestRun(ctx context.Context, projectID int64) (r Run, ok bool, err error) {
	local, localEnd, err := s.firstRun(ctx, `trigger != '`+TriggerCI+`' ORDER BY id DESC`, projectID)
	if err != nil {
		return Run{}, false, err
	}
	ci, ciEnd, err := s.firstRun(ctx, `trigger = '`+TriggerCI+`' ORDER BY finished_ms DESC, id DESC`, projectID)
	if err != nil {
		return Run{}, false, err
	}
	id := local
	if ci != 0 && (local == 0 || localEnd != 0 && ciEnd > localEnd) {
		id = ci
	}
	if id == 0 {
		return Run{}, false, nil
	}
	r, err = s.Run(ctx, id)
	return r, err == nil, err
}

// firstRun is the id and finish time of the project's first run in the order of where
// (a condition, then ORDER BY); 0 when there is none.
func (s *Store) firstRun(ctx context.Context, where string, projectID int64) (id, finishedMs int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT id, finished_ms FROM runs WHERE project_id = ? AND `+where+` LIMIT 1`, projectID).Scan(&id, &finishedMs)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("find the latest run: %w", err)
	}
	return id, finishedMs, nil
}
