package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Incident kinds.
const (
	IncidentCheckDown    = "check_down"    // a health check went DOWN
	IncidentDeployFailed = "deploy_failed" // a deploy failed
	IncidentRollback     = "rollback"      // a target was rolled back
)

// Incident is something that went wrong on a target: a check that went down, a failed
// deploy or a rollback. Ids are 0 when there is none (or it was deleted).
type Incident struct {
	ID         int64
	ProjectID  int64
	CheckID    int64 // the check that went down
	DeployID   int64 // the deploy that preceded it, or that it is about
	CardID     int64 // the card made from it
	Kind       string
	Title      string
	StartedMs  int64
	ResolvedMs int64 // 0 while open
	Note       string
	RootCause  string // the SHA of the commit that caused it
}

// Open reports whether the incident is still open.
func (in Incident) Open() bool { return in.ResolvedMs == 0 }

const incidentColumns = `id, project_id, coalesce(check_id, 0), coalesce(deploy_id, 0), coalesce(card_id, 0), kind, title,
 started_ms, resolved_ms, note, root_cause`

func scanIncident(row interface{ Scan(...any) error }) (Incident, error) {
	var in Incident
	err := row.Scan(&in.ID, &in.ProjectID, &in.CheckID, &in.DeployID, &in.CardID, &in.Kind, &in.Title,
		&in.StartedMs, &in.ResolvedMs, &in.Note, &in.RootCause)
	return in, err
}

// OpenIncident records an incident and returns its id. For a check that already has an open
// incident it records nothing and returns that incident's id, so a check that stays down
// has one incident.
func (s *Store) OpenIncident(ctx context.Context, in Incident) (int64, error) {
	switch in.Kind {
	case IncidentCheckDown, IncidentDeployFailed, IncidentRollback:
	default:
		return 0, fmt.Errorf("record the incident: unknown kind %q", in.Kind)
	}
	rootCause, err := commitSHA(in.RootCause)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inTx(ctx, "record the incident", func(tx *sql.Tx) error {
		if in.CheckID != 0 && in.ResolvedMs == 0 {
			err := tx.QueryRowContext(ctx, `SELECT id FROM incidents WHERE check_id = ? AND resolved_ms = 0`, in.CheckID).Scan(&id)
			if err == nil || !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO incidents (project_id, check_id, kind, title, started_ms, resolved_ms,
			deploy_id, note, root_cause, card_id) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0))`,
			in.ProjectID, in.CheckID, in.Kind, in.Title, in.StartedMs, in.ResolvedMs, in.DeployID, in.Note, rootCause, in.CardID)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// ResolveIncident marks the incident resolved at atMs (never before it started). An
// incident resolved already keeps its time.
func (s *Store) ResolveIncident(ctx context.Context, id, atMs int64) error {
	if atMs <= 0 {
		return fmt.Errorf("resolve incident %d: no time given", id)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE incidents SET resolved_ms = max(?, started_ms, 1) WHERE id = ? AND resolved_ms = 0`, atMs, id)
	if err != nil {
		return fmt.Errorf("resolve incident %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1 FROM incidents WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("incident %d: %w", id, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("resolve incident %d: %w", id, err)
	}
	return nil
}

// OpenIncidentOf returns the check's open incident; ok is false when it has none.
func (s *Store) OpenIncidentOf(ctx context.Context, checkID int64) (in Incident, ok bool, err error) {
	in, err = scanIncident(s.db.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE check_id = ? AND resolved_ms = 0`, checkID))
	if errors.Is(err, sql.ErrNoRows) {
		return Incident{}, false, nil
	}
	if err != nil {
		return Incident{}, false, fmt.Errorf("open incident of check %d: %w", checkID, err)
	}
	return in, true, nil
}

// Incidents lists the project's incidents that started at or after sinceMs, newest first;
// limit ≤ 0 means all of them.
func (s *Store) Incidents(ctx context.Context, projectID int64, sinceMs int64, limit int) ([]Incident, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE project_id = ? AND started_ms >= ?
		ORDER BY started_ms DESC, id DESC LIMIT ?`, projectID, sinceMs, limit)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// UpdateIncident sets the note and the root-cause commit (a SHA, full or abbreviated, or ""
// for none) of one of the project's incidents.
func (s *Store) UpdateIncident(ctx context.Context, projectID, id int64, note, rootCause string) error {
	rootCause, err := commitSHA(rootCause)
	if err != nil {
		return err
	}
	err = s.exec1(ctx, `UPDATE incidents SET note = ?, root_cause = ? WHERE project_id = ? AND id = ?`, note, rootCause, projectID, id)
	if err != nil {
		return fmt.Errorf("update incident %d: %w", id, err)
	}
	return nil
}

// commitSHA checks that sha is a commit SHA (4 to 64 hex digits) or "", and lowercases it.
func commitSHA(sha string) (string, error) {
	sha = strings.ToLower(strings.TrimSpace(sha))
	if sha == "" {
		return "", nil
	}
	ok := len(sha) >= 4 && len(sha) <= 64
	for _, c := range sha {
		ok = ok && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f')
	}
	if !ok {
		return "", fmt.Errorf("the root cause %q is not a commit SHA: give 4 to 64 hex digits, such as the output of `git rev-parse --short HEAD`", sha)
	}
	return sha, nil
}
