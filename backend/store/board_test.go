package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"eightfold/backend/rank"
)

// boardT opens a fresh store with one project and its board.
func boardT(t testing.TB) (*Store, int64, Board) {
	t.Helper()
	s := openT(t, t.TempDir())
	p, err := s.EnsureProject(context.Background(), "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Board(context.Background(), p.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	return s, p.ID, b
}

func colByName(t testing.TB, b Board, name string) Column {
	t.Helper()
	for _, c := range b.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no column %q in %v", name, b.Columns)
	return Column{}
}

func addCard(t testing.TB, s *Store, projectID, columnID int64, title string) Card {
	t.Helper()
	c, err := s.AddCard(context.Background(), NewCard{ProjectID: projectID, Title: title, ColumnID: columnID, NowMs: 100})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// titlesByColumn lists each column's card titles in board order.
func titlesByColumn(t testing.TB, s *Store, projectID int64) map[string][]string {
	t.Helper()
	b, err := s.Board(context.Background(), projectID, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{}
	out := map[string][]string{}
	for _, c := range b.Columns {
		names[c.ID] = c.Name
	}
	for _, c := range b.Cards {
		out[names[c.ColumnID]] = append(out[names[c.ColumnID]], c.Title)
	}
	return out
}

func TestBoardStartsWithTheLoopsColumns(t *testing.T) {
	s, pid, b := boardT(t)
	var got []string
	for _, c := range b.Columns {
		got = append(got, c.Name+"/"+c.Category+"/"+c.Stage)
	}
	want := []string{"Plan/backlog/plan", "Code/started/code", "Verified/started/verified", "Released/started/released",
		"Staging/started/staging", "Production/done/production", "Canceled/canceled/canceled"}
	if !reflect.DeepEqual(got, want) || !b.Seeded || len(b.Cards) != 0 {
		t.Fatalf("columns %v, seeded %v", got, b.Seeded)
	}
	// Loading again makes nothing new.
	b2, _ := s.Board(context.Background(), pid, 20)
	if !reflect.DeepEqual(b.Columns, b2.Columns) {
		t.Errorf("second load differs: %v", b2.Columns)
	}
}

func TestReadOnlyStoreShowsDefaultsOfAnUnusedBoard(t *testing.T) {
	dir := t.TempDir()
	w := openT(t, dir)
	p, _ := w.EnsureProject(context.Background(), "/repo", "repo", 1)
	w.Close()
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := r.Board(context.Background(), p.ID, 1)
	if err != nil || b.Seeded || len(b.Columns) != len(DefaultColumns) || b.Columns[0].ID != 0 {
		t.Fatalf("board %+v, %v", b, err)
	}
}

func TestCardsAreNumberedPerProject(t *testing.T) {
	s, pid, b := boardT(t)
	other, _ := s.EnsureProject(context.Background(), "/other", "other", 1)
	a := addCard(t, s, pid, 0, "a")
	x := addCard(t, s, other.ID, 0, "x")
	c := addCard(t, s, pid, colByName(t, b, "Code").ID, "c")
	if a.Number != 1 || x.Number != 1 || c.Number != 2 {
		t.Errorf("numbers %d, %d, %d; want 1, 1, 2", a.Number, x.Number, c.Number)
	}
	if a.ColumnID != colByName(t, b, "Plan").ID || a.Stage != "plan" || c.Stage != "code" {
		t.Errorf("a in %d (%s), c %s", a.ColumnID, a.Stage, c.Stage)
	}
	got, err := s.CardByNumber(context.Background(), pid, 2)
	if err != nil || got.ID != c.ID {
		t.Errorf("CardByNumber(2) = %v, %v", got, err)
	}
	if _, err := s.CardByNumber(context.Background(), pid, 3); !errors.Is(err, ErrNotFound) {
		t.Errorf("CardByNumber(3): %v", err)
	}
	// A card of another project is not found through this one.
	if _, err := s.UpdateCard(context.Background(), pid, x.ID, CardPatch{}, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("updating another project's card: %v", err)
	}
}

// countWrites makes the database count the rows written to cards (inserted or updated) and
// to card_transitions; writes() reads the two counts.
func countWrites(t testing.TB, s *Store) (writes func() (cards, transitions int)) {
	t.Helper()
	for _, q := range []string{
		`CREATE TABLE test_writes(tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
		`INSERT INTO test_writes VALUES('cards', 0), ('card_transitions', 0)`,
		`CREATE TRIGGER test_card_updates AFTER UPDATE ON cards BEGIN UPDATE test_writes SET n = n + 1 WHERE tbl = 'cards'; END`,
		`CREATE TRIGGER test_card_inserts AFTER INSERT ON cards BEGIN UPDATE test_writes SET n = n + 1 WHERE tbl = 'cards'; END`,
		`CREATE TRIGGER test_transitions AFTER INSERT ON card_transitions BEGIN UPDATE test_writes SET n = n + 1 WHERE tbl = 'card_transitions'; END`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return func() (int, int) {
		var c, tr int
		if err := s.db.QueryRow(`SELECT (SELECT n FROM test_writes WHERE tbl = 'cards'), (SELECT n FROM test_writes WHERE tbl = 'card_transitions')`).Scan(&c, &tr); err != nil {
			t.Fatal(err)
		}
		return c, tr
	}
}

func count(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// 1,000 random moves (between two cards, after one, before one, to the end, within and
// across columns) keep every column in the order a plain list model says, with unique valid
// ranks; each move writes only the moved card's row and one transition.
func TestRandomMovesKeepOrderAndWriteOneRow(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	model := map[int64][]int64{} // column id → card ids in order
	titles := map[int64]string{}
	for i := range 40 {
		col := b.Columns[i%3]
		c := addCard(t, s, pid, col.ID, fmt.Sprintf("card %d", i))
		model[col.ID] = append(model[col.ID], c.ID)
		titles[c.ID] = c.Title
	}
	r := rand.New(rand.NewPCG(1, 2))
	writes := countWrites(t, s)
	moves := 0
	for i := range 1000 {
		// Pick a card and take it out of the model.
		var from int64
		for from = b.Columns[r.IntN(len(b.Columns))].ID; len(model[from]) == 0; from = b.Columns[r.IntN(len(b.Columns))].ID {
		}
		k := r.IntN(len(model[from]))
		card := model[from][k]
		model[from] = slices.Delete(model[from], k, k+1)
		to := b.Columns[r.IntN(4)].ID
		at := r.IntN(len(model[to]) + 1) // its index in the target column
		m := Move{ProjectID: pid, CardID: card, ColumnID: to, CauseKind: CauseUser, AtMs: int64(1000 + i)}
		switch r.IntN(3) {
		case 0: // both neighbours
			if at > 0 {
				m.Before = model[to][at-1]
			}
			if at < len(model[to]) {
				m.After = model[to][at]
			}
		case 1: // the card above only
			if at > 0 {
				m.Before = model[to][at-1]
			} else if len(model[to]) > 0 {
				m.After = model[to][0]
			}
		case 2: // the card below only (none: the end)
			if at < len(model[to]) {
				m.After = model[to][at]
			}
		}
		model[to] = slices.Insert(model[to], at, card)
		moved, tr, err := s.MoveCard(ctx, m)
		if err != nil {
			t.Fatalf("move %d: %v", i, err)
		}
		if tr.ID != 0 {
			moves++
		}
		if moved.ColumnID != to {
			t.Fatalf("move %d: card in column %d, want %d", i, moved.ColumnID, to)
		}
	}
	if cards, transitions := writes(); cards != moves || transitions != moves || moves < 900 {
		t.Errorf("%d moves wrote %d card rows and %d transitions, want one of each per move", moves, cards, transitions)
	}
	got := titlesByColumn(t, s, pid)
	for _, col := range b.Columns {
		var want []string
		for _, id := range model[col.ID] {
			want = append(want, titles[id])
		}
		if !reflect.DeepEqual(got[col.Name], want) {
			t.Errorf("column %s:\n got %v\nwant %v", col.Name, got[col.Name], want)
		}
	}
	final, _ := s.Board(ctx, pid, 0)
	seen := map[string]bool{}
	for _, c := range final.Cards {
		key := fmt.Sprint(c.ColumnID, c.Rank)
		if rank.Valid(c.Rank) != nil || seen[key] || len(c.Rank) > 12 {
			t.Errorf("card %d has rank %q (invalid, repeated in its column or long)", c.ID, c.Rank)
		}
		seen[key] = true
	}
}

func TestMoveRefusesStaleNeighbours(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	plan, code := colByName(t, b, "Plan"), colByName(t, b, "Code")
	a, c1, c2 := addCard(t, s, pid, plan.ID, "a"), addCard(t, s, pid, code.ID, "c1"), addCard(t, s, pid, code.ID, "c2")
	cases := []struct {
		name string
		m    Move
		want string
	}{
		{"neighbour in another column", Move{CardID: a.ID, ColumnID: plan.ID, After: c1.ID}, `card ` + fmt.Sprint(c1.ID) + ` is not in column "Plan"`},
		{"neighbours swapped", Move{CardID: a.ID, ColumnID: code.ID, Before: c2.ID, After: c1.ID}, "is not above card"},
		{"next to itself", Move{CardID: a.ID, ColumnID: plan.ID, Before: a.ID}, "next to itself"},
		{"no such column", Move{CardID: a.ID, ColumnID: 999}, "column 999 is not on this board"},
		{"no such card", Move{CardID: 999, ColumnID: code.ID}, "card 999 is not on this board"},
	}
	for _, c := range cases {
		c.m.ProjectID, c.m.CauseKind = pid, CauseUser
		if _, _, err := s.MoveCard(ctx, c.m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// A move to where the card is logs nothing.
	n := count(t, s, "card_transitions")
	if _, tr, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: c2.ID, ColumnID: code.ID, CauseKind: CauseUser, AtMs: 5}); err != nil || tr.ID != 0 || count(t, s, "card_transitions") != n {
		t.Errorf("no-op move: %+v, %v", tr, err)
	}
}

func TestTransitionLog(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	code, verified := colByName(t, b, "Code"), colByName(t, b, "Verified")
	review, err := s.AddColumn(ctx, pid, NewColumn{Name: "Review", Category: CategoryStarted, AfterID: code.ID}, 5)
	if err != nil {
		t.Fatal(err)
	}
	c := addCard(t, s, pid, 0, "log me")
	steps := []struct {
		col        int64
		kind, ref  string
		at         int64
		wantStage  string
		wantEnters int64
	}{
		{code.ID, CauseCommit, "abc123", 200, "code", 200},
		{code.ID, CauseUser, "", 250, "code", 200},   // a reorder within the column: entered_ms stays
		{review.ID, CauseUser, "", 300, "code", 300}, // a column bound to no stage keeps the stage
		{verified.ID, CauseRun, "7", 400, "verified", 400},
	}
	other := addCard(t, s, pid, code.ID, "other") // so that a reorder in Code has somewhere to go
	for i, st := range steps {
		m := Move{ProjectID: pid, CardID: c.ID, ColumnID: st.col, CauseKind: st.kind, CauseRef: st.ref, AtMs: st.at}
		if i == 1 {
			m.After = other.ID
		}
		got, tr, err := s.MoveCard(ctx, m)
		if err != nil || tr.ID == 0 {
			t.Fatalf("step %d: %+v, %v", i, tr, err)
		}
		if got.Stage != st.wantStage || got.EnteredMs != st.wantEnters || got.UpdatedMs != st.at {
			t.Errorf("step %d: stage %s entered %d updated %d", i, got.Stage, got.EnteredMs, got.UpdatedMs)
		}
	}
	d, err := s.CardDetail(ctx, pid, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range d.Transitions {
		got = append(got, fmt.Sprintf("%s→%s %s→%s %s:%s @%d", d.ColumnNames[tr.FromColumn], d.ColumnNames[tr.ToColumn],
			tr.FromStage, tr.ToStage, tr.CauseKind, tr.CauseRef, tr.AtMs))
	}
	want := []string{
		"→Plan →plan user: @100",
		"Plan→Code plan→code commit:abc123 @200",
		"Code→Code code→code user: @250",
		"Code→Review code→code user: @300",
		"Review→Verified code→verified run:7 @400",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("transitions:\n got %q\nwant %q", got, want)
	}
}

func TestUndoMove(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	plan, code, verified := colByName(t, b, "Plan"), colByName(t, b, "Code"), colByName(t, b, "Verified")
	if _, _, err := s.UndoMove(ctx, pid, 1); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "nothing to undo") {
		t.Errorf("undo on a fresh board: %v", err)
	}
	a, bb, c := addCard(t, s, pid, plan.ID, "a"), addCard(t, s, pid, plan.ID, "b"), addCard(t, s, pid, plan.ID, "c")
	if _, _, err := s.UndoMove(ctx, pid, 1); !errors.Is(err, ErrRefused) {
		t.Errorf("creating a card is not a move to undo: %v", err)
	}
	move := func(card, col int64, at int64) {
		t.Helper()
		if _, _, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: card, ColumnID: col, CauseKind: CauseUser, AtMs: at}); err != nil {
			t.Fatal(err)
		}
	}
	move(bb.ID, code.ID, 200) // b leaves the middle of Plan
	move(a.ID, code.ID, 300)
	got, undo, err := s.UndoMove(ctx, pid, 400)
	if err != nil || got.ID != a.ID || got.ColumnID != plan.ID || got.Stage != "plan" || undo.CauseKind != CauseUndo {
		t.Fatalf("undo: %+v %+v %v", got, undo, err)
	}
	// The second undo goes one move further back: b returns to the middle of Plan.
	if got, _, err = s.UndoMove(ctx, pid, 500); err != nil || got.ID != bb.ID {
		t.Fatalf("second undo: %+v, %v", got, err)
	}
	if order := titlesByColumn(t, s, pid)["Plan"]; !reflect.DeepEqual(order, []string{"a", "b", "c"}) {
		t.Errorf("Plan after two undos: %v", order)
	}
	if _, _, err := s.UndoMove(ctx, pid, 600); !errors.Is(err, ErrRefused) {
		t.Errorf("a third undo has nothing left: %v", err)
	}
	// A card that moved since (here by a run) is not moved back.
	move(c.ID, code.ID, 700)
	if _, _, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: c.ID, ColumnID: verified.ID, CauseKind: CauseRun, CauseRef: "9", AtMs: 800}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UndoMove(ctx, pid, 900); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "moved since (by run #9)") {
		t.Errorf("undo after a later move: %v", err)
	}
	d, _ := s.CardDetail(ctx, pid, bb.ID)
	last := d.Transitions[len(d.Transitions)-1]
	if last.CauseKind != CauseUndo || d.Transitions[1].UndoneBy != last.ID || last.CauseRef != fmt.Sprint(d.Transitions[1].ID) {
		t.Errorf("the undo is logged and marks the move undone: %+v", d.Transitions)
	}
}

// Undo puts a card back at its old rank, or just below the next card when another card has
// taken that rank meanwhile.
func TestUndoFindsAFreeRank(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	plan, code := colByName(t, b, "Plan"), colByName(t, b, "Code")
	x, y, z := addCard(t, s, pid, plan.ID, "x"), addCard(t, s, pid, plan.ID, "y"), addCard(t, s, pid, plan.ID, "z")
	w := addCard(t, s, pid, code.ID, "w")
	if _, _, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: y.ID, ColumnID: code.ID, CauseKind: CauseUser, AtMs: 1}); err != nil {
		t.Fatal(err)
	}
	// The journey puts w where y was: the midpoint of x and z is y's old rank.
	w2, _, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: w.ID, ColumnID: plan.ID, Before: x.ID, After: z.ID, CauseKind: CauseRun, CauseRef: "1", AtMs: 2})
	if err != nil || w2.Rank != y.Rank {
		t.Fatalf("w at %q (%v), y was at %q: the clash this test needs did not happen", w2.Rank, err, y.Rank)
	}
	got, _, err := s.UndoMove(ctx, pid, 3)
	if err != nil || got.ID != y.ID || got.Rank == y.Rank || got.Rank <= w2.Rank || got.Rank >= z.Rank {
		t.Fatalf("undo of y: %+v, %v", got, err)
	}
	if order := titlesByColumn(t, s, pid)["Plan"]; !reflect.DeepEqual(order, []string{"x", "w", "y", "z"}) {
		t.Errorf("Plan after the undo: %v", order)
	}
}

func TestColumnRemovalRules(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	code, verified := colByName(t, b, "Code"), colByName(t, b, "Verified")
	a := addCard(t, s, pid, code.ID, "a")
	addCard(t, s, pid, code.ID, "c")
	addCard(t, s, pid, verified.ID, "v")
	if err := s.RemoveColumn(ctx, pid, code.ID, 0, 10); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), `column "Code" holds 2 cards: name a column to move them to`) {
		t.Errorf("removing a column with cards and no target: %v", err)
	}
	if err := s.RemoveColumn(ctx, pid, code.ID, code.ID, 10); !errors.Is(err, ErrRefused) {
		t.Errorf("removing a column into itself: %v", err)
	}
	if err := s.RemoveColumn(ctx, pid, code.ID, verified.ID, 10); err != nil {
		t.Fatal(err)
	}
	if got := titlesByColumn(t, s, pid); !reflect.DeepEqual(got["Verified"], []string{"v", "a", "c"}) || got["Code"] != nil {
		t.Errorf("after removing Code: %v", got)
	}
	d, _ := s.CardDetail(ctx, pid, a.ID)
	last := d.Transitions[len(d.Transitions)-1]
	if last.CauseKind != CauseColumn || last.CauseRef != "Code" || d.ColumnNames[last.FromColumn] != "Code" || last.ToStage != "verified" {
		t.Errorf("the move is logged with its cause and the removed column's name: %+v %v", last, d.ColumnNames)
	}
	if _, _, err := s.UndoMove(ctx, pid, 11); !errors.Is(err, ErrRefused) {
		t.Errorf("moves made by a column removal are not undone: %v", err)
	}
	// A removed column is gone from the board, and its stage can be bound again.
	if _, err := s.AddColumn(ctx, pid, NewColumn{Name: "Code", Category: CategoryStarted, Stage: "code"}, 12); err != nil {
		t.Errorf("adding Code back: %v", err)
	}
	// Empty columns go without a target; the last one never goes.
	b2, _ := s.Board(ctx, pid, 0)
	for i, col := range b2.Columns {
		into := int64(0)
		if i < len(b2.Columns)-1 {
			into = b2.Columns[len(b2.Columns)-1].ID
		}
		err := s.RemoveColumn(ctx, pid, col.ID, into, 13)
		if i < len(b2.Columns)-1 && err != nil {
			t.Fatalf("removing %s: %v", col.Name, err)
		}
		if i == len(b2.Columns)-1 && (!errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "last column")) {
			t.Errorf("removing the last column: %v", err)
		}
	}
	if err := s.RemoveColumn(ctx, pid, code.ID, 0, 14); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing a removed column: %v", err)
	}
}

func TestColumns(t *testing.T) {
	s, pid, b := boardT(t)
	ctx := context.Background()
	code, verified := colByName(t, b, "Code"), colByName(t, b, "Verified")
	review, err := s.AddColumn(ctx, pid, NewColumn{Name: " Review ", Category: CategoryStarted, WIPLimit: 3, AfterID: code.ID}, 1)
	if err != nil || review.Name != "Review" || review.WIPLimit != 3 {
		t.Fatalf("add: %+v, %v", review, err)
	}
	names := func() string {
		b, _ := s.Board(ctx, pid, 0)
		var out []string
		for _, c := range b.Columns {
			out = append(out, c.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(); got != "Plan,Code,Review,Verified,Released,Staging,Production,Canceled" {
		t.Errorf("after add: %s", got)
	}
	if _, err := s.AddColumn(ctx, pid, NewColumn{Name: "review", Category: CategoryStarted}, 1); !errors.Is(err, ErrRefused) {
		t.Errorf("a second Review: %v", err)
	}
	if _, err := s.AddColumn(ctx, pid, NewColumn{Name: "QA", Category: CategoryStarted, Stage: "verified"}, 1); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), `bound to column "Verified"`) {
		t.Errorf("a second column for stage verified: %v", err)
	}
	if _, err := s.RenameColumn(ctx, pid, review.ID, "Code"); !errors.Is(err, ErrRefused) {
		t.Errorf("rename to a taken name: %v", err)
	}
	if c, err := s.RenameColumn(ctx, pid, review.ID, "Code review"); err != nil || c.Name != "Code review" {
		t.Errorf("rename: %+v, %v", c, err)
	}
	if _, err := s.MoveColumn(ctx, pid, review.ID, 0, code.ID); err != nil { // just before Code
		t.Fatal(err)
	}
	if got := names(); got != "Plan,Code review,Code,Verified,Released,Staging,Production,Canceled" {
		t.Errorf("after move: %s", got)
	}
	if _, err := s.MoveColumn(ctx, pid, review.ID, verified.ID, 0); err != nil { // just after Verified
		t.Fatal(err)
	}
	if got := names(); got != "Plan,Code,Verified,Code review,Released,Staging,Production,Canceled" {
		t.Errorf("after second move: %s", got)
	}
	if c, err := s.SetWIPLimit(ctx, pid, code.ID, 2); err != nil || c.WIPLimit != 2 {
		t.Errorf("WIP limit: %+v, %v", c, err)
	}
	if err := s.SetBoardKey(ctx, pid, "APP", 1); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Board(ctx, pid, 0); b.Key != "APP" {
		t.Errorf("key %q", b.Key)
	}
}

func TestLabelsChecklistAndLinks(t *testing.T) {
	s, pid, _ := boardT(t)
	ctx := context.Background()
	bug, err := s.AddLabel(ctx, pid, "bug", "#d73a4a")
	if err != nil {
		t.Fatal(err)
	}
	ui, _ := s.AddLabel(ctx, pid, "UI", "#0075ca")
	if _, err := s.AddLabel(ctx, pid, "Bug", "#000000"); !errors.Is(err, ErrRefused) {
		t.Errorf("a second bug label: %v", err)
	}
	c, err := s.AddCard(ctx, NewCard{ProjectID: pid, Title: "t", LabelIDs: []int64{ui.ID, bug.ID}, NowMs: 1})
	if err != nil || !reflect.DeepEqual(c.LabelIDs, []int64{bug.ID, ui.ID}) {
		t.Fatalf("labels %v (by name), %v", c.LabelIDs, err)
	}
	if c, err = s.SetCardLabels(ctx, pid, c.ID, []int64{ui.ID, ui.ID}, 2); err != nil || !reflect.DeepEqual(c.LabelIDs, []int64{ui.ID}) || c.UpdatedMs != 2 {
		t.Errorf("set labels: %+v, %v", c, err)
	}
	if _, err := s.SetCardLabels(ctx, pid, c.ID, []int64{999}, 3); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown label: %v", err)
	}

	one, _ := s.AddChecklistItem(ctx, pid, c.ID, "one", 4)
	two, _ := s.AddChecklistItem(ctx, pid, c.ID, "two", 4)
	three, _ := s.AddChecklistItem(ctx, pid, c.ID, "three", 4)
	if it, err := s.ToggleChecklistItem(ctx, pid, two.ID, 5); err != nil || !it.Done {
		t.Errorf("toggle: %+v, %v", it, err)
	}
	if _, err := s.MoveChecklistItem(ctx, pid, three.ID, 0, one.ID, 6); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveChecklistItem(ctx, pid, one.ID, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ToggleChecklistItem(ctx, pid, one.ID, 8); !errors.Is(err, ErrNotFound) {
		t.Errorf("toggling a removed item: %v", err)
	}
	b, _ := s.Board(ctx, pid, 0)
	if b.Cards[0].ChecklistDone != 1 || b.Cards[0].ChecklistTotal != 2 {
		t.Errorf("checklist %d/%d, want 1/2", b.Cards[0].ChecklistDone, b.Cards[0].ChecklistTotal)
	}

	l, added, err := s.AddLink(ctx, pid, Link{CardID: c.ID, Kind: LinkCommit, Ref: "abc", AtMs: 9})
	if err != nil || !added || l.Closing {
		t.Fatalf("link: %+v %v %v", l, added, err)
	}
	l, added, err = s.AddLink(ctx, pid, Link{CardID: c.ID, Kind: LinkCommit, Ref: "abc", Closing: true, Title: "fix it", AtMs: 10})
	if err != nil || added || !l.Closing || l.Title != "fix it" || l.AtMs != 9 {
		t.Errorf("linking again: %+v %v %v", l, added, err)
	}
	s.AddLink(ctx, pid, Link{CardID: c.ID, Kind: LinkBranch, Ref: "feature/x", AtMs: 11})
	d, err := s.CardDetail(ctx, pid, c.ID)
	if err != nil || len(d.Links) != 2 || len(d.Checklist) != 2 || d.Checklist[0].Text != "three" || !d.Checklist[1].Done {
		t.Errorf("detail: %+v, %v", d, err)
	}
	if _, _, err := s.AddLink(ctx, pid, Link{CardID: c.ID, Kind: "tweet", Ref: "x", AtMs: 1}); err == nil {
		t.Error("a link of an unknown kind is stored")
	}
}
