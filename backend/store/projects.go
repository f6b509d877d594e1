package store

import (
	"context"
	"fmt"
)

// RecentProject is a recorded project with when it was last opened.
type RecentProject struct {
	ID       int64
	Path     string
	Name     string
	OpenedMs int64
}

// TouchProject records that the project was opened (or made current) at nowMs. It becomes
// the newest of the recent projects even when another was opened in the same millisecond
// (or the clock went back): its time is then one past the newest.
func (s *Store) TouchProject(ctx context.Context, projectID, nowMs int64) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE projects SET opened_ms = max(?, (SELECT coalesce(max(opened_ms), 0) + 1 FROM projects WHERE id != ?)) WHERE id = ?`,
		nowMs, projectID, projectID)
	if err != nil {
		return fmt.Errorf("record the opening of project %d: %w", projectID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("project %d: %w", projectID, ErrNotFound)
	}
	return nil
}

// RecentProjects lists the projects last opened, newest first, at most limit (≤ 0: 20).
func (s *Store) RecentProjects(ctx context.Context, limit int) ([]RecentProject, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, path, name, opened_ms FROM projects ORDER BY opened_ms DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list recent projects: %w", err)
	}
	defer rows.Close()
	var out []RecentProject
	for rows.Next() {
		var p RecentProject
		if err := rows.Scan(&p.ID, &p.Path, &p.Name, &p.OpenedMs); err != nil {
			return nil, fmt.Errorf("list recent projects: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
