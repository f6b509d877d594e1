package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// JourneyCard is what a card's journey needs of it: where it is, and the reducer's state.
type JourneyCard struct {
	ID        int64
	Number    int64
	ColumnID  int64
	Stage     string
	Failure   string
	CreatedMs int64
	EnteredMs int64 // when it entered its column
	// Journey is backend/plan's state of the card as JSON; "" when it has none yet.
	Journey string
}

const journeyCardColumns = `id, number, column_id, stage, failure, created_ms, entered_ms, journey`

func scanJourneyCard(row interface{ Scan(...any) error }) (JourneyCard, error) {
	var c JourneyCard
	err := row.Scan(&c.ID, &c.Number, &c.ColumnID, &c.Stage, &c.Failure, &c.CreatedMs, &c.EnteredMs, &c.Journey)
	return c, err
}

// JourneyCards loads every card of a project as the journey sees it, by number.
func (s *Store) JourneyCards(ctx context.Context, projectID int64) ([]JourneyCard, error) {
	var out []JourneyCard
	err := eachRow(ctx, s.db, func(r *sql.Rows) error {
		c, err := scanJourneyCard(r)
		out = append(out, c)
		return err
	}, `SELECT `+journeyCardColumns+` FROM cards WHERE project_id = ? ORDER BY number`, projectID)
	if err != nil {
		return nil, fmt.Errorf("load the cards' journeys: %w", err)
	}
	return out, nil
}

// JourneyCard loads one card of a project as the journey sees it.
func (s *Store) JourneyCard(ctx context.Context, projectID, cardID int64) (JourneyCard, error) {
	c, err := scanJourneyCard(s.db.QueryRowContext(ctx, `SELECT `+journeyCardColumns+` FROM cards
		WHERE id = ? AND project_id = ?`, cardID, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("card %d is not on this board: reload the board", cardID)
	}
	if err != nil {
		return c, fmt.Errorf("load the journey of card %d: %w", cardID, err)
	}
	return c, nil
}

// BoardKey returns a project's board key and whether the board has been used (made): a
// board never used has no cards.
func (s *Store) BoardKey(ctx context.Context, projectID int64) (key string, used bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT key FROM boards WHERE project_id = ?`, projectID).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("load the board's key: %w", err)
	}
	return key, true, nil
}

// columnForStage returns the active column of a project bound to a journey stage; ok is
// false when no column is.
func columnForStage(ctx context.Context, q querier, projectID int64, stage string) (Column, bool, error) {
	if stage == "" {
		return Column{}, false, nil
	}
	c, err := scanColumn(q.QueryRowContext(ctx, `SELECT `+columnColumns+` FROM board_columns
		WHERE project_id = ? AND stage = ? AND removed_ms = 0`, projectID, stage))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

// JourneyUpdate is what the journey changed on one card.
type JourneyUpdate struct {
	CardID int64
	// Journey is the reducer's state after the change (JSON), and Failure the failure the
	// card shows ("" for none).
	Journey string
	Failure string
	// Links are added with AddLink's rules (a repeated link is updated, never doubled).
	Links []Link
	// Moves are the card's automatic moves, in order.
	Moves []JourneyMove
}

// JourneyMove is an automatic move of a card to the column bound to Stage.
type JourneyMove struct {
	Stage     string
	CauseKind string // CauseCommit, CauseBranch, CauseRun, CauseRelease or CauseDeploy
	CauseRef  string // the SHA, branch, run id, version, "staging v1.4.0"
	AtMs      int64
}

// ApplyJourney stores what the journey changed, in one transaction: each update's links,
// its moves (each to the end of the active column bound to the move's stage, with a
// transition of the move's cause; a move to a stage no column is bound to, or to the column
// the card is in, is skipped and logs nothing) and the card's journey state and failure;
// and it records the scanned commits (full SHAs) of the project's repository. It returns
// the ids of the cards it moved.
func (s *Store) ApplyJourney(ctx context.Context, projectID int64, updates []JourneyUpdate, scanned []string) ([]int64, error) {
	var moved []int64
	err := s.inTx(ctx, "record the cards' journeys", func(tx *sql.Tx) error {
		moved = moved[:0]
		links, err := tx.PrepareContext(ctx, upsertLinkSQL)
		if err != nil {
			return err
		}
		defer links.Close()
		for _, u := range updates {
			m, err := applyJourneyUpdate(ctx, tx, links, projectID, u)
			if err != nil {
				return err
			}
			if m {
				moved = append(moved, u.CardID)
			}
		}
		return addScanned(ctx, tx, projectID, scanned)
	})
	return moved, err
}

// applyJourneyUpdate stores one card's update; links is upsertLinkSQL, prepared.
func applyJourneyUpdate(ctx context.Context, tx *sql.Tx, links *sql.Stmt, projectID int64, u JourneyUpdate) (moved bool, err error) {
	for _, l := range u.Links {
		if _, err := links.ExecContext(ctx, u.CardID, l.Kind, l.Ref, l.Closing, l.Title, l.AtMs); err != nil {
			return false, err
		}
	}
	for _, m := range u.Moves {
		col, ok, err := columnForStage(ctx, tx, projectID, m.Stage)
		if err != nil {
			return false, err
		}
		var at int64
		if ok {
			if err := tx.QueryRowContext(ctx, `SELECT column_id FROM cards WHERE id = ?`, u.CardID).Scan(&at); err != nil {
				return false, err
			}
		}
		if !ok || at == col.ID {
			continue
		}
		if _, _, err := moveCard(ctx, tx, Move{ProjectID: projectID, CardID: u.CardID, ColumnID: col.ID,
			CauseKind: m.CauseKind, CauseRef: m.CauseRef, AtMs: m.AtMs}); err != nil {
			return false, err
		}
		moved = true
	}
	return moved, setJourney(ctx, tx, u.CardID, u.Journey, u.Failure)
}

// setJourney saves a card's journey state and failure.
func setJourney(ctx context.Context, q querier, cardID int64, journey, failure string) error {
	_, err := q.ExecContext(ctx, `UPDATE cards SET journey = ?, failure = ? WHERE id = ?`, journey, failure, cardID)
	return err
}

// SetJourney saves a card's journey state (JSON) and the failure it shows.
func (s *Store) SetJourney(ctx context.Context, projectID, cardID int64, journey, failure string) error {
	return s.inTx(ctx, "record the card's journey", func(tx *sql.Tx) error {
		if _, err := card(ctx, tx, projectID, cardID); err != nil {
			return err
		}
		return setJourney(ctx, tx, cardID, journey, failure)
	})
}

// JourneyBefore returns the journey state a card had before a transition of the project
// (kept for moves by hand; "" for others).
func (s *Store) JourneyBefore(ctx context.Context, projectID, transitionID int64) (string, error) {
	var j string
	err := s.db.QueryRowContext(ctx, `SELECT journey_before FROM card_transitions WHERE id = ? AND project_id = ?`,
		transitionID, projectID).Scan(&j)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("transition %d is not on this board", transitionID)
	}
	if err != nil {
		return "", fmt.Errorf("load transition %d: %w", transitionID, err)
	}
	return j, nil
}

// scannedBatch is how many commits one INSERT records: a first scan records the whole
// history, and one statement per commit would cost more than reading the commits.
const scannedBatch = 500

// addScanned records commits as scanned.
func addScanned(ctx context.Context, tx *sql.Tx, projectID int64, shas []string) error {
	for len(shas) > 0 {
		batch := shas[:min(len(shas), scannedBatch)]
		shas = shas[len(batch):]
		args := make([]any, 0, 2*len(batch))
		for _, sha := range batch {
			args = append(args, projectID, sha)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO scanned_commits(project_id, sha) VALUES (?, ?)`+
			strings.Repeat(", (?, ?)", len(batch)-1)+` ON CONFLICT DO NOTHING`, args...); err != nil {
			return err
		}
	}
	return nil
}

// CountScanned returns how many of shas (full SHAs, no repeats) are recorded as scanned.
func (s *Store) CountScanned(ctx context.Context, projectID int64, shas []string) (int, error) {
	if len(shas) == 0 {
		return 0, nil
	}
	args := []any{projectID}
	for _, sha := range shas {
		args = append(args, sha)
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM scanned_commits WHERE project_id = ? AND sha IN (?`+
		strings.Repeat(",?", len(shas)-1)+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("look up scanned commits: %w", err)
	}
	return n, nil
}

// ScannedCommits returns the set of a project's scanned commits.
func (s *Store) ScannedCommits(ctx context.Context, projectID int64) (map[string]bool, error) {
	out := map[string]bool{}
	err := eachRow(ctx, s.db, func(r *sql.Rows) error {
		var sha string
		err := r.Scan(&sha)
		out[sha] = true
		return err
	}, `SELECT sha FROM scanned_commits WHERE project_id = ?`, projectID)
	if err != nil {
		return nil, fmt.Errorf("load the scanned commits: %w", err)
	}
	return out, nil
}

// Delivery says when a card first started and was first delivered (see Deliveries).
type Delivery struct {
	CardID      int64
	CreatedMs   int64
	StartedMs   int64 // its first transition to a started stage
	DeliveredMs int64 // its first transition to the delivered stage
}

// Deliveries returns the cards of a project whose first transition to stage delivered (by
// a move not undone) came at sinceMs or later, with when they first reached one of the
// started stages: what the board's throughput and cycle time need, aggregated by SQLite
// so that a board of 10,000 transitions sends a row per delivered card, not per move.
func (s *Store) Deliveries(ctx context.Context, projectID int64, started []string, delivered string, sinceMs int64) ([]Delivery, error) {
	var out []Delivery
	var args []any // in the order of the placeholders
	for _, st := range append(slices.Clip(started), delivered) {
		args = append(args, st)
	}
	args = append(args, projectID, delivered, sinceMs)
	in := "?" + strings.Repeat(",?", len(started))
	err := eachRow(ctx, s.db, func(r *sql.Rows) error {
		var d Delivery
		err := r.Scan(&d.CardID, &d.CreatedMs, &d.DeliveredMs, &d.StartedMs)
		out = append(out, d)
		return err
	}, `SELECT d.card_id, c.created_ms, d.delivered,
		  (SELECT min(s.at_ms) FROM card_transitions s WHERE s.card_id = d.card_id AND s.undone_by = 0 AND s.to_stage IN (`+in+`))
		FROM (SELECT card_id, min(at_ms) AS delivered FROM card_transitions
		      WHERE project_id = ? AND to_stage = ? AND undone_by = 0 GROUP BY card_id) d
		JOIN cards c ON c.id = d.card_id
		WHERE d.delivered >= ? ORDER BY d.card_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load the delivered cards: %w", err)
	}
	return out, nil
}
