package workbench

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"eightfold/backend/store"
)

// BenchmarkStatus times Status, which the loop ring calls on every refresh, on a git project
// with 1,000 runs (two steps and ten test results each), 50 cards, 100 deploys to two
// targets, an open incident and a week of check results. The first call, which records the
// commits each production deploy brought (once for all), is left out.
func BenchmarkStatus(b *testing.B) {
	p := statusBenchProject(b)
	if _, err := p.Status(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		st, err := p.Status()
		if err != nil || st.LastRun == nil || st.Plan.Open != 50 || len(st.Stages) != 8 {
			b.Fatal(st.Plan, err)
		}
	}
}

func statusBenchProject(b *testing.B) *Project {
	b.Helper()
	p, _ := newProject(b, fmt.Sprintf("steps:\n  - {name: build, run: \"true\"}\ntargets:\n  staging: {local: true, path: %s}\n  production: {local: true, path: %s}\n",
		b.TempDir(), b.TempDir()))
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."},
		{"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "feat: start"}} {
		if out, err := exec.Command("git", append([]string{"-C", p.dir}, args...)...).CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	ctx := context.Background()
	now := time.Now()
	for i := range 1000 {
		seedStatusRun(b, p, now.Add(-time.Duration(1000-i)*time.Hour))
	}
	for i := range 50 {
		if _, err := p.AddCard(NewCard{Title: fmt.Sprintf("Card %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100 {
		target := []string{"staging", "production"}[i%2]
		id, err := p.store.CreateDeploy(ctx, store.Deploy{ProjectID: p.id, Target: target, Kind: "deploy", StartedMs: now.Add(-time.Duration(100-i) * time.Hour).UnixMilli()})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.store.UpdateDeploy(ctx, store.Deploy{ID: id, Status: store.DeploySucceeded, Steps: `[{"name":"switch","status":"passed","detail":""}]`,
			Warnings: "[]", Version: fmt.Sprintf("1.0.%d", i), Commit: fmt.Sprintf("%040x", i), FinishedMs: now.Add(-time.Duration(100-i)*time.Hour + time.Minute).UnixMilli()}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := p.store.OpenIncident(ctx, store.Incident{ProjectID: p.id, Kind: store.IncidentCheckDown, Title: "check:api is DOWN", StartedMs: now.UnixMilli()}); err != nil {
		b.Fatal(err)
	}
	seedCheckResults(b, p, now)
	return p
}

// seedStatusRun records a passed run of two steps, the second with ten test results.
func seedStatusRun(b *testing.B, p *Project, end time.Time) {
	ctx, s := context.Background(), p.store
	r, err := s.CreateRun(ctx, store.NewRun{ProjectID: p.id, Trigger: "manual", StartedMs: end.Add(-time.Minute).UnixMilli(),
		Steps: []store.NewStep{{Name: "build", Command: "true"}, {Name: "test", Command: "true"}}})
	if err != nil {
		b.Fatal(err)
	}
	results := make([]store.TestResult, 10)
	for i := range results {
		results[i] = store.TestResult{Suite: "pkg", Name: fmt.Sprintf("Test%d", i), Status: "passed", Attempts: 1, DurationMs: 5}
	}
	for i, st := range r.Steps {
		if err := s.StartStep(ctx, st.ID, end.Add(-time.Minute).UnixMilli(), store.ProcessGroup{}); err != nil {
			b.Fatal(err)
		}
		if err := s.FinishStep(ctx, st.ID, store.StepEnd{Status: store.StatusPassed, FinishedMs: end.UnixMilli()}); err != nil {
			b.Fatal(err)
		}
		if i == 1 {
			if err := s.AddTestResults(ctx, p.id, r.ID, st.ID, results); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := s.FinishRun(ctx, r.ID, store.RunEnd{Status: store.StatusPassed, FinishedMs: end.UnixMilli()}); err != nil {
		b.Fatal(err)
	}
}
