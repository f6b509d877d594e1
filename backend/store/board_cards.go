package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"eightfold/backend/rank"
)

// NewCard is what AddCard needs.
type NewCard struct {
	ProjectID   int64
	Title       string
	Description string
	Assignee    string
	Due         string
	ColumnID    int64 // 0: the first backlog column (else the first column)
	LabelIDs    []int64
	NowMs       int64
}

// CardPatch changes the fields that are not nil.
type CardPatch struct {
	Title, Description, Assignee, Due *string
}

// Transition is a card's change of column or stage, with its cause.
type Transition struct {
	ID         int64
	CardID     int64
	FromColumn int64 // 0: the card was created
	ToColumn   int64
	FromStage  string
	ToStage    string
	FromRank   string
	ToRank     string
	CauseKind  string // one of the Cause* constants
	CauseRef   string
	AtMs       int64
	UndoneBy   int64 // the undo transition that reverted it; 0: none
}

// Move is a card's move to a place in a column.
type Move struct {
	ProjectID int64
	CardID    int64
	ColumnID  int64
	// Rank is the card's new rank; "" places it between the cards Before and After (ids; 0:
	// none; with neither, at the end of the column).
	Rank          string
	Before, After int64
	CauseKind     string
	CauseRef      string
	AtMs          int64
	// Journey, when set, is saved with the move: the card's journey state after it and its
	// failure on the card, its state before it on the transition (for UndoMove's caller).
	Journey *JourneyChange
}

// JourneyChange is a card's journey state around a move by hand (see Move).
type JourneyChange struct {
	Before, After string // the reducer's state (JSON)
	Failure       string // the failure the card shows after the move
}

// AddCard adds a card at the end of its column with the project's next number, and logs its
// creation (a transition from column 0).
func (s *Store) AddCard(ctx context.Context, nc NewCard) (Card, error) {
	var out Card
	err := s.inTx(ctx, fmt.Sprintf("add card %q", nc.Title), func(tx *sql.Tx) error {
		var err error
		out, err = insertCard(ctx, tx, nc)
		return err
	})
	return out, err
}

// insertCard is AddCard inside a transaction.
func insertCard(ctx context.Context, tx *sql.Tx, nc NewCard) (Card, error) {
	if err := ensureBoard(ctx, tx, nc.ProjectID, nc.NowMs); err != nil {
		return Card{}, err
	}
	col, err := newCardColumn(ctx, tx, nc.ProjectID, nc.ColumnID)
	if err != nil {
		return Card{}, err
	}
	var number int64
	if err := tx.QueryRowContext(ctx, `UPDATE boards SET next_number = next_number + 1 WHERE project_id = ?
		RETURNING next_number - 1`, nc.ProjectID).Scan(&number); err != nil {
		return Card{}, err
	}
	r, err := place(ctx, tx, cardList(col), 0, 0, 0)
	if err != nil {
		return Card{}, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO cards(project_id, number, title, description, assignee, due,
		column_id, rank, stage, created_ms, updated_ms, entered_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		nc.ProjectID, number, nc.Title, nc.Description, nc.Assignee, nc.Due, col.ID, r, col.Stage,
		nc.NowMs, nc.NowMs, nc.NowMs).Scan(&id); err != nil {
		return Card{}, err
	}
	if err := setLabels(ctx, tx, nc.ProjectID, id, nc.LabelIDs); err != nil {
		return Card{}, err
	}
	if _, err := logTransition(ctx, tx, nc.ProjectID, Transition{CardID: id, ToColumn: col.ID, ToStage: col.Stage,
		ToRank: r, CauseKind: CauseUser, AtMs: nc.NowMs}); err != nil {
		return Card{}, err
	}
	return card(ctx, tx, nc.ProjectID, id)
}

// newCardColumn is the column asked for, or the first backlog column, or the first column.
func newCardColumn(ctx context.Context, q querier, projectID, id int64) (Column, error) {
	if id != 0 {
		return column(ctx, q, projectID, id)
	}
	cols, err := columns(ctx, q, projectID)
	if err != nil {
		return Column{}, err
	}
	for _, c := range cols {
		if c.Category == CategoryBacklog {
			return c, nil
		}
	}
	return cols[0], nil // a board always has a column
}

// card loads one card of a project (without its description).
func card(ctx context.Context, q querier, projectID, id int64) (Card, error) {
	cs, err := cardsWhere(ctx, q, `c.id = ? AND c.project_id = ?`, id, projectID)
	if err != nil {
		return Card{}, err
	}
	if len(cs) == 0 {
		return Card{}, notFound("card %d is not on this board: reload the board", id)
	}
	return cs[0], nil
}

// cardPlace loads where a card of a project is: only its ID, Number, ColumnID, Rank and
// Stage are set (a move needs no more).
func cardPlace(ctx context.Context, q querier, projectID, id int64) (Card, error) {
	c := Card{ID: id}
	err := q.QueryRowContext(ctx, `SELECT number, column_id, rank, stage FROM cards WHERE id = ? AND project_id = ?`,
		id, projectID).Scan(&c.Number, &c.ColumnID, &c.Rank, &c.Stage)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("card %d is not on this board: reload the board", id)
	}
	return c, err
}

// Card loads a card of a project (without its description).
func (s *Store) Card(ctx context.Context, projectID, id int64) (Card, error) {
	return card(ctx, s.db, projectID, id)
}

// CardByNumber finds a project's card by its number (the 12 of #12).
func (s *Store) CardByNumber(ctx context.Context, projectID, number int64) (Card, error) {
	cs, err := cardsWhere(ctx, s.db, `c.project_id = ? AND c.number = ?`, projectID, number)
	if err != nil {
		return Card{}, fmt.Errorf("find card #%d: %w", number, err)
	}
	if len(cs) == 0 {
		return Card{}, notFound("card #%d does not exist on this board", number)
	}
	return cs[0], nil
}

// UpdateCard changes a card's title, description, assignee or due date.
func (s *Store) UpdateCard(ctx context.Context, projectID, id int64, p CardPatch, nowMs int64) (Card, error) {
	return s.changeCard(ctx, projectID, id, nowMs, "update card", func(tx *sql.Tx) error {
		for _, f := range []struct {
			col string
			v   *string
		}{{"title", p.Title}, {"description", p.Description}, {"assignee", p.Assignee}, {"due", p.Due}} {
			if f.v == nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cards SET `+f.col+` = ? WHERE id = ?`, *f.v, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// changeCard runs change on a card of the project, marks it updated and returns it.
func (s *Store) changeCard(ctx context.Context, projectID, id, nowMs int64, what string, change func(*sql.Tx) error) (Card, error) {
	var out Card
	err := s.inTx(ctx, what, func(tx *sql.Tx) error {
		if _, err := card(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cards SET updated_ms = ? WHERE id = ?`, nowMs, id); err != nil {
			return err
		}
		var err error
		out, err = card(ctx, tx, projectID, id)
		return err
	})
	return out, err
}

// MoveCard moves a card to a place in a column: it writes the card's row and one transition
// (with the move's cause), in one transaction. The card's stage becomes the column's when the
// column is bound to one. A move to where the card is already changes nothing and logs
// nothing (the transition is then zero).
func (s *Store) MoveCard(ctx context.Context, m Move) (Card, Transition, error) {
	var out Card
	var t Transition
	err := s.inTx(ctx, "move card", func(tx *sql.Tx) error {
		var err error
		if out, t, err = moveCard(ctx, tx, m); err != nil {
			return err
		}
		out, err = card(ctx, tx, m.ProjectID, m.CardID)
		return err
	})
	return out, t, err
}

func moveCard(ctx context.Context, tx *sql.Tx, m Move) (Card, Transition, error) {
	c, err := cardPlace(ctx, tx, m.ProjectID, m.CardID)
	if err != nil {
		return c, Transition{}, err
	}
	to, err := column(ctx, tx, m.ProjectID, m.ColumnID)
	if err != nil {
		return c, Transition{}, err
	}
	r := m.Rank
	if r == "" {
		r, err = place(ctx, tx, cardList(to), c.ID, m.Before, m.After)
	} else if err = rank.Valid(r); err == nil {
		r, err = freeRank(ctx, tx, cardList(to), c.ID, r)
	}
	if err != nil {
		return c, Transition{}, err
	}
	if to.ID == c.ColumnID && r == c.Rank {
		return c, Transition{}, nil
	}
	t := Transition{CardID: c.ID, FromColumn: c.ColumnID, ToColumn: to.ID, FromStage: c.Stage, ToStage: c.Stage,
		FromRank: c.Rank, ToRank: r, CauseKind: m.CauseKind, CauseRef: m.CauseRef, AtMs: m.AtMs}
	if to.Stage != "" {
		t.ToStage = to.Stage
	}
	if t, err = applyMove(ctx, tx, m.ProjectID, t); err != nil {
		return c, t, err
	}
	if j := m.Journey; j != nil {
		if err := setJourney(ctx, tx, c.ID, j.After, j.Failure); err != nil {
			return c, t, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE card_transitions SET journey_before = ? WHERE id = ?`, j.Before, t.ID); err != nil {
			return c, t, err
		}
	}
	return c, t, nil
}

// applyMove writes a card's row for transition t and logs t.
func applyMove(ctx context.Context, tx *sql.Tx, projectID int64, t Transition) (Transition, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE cards SET column_id = ?, rank = ?, stage = ?, updated_ms = ?,
		entered_ms = CASE WHEN column_id = ? THEN entered_ms ELSE ? END WHERE id = ?`,
		t.ToColumn, t.ToRank, t.ToStage, t.AtMs, t.ToColumn, t.AtMs, t.CardID); err != nil {
		return t, err
	}
	return logTransition(ctx, tx, projectID, t)
}

func logTransition(ctx context.Context, q querier, projectID int64, t Transition) (Transition, error) {
	err := q.QueryRowContext(ctx, `INSERT INTO card_transitions(project_id, card_id, from_column, to_column, from_stage,
		to_stage, from_rank, to_rank, cause_kind, cause_ref, at_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		projectID, t.CardID, t.FromColumn, t.ToColumn, t.FromStage, t.ToStage, t.FromRank, t.ToRank, t.CauseKind,
		t.CauseRef, t.AtMs).Scan(&t.ID)
	return t, err
}

const transitionColumns = `id, card_id, from_column, to_column, from_stage, to_stage, from_rank, to_rank, cause_kind, cause_ref, at_ms, undone_by`

func scanTransition(row interface{ Scan(...any) error }) (Transition, error) {
	var t Transition
	err := row.Scan(&t.ID, &t.CardID, &t.FromColumn, &t.ToColumn, &t.FromStage, &t.ToStage, &t.FromRank, &t.ToRank,
		&t.CauseKind, &t.CauseRef, &t.AtMs, &t.UndoneBy)
	return t, err
}

// UndoMove undoes the newest move by hand of the project's board that is not undone yet: its
// card goes back to the column, rank (or the nearest free rank below the next card) and stage
// it came from, with a transition of cause "undo". It refuses when there is nothing to undo,
// when the card has moved since, or when its old column was removed.
func (s *Store) UndoMove(ctx context.Context, projectID, nowMs int64) (Card, Transition, error) {
	var out Card
	var undo Transition
	err := s.inTx(ctx, "undo the last move", func(tx *sql.Tx) error {
		last, err := scanTransition(tx.QueryRowContext(ctx, `SELECT `+transitionColumns+` FROM card_transitions
			WHERE project_id = ? AND cause_kind = ? AND from_column != 0 AND undone_by = 0 ORDER BY id DESC LIMIT 1`,
			projectID, CauseUser))
		if errors.Is(err, sql.ErrNoRows) {
			return refused("nothing to undo: no move by hand is left to undo on this board")
		}
		if err != nil {
			return err
		}
		c, err := card(ctx, tx, projectID, last.CardID)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("card #%d", c.Number)
		if later, err := scanTransition(tx.QueryRowContext(ctx, `SELECT `+transitionColumns+` FROM card_transitions
			WHERE card_id = ? AND id > ? ORDER BY id LIMIT 1`, c.ID, last.ID)); err == nil {
			return refused("cannot undo the last move of %s: it has moved since (%s): move it by hand instead", key, describeCause(later))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		from, err := column(ctx, tx, projectID, last.FromColumn)
		if errors.Is(err, ErrNotFound) {
			return refused("cannot undo the last move of %s: the column it came from was removed: move it by hand instead", key)
		}
		if err != nil {
			return err
		}
		r, err := freeRank(ctx, tx, cardList(from), c.ID, last.FromRank)
		if err != nil {
			return err
		}
		undo, err = applyMove(ctx, tx, projectID, Transition{CardID: c.ID, FromColumn: c.ColumnID, ToColumn: from.ID,
			FromStage: c.Stage, ToStage: last.FromStage, FromRank: c.Rank, ToRank: r, CauseKind: CauseUndo,
			CauseRef: strconv.FormatInt(last.ID, 10), AtMs: nowMs})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE card_transitions SET undone_by = ? WHERE id = ?`, undo.ID, last.ID); err != nil {
			return err
		}
		out, err = card(ctx, tx, projectID, c.ID)
		return err
	})
	return out, undo, err
}

// describeCause says in words what made a transition.
func describeCause(t Transition) string {
	switch t.CauseKind {
	case CauseUser:
		if t.CauseRef != "" {
			return "by hand, by " + t.CauseRef
		}
		return "by hand"
	case CauseUndo:
		return "by an undo"
	case CauseColumn:
		return fmt.Sprintf("its column %q was removed", t.CauseRef)
	case CauseRun:
		return "by run #" + t.CauseRef
	case CauseCommit:
		return "by commit " + t.CauseRef[:min(len(t.CauseRef), 12)]
	}
	return fmt.Sprintf("by %s %s", t.CauseKind, t.CauseRef)
}
