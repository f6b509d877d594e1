package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestApplyJourney(t *testing.T) {
	ctx := context.Background()
	s, pid, b := boardT(t)
	plan := colByName(t, b, "Plan")
	a := addCard(t, s, pid, plan.ID, "a")
	c := addCard(t, s, pid, plan.ID, "c")
	if err := s.RemoveColumn(ctx, pid, colByName(t, b, "Released").ID, 0, 200); err != nil {
		t.Fatal(err)
	}
	shas := make([]string, 1200) // more than one INSERT's worth
	for i := range shas {
		shas[i] = fmt.Sprintf("%040x", i)
	}
	commit := Link{Kind: LinkCommit, Ref: shas[0], Closing: false, Title: "subject", AtMs: 150}
	moved, err := s.ApplyJourney(ctx, pid, []JourneyUpdate{
		{CardID: a.ID, Journey: `{"stage":"code"}`, Links: []Link{commit},
			Moves: []JourneyMove{{Stage: "code", CauseKind: CauseCommit, CauseRef: shas[0], AtMs: 300}}},
		// No column is bound to released: the card stays, nothing is logged.
		{CardID: c.ID, Journey: `{"stage":"plan"}`, Failure: "run #3 failed",
			Moves: []JourneyMove{{Stage: "released", CauseKind: CauseRelease, CauseRef: "v1", AtMs: 300}}},
	}, shas)
	if err != nil || len(moved) != 1 || moved[0] != a.ID {
		t.Fatalf("moved %v, %v", moved, err)
	}
	got := titlesByColumn(t, s, pid)
	if fmt.Sprint(got["Code"], got["Plan"]) != "[a] [c]" {
		t.Errorf("columns %v", got)
	}
	ja, _ := s.JourneyCard(ctx, pid, a.ID)
	jc, _ := s.JourneyCard(ctx, pid, c.ID)
	if ja.Journey != `{"stage":"code"}` || ja.Stage != "code" || ja.EnteredMs != 300 || jc.Failure != "run #3 failed" || jc.Stage != "plan" {
		t.Errorf("journey cards %+v %+v", ja, jc)
	}
	d, _ := s.CardDetail(ctx, pid, a.ID)
	if len(d.Links) != 1 || d.Links[0] != (Link{ID: d.Links[0].ID, CardID: a.ID, Kind: LinkCommit, Ref: shas[0], Title: "subject", AtMs: 150}) ||
		describeCause(d.Transitions[1]) != "by commit "+shas[0][:12] {
		t.Errorf("detail %+v", d)
	}
	dc, _ := s.CardDetail(ctx, pid, c.ID)
	if len(dc.Transitions) != 1 {
		t.Errorf("a move to an unbound stage logged %+v", dc.Transitions)
	}
	// The same link again, now closing, is one link that closes; scanning again adds nothing.
	commit.Closing = true
	if _, err := s.ApplyJourney(ctx, pid, []JourneyUpdate{{CardID: a.ID, Journey: `{"stage":"code"}`, Links: []Link{commit}}}, shas[:10]); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.CardDetail(ctx, pid, a.ID); len(d.Links) != 1 || !d.Links[0].Closing {
		t.Errorf("links %+v", d.Links)
	}
	known, err := s.ScannedCommits(ctx, pid)
	if err != nil || len(known) != len(shas) {
		t.Errorf("%d scanned, %v", len(known), err)
	}
	if n, err := s.CountScanned(ctx, pid, []string{shas[5], "nope", shas[1199]}); n != 2 || err != nil {
		t.Errorf("CountScanned %d, %v", n, err)
	}
	if n, _ := s.CountScanned(ctx, pid+1, shas[:3]); n != 0 {
		t.Error("scanned commits are per project")
	}
	if key, used, err := s.BoardKey(ctx, pid); key != "" || !used || err != nil {
		t.Errorf("BoardKey %q %v %v", key, used, err)
	}
	if _, used, _ := s.BoardKey(ctx, pid+1); used {
		t.Error("a project without a board has used it")
	}
}

// A move by hand keeps the journey state before it for undo, and saves the one after.
func TestMoveKeepsTheJourney(t *testing.T) {
	ctx := context.Background()
	s, pid, b := boardT(t)
	a := addCard(t, s, pid, colByName(t, b, "Verified").ID, "a")
	_, tr, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: a.ID, ColumnID: colByName(t, b, "Plan").ID, CauseKind: CauseUser, AtMs: 200,
		Journey: &JourneyChange{Before: `{"stage":"verified"}`, After: `{"stage":"plan","retired":["x"]}`}})
	if err != nil {
		t.Fatal(err)
	}
	if before, err := s.JourneyBefore(ctx, pid, tr.ID); before != `{"stage":"verified"}` || err != nil {
		t.Errorf("before %q, %v", before, err)
	}
	if jc, _ := s.JourneyCard(ctx, pid, a.ID); jc.Journey != `{"stage":"plan","retired":["x"]}` || jc.Stage != "plan" {
		t.Errorf("after %+v", jc)
	}
}

func TestDeliveries(t *testing.T) {
	ctx := context.Background()
	s, pid, b := boardT(t)
	move := func(c Card, col string, at int64) Transition {
		_, tr, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: c.ID, ColumnID: colByName(t, b, col).ID, CauseKind: CauseUser, AtMs: at})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	a := addCard(t, s, pid, 0, "a") // created at 100
	move(a, "Code", 1000)
	move(a, "Production", 5000)
	move(a, "Code", 6000)
	move(a, "Production", 7000)
	old := addCard(t, s, pid, 0, "old")
	move(old, "Production", 50) // before the window
	undone := addCard(t, s, pid, 0, "undone")
	move(undone, "Production", 3000)
	if _, _, err := s.UndoMove(ctx, pid, 3100); err != nil {
		t.Fatal(err)
	}
	got, err := s.Deliveries(ctx, pid, []string{"code", "verified", "released", "staging"}, "production", 100)
	if err != nil || len(got) != 1 || got[0] != (Delivery{CardID: a.ID, CreatedMs: 100, StartedMs: 1000, DeliveredMs: 5000}) {
		t.Errorf("deliveries %+v, %v", got, err)
	}
}

// Cards made before migration 0006 start their journey from their stage and links.
func TestJourneyMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := open(filepath.Join(dir, DBName), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mustMigrations()[:5] {
		if err := old.apply(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO projects(id, path, name, created_ms) VALUES(1, '/repo', 'repo', 1)`,
		`INSERT INTO boards(project_id, created_ms) VALUES(1, 1)`,
		`INSERT INTO board_columns(id, project_id, name, category, stage, rank) VALUES(1, 1, 'Code', 'started', 'code', 'a')`,
		`INSERT INTO cards(id, project_id, number, title, column_id, rank, stage, created_ms, updated_ms, entered_ms)
		 VALUES(1, 1, 1, 'linked', 1, 'a', 'code', 1, 1, 1), (2, 1, 2, 'bare', 1, 'b', 'code', 1, 1, 1)`,
		`INSERT INTO card_links(card_id, kind, ref, closing, at_ms) VALUES(1, 'commit', 'bbb', 0, 2), (1, 'commit', 'aaa', 1, 1),
		 (1, 'branch', '1-x', 0, 3), (1, 'run', '4', 0, 4)`,
	} {
		if _, err := old.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()
	s := openT(t, dir)
	want := map[int64]string{
		1: `{"stage":"code","commits":["aaa","bbb"],"closing":["aaa"],"branches":["1-x"]}`,
		2: `{"stage":"code","commits":[],"closing":[],"branches":[]}`,
	}
	for id, w := range want {
		if jc, err := s.JourneyCard(ctx, 1, id); err != nil || jc.Journey != w {
			t.Errorf("card %d: %q, %v; want %q", id, jc.Journey, err, w)
		}
	}
}
