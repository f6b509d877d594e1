package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ChecklistItem is one item of a card's checklist.
type ChecklistItem struct {
	ID     int64
	CardID int64
	Text   string
	Done   bool
	Rank   string
}

// Link ties a card to a commit, branch, run, release or deploy.
type Link struct {
	ID      int64
	CardID  int64
	Kind    string // one of the Link* constants
	Ref     string // full SHA, branch name, run id, version, "staging v1.4.0"
	Closing bool   // a commit that closes the card, not only mentions it
	Title   string // a commit's subject and the like
	AtMs    int64
}

// CardDetail is a card with everything attached to it.
type CardDetail struct {
	Card
	Checklist   []ChecklistItem // in order
	Links       []Link          // oldest first
	Transitions []Transition    // oldest first
	// ColumnNames names every column the transitions mention, removed ones included.
	ColumnNames map[int64]string
}

// AddLabel adds a label to a project's board; names are unique, whatever their case.
func (s *Store) AddLabel(ctx context.Context, projectID int64, name, color string) (Label, error) {
	l := Label{Name: strings.TrimSpace(name), Color: color}
	err := s.inTx(ctx, fmt.Sprintf("add label %q", name), func(tx *sql.Tx) error {
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT name FROM labels WHERE project_id = ? AND name = ? COLLATE NOCASE`, projectID, l.Name).Scan(&existing)
		if err == nil {
			return refused("a label named %q exists already", existing)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO labels(project_id, name, color) VALUES(?,?,?) RETURNING id`,
			projectID, l.Name, l.Color).Scan(&l.ID)
	})
	return l, err
}

// labels lists a project's labels by name.
func labels(ctx context.Context, q querier, projectID int64) ([]Label, error) {
	out := []Label{}
	err := eachRow(ctx, q, func(r *sql.Rows) error {
		var l Label
		if err := r.Scan(&l.ID, &l.Name, &l.Color); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	}, `SELECT id, name, color FROM labels WHERE project_id = ? ORDER BY name COLLATE NOCASE`, projectID)
	return out, err
}

// SetCardLabels replaces a card's labels.
func (s *Store) SetCardLabels(ctx context.Context, projectID, cardID int64, labelIDs []int64, nowMs int64) (Card, error) {
	return s.changeCard(ctx, projectID, cardID, nowMs, "set the card's labels", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM card_labels WHERE card_id = ?`, cardID); err != nil {
			return err
		}
		return setLabels(ctx, tx, projectID, cardID, labelIDs)
	})
}

func setLabels(ctx context.Context, q querier, projectID, cardID int64, labelIDs []int64) error {
	for _, id := range labelIDs {
		res, err := q.ExecContext(ctx, `INSERT INTO card_labels(card_id, label_id) SELECT ?, id FROM labels
			WHERE id = ? AND project_id = ? ON CONFLICT DO NOTHING`, cardID, id, projectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var dup int
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM card_labels WHERE card_id = ? AND label_id = ?`, cardID, id).Scan(&dup); err != nil {
				return err
			}
			if dup == 0 {
				return notFound("label %d is not on this board: reload the board", id)
			}
		}
	}
	return nil
}

// checklistItem loads an item of a card of the project.
func checklistItem(ctx context.Context, q querier, projectID, id int64) (ChecklistItem, error) {
	var it ChecklistItem
	err := q.QueryRowContext(ctx, `SELECT ci.id, ci.card_id, ci.text, ci.done, ci.rank FROM checklist_items ci
		JOIN cards c ON c.id = ci.card_id WHERE ci.id = ? AND c.project_id = ?`, id, projectID).
		Scan(&it.ID, &it.CardID, &it.Text, &it.Done, &it.Rank)
	if errors.Is(err, sql.ErrNoRows) {
		return it, notFound("checklist item %d is not on this board: reload the card", id)
	}
	return it, err
}

// AddChecklistItem adds an item at the end of a card's checklist.
func (s *Store) AddChecklistItem(ctx context.Context, projectID, cardID int64, text string, nowMs int64) (ChecklistItem, error) {
	var it ChecklistItem
	_, err := s.changeCard(ctx, projectID, cardID, nowMs, "add a checklist item", func(tx *sql.Tx) error {
		r, err := place(ctx, tx, checklistList(cardID), 0, 0, 0)
		if err != nil {
			return err
		}
		it = ChecklistItem{CardID: cardID, Text: text, Rank: r}
		return tx.QueryRowContext(ctx, `INSERT INTO checklist_items(card_id, text, rank) VALUES(?,?,?) RETURNING id`,
			cardID, text, r).Scan(&it.ID)
	})
	return it, err
}

// changeItem runs change on a checklist item of the project inside changeCard, and returns
// the item as it is after.
func (s *Store) changeItem(ctx context.Context, projectID, itemID, nowMs int64, what string, change func(*sql.Tx, ChecklistItem) error) (ChecklistItem, error) {
	it, err := checklistItem(ctx, s.db, projectID, itemID)
	if err != nil {
		return it, err
	}
	_, err = s.changeCard(ctx, projectID, it.CardID, nowMs, what, func(tx *sql.Tx) error {
		cur, err := checklistItem(ctx, tx, projectID, itemID)
		if err != nil {
			return err
		}
		if err := change(tx, cur); err != nil {
			return err
		}
		after, err := checklistItem(ctx, tx, projectID, itemID)
		switch {
		case errors.Is(err, ErrNotFound): // removed: return it as it was
			it = cur
			return nil
		case err != nil:
			return err
		}
		it = after
		return nil
	})
	return it, err
}

// ToggleChecklistItem ticks an item, or unticks a ticked one.
func (s *Store) ToggleChecklistItem(ctx context.Context, projectID, itemID, nowMs int64) (ChecklistItem, error) {
	return s.changeItem(ctx, projectID, itemID, nowMs, "tick a checklist item", func(tx *sql.Tx, it ChecklistItem) error {
		_, err := tx.ExecContext(ctx, `UPDATE checklist_items SET done = NOT done WHERE id = ?`, itemID)
		return err
	})
}

// RemoveChecklistItem removes an item of a card's checklist and returns it.
func (s *Store) RemoveChecklistItem(ctx context.Context, projectID, itemID, nowMs int64) (ChecklistItem, error) {
	return s.changeItem(ctx, projectID, itemID, nowMs, "remove a checklist item", func(tx *sql.Tx, it ChecklistItem) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM checklist_items WHERE id = ?`, itemID)
		return err
	})
}

// MoveChecklistItem moves an item between two others of its checklist (ids; 0: none).
func (s *Store) MoveChecklistItem(ctx context.Context, projectID, itemID, before, after, nowMs int64) (ChecklistItem, error) {
	return s.changeItem(ctx, projectID, itemID, nowMs, "move a checklist item", func(tx *sql.Tx, it ChecklistItem) error {
		r, err := place(ctx, tx, checklistList(it.CardID), itemID, before, after)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE checklist_items SET rank = ? WHERE id = ?`, r, itemID)
		return err
	})
}

// AddLink links a card to a commit, branch, run, release or deploy. Linking the same thing
// again changes nothing, except that a closing link stays closing and a missing title is
// filled in. added is false when the link existed.
func (s *Store) AddLink(ctx context.Context, projectID int64, l Link) (out Link, added bool, err error) {
	err = s.inTx(ctx, fmt.Sprintf("link %s %s", l.Kind, l.Ref), func(tx *sql.Tx) error {
		if _, err := card(ctx, tx, projectID, l.CardID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM card_links WHERE card_id = ? AND kind = ? AND ref = ?`,
			l.CardID, l.Kind, l.Ref).Scan(&n); err != nil {
			return err
		}
		added = n == 0
		out, err = upsertLink(ctx, tx, l)
		return err
	})
	return out, added, err
}

// upsertLinkSQL adds a link (card_id, kind, ref, closing, title, at_ms), or updates the one
// it repeats: a closing link stays closing and a missing title is filled in.
const upsertLinkSQL = `INSERT INTO card_links(card_id, kind, ref, closing, title, at_ms) VALUES(?,?,?,?,?,?)
	ON CONFLICT(card_id, kind, ref) DO UPDATE SET closing = max(closing, excluded.closing),
	  title = CASE WHEN title = '' THEN excluded.title ELSE title END`

// upsertLink adds a link, or updates the one it repeats (upsertLinkSQL), and returns it.
func upsertLink(ctx context.Context, q querier, l Link) (Link, error) {
	var out Link
	err := scanLink(q.QueryRowContext(ctx, upsertLinkSQL+` RETURNING `+linkColumns,
		l.CardID, l.Kind, l.Ref, l.Closing, l.Title, l.AtMs), &out)
	return out, err
}

const linkColumns = `id, card_id, kind, ref, closing, title, at_ms`

func scanLink(row interface{ Scan(...any) error }, l *Link) error {
	return row.Scan(&l.ID, &l.CardID, &l.Kind, &l.Ref, &l.Closing, &l.Title, &l.AtMs)
}

// CardDetail loads a card of the project with its description, checklist, links and
// transitions.
func (s *Store) CardDetail(ctx context.Context, projectID, cardID int64) (CardDetail, error) {
	var d CardDetail
	err := s.snapshot(ctx, func(q querier) error {
		var err error
		if d.Card, err = card(ctx, q, projectID, cardID); err != nil {
			return err
		}
		if err := q.QueryRowContext(ctx, `SELECT description FROM cards WHERE id = ?`, cardID).Scan(&d.Description); err != nil {
			return err
		}
		d.Checklist = []ChecklistItem{}
		if err := eachRow(ctx, q, func(r *sql.Rows) error {
			var it ChecklistItem
			err := r.Scan(&it.ID, &it.CardID, &it.Text, &it.Done, &it.Rank)
			d.Checklist = append(d.Checklist, it)
			return err
		}, `SELECT id, card_id, text, done, rank FROM checklist_items WHERE card_id = ? ORDER BY rank`, cardID); err != nil {
			return err
		}
		d.Links = []Link{}
		if err := eachRow(ctx, q, func(r *sql.Rows) error {
			var l Link
			err := scanLink(r, &l)
			d.Links = append(d.Links, l)
			return err
		}, `SELECT `+linkColumns+` FROM card_links WHERE card_id = ? ORDER BY at_ms, id`, cardID); err != nil {
			return err
		}
		d.Transitions = []Transition{}
		if err := eachRow(ctx, q, func(r *sql.Rows) error {
			t, err := scanTransition(r)
			d.Transitions = append(d.Transitions, t)
			return err
		}, `SELECT `+transitionColumns+` FROM card_transitions WHERE card_id = ? ORDER BY id`, cardID); err != nil {
			return err
		}
		d.ColumnNames = map[int64]string{}
		return eachRow(ctx, q, func(r *sql.Rows) error {
			var id int64
			var name string
			err := r.Scan(&id, &name)
			d.ColumnNames[id] = name
			return err
		}, `SELECT id, name FROM board_columns WHERE project_id = ?`, projectID)
	})
	if err != nil {
		var be *boardError
		if errors.As(err, &be) {
			return d, err
		}
		return d, fmt.Errorf("load card %d: %w", cardID, err)
	}
	return d, nil
}
