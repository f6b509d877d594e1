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

	"eightfold/backend/deploy"
	"eightfold/backend/store"
)

// ciProject opens dir as a CI job does: with a data dir of its own (another temp home);
// files are written in that data dir first (such as known_hosts).
func ciProject(t *testing.T, dir string, files map[string]string) *Project {
	t.Helper()
	home := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(home, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Open(s, dir, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(); s.Close() })
	return p
}

// syncAll syncs every target and returns what it did, by target.
func syncAll(t *testing.T, p *Project) map[string]DeploySync {
	t.Helper()
	res, err := p.SyncDeploys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]DeploySync{}
	for _, r := range res {
		out[r.Target] = r
	}
	return out
}

// A CI job with a data dir of its own deploys to the same local staging and production
// targets as this machine: after the sync, this history has its deploys (who, version,
// commit, release directory, finished when its audit line says), the production card runs
// its version, and DORA counts it with its lead time. Our own deploy is not recorded twice,
// a torn line is skipped naming its host and number, and a second sync records nothing.
func TestSyncRecordsACIDeployOnce(t *testing.T) {
	s := newDeploySite(t, 0, "feat: one", nil)
	s.release() // tags v0.1.0
	ctx := context.Background()
	own, err := s.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy")
	if err != nil {
		t.Fatal(err)
	}
	ci := ciProject(t, s.dir, nil)
	ciProd, err := ci.DeployTree(ctx, DeployOptions{Target: "production", Confirm: true})
	if err != nil || ciProd.Status != store.DeploySucceeded {
		t.Fatalf("the CI deploy: %+v, %v", ciProd, err)
	}
	ciStaging, err := ci.DeployTree(ctx, DeployOptions{Target: "staging"})
	if err != nil {
		t.Fatal(err)
	}
	audit := filepath.Join(s.roots[0], ".eightfold", "audit.log")
	f, _ := os.OpenFile(audit, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("{torn\n")
	f.Close()

	got := syncAll(t, s.p)
	staging, production := got["staging"], got["production"]
	if len(staging.Recorded) != 1 || staging.Known != 1 || len(production.Recorded) != 1 || production.Known != 0 {
		t.Fatalf("staging %+v\nproduction %+v", staging, production)
	}
	if len(staging.Skipped) != 1 || !strings.Contains(staging.Skipped[0], "local: line 3 of "+s.roots[0]+"/.eightfold/audit.log skipped") {
		t.Errorf("skipped %q", staging.Skipped)
	}
	d := production.Recorded[0]
	if d.Kind != "deploy" || d.Version != "0.1.0" || d.Commit != ciProd.Commit || d.Who != ciProd.Who || d.Status != store.DeploySucceeded ||
		d.ReleaseDir != ciProd.ReleaseDir || d.Host != "local" || d.FinishedAt == "" || !strings.Contains(d.Log, "audit log (local line 1)") {
		t.Errorf("the recorded deploy %+v; CI's %+v", d, ciProd)
	}
	if staging.Recorded[0].ReleaseDir != ciStaging.ReleaseDir {
		t.Errorf("staging recorded %s, CI deployed %s (ours %s)", staging.Recorded[0].ReleaseDir, ciStaging.ReleaseDir, own.ReleaseDir)
	}
	if all, _ := s.p.Deploys("staging", 0); len(all) != 2 {
		t.Errorf("staging has %d deploys: %+v", len(all), all)
	}
	targets, err := s.p.Targets()
	if err != nil || targets[1].Current == nil || targets[1].Current.ID != d.ID || targets[1].Current.Version != "0.1.0" {
		t.Errorf("production's current deploy: %+v, %v", targets[1].Current, err)
	}
	report, err := s.p.Dora(7)
	if err != nil || report.Frequency.Deploys != 1 || report.LeadTime.Commits == 0 || len(report.Deploys) != 1 || report.Deploys[0].ID != d.ID {
		t.Errorf("DORA: %+v, %v", report, err)
	}

	again := syncAll(t, s.p)
	if len(again["staging"].Recorded) != 0 || again["staging"].Known != 2 || len(again["production"].Recorded) != 0 || again["production"].Known != 1 {
		t.Errorf("the second sync: %+v", again)
	}
	if all, _ := s.p.Deploys("", 0); len(all) != 3 {
		t.Errorf("after two syncs: %d deploys", len(all))
	}
}

// A deploy synced from the audit log moves the cards of its commit along, as a deploy from
// here does: CI's staging deploy of a release puts its card in Staging, linked.
func TestSyncedDeployMovesTheCard(t *testing.T) {
	s := newDeploySite(t, 1, "feat: one\n\nCloses #1", nil)
	s.release()
	s.expect(1, "Released", "")
	ci := ciProject(t, s.dir, nil)
	d, err := ci.DeployTree(context.Background(), DeployOptions{Target: "staging"})
	if err != nil {
		t.Fatal(err)
	}
	syncAll(t, s.p)
	c := s.expect(1, "Staging", "")
	if !hasLink(c, store.LinkDeploy, "staging "+d.Version) {
		t.Errorf("the card's links %+v, want the synced deploy of %s", c.Links, d.Version)
	}
}

// A colleague promotes to production from their own machine, then deploys again with a
// configuration that breaks the app: the sync records the promotion as a promotion, and
// the deploy that failed after its switch as a change failure, as DORA would count it had it
// run here.
func TestSyncKnowsPromotionsAndFailuresAfterTheSwitch(t *testing.T) {
	s := newDeploySite(t, 0, "feat: one", func(y string) string { return strings.ReplaceAll(y, "deadline: 10s", "deadline: 1s") })
	s.release()
	ctx := context.Background()
	colleague := ciProject(t, s.dir, nil)
	if d, err := colleague.DeployTree(ctx, DeployOptions{Target: "staging"}); err != nil || d.Status != store.DeploySucceeded {
		t.Fatalf("staging: %+v, %v", d, err)
	}
	if d, err := colleague.Promote(ctx, "staging", "production", true, false); err != nil || d.Kind != "promote" {
		t.Fatalf("the promotion: %+v, %v", d, err)
	}
	y, _ := os.ReadFile(filepath.Join(s.dir, "eightfold.yaml"))
	broken := strings.Replace(string(y), fmt.Sprintf(`{PORT: "%d"}`, s.production), fmt.Sprintf(`{PORT: "%d", APP_HEALTH: fail}`, s.production), 1)
	if err := os.WriteFile(filepath.Join(s.dir, "eightfold.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	s.git("commit", "-qam", "fix: production's new setting")
	s.run(true)
	s.release()
	bad, err := colleague.DeployTree(ctx, DeployOptions{Target: "production", Confirm: true})
	if err == nil || bad.Status != store.DeployFailed || !bad.RolledBack {
		t.Fatalf("the breaking deploy: %+v, %v", bad, err)
	}

	got := syncAll(t, s.p)["production"].Recorded
	if len(got) != 2 || got[0].Kind != "promote" || got[0].Status != store.DeploySucceeded || got[1].Kind != "deploy" || got[1].Status != store.DeployFailed {
		t.Fatalf("recorded %+v", got)
	}
	if len(got[1].Steps) != 1 || got[1].Steps[0].Name != deploy.StepSwitch || got[1].Steps[0].Status != deploy.StepPassed {
		t.Errorf("the failed deploy's steps %+v: want its switch, from the audit log", got[1].Steps)
	}
	report, err := s.p.Dora(7)
	if err != nil || report.Frequency.Deploys != 1 || report.ChangeFailure.Deploys != 2 || report.ChangeFailure.Failed != 1 {
		t.Errorf("DORA: frequency %+v, change failure %+v, %v", report.Frequency, report.ChangeFailure, err)
	}
}

// An unknown target is refused, naming those there are.
func TestSyncUnknownTarget(t *testing.T) {
	s := newDeploySite(t, 0, "feat: one", nil)
	if _, err := s.p.SyncDeploys(context.Background(), []string{"qa"}); !isCode(err, CodeNotFound) || !strings.Contains(err.Error(), "it has staging, production") {
		t.Errorf("%v", err)
	}
}

// Over SSH, to three hosts: a CI job's rollout is recorded once with each host's release,
// and the targets' hosts run its version after the sync; a data dir that does not know the
// hosts' keys records nothing, naming the key.
func TestSyncRecordsARolloutOverSSH(t *testing.T) {
	s := newHostsSite(t, -1)
	s.release("feat: one") // tags v0.1.0
	ctx := context.Background()
	if _, err := s.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy"); err != nil {
		t.Fatal(err)
	}
	known, _ := os.ReadFile(filepath.Join(filepath.Dir(s.p.store.Path()), "known_hosts"))
	ci, err := ciProject(t, s.dir, map[string]string{"known_hosts": string(known)}).DeployTree(ctx, DeployOptions{Target: "staging"})
	if err != nil {
		t.Fatalf("the CI rollout: %+v, %v", ci, err)
	}

	if r := syncAll(t, ciProject(t, s.dir, nil))["staging"]; !strings.HasPrefix(r.HostKey, "SHA256:") || len(r.Recorded) != 0 {
		t.Errorf("a data dir without the hosts' keys: %+v", r)
	}
	r := syncAll(t, s.p)["staging"]
	if len(r.Recorded) != 1 || r.Known != 1 || r.Failure != "" {
		t.Fatalf("%+v", r)
	}
	d := r.Recorded[0]
	if d.Status != store.DeploySucceeded || d.ReleaseDir != ci.ReleaseDir || !slices.Equal(hostStates(d), []string{"deployed", "deployed", "deployed"}) {
		t.Errorf("the recorded rollout %+v", d)
	}
	targets, _ := s.p.Targets()
	for _, h := range targets[0].Hosts {
		if h.Release != ci.ReleaseDir || h.Version != "0.1.0" {
			t.Errorf("host %+v after the sync; CI deployed %s", h, ci.ReleaseDir)
		}
	}
	if again := syncAll(t, s.p)["staging"]; len(again.Recorded) != 0 || again.Known != 2 {
		t.Errorf("the second sync: %+v", again)
	}
}

// The lines of a failed rollout on three hosts (the first deployed then switched back, the
// second failed, the third untouched) are one deploy; a later rollback of every host by the
// same person is another, and not a switch back.
func TestAuditEventsOfAFailedRollout(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	line := func(host, sec int, action, result, release, previous, reason string) auditEntry {
		return auditEntry{host: host, AuditLine: deploy.AuditLine{At: at.Add(time.Duration(sec) * time.Second), Who: "ci@runner",
			Action: action, Version: "2.0.0", Release: release, Previous: previous, Result: result, Reason: reason, Line: sec}}
	}
	logs := []hostAudit{
		{host: "a", lines: []auditEntry{line(0, 1, "deploy", "ok", "R2", "R1", ""), line(0, 3, "rollback", "ok", "R1", "R2", "another host of the rollout failed"),
			line(0, 5, "rollback", "ok", "R0", "R1", "")}},
		{host: "b", lines: []auditEntry{line(1, 2, "deploy", "failed", "R2", "R1", "unhealthy"), line(1, 6, "rollback", "ok", "R0", "R1", "")}},
		{host: "c", lines: []auditEntry{line(2, 7, "rollback", "ok", "R0", "R1", "")}},
	}
	events := auditEvents(logs)
	if len(events) != 2 || events[0].kind != "deploy" || len(events[0].lines) != 2 || len(events[0].reverts) != 1 ||
		events[1].kind != "rollback" || len(events[1].lines) != 3 {
		t.Fatalf("%+v", events)
	}
	hosts, failure := rolloutHosts(logs, events[0])
	var states []string
	for _, h := range hosts {
		states = append(states, h.State+" "+h.Current)
	}
	if !slices.Equal(states, []string{"rolled back R1", "failed R1", "untouched "}) ||
		failure != "b: unhealthy; switched back to what they ran before: a; not touched: c" {
		t.Errorf("%q; %s", states, failure)
	}
	if _, failure := rolloutHosts(logs, events[1]); failure != "" {
		t.Errorf("the rollback of every host: %s", failure)
	}
}
