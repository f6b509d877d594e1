package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrExists is wrapped by errors about a record that exists already.
var ErrExists = errors.New("already exists")

// Release is a version of a project, tagged on a commit.
type Release struct {
	ID              int64
	ProjectID       int64
	Version         string
	Tag             string
	Commit          string
	RunID           int64 // the green run it was released from; 0 once that run is deleted
	Dirty           bool  // released from uncommitted changes: never to production
	Bump            string
	Reason          string
	Changelog       string
	ChangelogCommit string
	CreatedMs       int64
	Artifacts       []ReleaseArtifact
	Cards           []ReleaseCard
}

// ReleaseArtifact is a file a release ships, by its content address.
type ReleaseArtifact struct {
	Step   string
	Path   string
	SHA256 string
	Size   int64
}

// ReleaseCard is a card a release delivers.
type ReleaseCard struct {
	ID     int64
	Number int64
}

// CreateRelease records a release with its artifacts and cards (r.Cards by ID). A second
// release of the same tag is refused with ErrExists.
func (s *Store) CreateRelease(ctx context.Context, r Release) (int64, error) {
	var id int64
	err := s.inTx(ctx, "record the release", func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM releases WHERE project_id = ? AND tag = ?`,
			r.ProjectID, r.Tag).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("release %s: %w", r.Tag, ErrExists)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO releases (project_id, version, tag, commit_sha, run_id, dirty, bump,
			reason, changelog, changelog_commit, created_ms) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?)`,
			r.ProjectID, r.Version, r.Tag, r.Commit, r.RunID, r.Dirty, r.Bump, r.Reason, r.Changelog, r.ChangelogCommit, r.CreatedMs)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return addReleaseParts(ctx, tx, id, r)
	})
	return id, err
}

func addReleaseParts(ctx context.Context, tx *sql.Tx, id int64, r Release) error {
	for _, a := range r.Artifacts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO release_artifacts (release_id, step, path, sha256, size)
			VALUES (?, ?, ?, ?, ?)`, id, a.Step, a.Path, a.SHA256, a.Size); err != nil {
			return err
		}
	}
	for _, c := range r.Cards {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO release_cards (release_id, card_id) VALUES (?, ?)`,
			id, c.ID); err != nil {
			return err
		}
	}
	return nil
}

const releaseColumns = `id, project_id, version, tag, commit_sha, coalesce(run_id, 0), dirty, bump, reason, changelog,
 changelog_commit, created_ms`

func scanRelease(row interface{ Scan(...any) error }) (Release, error) {
	var r Release
	err := row.Scan(&r.ID, &r.ProjectID, &r.Version, &r.Tag, &r.Commit, &r.RunID, &r.Dirty, &r.Bump, &r.Reason,
		&r.Changelog, &r.ChangelogCommit, &r.CreatedMs)
	return r, err
}

// Release loads a release with its artifacts and cards.
func (s *Store) Release(ctx context.Context, projectID, id int64) (Release, error) {
	r, err := scanRelease(s.db.QueryRowContext(ctx,
		`SELECT `+releaseColumns+` FROM releases WHERE project_id = ? AND id = ?`, projectID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("release %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	rs := []Release{r}
	err = s.releaseParts(ctx, rs)
	return rs[0], err
}

// Releases lists a project's releases, newest first, with their artifacts and cards.
func (s *Store) Releases(ctx context.Context, projectID int64) ([]Release, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+releaseColumns+` FROM releases WHERE project_id = ? ORDER BY id DESC`, projectID)
	if err != nil {
		return nil, err
	}
	var out []Release
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.releaseParts(ctx, out)
}

// releaseParts fills the artifacts and cards of rs.
func (s *Store) releaseParts(ctx context.Context, rs []Release) error {
	for i := range rs {
		arts, err := s.releaseArtifacts(ctx, rs[i].ID)
		if err != nil {
			return err
		}
		cards, err := s.releaseCards(ctx, rs[i].ID)
		if err != nil {
			return err
		}
		rs[i].Artifacts, rs[i].Cards = arts, cards
	}
	return nil
}

func (s *Store) releaseArtifacts(ctx context.Context, id int64) ([]ReleaseArtifact, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT step, path, sha256, size FROM release_artifacts WHERE release_id = ? ORDER BY path`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReleaseArtifact
	for rows.Next() {
		var a ReleaseArtifact
		if err := rows.Scan(&a.Step, &a.Path, &a.SHA256, &a.Size); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) releaseCards(ctx context.Context, id int64) ([]ReleaseCard, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.number FROM release_cards rc JOIN cards c ON c.id = rc.card_id
		WHERE rc.release_id = ? ORDER BY c.number`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReleaseCard
	for rows.Next() {
		var c ReleaseCard
		if err := rows.Scan(&c.ID, &c.Number); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CardsLinkedTo returns the project's cards that any of the commits shas closes (a closing
// link: "fixes #12"), by number.
// It reads the project's commit links once and matches them in memory: a release range
// can hold thousands of commits, and links are far fewer.
func (s *Store) CardsLinkedTo(ctx context.Context, projectID int64, shas []string) ([]ReleaseCard, error) {
	in := make(map[string]bool, len(shas))
	for _, sha := range shas {
		in[sha] = true
	}
	rows, err := s.db.QueryContext(ctx, `SELECT l.ref, c.id, c.number FROM card_links l JOIN cards c ON c.id = l.card_id
		WHERE c.project_id = ? AND l.kind = 'commit' AND l.closing ORDER BY c.number`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReleaseCard
	for rows.Next() {
		var ref string
		var c ReleaseCard
		if err := rows.Scan(&ref, &c.ID, &c.Number); err != nil {
			return nil, err
		}
		if in[ref] && (len(out) == 0 || out[len(out)-1].ID != c.ID) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}
