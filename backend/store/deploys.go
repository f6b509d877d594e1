package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Deploy states.
const (
	DeployRunning   = "running"
	DeploySucceeded = "succeeded"
	DeployFailed    = "failed"
)

// DeployInterrupted is the failure of a deploy that was running when Eightfold stopped.
const DeployInterrupted = "Eightfold stopped during this deploy: the target may still be locked by it " +
	"(a later deploy says so, with its holder); check the target, then deploy again with force unlock"

// Deploy is a deploy, promotion or rollback of a release to a target.
type Deploy struct {
	ID            int64
	ProjectID     int64
	Target        string
	Kind          string // deploy, promote, rollback
	ReleaseID     int64  // 0 when the release record is gone, or for a rollback
	Version       string
	Commit        string
	Who           string
	Host          string
	Status        string
	Failure       string
	HostKey       string // "SHA256:…" of an unknown host key that stopped it
	ReleaseDir    string
	RolledBack    bool
	Uploaded      int
	Linked        int
	UploadedBytes int64
	TotalBytes    int64
	Steps         string // JSON
	Warnings      string // JSON: what went wrong after the release was current and healthy
	Hosts         string // JSON: each host's outcome, for a target with several hosts (see migration 0017); "[]" else
	Log           string
	StartedMs     int64
	FinishedMs    int64
}

// CreateDeploy records a deploy that is starting and returns its id.
func (s *Store) CreateDeploy(ctx context.Context, d Deploy) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO deploys (project_id, target, kind, release_id, version, commit_sha, who, host,
		status, started_ms) VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?)`,
		d.ProjectID, d.Target, d.Kind, d.ReleaseID, d.Version, d.Commit, d.Who, d.Host, DeployRunning, d.StartedMs)
	if err != nil {
		return 0, fmt.Errorf("record the deploy: %w", err)
	}
	return res.LastInsertId()
}

// UpdateDeploy stores a deploy's progress or outcome (everything but its target, kind,
// who and when it started).
func (s *Store) UpdateDeploy(ctx context.Context, d Deploy) error {
	return s.exec1(ctx, `UPDATE deploys SET status = ?, failure = ?, host_key = ?, release_dir = ?, rolled_back = ?, uploaded = ?, linked = ?,
		uploaded_bytes = ?, total_bytes = ?, steps = ?, warnings = ?, log = ?, finished_ms = ?, version = ?, commit_sha = ?, host = ?,
		release_id = NULLIF(?, 0), hosts = ? WHERE id = ?`,
		d.Status, d.Failure, d.HostKey, d.ReleaseDir, d.RolledBack, d.Uploaded, d.Linked, d.UploadedBytes, d.TotalBytes, d.Steps, d.Warnings, d.Log,
		d.FinishedMs, d.Version, d.Commit, d.Host, d.ReleaseID, cmp.Or(d.Hosts, "[]"), d.ID)
}

const deployColumns = `id, project_id, target, kind, coalesce(release_id, 0), version, commit_sha, who, host, status, failure,
 host_key, release_dir, rolled_back, uploaded, linked, uploaded_bytes, total_bytes, steps, warnings, log, started_ms, finished_ms, hosts`

func scanDeploy(row interface{ Scan(...any) error }) (Deploy, error) {
	var d Deploy
	err := row.Scan(&d.ID, &d.ProjectID, &d.Target, &d.Kind, &d.ReleaseID, &d.Version, &d.Commit, &d.Who, &d.Host, &d.Status,
		&d.Failure, &d.HostKey, &d.ReleaseDir, &d.RolledBack, &d.Uploaded, &d.Linked, &d.UploadedBytes, &d.TotalBytes, &d.Steps, &d.Warnings, &d.Log,
		&d.StartedMs, &d.FinishedMs, &d.Hosts)
	return d, err
}

// GetDeploy loads one deploy of the project.
func (s *Store) GetDeploy(ctx context.Context, projectID, id int64) (Deploy, error) {
	d, err := scanDeploy(s.db.QueryRowContext(ctx, `SELECT `+deployColumns+` FROM deploys WHERE project_id = ? AND id = ?`, projectID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("deploy %d: %w", id, ErrNotFound)
	}
	return d, err
}

// deploysNewestFirst orders deploys by when they last moved, as the indexes of migration
// 0019 hold them: the expression must stay the same, word for word, for SQLite to use them.
const deploysNewestFirst = ` ORDER BY max(started_ms, finished_ms) DESC, id DESC LIMIT ?`

// Deploys lists the project's deploys, newest first by when they last moved (a running
// one by its start): to target only unless it is ""; limit ≤ 0 means 50. A deploy synced
// from a target's audit log later than it happened takes its place in time, not by id.
func (s *Store) Deploys(ctx context.Context, projectID int64, target string, limit int) ([]Deploy, error) {
	if limit <= 0 {
		limit = 50
	}
	q, args := deploysQuery(projectID, target, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Deploy
	for rows.Next() {
		d, err := scanDeploy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// deploysQuery is the query of Deploys and its arguments: one form for a target and one for
// all of them, each served by its index (one condition that matches any target when the name
// is empty is served by neither).
func deploysQuery(projectID int64, target string, limit int) (string, []any) {
	if target == "" {
		return `SELECT ` + deployColumns + ` FROM deploys WHERE project_id = ?` + deploysNewestFirst, []any{projectID, limit}
	}
	return `SELECT ` + deployColumns + ` FROM deploys WHERE project_id = ? AND target = ?` + deploysNewestFirst, []any{projectID, target, limit}
}

// CurrentDeploy is what a target runs, as far as Eightfold knows: its last successful
// deploy, promotion or rollback, by the time it finished. ok is false when it has none.
func (s *Store) CurrentDeploy(ctx context.Context, projectID int64, target string) (d Deploy, ok bool, err error) {
	d, err = scanDeploy(s.db.QueryRowContext(ctx, `SELECT `+deployColumns+` FROM deploys WHERE project_id = ? AND target = ?
		AND status = ? ORDER BY finished_ms DESC, id DESC LIMIT 1`, projectID, target, DeploySucceeded))
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	return d, err == nil, err
}

// CurrentDeploys is what every target the project ever deployed to runs: the current
// deploy (see CurrentDeploy) of each, by target name. Targets with no successful deploy
// are left out.
func (s *Store) CurrentDeploys(ctx context.Context, projectID int64) ([]Deploy, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deployColumns+` FROM (SELECT *, row_number() OVER
		(PARTITION BY target ORDER BY finished_ms DESC, id DESC) AS newest FROM deploys WHERE project_id = ? AND status = ?)
		WHERE newest = 1 ORDER BY target`, projectID, DeploySucceeded)
	if err != nil {
		return nil, fmt.Errorf("load what the targets run: %w", err)
	}
	defer rows.Close()
	var out []Deploy
	for rows.Next() {
		d, err := scanDeploy(rows)
		if err != nil {
			return nil, fmt.Errorf("load what the targets run: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ReleaseByVersion finds a release of the project by its version or tag.
func (s *Store) ReleaseByVersion(ctx context.Context, projectID int64, version string) (Release, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM releases WHERE project_id = ? AND (version = ? OR tag = ?) ORDER BY id DESC LIMIT 1`,
		projectID, version, version).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Release{}, fmt.Errorf("release %s: %w", version, ErrNotFound)
	}
	if err != nil {
		return Release{}, err
	}
	return s.Release(ctx, projectID, id)
}

// LatestRelease returns the project's newest release.
func (s *Store) LatestRelease(ctx context.Context, projectID int64) (Release, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM releases WHERE project_id = ? ORDER BY id DESC LIMIT 1`, projectID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Release{}, fmt.Errorf("no release yet: %w", ErrNotFound)
	}
	if err != nil {
		return Release{}, err
	}
	return s.Release(ctx, projectID, id)
}
