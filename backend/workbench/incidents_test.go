package workbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"eightfold/backend/store"
)

// notices are the notify events sent so far.
func notices(rec *recorder) []Notice {
	var out []Notice
	for _, e := range rec.snapshot() {
		if n, ok := e.payload.(Notice); ok && e.topic == TopicNotify {
			out = append(out, n)
		}
	}
	return out
}

// incidentsOf lists the project's incidents, oldest first.
func incidentsOf(t *testing.T, p *Project) []IncidentInfo {
	t.Helper()
	ins, err := p.Incidents(0)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ins)-1; i < j; i, j = i+1, j-1 {
		ins[i], ins[j] = ins[j], ins[i]
	}
	return ins
}

// Real local deploys of a broken app: the first one (nothing to roll back to) leaves an
// open incident that the next good deploy resolves; a broken one rolled back is resolved at
// once; a rollback is recorded against the deploy it rolled back; failures before the
// release started (a held lock) are no incidents.
func TestDeployIncidentsLocal(t *testing.T) {
	s := newDeploySite(t, 0, "broken", nil)
	r := s.releaseT
	ctx := context.Background()
	deployHead := func(msg string, wantOK bool) DeployInfo {
		t.Helper()
		if msg != "" {
			r.commit(msg)
			r.run(true)
		}
		d, err := r.p.Deploy(ctx, DeployOptions{Target: "staging", Release: HeadBuild}, "deploy")
		if (err == nil) != wantOK {
			t.Fatalf("deploy of %q: %v\n%s", msg, err, d.Log)
		}
		return d
	}

	first := deployHead("", false)
	ins := incidentsOf(t, r.p)
	if len(ins) != 1 || ins[0].Kind != store.IncidentDeployFailed || ins[0].DeployID != first.ID || ins[0].Resolved != "" ||
		ins[0].Started != first.StartedAt || ins[0].Target != "staging" || ins[0].DeployVersion != first.Version {
		t.Fatalf("after a first deploy that failed its gate: %+v", ins)
	}
	if n := notices(r.rec); len(n) != 1 || n[0].Kind != "deploy" || n[0].Level != NoticeFail || n[0].Link != "#/deploy/"+itoa(first.ID) {
		t.Errorf("notices after the failed deploy: %+v", n)
	}

	good := deployHead("feat: one", true)
	ins = incidentsOf(t, r.p)
	if len(ins) != 1 || ins[0].Resolved != good.FinishedAt || ins[0].DurationMs <= 0 {
		t.Fatalf("the good deploy did not resolve the open incident at its finish: %+v", ins)
	}
	if n := notices(r.rec); len(n) != 2 || n[1].Kind != "incident" || n[1].Level != NoticeOK {
		t.Errorf("notices after the resolution: %+v", n)
	}

	broken := deployHead("broken", false)
	if !broken.RolledBack {
		t.Fatalf("the broken deploy was not rolled back: %+v", broken)
	}
	ins = incidentsOf(t, r.p)
	if len(ins) != 2 || ins[1].DeployID != broken.ID || ins[1].Started != broken.StartedAt || ins[1].Resolved != broken.FinishedAt {
		t.Fatalf("a broken deploy rolled back: %+v", ins)
	}

	two := deployHead("feat: two", true)
	rb, err := r.p.Rollback(ctx, "staging", false, false)
	if err != nil {
		t.Fatal(err)
	}
	ins = incidentsOf(t, r.p)
	if len(ins) != 3 || ins[2].Kind != store.IncidentRollback || ins[2].DeployID != two.ID || ins[2].Started != two.FinishedAt ||
		ins[2].Resolved != rb.FinishedAt || ins[2].DeployVersion != two.Version {
		t.Fatalf("the rollback's incident: %+v", ins[2:])
	}

	lock := filepath.Join(s.roots[0], ".eightfold", "lock")
	os.MkdirAll(lock, 0o755)
	os.WriteFile(filepath.Join(lock, "holder.json"), []byte(`{"who":"ann@laptop","token":"t"}`), 0o644)
	deployHead("", false)
	if got := incidentsOf(t, r.p); len(got) != 3 {
		t.Errorf("a deploy stopped by the lock made an incident: %+v", got[3:])
	}
	noSecretAnywhere(t, r, "tok-sentinel-4242")
}

func itoa(n int64) string { return runCause(n) }

// A note and a root cause: an abbreviated SHA is stored in full with its subject, an unknown
// one is refused; each edit is announced.
func TestUpdateIncident(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	sha := r.commit("fix: the disk fills up")
	ctx := context.Background()
	id, err := r.p.store.OpenIncident(ctx, store.Incident{ProjectID: r.p.id, Kind: store.IncidentCheckDown, Title: "check:api is DOWN", StartedMs: 1000})
	if err != nil {
		t.Fatal(err)
	}
	in, err := r.p.UpdateIncident(id, "  logs rotated too late ", sha[:7])
	if err != nil || in.RootCause != sha || in.RootCauseSubject != "fix: the disk fills up" || in.Note != "logs rotated too late" {
		t.Fatalf("UpdateIncident = %+v, %v", in, err)
	}
	if _, err := r.p.UpdateIncident(id, "", "deadbeef"); err == nil || !isCode(err, CodeNotFound) || !strings.Contains(err.Error(), "not a commit of the repository") {
		t.Errorf("an unknown commit: %v", err)
	}
	if _, err := r.p.UpdateIncident(id+1, "", ""); !isCode(err, CodeNotFound) {
		t.Errorf("an unknown incident: %v", err)
	}
	var edits int
	for _, e := range r.rec.snapshot() {
		if got, ok := e.payload.(IncidentInfo); ok && e.topic == TopicIncidentUpdated && got.ID == id {
			edits++
		}
	}
	if edits != 1 {
		t.Errorf("%d incident.updated events; want 1", edits)
	}
}

// tapYAML is a step that reports two tests in TAP; "divides" fails while the file fail
// exists; monitor.auto_cards is on.
const tapYAML = `steps:
  - name: tap
    run: |
      if [ -e fail ]; then printf '1..2\nok 1 - adds\nnot ok 2 - divides\n  ---\n  message: division by zero\n  ...\n'; exit 1; fi
      printf '1..2\nok 1 - adds\nok 2 - divides\n'
    report: tap
monitor:
  auto_cards: true
`

// With auto_cards a test failing in two runs after a green one makes one card (labelled
// "test", in the backlog, with the failure); the failing run after the green one is
// announced once, the second failing run not; an incident that opens gets its card, once.
func TestAutoCards(t *testing.T) {
	j := newReleaseT(t, tapYAML, 0).journeyT
	green := j.run(true)
	red := j.run(false)
	j.run(false)
	b, err := j.p.Board()
	if err != nil {
		t.Fatal(err)
	}
	var cards []CardInfo
	for _, c := range b.Columns {
		cards = append(cards, c.Cards...)
	}
	if len(cards) != 1 || cards[0].Title != "Failing test: tap divides" || cards[0].Column != "Plan" ||
		len(cards[0].Labels) != 1 || cards[0].Labels[0].Name != "test" {
		t.Fatalf("cards after two failing runs: %+v", cards)
	}
	d, err := j.p.CardDetail(cards[0].ID)
	if err != nil || !strings.Contains(d.Description, "division by zero") || !strings.Contains(d.DescriptionHTML, `href="#/build/`+itoa(red.ID)+`/tests/`) {
		t.Errorf("the card's evidence: %q\n%s, %v", d.Description, d.DescriptionHTML, err)
	}
	runNotices := 0
	for _, n := range notices(j.rec) {
		if n.Kind == "run" {
			runNotices++
			if n.Level != NoticeFail || n.Link != "#/build/"+itoa(red.ID) || !strings.Contains(n.Title, "after green #"+itoa(green.ID)) || n.Body != "Newly failing: divides" {
				t.Errorf("the run's notice: %+v", n)
			}
		}
	}
	if runNotices != 1 {
		t.Errorf("%d run notices; want 1 (the first failure after green)", runNotices)
	}

	ctx := context.Background()
	check, _ := j.p.store.EnsureCheck(ctx, j.p.id, "target:production", "http://127.0.0.1:1/")
	j.p.openIncident(ctx, store.Incident{ProjectID: j.p.id, CheckID: check, Kind: store.IncidentCheckDown, StartedMs: 5, Title: "target:production is DOWN: status 502"})
	j.p.openIncident(ctx, store.Incident{ProjectID: j.p.id, CheckID: check, Kind: store.IncidentCheckDown, StartedMs: 6, Title: "again"})
	ins := incidentsOf(t, j.p)
	if len(ins) != 1 || ins[0].CardKey == "" || ins[0].Target != "production" {
		t.Fatalf("the incident and its card: %+v", ins)
	}
	c, err := j.p.IncidentCard(ins[0].ID)
	if err != nil || c.ID != ins[0].CardID || c.Title != "Incident: production is DOWN: status 502" {
		t.Errorf("IncidentCard again = %+v, %v; want card %d", c, err, ins[0].CardID)
	}
}

// Two people asking for the card of one failed deploy at once get one card.
func TestDeployCardOnceUnderConcurrency(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	ctx := context.Background()
	id, err := r.p.store.CreateDeploy(ctx, store.Deploy{ProjectID: r.p.id, Target: "production", Kind: "deploy", Version: "1.2.0", StartedMs: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.p.DeployCard(id); !isCode(err, CodeConflict) {
		t.Errorf("a running deploy made a card: %v", err)
	}
	err = r.p.store.UpdateDeploy(ctx, store.Deploy{ID: id, Status: store.DeployFailed, Version: "1.2.0", Failure: "unhealthy: status 502",
		Steps: `[{"name":"health","status":"failed","detail":"unhealthy: status 502"}]`, Warnings: "[]", Log: "[health] attempt 1: status 502\n", FinishedMs: 2000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]CardInfo, 6)
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = r.p.DeployCard(id); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, c := range got {
		if c.ID != got[0].ID || c.Title != "Deploy #"+itoa(id)+" of 1.2.0 to production failed" || c.Labels[0].Name != "deploy" {
			t.Fatalf("cards %+v", got)
		}
	}
	b, _ := r.p.Board()
	if n := b.Columns[0].Count; n != 1 {
		t.Errorf("%d cards in Plan; want 1", n)
	}
	made := 0
	for _, e := range r.rec.snapshot() {
		if bc, ok := e.payload.(BoardChanged); ok && bc.Card != nil && bc.Card.ID == got[0].ID {
			made++
		}
	}
	if made != 1 {
		t.Errorf("board.changed sent %d times for the card; want once", made)
	}
}

// The OS notifier runs its command with the notice as arguments, no shell; a missing
// command is no error.
func TestOSNotifier(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "args")
	script := filepath.Join(dir, "notify-send")
	os.WriteFile(script, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > "+out+".tmp && mv "+out+".tmp "+out+"\n"), 0o755)
	(&OSNotifier{Command: script}).Notify(Notice{Kind: "run", Level: NoticeFail, Title: "Run #2 failed; $(touch pwned)", Body: "x"})
	waitFor(t, func() bool { b, _ := os.ReadFile(out); return len(b) > 0 })
	b, _ := os.ReadFile(out)
	if want := "--app-name=Eightfold\n--urgency=critical\n--\nRun #2 failed; $(touch pwned)\nx\n"; string(b) != want {
		t.Errorf("argv %q; want %q", b, want)
	}
	(&OSNotifier{Command: filepath.Join(dir, "missing")}).Notify(Notice{Title: "t"})
}
