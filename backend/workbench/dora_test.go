package workbench

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"eightfold/backend/store"
)

// commitAt makes an empty commit whose committer (and author) time is at.
func commitAt(t *testing.T, dir, msg string, at time.Time) string {
	t.Helper()
	stamp := fmt.Sprintf("@%d +0000", at.Unix())
	cmd := exec.Command("git", "-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", msg)
	cmd.Env = append(cmd.Environ(), "GIT_COMMITTER_DATE="+stamp, "GIT_AUTHOR_DATE="+stamp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git commit: %v\n%s", err, out)
	}
	return gitRun(t, dir, "rev-parse", "HEAD")
}

// doraSite records a finished deploy of commit to target, switched (or not) before it ended.
func doraSite(t *testing.T, p *Project, target, kind, status, commit string, releaseID int64, switched bool, finished time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := p.store.CreateDeploy(ctx, store.Deploy{ProjectID: p.id, Target: target, Kind: kind, ReleaseID: releaseID,
		Commit: commit, StartedMs: finished.Add(-time.Minute).UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	steps := `[{"name":"switch","status":"passed","detail":""}]`
	if !switched {
		steps = `[{"name":"lock","status":"failed","detail":"held"}]`
	}
	if err := p.store.UpdateDeploy(ctx, store.Deploy{ID: id, Status: status, Steps: steps, Warnings: "[]", FinishedMs: finished.UnixMilli(),
		Commit: commit, ReleaseID: releaseID}); err != nil {
		t.Fatal(err)
	}
	return id
}

// DORA over a real repository whose commits have crafted times, and deploys and an incident
// recorded around them; every answer is worked out by hand in the comments.
func TestDoraFromRecordsAndGit(t *testing.T) {
	prodRoot, stagingRoot := t.TempDir(), t.TempDir()
	p, _ := newProject(t, fmt.Sprintf(`steps:
  - {name: build, run: "true"}
targets:
  staging: {local: true, path: %s}
  production: {local: true, path: %s}
`, stagingRoot, prodRoot))
	dir := p.dir
	gitInit(t, dir)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second) // git keeps whole seconds
	day := 24 * time.Hour
	c0 := commitAt(t, dir, "feat: start", now.Add(-40*day))
	r1, err := p.store.CreateRelease(ctx, store.Release{ProjectID: p.id, Version: "0.1.0", Tag: "v0.1.0", Commit: c0, CreatedMs: now.Add(-40 * day).UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	_ = r1
	commitAt(t, dir, "feat: one", now.Add(-10*day-2*time.Hour))
	c2 := commitAt(t, dir, "feat: two", now.Add(-10*day-time.Hour))
	r2, err := p.store.CreateRelease(ctx, store.Release{ProjectID: p.id, Version: "0.2.0", Tag: "v0.2.0", Commit: c2, CreatedMs: now.Add(-10 * day).UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	c3 := commitAt(t, dir, "fix: three", now.Add(-5*day-3*time.Hour))
	c4 := commitAt(t, dir, "fix: four", now.Add(-day+time.Hour)) // committed after its deploy's time: ignored

	// The first production deploy brings the commits since the release before its own: 1 h, 2 h.
	d1 := doraSite(t, p, "production", "deploy", store.DeploySucceeded, c2, r2, true, now.Add(-10*day))
	doraSite(t, p, "staging", "deploy", store.DeploySucceeded, c3, 0, true, now.Add(-6*day))           // not production
	d2 := doraSite(t, p, "production", "promote", store.DeploySucceeded, c3, 0, true, now.Add(-5*day)) // 3 h
	back := doraSite(t, p, "production", "rollback", store.DeploySucceeded, c2, r2, true, now.Add(-4*day))
	d4 := doraSite(t, p, "production", "deploy", store.DeployFailed, c4, 0, true, now.Add(-2*day))      // its health gate failed
	doraSite(t, p, "production", "deploy", store.DeployFailed, c4, 0, false, now.Add(-2*day+time.Hour)) // never switched
	d3 := doraSite(t, p, "production", "deploy", store.DeploySucceeded, c4, 0, true, now.Add(-day))

	// Production goes DOWN 3 days ago for 30 min, caused by c3 (deployed by d2 5 days ago).
	check, err := p.store.EnsureCheck(ctx, p.id, "target:production", "http://127.0.0.1:1/healthz")
	if err != nil {
		t.Fatal(err)
	}
	down, err := p.store.OpenIncident(ctx, store.Incident{ProjectID: p.id, CheckID: check, DeployID: back, Kind: store.IncidentCheckDown,
		Title: "target:production is DOWN", StartedMs: now.Add(-3 * day).UnixMilli(), ResolvedMs: now.Add(-3*day + 30*time.Minute).UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.store.UpdateIncident(ctx, p.id, down, "", c3[:10]); err != nil {
		t.Fatal(err)
	}

	r, err := p.Dora(30)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Targets, []string{"production"}) {
		t.Errorf("targets = %v, want production", r.Targets)
	}
	// d1, d2, d3 succeeded: 3 × 7 / 30 per week. Whole weeks back from now hold 2, 1, 0, 0
	// deploy days (median 0.5); the 30 days hold 3 → monthly.
	if f := r.Frequency; f.Deploys != 3 || f.DeployDays != 3 || f.PerWeek < 0.6999 || f.PerWeek > 0.7001 || f.Band != "monthly" {
		t.Errorf("frequency = %+v", f)
	}
	// 1 h, 2 h (d1), 3 h (d2); c4 ignored (d3 and d4 bring it, but only d3 succeeded).
	if lt := r.LeadTime; lt.MedianMs == nil || *lt.MedianMs != (2*time.Hour).Milliseconds() || lt.Commits != 3 || lt.Ignored != 1 || lt.Band != "one_day" {
		t.Errorf("lead time = %+v (median %v)", lt, deref(lt.MedianMs))
	}
	// d1, d2, d4, d3 reached production; d2 (rolled back) and d4 (its gate) failed.
	if cf := r.ChangeFailure; cf.Rate == nil || *cf.Rate != 0.5 || cf.Failed != 2 || cf.Deploys != 4 || cf.Band != "46-60%" {
		t.Errorf("change failure = %+v", cf)
	}
	// The incident starts when c3 reached production (5 days ago): 2 days 30 min.
	if rs := r.Restore; rs.MedianMs == nil || *rs.MedianMs != (2*day+30*time.Minute).Milliseconds() || rs.Incidents != 1 || rs.Band != "one_week" {
		t.Errorf("restore = %+v (median %v)", rs, deref(rs.MedianMs))
	}
	var failedBy []string
	for _, d := range r.Deploys {
		failedBy = append(failedBy, fmt.Sprintf("%d:%s", d.ID, strings.Join(d.FailedBy, ",")))
	}
	want := []string{fmt.Sprintf("%d:", d3), fmt.Sprintf("%d:health gate", d4), fmt.Sprintf("%d:rollback #%d", d2, back), fmt.Sprintf("%d:", d1)}
	if !slices.Equal(failedBy, want) {
		t.Errorf("deploys = %v, want %v", failedBy, want)
	}

	// A 7-day period: d2 and d3 succeeded... d2 is 5 days ago, d3 1 day ago; d4 failed.
	week, err := p.Dora(7)
	if err != nil {
		t.Fatal(err)
	}
	if week.Frequency.Deploys != 2 || week.Frequency.Band != "weekly" || week.ChangeFailure.Deploys != 3 {
		t.Errorf("7 days: frequency %+v, change failure %+v", week.Frequency, week.ChangeFailure)
	}
	if _, err := p.Dora(0); !isCode(err, CodeBadRequest) {
		t.Errorf("Dora(0) = %v, want bad_request", err)
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return time.Duration(*p) * time.Millisecond
}

// Without production deploys every key is empty, not an error.
func TestDoraWithoutDeploys(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: build, run: \"true\"}\n")
	gitInit(t, p.dir)
	r, err := p.Dora(90)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 0 || r.Frequency.Band != "none" || r.LeadTime.MedianMs != nil || r.ChangeFailure.Rate != nil ||
		r.Restore.MedianMs != nil || r.Deploys == nil || len(r.Deploys) != 0 {
		t.Errorf("report = %+v", r)
	}
}
