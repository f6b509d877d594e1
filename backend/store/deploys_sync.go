package store

import (
	"cmp"
	"context"
	"fmt"
)

// knownDeploySQL finds a deploy of a target already recorded for a line of its audit log:
// the same target and kind (a promotion is a deploy on the target), the same release
// directory, and for a rollback (or a deploy that made no release) its time between the
// record's start and finish; a record still running that started before it is that deploy,
// finishing.
const knownDeploySQL = `SELECT EXISTS (SELECT 1 FROM deploys WHERE project_id = ? AND target = ?
	AND (kind = 'rollback') = (? = 'rollback') AND (
		(release_dir = ? AND ((release_dir != '' AND kind != 'rollback') OR (started_ms <= ? AND ? <= finished_ms)))
		OR (status = 'running' AND started_ms <= ?)))`

// ImportDeploys records deploys and rollbacks made elsewhere (a CI job, a colleague), as
// their target's audit logs tell them, finished, in one transaction. One the history knows
// already (see knownDeploySQL; d.StartedMs is the time of its first audit line) is left out,
// so importing the same log twice records nothing the second time. It returns the deploys
// recorded, with their ids.
func (s *Store) ImportDeploys(ctx context.Context, ds []Deploy) ([]Deploy, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var out []Deploy
	for _, d := range ds {
		var known bool
		if err := tx.QueryRowContext(ctx, knownDeploySQL, d.ProjectID, d.Target, d.Kind, d.ReleaseDir,
			d.StartedMs, d.StartedMs, d.StartedMs).Scan(&known); err != nil {
			return nil, fmt.Errorf("look for the deploy of %s to %s: %w", d.Version, d.Target, err)
		}
		if known {
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO deploys (project_id, target, kind, release_id, version, commit_sha, who, host,
			status, failure, release_dir, rolled_back, steps, warnings, hosts, log, started_ms, finished_ms)
			VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ProjectID, d.Target, d.Kind, d.ReleaseID, d.Version, d.Commit, d.Who, d.Host, d.Status, d.Failure, d.ReleaseDir,
			d.RolledBack, cmp.Or(d.Steps, "[]"), cmp.Or(d.Warnings, "[]"), cmp.Or(d.Hosts, "[]"), d.Log, d.StartedMs, d.FinishedMs)
		if err != nil {
			return nil, fmt.Errorf("record the deploy of %s to %s: %w", d.Version, d.Target, err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, tx.Commit()
}
