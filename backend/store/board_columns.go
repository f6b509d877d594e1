package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// column loads an active column of a project.
func column(ctx context.Context, q querier, projectID, id int64) (Column, error) {
	c, err := scanColumn(q.QueryRowContext(ctx, `SELECT `+columnColumns+` FROM board_columns
		WHERE id = ? AND project_id = ? AND removed_ms = 0`, id, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("column %d is not on this board (removed, or of another project): reload the board", id)
	}
	return c, err
}

// checkColumnName refuses a name that another active column of the project has.
func checkColumnName(ctx context.Context, q querier, projectID, self int64, name string) error {
	cols, err := columns(ctx, q, projectID)
	if err != nil {
		return err
	}
	for _, c := range cols {
		if c.ID != self && sameName(c.Name, name) {
			return refused("a column named %q exists already: choose another name", c.Name)
		}
	}
	return nil
}

// AddColumn adds a column to a project's board.
func (s *Store) AddColumn(ctx context.Context, projectID int64, nc NewColumn, nowMs int64) (Column, error) {
	var out Column
	err := s.inTx(ctx, fmt.Sprintf("add column %q", nc.Name), func(tx *sql.Tx) error {
		if err := ensureBoard(ctx, tx, projectID, nowMs); err != nil {
			return err
		}
		if err := checkColumnName(ctx, tx, projectID, 0, nc.Name); err != nil {
			return err
		}
		if err := checkStageFree(ctx, tx, projectID, nc.Stage); err != nil {
			return err
		}
		if nc.AfterID != 0 {
			if _, err := column(ctx, tx, projectID, nc.AfterID); err != nil {
				return err
			}
		}
		r, err := place(ctx, tx, columnList(projectID), 0, nc.AfterID, 0)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO board_columns(project_id, name, category, stage, wip_limit, rank) VALUES(?,?,?,?,?,?)`,
			projectID, strings.TrimSpace(nc.Name), nc.Category, nc.Stage, nc.WIPLimit, r)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		out, err = column(ctx, tx, projectID, id)
		return err
	})
	return out, err
}

// checkStageFree refuses binding a stage that another active column is bound to.
func checkStageFree(ctx context.Context, q querier, projectID int64, stage string) error {
	if stage == "" {
		return nil
	}
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM board_columns WHERE project_id = ? AND stage = ? AND removed_ms = 0`,
		projectID, stage).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return refused("stage %s is bound to column %q already: a stage moves cards to one column only; remove that column first, or add this one with no stage", stage, name)
}

// RenameColumn renames a column.
func (s *Store) RenameColumn(ctx context.Context, projectID, id int64, name string) (Column, error) {
	return s.updateColumn(ctx, projectID, id, "rename column", func(tx *sql.Tx, c Column) error {
		if err := checkColumnName(ctx, tx, projectID, id, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE board_columns SET name = ? WHERE id = ?`, strings.TrimSpace(name), id)
		return err
	})
}

// SetWIPLimit sets a column's soft work-in-progress limit (0: none).
func (s *Store) SetWIPLimit(ctx context.Context, projectID, id int64, limit int) (Column, error) {
	return s.updateColumn(ctx, projectID, id, "set the WIP limit", func(tx *sql.Tx, c Column) error {
		_, err := tx.ExecContext(ctx, `UPDATE board_columns SET wip_limit = ? WHERE id = ?`, limit, id)
		return err
	})
}

// MoveColumn moves a column between two others (ids; 0: none; see place).
func (s *Store) MoveColumn(ctx context.Context, projectID, id, before, after int64) (Column, error) {
	return s.updateColumn(ctx, projectID, id, "move column", func(tx *sql.Tx, c Column) error {
		r, err := place(ctx, tx, columnList(projectID), id, before, after)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE board_columns SET rank = ? WHERE id = ?`, r, id)
		return err
	})
}

// updateColumn runs change on an active column of the project and returns it changed.
func (s *Store) updateColumn(ctx context.Context, projectID, id int64, what string, change func(*sql.Tx, Column) error) (Column, error) {
	var out Column
	err := s.inTx(ctx, what, func(tx *sql.Tx) error {
		c, err := column(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if err := change(tx, c); err != nil {
			return err
		}
		out, err = column(ctx, tx, projectID, id)
		return err
	})
	return out, err
}

// RemoveColumn removes a column. A column that holds cards is removed only with a target
// column (into), where its cards go, at the end in their order, each with a transition of
// cause "column". The last column is never removed.
func (s *Store) RemoveColumn(ctx context.Context, projectID, id, into, nowMs int64) error {
	return s.inTx(ctx, "remove column", func(tx *sql.Tx) error {
		c, err := column(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		cols, err := columns(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if len(cols) == 1 {
			return refused("column %q is the board's last column: add another column before removing it", c.Name)
		}
		cards, err := cardsWhere(ctx, tx, `c.column_id = ?`, id)
		if err != nil {
			return err
		}
		if len(cards) > 0 {
			if err := moveAll(ctx, tx, projectID, c, cards, into, nowMs); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE board_columns SET removed_ms = ? WHERE id = ?`, max(nowMs, 1), id)
		return err
	})
}

// moveAll moves the cards of a column being removed to the end of column into.
func moveAll(ctx context.Context, tx *sql.Tx, projectID int64, from Column, cards []Card, into, nowMs int64) error {
	if into == 0 {
		held := fmt.Sprintf("%d cards", len(cards))
		if len(cards) == 1 {
			held = "1 card"
		}
		return refused("column %q holds %s: name a column to move them to, or move them first", from.Name, held)
	}
	if into == from.ID {
		return refused("column %q cannot take its own cards while it is removed: name another column", from.Name)
	}
	to, err := column(ctx, tx, projectID, into)
	if err != nil {
		return err
	}
	for _, card := range cards {
		m := Move{ProjectID: projectID, CardID: card.ID, ColumnID: to.ID, CauseKind: CauseColumn, CauseRef: from.Name, AtMs: nowMs}
		if _, _, err := moveCard(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}
