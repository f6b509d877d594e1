package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// A deploy "reached production" when it succeeded, or when it failed after its switch step
// passed (its health gate failed and it was switched back): the JSON of its steps says so.
const switchedSQL = `(d.status = 'succeeded' OR (d.status = 'failed' AND EXISTS (SELECT 1 FROM json_each(d.steps)
	WHERE json_extract(value, '$.name') = 'switch' AND json_extract(value, '$.status') = 'passed')))`

// ChangeDeploy is a deploy of one of the targets that reached it, with the committer times
// (Unix ms) of the commits it brought there first.
type ChangeDeploy struct {
	ID, FinishedMs  int64
	Target, Kind    string
	Version, Commit string
	Succeeded       bool
	CommitsMs       []int64
}

// inList is "(?, ?, …)" for n values.
func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

func stringArgs(first []any, ss []string) []any {
	for _, s := range ss {
		first = append(first, s)
	}
	return first
}

// ChangeDeploys lists the deploys, promotions and rollbacks of targets that finished in
// [fromMs, toMs) and reached the target (see switchedSQL), oldest first, with their commits.
func (s *Store) ChangeDeploys(ctx context.Context, projectID int64, targets []string, fromMs, toMs int64) ([]ChangeDeploy, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	args := stringArgs([]any{projectID}, targets)
	args = append(args, fromMs, toMs)
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.finished_ms, d.target, d.kind, d.version, d.commit_sha,
		d.status = 'succeeded', coalesce(d.commit_times, '')
		FROM deploys d WHERE d.project_id = ? AND d.target IN `+inList(len(targets))+` AND d.finished_ms >= ? AND d.finished_ms < ?
		AND `+switchedSQL+` ORDER BY d.finished_ms, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read the deploys: %w", err)
	}
	defer rows.Close()
	var out []ChangeDeploy
	for rows.Next() {
		var d ChangeDeploy
		var commits string
		if err := rows.Scan(&d.ID, &d.FinishedMs, &d.Target, &d.Kind, &d.Version, &d.Commit, &d.Succeeded, &commits); err != nil {
			return nil, err
		}
		if d.CommitsMs, err = msList(commits); err != nil {
			return nil, fmt.Errorf("the commits of deploy %d: %w", d.ID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// msList parses a commit_times "1,2,3"; "" is none.
func msList(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// DeployCommit is a commit a deploy brought to its target first.
type DeployCommit struct {
	SHA         string
	CommittedMs int64
}

// PendingCommitDeploy is a successful deploy or promotion whose commits are not recorded
// yet, with the commit of the one before it on its target ("" for the first).
type PendingCommitDeploy struct {
	ID        int64
	Target    string
	Commit    string
	ReleaseID int64
	Previous  string
}

// DeploysWithoutCommits lists the successful deploys and promotions of targets whose
// commits are not recorded yet, oldest first, at most limit.
func (s *Store) DeploysWithoutCommits(ctx context.Context, projectID int64, targets []string, limit int) ([]PendingCommitDeploy, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	args := stringArgs([]any{projectID}, targets)
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.target, d.commit_sha, coalesce(d.release_id, 0),
		coalesce((SELECT p.commit_sha FROM deploys p WHERE p.project_id = d.project_id AND p.target = d.target
			AND p.status = 'succeeded' AND p.kind != 'rollback' AND p.commit_sha != ''
			AND (p.finished_ms < d.finished_ms OR (p.finished_ms = d.finished_ms AND p.id < d.id))
			ORDER BY p.finished_ms DESC, p.id DESC LIMIT 1), '')
		FROM deploys d WHERE d.project_id = ? AND d.target IN `+inList(len(targets))+`
		AND d.status = 'succeeded' AND d.kind != 'rollback' AND d.commit_times IS NULL
		ORDER BY d.finished_ms, d.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("read the deploys without commits: %w", err)
	}
	defer rows.Close()
	var out []PendingCommitDeploy
	for rows.Next() {
		var p PendingCommitDeploy
		if err := rows.Scan(&p.ID, &p.Target, &p.Commit, &p.ReleaseID, &p.Previous); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetDeployCommits records the commits a deploy brought to its target first, replacing any
// recorded.
func (s *Store) SetDeployCommits(ctx context.Context, deployID int64, commits []DeployCommit) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM deploy_commits WHERE deploy_id = ?`, deployID); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO deploy_commits (deploy_id, sha, committed_ms) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range commits {
		if _, err := stmt.ExecContext(ctx, deployID, c.SHA, c.CommittedMs); err != nil {
			return fmt.Errorf("record the commits of deploy %d: %w", deployID, err)
		}
	}
	times := make([]string, len(commits))
	for i, c := range commits {
		times[i] = strconv.FormatInt(c.CommittedMs, 10)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deploys SET commit_times = ? WHERE id = ?`, strings.Join(times, ","), deployID); err != nil {
		return err
	}
	return tx.Commit()
}

// DoraIncident is an incident with the target it concerns and when its root-cause commit
// first reached one of the targets asked about (0 when unknown; a root cause abbreviated
// to a prefix that several deploy_commits share takes the earliest).
type DoraIncident struct {
	Incident
	Target          string
	CauseDeployedMs int64
}

// IncidentsOf lists the incidents detected (started) in [fromMs, toMs) that concern one of
// targets: their check is the target's ("target:NAME", or "target:NAME@HOST" for one of its
// hosts) or their deploy is to it. A failed
// deploy that never switched (a blue-green candidate) did not touch the target: left out.
func (s *Store) IncidentsOf(ctx context.Context, projectID int64, targets []string, fromMs, toMs int64) ([]DoraIncident, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	in := inList(len(targets))
	args := stringArgs(nil, targets) // the placeholders in the order they appear
	args = append(args, projectID, fromMs, toMs)
	args = stringArgs(args, targets)
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM (SELECT i.id, i.project_id, coalesce(i.check_id, 0), coalesce(i.deploy_id, 0),
		coalesce(i.card_id, 0), i.kind, i.title, i.started_ms, i.resolved_ms, i.note, i.root_cause,
		coalesce(`+checkTargetSQL("c.name")+`, d.target, '') AS target,
		CASE WHEN i.root_cause = '' THEN 0 ELSE coalesce((SELECT min(cd.finished_ms) FROM deploy_commits dc
			JOIN deploys cd ON cd.id = dc.deploy_id WHERE dc.sha >= i.root_cause AND dc.sha < i.root_cause || 'g' AND cd.project_id = i.project_id
			AND cd.status = 'succeeded' AND cd.target IN `+in+`), 0) END
		FROM incidents i LEFT JOIN checks c ON c.id = i.check_id LEFT JOIN deploys d ON d.id = i.deploy_id
		WHERE i.project_id = ? AND i.started_ms >= ? AND i.started_ms < ? AND (i.kind != 'deploy_failed' OR `+switchedSQL+`))
		WHERE target IN `+in+` ORDER BY started_ms`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("read the incidents: %w", err)
	}
	defer rows.Close()
	var out []DoraIncident
	for rows.Next() {
		var di DoraIncident
		i := &di.Incident
		if err := rows.Scan(&i.ID, &i.ProjectID, &i.CheckID, &i.DeployID, &i.CardID, &i.Kind, &i.Title, &i.StartedMs,
			&i.ResolvedMs, &i.Note, &i.RootCause, &di.Target, &di.CauseDeployedMs); err != nil {
			return nil, err
		}
		out = append(out, di)
	}
	return out, rows.Err()
}

// ReadOnly reports a store opened by OpenReadOnly: every write fails.
func (s *Store) ReadOnly() bool { return s.lock == nil }

// PreviousReleaseCommit is the commit of the newest release made before releaseID that was
// not built from uncommitted changes; "" when there is none.
func (s *Store) PreviousReleaseCommit(ctx context.Context, projectID, releaseID int64) (string, error) {
	var sha string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT commit_sha FROM releases WHERE project_id = ? AND id < ?
		AND dirty = 0 ORDER BY id DESC LIMIT 1), '')`, projectID, releaseID).Scan(&sha)
	return sha, err
}
