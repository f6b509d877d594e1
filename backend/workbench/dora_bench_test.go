package workbench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"eightfold/backend/store"
)

// BenchmarkDora times Dora over 10,000 deploys (90 days of production and staging deploys,
// one in ten rolled back or failed after its switch, three commits each), 500 incidents and
// 100,000 check results: goal ≤ 50 ms for each period.
func BenchmarkDora(b *testing.B) {
	p := doraBenchProject(b)
	for _, days := range []int{7, 30, 90} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			for b.Loop() {
				r, err := p.Dora(days)
				if err != nil || r.Frequency.Deploys == 0 {
					b.Fatal(r.Frequency, err)
				}
			}
		})
	}
}

func doraBenchProject(b *testing.B) *Project {
	b.Helper()
	p, _ := newProject(b, fmt.Sprintf("steps:\n  - {name: build, run: \"true\"}\ntargets:\n  staging: {local: true, path: %s}\n  production: {local: true, path: %s}\n",
		b.TempDir(), b.TempDir()))
	ctx := context.Background()
	now := time.Now()
	const deploys = 10_000
	span := 90 * 24 * time.Hour / deploys
	for i := range deploys {
		finished := now.Add(-time.Duration(deploys-i) * span)
		target, kind, status, steps := "production", "deploy", store.DeploySucceeded, `[{"name":"switch","status":"passed","detail":""}]`
		switch {
		case i%2 == 1:
			target = "staging"
		case i%20 == 10:
			kind = "rollback"
		case i%20 == 0:
			status = store.DeployFailed
		}
		id, err := p.store.CreateDeploy(ctx, store.Deploy{ProjectID: p.id, Target: target, Kind: kind, StartedMs: finished.Add(-time.Minute).UnixMilli()})
		if err != nil {
			b.Fatal(err)
		}
		commit := fmt.Sprintf("%040x", i)
		if err := p.store.UpdateDeploy(ctx, store.Deploy{ID: id, Status: status, Steps: steps, Warnings: "[]", Commit: commit,
			Version: fmt.Sprintf("1.0.%d", i), FinishedMs: finished.UnixMilli()}); err != nil {
			b.Fatal(err)
		}
		var commits []store.DeployCommit
		for c := range 3 {
			commits = append(commits, store.DeployCommit{SHA: fmt.Sprintf("%038x%02d", i, c), CommittedMs: finished.Add(-time.Duration(c+1) * time.Hour).UnixMilli()})
		}
		if err := p.store.SetDeployCommits(ctx, id, commits); err != nil {
			b.Fatal(err)
		}
		if i%20 == 4 && target == "production" {
			seedDoraIncident(b, p, id, finished)
		}
	}
	seedCheckResults(b, p, now)
	return p
}

func seedDoraIncident(b *testing.B, p *Project, deployID int64, after time.Time) {
	_, err := p.store.OpenIncident(context.Background(), store.Incident{ProjectID: p.id, DeployID: deployID, Kind: store.IncidentDeployFailed,
		Title: "bench", StartedMs: after.Add(time.Minute).UnixMilli(), ResolvedMs: after.Add(20 * time.Minute).UnixMilli()})
	if err != nil {
		b.Fatal(err)
	}
}

// seedCheckResults stores 100,000 results of the production target's check over 7 days.
func seedCheckResults(b *testing.B, p *Project, now time.Time) {
	ctx := context.Background()
	id, err := p.store.EnsureCheck(ctx, p.id, "target:production", "http://127.0.0.1:1/healthz")
	if err != nil {
		b.Fatal(err)
	}
	const results = 100_000
	rs := make([]store.CheckResult, results)
	step := 7 * 24 * time.Hour / results
	for i := range rs {
		rs[i] = store.CheckResult{CheckID: id, AtMs: now.Add(-time.Duration(i) * step).UnixMilli(), OK: i%50 != 0, Status: 200, TookMs: 3}
	}
	if err := p.store.AddCheckResults(ctx, rs); err != nil {
		b.Fatal(err)
	}
}
