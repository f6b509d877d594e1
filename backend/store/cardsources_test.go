package store

import (
	"context"
	"sync"
	"testing"
)

// Making a card from the same source twice, or twice at once, makes one card; once that
// card is done, the source gets a new one. The label is made once.
func TestCardFromMakesOneCardPerSource(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	inc, err := s.OpenIncident(ctx, Incident{ProjectID: pid, Kind: IncidentCheckDown, Title: "api is DOWN", StartedMs: 10})
	if err != nil {
		t.Fatal(err)
	}
	src := CardSource{Kind: SourceIncident, ID: inc}
	make1 := func() (Card, bool) {
		c, made, err := s.CardFrom(ctx, src, NewCard{ProjectID: pid, Title: "Incident: api is DOWN", NowMs: 20}, "incident", "#b60205",
			[]Link{{Kind: LinkRun, Ref: "7", Title: "failed", AtMs: 20}})
		if err != nil {
			t.Error(err)
		}
		return c, made
	}
	var wg sync.WaitGroup
	cards := make([]Card, 8)
	made := make([]bool, 8)
	for i := range cards {
		wg.Go(func() { cards[i], made[i] = make1() })
	}
	wg.Wait()
	n := 0
	for i, c := range cards {
		if made[i] {
			n++
		}
		if c.ID != cards[0].ID {
			t.Errorf("call %d got card %d, call 0 card %d", i, c.ID, cards[0].ID)
		}
	}
	if n != 1 || count(t, s, "cards") != 1 || count(t, s, "labels") != 1 || count(t, s, "card_links") != 1 {
		t.Fatalf("%d calls made a card; %d cards, %d labels, %d links", n, count(t, s, "cards"), count(t, s, "labels"), count(t, s, "card_links"))
	}
	detail, err := s.CardDetail(ctx, pid, cards[0].ID)
	if err != nil || len(detail.LabelIDs) != 1 || len(detail.Links) != 1 || detail.Links[0].Ref != "7" {
		t.Fatalf("the card %+v, %v", detail, err)
	}
	row, err := s.IncidentRow(ctx, pid, inc)
	if err != nil || row.CardID != cards[0].ID || row.CardNumber != cards[0].Number {
		t.Fatalf("the incident does not name its card: %+v, %v", row, err)
	}

	b, err := s.Board(ctx, pid, 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.MoveCard(ctx, Move{ProjectID: pid, CardID: cards[0].ID, ColumnID: colByName(t, b, "Production").ID, CauseKind: CauseUser, AtMs: 40}); err != nil {
		t.Fatal(err)
	}
	again, madeAgain := make1()
	if !madeAgain || again.ID == cards[0].ID || count(t, s, "labels") != 1 {
		t.Fatalf("after the card was done: %+v, made %v", again, madeAgain)
	}
	if c, m := make1(); m || c.ID != again.ID {
		t.Errorf("the new card is not the source's now: %+v, made %v", c, m)
	}
	other, m, err := s.CardFrom(ctx, CardSource{Kind: SourceDeploy, ID: inc}, NewCard{ProjectID: pid, Title: "deploy", NowMs: 50}, "Deploy", "#5319e7", nil)
	if err != nil || !m || other.ID == again.ID {
		t.Errorf("another kind with the same id: %+v, %v, %v", other, m, err)
	}
}

// A successful deploy resolves the open failed-deploy incidents of its target only; the
// incident list keeps open incidents whenever they started, and names target, version and card.
func TestDeployIncidents(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	deployTo := func(target, version string, status string, started, finished int64) int64 {
		id, err := s.CreateDeploy(ctx, Deploy{ProjectID: pid, Target: target, Kind: "deploy", Version: version, StartedMs: started})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateDeploy(ctx, Deploy{ID: id, Status: status, Version: version, Steps: "[]", Warnings: "[]", FinishedMs: finished}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	good := deployTo("staging", "1.0.0", DeploySucceeded, 10, 20)
	bad := deployTo("staging", "1.1.0", DeployFailed, 30, 40)
	prodBad := deployTo("production", "1.1.0", DeployFailed, 50, 60)
	open := func(deployID, started int64) int64 {
		id, err := s.OpenIncident(ctx, Incident{ProjectID: pid, DeployID: deployID, Kind: IncidentDeployFailed, Title: "failed", StartedMs: started})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	stagingInc, prodInc := open(bad, 30), open(prodBad, 50)
	if prev, ok, err := s.DeployBefore(ctx, pid, "staging", bad); err != nil || !ok || prev.ID != good {
		t.Fatalf("DeployBefore = %+v, %v, %v; want deploy %d", prev, ok, err, good)
	}
	if _, ok, _ := s.DeployBefore(ctx, pid, "staging", good); ok {
		t.Error("the first deploy has a deploy before it")
	}

	rows, err := s.IncidentRows(ctx, pid, 1000) // after both started: only open ones
	if err != nil || len(rows) != 2 || rows[0].ID != prodInc || rows[0].Target != "production" || rows[0].DeployVersion != "1.1.0" {
		t.Fatalf("IncidentRows = %+v, %v", rows, err)
	}
	ids, err := s.ResolveDeployIncidents(ctx, pid, "staging", 90)
	if err != nil || len(ids) != 1 || ids[0] != stagingInc {
		t.Fatalf("ResolveDeployIncidents = %v, %v; want [%d]", ids, err, stagingInc)
	}
	if ids, _ := s.ResolveDeployIncidents(ctx, pid, "staging", 95); len(ids) != 0 {
		t.Errorf("resolved again: %v", ids)
	}
	rows, _ = s.IncidentRows(ctx, pid, 1000)
	if len(rows) != 1 || rows[0].ID != prodInc {
		t.Fatalf("open incidents after the staging deploy: %+v", rows)
	}
	if r, err := s.IncidentRow(ctx, pid, stagingInc); err != nil || r.ResolvedMs != 90 || r.Target != "staging" {
		t.Errorf("the staging incident: %+v, %v", r, err)
	}
}
