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
//
// What the columns mean, per kind (the DORA figures are computed from them: deploy_id is
// the deploy the incident counts against in the change failure rate, and resolved_ms −
// started_ms is its time to restore):
//   - check_down: deploy_id is the target's current deploy when the check went DOWN (0 for
//     a check: that is not a target's); started_ms when it went DOWN, resolved_ms when it
//     was UP again.
//   - deploy_failed: a deploy or promotion that failed after its release started on the
//     target (its start or health gate failed, whether before or after the switch; failures
//     before, such as a held lock, an unreachable host, a failed upload or a cancel, are no
//     incidents). deploy_id is that deploy; started_ms its start; resolved_ms its finish when
//     the target was left on a healthy release (rolled back automatically, or a blue-green
//     candidate that never became current), else 0 until the next successful deploy,
//     promotion or rollback of the target resolves it at that one's finish.
//   - rollback: a rollback that succeeded. deploy_id is the deploy rolled back (the target's
//     current one before the rollback): the change that went wrong; started_ms is when that
//     deploy finished (when the change went live), resolved_ms when the rollback finished.
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

// IncidentRow is an incident with what the faces show beside it.
type IncidentRow struct {
	Incident
	Check         string // the check's name ("target:staging", "check:api"), "" for none
	Target        string // the target it concerns: its check's or its deploy's; "" for none
	DeployVersion string
	CardNumber    int64 // 0 when no card was made from it (or the card is gone)
}

var incidentRowSelect = `SELECT i.id, i.project_id, coalesce(i.check_id, 0), coalesce(i.deploy_id, 0), coalesce(c.id, 0),
 i.kind, i.title, i.started_ms, i.resolved_ms, i.note, i.root_cause, coalesce(ch.name, ''),
 coalesce(` + checkTargetSQL("ch.name") + `, d.target, ''), coalesce(d.version, ''), coalesce(c.number, 0)
 FROM incidents i LEFT JOIN checks ch ON ch.id = i.check_id LEFT JOIN deploys d ON d.id = i.deploy_id
 LEFT JOIN cards c ON c.id = i.card_id`

func scanIncidentRow(row interface{ Scan(...any) error }) (IncidentRow, error) {
	var r IncidentRow
	in := &r.Incident
	err := row.Scan(&in.ID, &in.ProjectID, &in.CheckID, &in.DeployID, &in.CardID, &in.Kind, &in.Title, &in.StartedMs,
		&in.ResolvedMs, &in.Note, &in.RootCause, &r.Check, &r.Target, &r.DeployVersion, &r.CardNumber)
	return r, err
}

// IncidentRows lists the project's incidents that started at or after sinceMs, and every
// open one whenever it started, newest first.
func (s *Store) IncidentRows(ctx context.Context, projectID, sinceMs int64) ([]IncidentRow, error) {
	rows, err := s.db.QueryContext(ctx, incidentRowSelect+` WHERE i.project_id = ? AND (i.started_ms >= ? OR i.resolved_ms = 0)
		ORDER BY i.started_ms DESC, i.id DESC`, projectID, sinceMs)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []IncidentRow
	for rows.Next() {
		r, err := scanIncidentRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// IncidentRow loads one of the project's incidents.
func (s *Store) IncidentRow(ctx context.Context, projectID, id int64) (IncidentRow, error) {
	r, err := scanIncidentRow(s.db.QueryRowContext(ctx, incidentRowSelect+` WHERE i.project_id = ? AND i.id = ?`, projectID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("incident %d: %w", id, ErrNotFound)
	}
	return r, err
}

// ResolveDeployIncidents resolves at atMs the open deploy_failed incidents of the project's
// deploys to target (a deploy that succeeded there restored it), and returns their ids.
func (s *Store) ResolveDeployIncidents(ctx context.Context, projectID int64, target string, atMs int64) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `UPDATE incidents SET resolved_ms = max(?, started_ms, 1) WHERE project_id = ? AND kind = ?
		AND resolved_ms = 0 AND deploy_id IN (SELECT id FROM deploys WHERE project_id = ? AND target = ?) RETURNING id`,
		atMs, projectID, IncidentDeployFailed, projectID, target)
	if err != nil {
		return nil, fmt.Errorf("resolve the failed deploys of %s: %w", target, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DeployBefore is the target's newest successful deploy, promotion or rollback before the
// deploy with id beforeID: what the target ran before it. ok is false when there is none.
func (s *Store) DeployBefore(ctx context.Context, projectID int64, target string, beforeID int64) (d Deploy, ok bool, err error) {
	d, err = scanDeploy(s.db.QueryRowContext(ctx, `SELECT `+deployColumns+` FROM deploys WHERE project_id = ? AND target = ?
		AND status = ? AND id < ? ORDER BY id DESC LIMIT 1`, projectID, target, DeploySucceeded, beforeID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	return d, err == nil, err
}

// checkTargetSQL is the SQL for the target whose check is named by the column name:
// "target:NAME" and each host's "target:NAME@HOST" are NAME's; NULL for a check of checks:.
func checkTargetSQL(name string) string {
	return `CASE WHEN ` + name + ` LIKE 'target:%@%' THEN substr(` + name + `, 8, instr(` + name + `, '@') - 8)
		WHEN ` + name + ` LIKE 'target:%' THEN substr(` + name + `, 8) END`
}
