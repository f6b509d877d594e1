package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"eightfold/backend/rank"
)

// Column categories: what a column's status means for the work in it.
const (
	CategoryBacklog  = "backlog"
	CategoryStarted  = "started"
	CategoryDone     = "done"
	CategoryCanceled = "canceled"
)

// Causes of a card's transition (card_transitions.cause_kind). The journey's causes are also
// the kinds of card links.
const (
	CauseUser    = "user"   // moved by hand (cause_ref: who; "" for a card's creation)
	CauseColumn  = "column" // its column was removed (cause_ref: the column's name)
	CauseUndo    = "undo"   // a move undone (cause_ref: the undone transition's id)
	CauseCommit  = "commit" // cause_ref: the commit's SHA
	CauseBranch  = "branch" // cause_ref: the branch's name
	CauseRun     = "run"    // cause_ref: the run's id
	CauseRelease = "release"
	CauseDeploy  = "deploy"
)

// Kinds of card links.
const (
	LinkCommit  = CauseCommit
	LinkBranch  = CauseBranch
	LinkRun     = CauseRun
	LinkRelease = CauseRelease
	LinkDeploy  = CauseDeploy
)

// ErrRefused is wrapped by the errors of board changes that a rule of the board forbids
// (removing the last column, undoing with nothing to undo, a name taken…). Their text says
// which rule and what to do instead.
var ErrRefused = errors.New("refused")

// boardError is an error whose text is the whole message for the user and that is (for
// errors.Is) ErrRefused or ErrNotFound.
type boardError struct {
	kind error
	msg  string
}

func (e *boardError) Error() string        { return e.msg }
func (e *boardError) Is(target error) bool { return target == e.kind }

func refused(format string, args ...any) error {
	return &boardError{ErrRefused, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &boardError{ErrNotFound, fmt.Sprintf(format, args...)}
}

// NewColumn describes a column to add.
type NewColumn struct {
	Name     string
	Category string // one of the Category* constants
	Stage    string // a journey stage, or "" for a column bound to none
	WIPLimit int    // 0: none
	AfterID  int64  // the column it goes after; 0: at the end
}

// DefaultColumns are the columns a board starts with: the stages of the loop.
var DefaultColumns = []NewColumn{
	{Name: "Plan", Category: CategoryBacklog, Stage: "plan"},
	{Name: "Code", Category: CategoryStarted, Stage: "code"},
	{Name: "Verified", Category: CategoryStarted, Stage: "verified"},
	{Name: "Released", Category: CategoryStarted, Stage: "released"},
	{Name: "Staging", Category: CategoryStarted, Stage: "staging"},
	{Name: "Production", Category: CategoryDone, Stage: "production"},
	{Name: "Canceled", Category: CategoryCanceled, Stage: "canceled"},
}

// Column is a column of a board.
type Column struct {
	ID       int64
	Name     string
	Category string
	Stage    string
	WIPLimit int
	Rank     string
}

// Card is a card as the board lists it (Description is loaded by CardDetail only).
type Card struct {
	ID          int64
	Number      int64
	Title       string
	Description string
	Assignee    string
	Due         string // "YYYY-MM-DD" or ""
	ColumnID    int64
	Rank        string
	Stage       string
	Failure     string
	CreatedMs   int64
	UpdatedMs   int64
	EnteredMs   int64 // when it entered its column
	LabelIDs    []int64
	// ChecklistDone and ChecklistTotal count its checklist's items.
	ChecklistDone, ChecklistTotal int
}

// Label is a label of a board.
type Label struct {
	ID    int64
	Name  string
	Color string
}

// Board is a project's board: its columns in order (removed ones left out), every card (in
// rank order; group them by ColumnID) and its labels by name.
type Board struct {
	Key     string
	Seeded  bool // false: never used, and read-only (the columns are the defaults, with id 0)
	Columns []Column
	Cards   []Card
	Labels  []Label
}

// querier is what both a transaction and a connection offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Writable reports whether the store was opened for writing (Open) rather than reading.
func (s *Store) Writable() bool { return s.lock != nil }

// inTx runs fn in a write transaction; what names the change in errors that are not already
// messages for the user.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		var be *boardError
		if errors.As(err, &be) {
			return err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// snapshot runs fn's queries in one read transaction, so that they see one state of the
// database. It works on a read-only store too (a deferred BEGIN takes no write lock).
func (s *Store) snapshot(ctx context.Context, fn func(q querier) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	err = fn(conn)
	if _, endErr := conn.ExecContext(context.Background(), "COMMIT"); endErr != nil {
		conn.ExecContext(context.Background(), "ROLLBACK") // never hand the pool a connection inside a transaction
		if err == nil {
			err = endErr
		}
	}
	return err
}

// EnsureBoard makes a project's board with the default columns unless it exists.
func (s *Store) EnsureBoard(ctx context.Context, projectID, nowMs int64) error {
	return s.inTx(ctx, "make the board", func(tx *sql.Tx) error { return ensureBoard(ctx, tx, projectID, nowMs) })
}

func ensureBoard(ctx context.Context, q querier, projectID, nowMs int64) error {
	res, err := q.ExecContext(ctx, `INSERT INTO boards(project_id, created_ms) VALUES(?, ?) ON CONFLICT DO NOTHING`, projectID, nowMs)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	ranks := rank.Initial(len(DefaultColumns))
	for i, c := range DefaultColumns {
		if _, err := q.ExecContext(ctx, `INSERT INTO board_columns(project_id, name, category, stage, wip_limit, rank) VALUES(?,?,?,?,?,?)`,
			projectID, c.Name, c.Category, c.Stage, c.WIPLimit, ranks[i]); err != nil {
			return err
		}
	}
	return nil
}

// Board loads a project's board. A writable store makes it on first use; a read-only one
// returns the default columns (with id 0) for a board never used.
func (s *Store) Board(ctx context.Context, projectID, nowMs int64) (Board, error) {
	return s.loadBoard(ctx, projectID, nowMs, true)
}

// BoardMeta loads a project's board without its cards: the key, columns and labels.
func (s *Store) BoardMeta(ctx context.Context, projectID, nowMs int64) (Board, error) {
	return s.loadBoard(ctx, projectID, nowMs, false)
}

func (s *Store) loadBoard(ctx context.Context, projectID, nowMs int64, withCards bool) (Board, error) {
	if s.Writable() {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM boards WHERE project_id = ?`, projectID).Scan(&n); err != nil {
			return Board{}, fmt.Errorf("load the board: %w", err)
		}
		if n == 0 {
			if err := s.EnsureBoard(ctx, projectID, nowMs); err != nil {
				return Board{}, err
			}
		}
	}
	b := Board{Cards: []Card{}, Labels: []Label{}}
	err := s.snapshot(ctx, func(q querier) error {
		err := q.QueryRowContext(ctx, `SELECT key FROM boards WHERE project_id = ?`, projectID).Scan(&b.Key)
		if errors.Is(err, sql.ErrNoRows) {
			b.Columns = defaultColumns()
			return nil
		}
		if err != nil {
			return err
		}
		b.Seeded = true
		if b.Columns, err = columns(ctx, q, projectID); err != nil {
			return err
		}
		if withCards {
			if b.Cards, err = cardsWhere(ctx, q, `c.project_id = ?`, projectID); err != nil {
				return err
			}
		}
		b.Labels, err = labels(ctx, q, projectID)
		return err
	})
	if err != nil {
		return Board{}, fmt.Errorf("load the board: %w", err)
	}
	return b, nil
}

// UnusedBoard is the board of a project that never used one: the default columns (with id
// 0), no cards, no labels.
func UnusedBoard() Board {
	return Board{Columns: defaultColumns(), Cards: []Card{}, Labels: []Label{}}
}

func defaultColumns() []Column {
	ranks := rank.Initial(len(DefaultColumns))
	out := make([]Column, len(DefaultColumns))
	for i, c := range DefaultColumns {
		out[i] = Column{Name: c.Name, Category: c.Category, Stage: c.Stage, WIPLimit: c.WIPLimit, Rank: ranks[i]}
	}
	return out
}

const columnColumns = `id, name, category, stage, wip_limit, rank`

func scanColumn(row interface{ Scan(...any) error }) (Column, error) {
	var c Column
	err := row.Scan(&c.ID, &c.Name, &c.Category, &c.Stage, &c.WIPLimit, &c.Rank)
	return c, err
}

// columns lists a project's columns (not removed ones) in order.
func columns(ctx context.Context, q querier, projectID int64) ([]Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columnColumns+` FROM board_columns
		WHERE project_id = ? AND removed_ms = 0 ORDER BY rank`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Column{}
	for rows.Next() {
		c, err := scanColumn(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const cardColumns = `c.id, c.number, c.title, c.assignee, c.due, c.column_id, c.rank, c.stage, c.failure,
 c.created_ms, c.updated_ms, c.entered_ms`

// cardsWhere loads the cards matching where (on cards c), in rank order, with their label ids
// and checklist counts: three queries whatever the number of cards.
func cardsWhere(ctx context.Context, q querier, where string, args ...any) ([]Card, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+cardColumns+` FROM cards c WHERE `+where+` ORDER BY c.rank`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Card{}
	byID := map[int64]int{}
	for rows.Next() {
		var c Card
		if err := rows.Scan(&c.ID, &c.Number, &c.Title, &c.Assignee, &c.Due, &c.ColumnID, &c.Rank, &c.Stage,
			&c.Failure, &c.CreatedMs, &c.UpdatedMs, &c.EnteredMs); err != nil {
			return nil, err
		}
		byID[c.ID] = len(out)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var card, label int64
		if err := r.Scan(&card, &label); err != nil {
			return err
		}
		c := &out[byID[card]]
		c.LabelIDs = append(c.LabelIDs, label)
		return nil
	}, `SELECT cl.card_id, cl.label_id FROM card_labels cl JOIN cards c ON c.id = cl.card_id
		JOIN labels l ON l.id = cl.label_id WHERE `+where+` ORDER BY l.name COLLATE NOCASE`, args...); err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, func(r *sql.Rows) error {
		var card int64
		var total, done int
		if err := r.Scan(&card, &total, &done); err != nil {
			return err
		}
		c := &out[byID[card]]
		c.ChecklistTotal, c.ChecklistDone = total, done
		return nil
	}, `SELECT ci.card_id, count(*), sum(ci.done) FROM checklist_items ci JOIN cards c ON c.id = ci.card_id
		WHERE `+where+` GROUP BY ci.card_id`, args...)
	return out, err
}

// eachRow calls fn for every row of a query.
func eachRow(ctx context.Context, q querier, fn func(*sql.Rows) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SetBoardKey sets the project key cards are shown with ("APP": APP-12; "": #12).
func (s *Store) SetBoardKey(ctx context.Context, projectID int64, key string, nowMs int64) error {
	return s.inTx(ctx, "set the board's key", func(tx *sql.Tx) error {
		if err := ensureBoard(ctx, tx, projectID, nowMs); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE boards SET key = ? WHERE project_id = ?`, key, projectID)
		return err
	})
}

// place returns a rank for item self (0: a new item) in list l, between the items before and
// after (ids; 0: none). With one neighbour given, the item goes right next to it; with none,
// at the end. Neighbours that are not in the list, or not in that order, are refused: the
// caller's view of the list is stale.
func place(ctx context.Context, q querier, l list, self, before, after int64) (string, error) {
	rankOf := func(id int64) (string, error) {
		if id == self {
			return "", refused("a %s cannot be placed next to itself", l.what)
		}
		var r string
		err := q.QueryRowContext(ctx, `SELECT rank FROM `+l.table+` WHERE id = ? AND `+l.where, append([]any{id}, l.args...)...).Scan(&r)
		if errors.Is(err, sql.ErrNoRows) {
			return "", refused("%s %d is not in %s: reload and try again", l.what, id, l.in)
		}
		return r, err
	}
	// neighbour is agg (min or max) of the ranks op ("<" or ">") r, leaving self out; "" for none.
	neighbour := func(op, agg, r string) (string, error) {
		var n sql.NullString
		err := q.QueryRowContext(ctx, `SELECT `+agg+`(rank) FROM `+l.table+` WHERE `+l.where+` AND id != ? AND rank `+op+` ?`,
			append(append([]any{}, l.args...), self, r)...).Scan(&n)
		return n.String, err
	}
	var a, b string
	var err error
	switch {
	case before != 0 && after != 0:
		if a, err = rankOf(before); err == nil {
			b, err = rankOf(after)
		}
		if err == nil && a >= b {
			err = refused("%s %d is not above %s %d in %s: reload and try again", l.what, before, l.what, after, l.in)
		}
	case before != 0:
		if a, err = rankOf(before); err == nil {
			b, err = neighbour(">", "min", a)
		}
	case after != 0:
		if b, err = rankOf(after); err == nil {
			a, err = neighbour("<", "max", b)
		}
	default:
		a, err = neighbour(">", "max", "")
	}
	if err != nil {
		return "", err
	}
	return rank.Between(a, b)
}

// list is a ranked list: the rows of table matching where (with args). in names it for
// messages ("column Code").
type list struct {
	table, where string
	args         []any
	what, in     string
}

func cardList(col Column) list {
	return list{table: "cards", where: "column_id = ?", args: []any{col.ID}, what: "card", in: fmt.Sprintf("column %q", col.Name)}
}

func columnList(projectID int64) list {
	return list{table: "board_columns", where: "project_id = ? AND removed_ms = 0", args: []any{projectID}, what: "column", in: "this board"}
}

func checklistList(cardID int64) list {
	return list{table: "checklist_items", where: "card_id = ?", args: []any{cardID}, what: "checklist item", in: "this checklist"}
}

// freeRank returns r when no row of l has it, else a rank between r and the next one up.
func freeRank(ctx context.Context, q querier, l list, self int64, r string) (string, error) {
	var taken int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+l.table+` WHERE `+l.where+` AND id != ? AND rank = ?`,
		append(append([]any{}, l.args...), self, r)...).Scan(&taken); err != nil || taken == 0 {
		return r, err
	}
	var next sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT min(rank) FROM `+l.table+` WHERE `+l.where+` AND rank > ?`,
		append(append([]any{}, l.args...), r)...).Scan(&next); err != nil {
		return "", err
	}
	return rank.Between(r, next.String)
}

// sameName reports whether two names are the same to a user: case and surrounding spaces aside.
func sameName(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
