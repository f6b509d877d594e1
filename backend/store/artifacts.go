package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RunArtifact is what a pattern of a step's `artifacts:` matched when the step passed: one
// file, or nothing (Path "").
type RunArtifact struct {
	StepID  int64
	Step    string // the step's name (read only)
	Pattern string
	Path    string // relative to the repository, slash-separated; "" when the pattern matched nothing
	Size    int64
	MtimeNs int64
	CtimeNs int64  // the inode's change time: any write changes it, even one that restores the mtime
	Inode   uint64 // a rebuild that replaces the file by rename changes it
}

// AddRunArtifacts records what a step of a run built.
func (s *Store) AddRunArtifacts(ctx context.Context, runID int64, arts []RunArtifact) error {
	if len(arts) == 0 {
		return nil
	}
	return s.inTx(ctx, "record the run's artifacts", func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx,
			`INSERT INTO run_artifacts (run_id, step_id, pattern, path, size, mtime_ns, ctime_ns, inode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, a := range arts {
			if _, err := ins.ExecContext(ctx, runID, a.StepID, a.Pattern, a.Path, a.Size, a.MtimeNs, a.CtimeNs, int64(a.Inode)); err != nil {
				return err
			}
		}
		return nil
	})
}

// RunArtifacts lists what the steps of a run built, in step order then as recorded.
func (s *Store) RunArtifacts(ctx context.Context, runID int64) ([]RunArtifact, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.step_id, st.name, a.pattern, a.path, a.size, a.mtime_ns, a.ctime_ns, a.inode
		FROM run_artifacts a JOIN steps st ON st.id = a.step_id WHERE a.run_id = ? ORDER BY st.idx, a.id`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RunArtifact
	for rows.Next() {
		var a RunArtifact
		var inode int64
		if err := rows.Scan(&a.StepID, &a.Step, &a.Pattern, &a.Path, &a.Size, &a.MtimeNs, &a.CtimeNs, &inode); err != nil {
			return nil, err
		}
		a.Inode = uint64(inode)
		out = append(out, a)
	}
	return out, rows.Err()
}

// LastVerdict returns the project's latest finished run of commit on exactly the work tree
// tree (its content hash) that is a verdict on the code: passed, failed or timed out, and
// not narrowed to affected packages (a narrowed run did not test everything). An imported
// CI run is no verdict here: a release ships the artifacts of a run of this machine. ok is
// false when there is none.
func (s *Store) LastVerdict(ctx context.Context, projectID int64, commit, tree string) (r Run, ok bool, err error) {
	return s.lastVerdict(ctx, "trigger != ?", projectID, commit, tree)
}

// LastCIVerdict is LastVerdict among the imported CI runs: the one of commit on tree that
// finished last. ok is false when CI has not run that code (or it was not imported).
func (s *Store) LastCIVerdict(ctx context.Context, projectID int64, commit, tree string) (r Run, ok bool, err error) {
	return s.lastVerdict(ctx, "trigger = ?", projectID, commit, tree)
}

// lastVerdict is the verdict on commit and tree of the runs whose trigger matches onCI
// (a condition on TriggerCI) that finished last.
func (s *Store) lastVerdict(ctx context.Context, onCI string, projectID int64, commit, tree string) (r Run, ok bool, err error) {
	var id int64
	err = s.db.QueryRowContext(ctx, `SELECT id FROM runs WHERE project_id = ? AND tree_sha = ? AND commit_sha = ?
		AND finished_ms > 0 AND scope = '' AND `+onCI+` AND status IN (?, ?, ?) ORDER BY finished_ms DESC, id DESC LIMIT 1`,
		projectID, tree, commit, TriggerCI, StatusPassed, StatusFailed, StatusTimeout).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("find the last run of %s: %w", commit, err)
	}
	r, err = s.Run(ctx, id)
	return r, err == nil, err
}
