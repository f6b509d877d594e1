package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Kinds of card sources: what a card made from something that went wrong was made from.
const (
	SourceIncident = "incident" // ID: the incident's id (incidents.card_id is set too)
	SourceTest     = "test"     // ID: the test's id (tests.id): one card per test, not per failing result
	SourceDeploy   = "deploy"   // ID: the deploy's id
)

// CardSource names what a card is made from.
type CardSource struct {
	Kind string // one of the Source* constants
	ID   int64
}

// CardFrom returns the open card made from src, or adds nc (with the label named label,
// made with color when the board has none of that name, and links) and records that it was
// made from src. made reports whether it added the card. A card made from src that is now in a done
// or canceled column no longer counts: the work it asked for is over, so the same source
// going wrong again gets a new card. It all happens in one write transaction, so two calls
// at once make one card.
func (s *Store) CardFrom(ctx context.Context, src CardSource, nc NewCard, label, color string, links []Link) (c Card, made bool, err error) {
	err = s.inTx(ctx, "make a card from "+src.Kind, func(tx *sql.Tx) error {
		id, err := openSourceCard(ctx, tx, nc.ProjectID, src)
		if err != nil {
			return err
		}
		if id != 0 {
			c, err = card(ctx, tx, nc.ProjectID, id)
			return err
		}
		labelID, err := ensureLabel(ctx, tx, nc.ProjectID, label, color)
		if err != nil {
			return err
		}
		nc.LabelIDs = append(nc.LabelIDs, labelID)
		if c, err = insertCard(ctx, tx, nc); err != nil {
			return err
		}
		made = true
		for _, l := range links {
			l.CardID = c.ID
			if _, err := upsertLink(ctx, tx, l); err != nil {
				return err
			}
		}
		return recordSource(ctx, tx, nc.ProjectID, src, c.ID)
	})
	return c, made, err
}

// openSourceCard is the id of the card made from src while it is open; 0 when there is none.
func openSourceCard(ctx context.Context, q querier, projectID int64, src CardSource) (int64, error) {
	var id int64
	var category string
	err := q.QueryRowContext(ctx, `SELECT cs.card_id, bc.category FROM card_sources cs JOIN cards c ON c.id = cs.card_id
		JOIN board_columns bc ON bc.id = c.column_id WHERE cs.project_id = ? AND cs.kind = ? AND cs.source_id = ?`,
		projectID, src.Kind, src.ID).Scan(&id, &category)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, err
	case category == CategoryDone || category == CategoryCanceled:
		return 0, nil
	}
	return id, nil
}

// recordSource points src at the card; an incident records its card too.
func recordSource(ctx context.Context, tx *sql.Tx, projectID int64, src CardSource, cardID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO card_sources(project_id, kind, source_id, card_id) VALUES(?,?,?,?)
		ON CONFLICT(project_id, kind, source_id) DO UPDATE SET card_id = excluded.card_id`, projectID, src.Kind, src.ID, cardID); err != nil {
		return fmt.Errorf("record where card %d came from: %w", cardID, err)
	}
	if src.Kind != SourceIncident {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE incidents SET card_id = ? WHERE project_id = ? AND id = ?`, cardID, projectID, src.ID)
	return err
}

// ensureLabel is the id of the board's label named name (whatever its case), made with
// color when there is none.
func ensureLabel(ctx context.Context, q querier, projectID int64, name, color string) (int64, error) {
	if _, err := q.ExecContext(ctx, `INSERT INTO labels(project_id, name, color) VALUES(?,?,?) ON CONFLICT DO NOTHING`,
		projectID, name, color); err != nil {
		return 0, err
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM labels WHERE project_id = ? AND name = ? COLLATE NOCASE`, projectID, name).Scan(&id)
	return id, err
}
