package workbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"eightfold/backend/store"
)

// statusOf returns the project's status and its stages by id.
func statusOf(t *testing.T, p *Project) (StatusInfo, map[string]Stage) {
	t.Helper()
	st, err := p.Status()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Stage{}
	var ids []string
	for _, s := range st.Stages {
		by[s.ID] = s
		ids = append(ids, s.ID)
	}
	if want := []string{"plan", "code", "build", "test", "release", "deploy", "operate", "monitor"}; !slices.Equal(ids, want) {
		t.Fatalf("stages %v, want %v", ids, want)
	}
	return st, by
}

// attention lists the stages that need attention.
func attention(stages map[string]Stage) []string {
	var out []string
	for id, s := range stages {
		if s.Attention {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// The attention rules on real data: a quiet project after a green run, then a failing run,
// a column over its WIP limit, an open incident, a failed deploy to staging and a failed
// production deploy, each lighting up its stage and saying why.
func TestStatusStagesOnRealData(t *testing.T) {
	yaml := strings.TrimSuffix(tapYAML, "monitor:\n  auto_cards: true\n") + fmt.Sprintf("targets:\n  staging: {local: true, path: %s}\n  production: {local: true, path: %s}\n", t.TempDir(), t.TempDir())
	r := newReleaseT(t, yaml, 3)
	p := r.p
	r.run(true)
	st, stages := statusOf(t, p)
	if got := attention(stages); len(got) != 0 {
		t.Fatalf("a quiet project needs attention in %v: %+v", got, st.Stages)
	}
	for id, want := range map[string]string{"plan": "3 open", "code": "main · clean", "test": "2 passed",
		"release": "0.1.0 next · 2 unreleased", "deploy": "staging — · production —", "monitor": "no deploys in 30 days"} {
		if got := stages[id].Summary; got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if s := stages["test"]; s.Place != "build" || s.Title != "Test" {
		t.Errorf("the test stage: %+v", s)
	}

	os.WriteFile(filepath.Join(p.Dir(), "notes.txt"), []byte("x"), 0o644)
	failing := r.run(false)
	board, err := p.Board()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetWIPLimit(board.Columns[0].ID, 2); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.store.OpenIncident(ctx, store.Incident{ProjectID: p.id, Kind: store.IncidentCheckDown, Title: "check:api is DOWN", StartedMs: 1000}); err != nil {
		t.Fatal(err)
	}
	head := gitRun(t, p.Dir(), "rev-parse", "HEAD")
	now := time.Now()
	staging := doraSite(t, p, "staging", "deploy", store.DeployFailed, head, 0, false, now.Add(-time.Hour))
	doraSite(t, p, "production", "deploy", store.DeployFailed, head, 0, true, now.Add(-time.Minute))

	st, stages = statusOf(t, p)
	if got, want := attention(stages), []string{"build", "deploy", "monitor", "operate", "plan", "test"}; !slices.Equal(got, want) {
		t.Errorf("attention in %v, want %v", got, want)
	}
	id := fmt.Sprint(failing.ID)
	for stage, want := range map[string]string{
		"plan":    "Plan holds 3 cards, over its WIP limit of 2",
		"build":   "run #" + id + " failed: step tap failed",
		"test":    "1 test failed in run #" + id,
		"deploy":  fmt.Sprintf("the last deploy to staging (#%d) failed", staging),
		"operate": "is open: check:api is DOWN",
		"monitor": "change failure rate 100% over 30 days (band 61-100%)",
	} {
		if got := stages[stage].Reason; !strings.Contains(got, want) {
			t.Errorf("%s's reason: %q, want %q", stage, got, want)
		}
	}
	if got := stages["plan"].Summary; got != "3 open · Plan 3/2 WIP" {
		t.Errorf("plan: %q", got)
	}
	if st.Code.Changed != 1 || stages["code"].Summary != "main · 1 changed" || stages["code"].Attention {
		t.Errorf("code: %+v, %+v", st.Code, stages["code"])
	}
	if st.Targets[0].LastDeploy == nil || st.Targets[0].LastDeploy.Status != "failed" || st.Monitor.ChangeFailure != "61-100%" {
		t.Errorf("the facts: %+v, %+v", st.Targets, st.Monitor)
	}
}

// A config that does not load lights up Build, and the stages that need it say so.
func TestStatusStagesWithABrokenConfig(t *testing.T) {
	p, _ := newProject(t, "steps: [oops\n")
	_, stages := statusOf(t, p)
	if got := attention(stages); !slices.Equal(got, []string{"build"}) || !strings.HasPrefix(stages["build"].Reason, "eightfold.yaml does not load: ") {
		t.Errorf("attention in %v: %+v", got, stages["build"])
	}
	if stages["code"].Summary != "not a git repository" || stages["deploy"].Summary != "config broken" || stages["monitor"].Summary != "no figures" {
		t.Errorf("stages: %+v", stages)
	}
}

// The rules at their edges, on facts made by hand.
func TestLoopStages(t *testing.T) {
	rate := func(f float64) *float64 { return &f }
	git := ProjectInfo{IsGit: true, Branch: "main", Commit: "0123456789abcdef"}
	cases := []struct {
		name, stage string
		st          StatusInfo
		summary     string
		attention   bool
	}{
		{"ahead and behind", "code", StatusInfo{Project: git, Code: StatusCode{Changed: 2, Upstream: "origin/main", Ahead: 3, Behind: 1}},
			"main · 2 changed · 3 ahead of origin/main · 1 behind", false},
		{"detached", "code", StatusInfo{Project: ProjectInfo{IsGit: true, Commit: "0123456789abcdef"}}, "detached at 0123456", false},
		{"no commit", "code", StatusInfo{Project: ProjectInfo{IsGit: true, Branch: "main"}}, "main · no commit yet", false},
		{"a cancelled run", "build", StatusInfo{LastRun: &RunInfo{ID: 4, Status: "cancelled"}}, "#4 cancelled", false},
		{"a run in error", "build", StatusInfo{LastRun: &RunInfo{ID: 4, Status: "error", Error: "no steps"}}, "#4 error", true},
		{"a running run", "test", StatusInfo{LastRun: &RunInfo{ID: 5, Status: "running"}}, "no tests reported", false},
		{"released", "release", StatusInfo{Release: StatusRelease{LastVersion: "1.2.0"}}, "1.2.0 · up to date", false},
		{"next", "release", StatusInfo{Release: StatusRelease{LastVersion: "1.2.0", Next: "1.3.0", Unreleased: 4}}, "1.2.0 → 1.3.0 · 4 unreleased", false},
		{"no commit to release", "release", StatusInfo{Release: StatusRelease{Error: "no commit yet"}}, "nothing to release yet", false},
		{"a deploy running", "deploy", StatusInfo{Targets: []StatusTarget{{Name: "staging", Version: "1.0.0",
			LastDeploy: &StatusDeploy{ID: 2, Kind: "deploy", Status: "running"}}}}, "staging 1.0.0", false},
		{"pending and up", "operate", StatusInfo{Targets: []StatusTarget{{Name: "a", Health: "UP"}, {Name: "b", Health: "PENDING"}, {Name: "c", Health: "UP"}}},
			"2 UP · 1 PENDING", false},
		{"down", "operate", StatusInfo{Targets: []StatusTarget{{Name: "a", Health: "DOWN"}}}, "1 DOWN", true},
		{"16-30% is fine", "monitor", StatusInfo{Monitor: StatusMonitor{Targets: []string{"production"}, Frequency: "weekly",
			ChangeFailure: "16-30%", ChangeFailureRate: rate(0.3)}}, "weekly · 30% failed", false},
		{"31-45% is not", "monitor", StatusInfo{Monitor: StatusMonitor{Targets: []string{"production"}, Frequency: "daily",
			ChangeFailure: "31-45%", ChangeFailureRate: rate(0.4)}}, "daily · 40% failed", true},
		{"no production target", "monitor", StatusInfo{Monitor: StatusMonitor{Targets: []string{}}}, "no production target", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, s := range LoopStages(c.st) {
				if s.ID != c.stage {
					continue
				}
				if s.Summary != c.summary || s.Attention != c.attention || (s.Reason != "") != c.attention {
					t.Errorf("got %+v; want %q, attention %v", s, c.summary, c.attention)
				}
			}
		})
	}
}
