package store

import (
	"context"
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
}

// RecordFinishedRun records a finished run, its step, the step's output and its test results
// in one transaction: on any error nothing of it is recorded.
func (s *Store) RecordFinishedRun(ctx context.Context, fr FinishedRun) (Run, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Run{}, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx,
		`INSERT INTO runs(project_id, trigger, name, commit_sha, branch, dirty, tree_sha, status, started_ms, finished_ms)
		 VALUES(?,?,?,?,?,?,?,?,?,?)`,
		fr.ProjectID, fr.Trigger, fr.Name, fr.Git.Commit, fr.Git.Branch, fr.Git.Dirty, fr.Git.Tree, fr.Status, fr.StartedMs, fr.FinishedMs)
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
