package store

import (
	"context"
	"slices"
	"testing"
)

// doraDeploy records a finished deploy whose steps reached (or not) the switch.
func doraDeploy(t testing.TB, s *Store, pid int64, target, kind, status, commit string, switched bool, finishedMs int64) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := s.CreateDeploy(ctx, Deploy{ProjectID: pid, Target: target, Kind: kind, Commit: commit, StartedMs: finishedMs - 5})
	if err != nil {
		t.Fatal(err)
	}
	steps := `[{"name":"lock","status":"passed","detail":""},{"name":"switch","status":"failed","detail":""}]`
	if switched {
		steps = `[{"name":"lock","status":"passed","detail":""},{"name":"switch","status":"passed","detail":""},{"name":"health","status":"failed","detail":""}]`
	}
	if err := s.UpdateDeploy(ctx, Deploy{ID: id, Status: status, Steps: steps, Warnings: "[]", FinishedMs: finishedMs, Commit: commit}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestChangeDeploysAndTheirCommits(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	prod := []string{"production"}
	first := doraDeploy(t, s, pid, "production", "deploy", DeploySucceeded, "aaa", true, 100)
	doraDeploy(t, s, pid, "production", "deploy", DeployFailed, "bbb", false, 200) // failed before the switch: left out
	gate := doraDeploy(t, s, pid, "production", "deploy", DeployFailed, "ccc", true, 300)
	doraDeploy(t, s, pid, "staging", "deploy", DeploySucceeded, "ddd", true, 350) // another target
	back := doraDeploy(t, s, pid, "production", "rollback", DeploySucceeded, "aaa", true, 400)
	promo := doraDeploy(t, s, pid, "production", "promote", DeploySucceeded, "eee", true, 500)
	doraDeploy(t, s, pid, "production", "deploy", DeploySucceeded, "fff", true, 600) // after the period

	pending, err := s.DeploysWithoutCommits(ctx, pid, prod, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, p := range pending {
		got = append(got, [2]string{p.Commit, p.Previous})
	}
	// Successful deploys and promotions only; the previous one is the last successful
	// change before, skipping failures and rollbacks.
	if want := [][2]string{{"aaa", ""}, {"eee", "aaa"}, {"fff", "eee"}}; !slices.Equal(got, want) {
		t.Errorf("DeploysWithoutCommits = %v, want %v", got, want)
	}
	if err := s.SetDeployCommits(ctx, promo, []DeployCommit{{"e1", 450}, {"e2", 460}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDeployCommits(ctx, first, nil); err != nil {
		t.Fatal(err)
	}
	if pending, _ = s.DeploysWithoutCommits(ctx, pid, prod, 100); len(pending) != 1 || pending[0].Commit != "fff" {
		t.Errorf("after recording: pending %+v, want only fff", pending)
	}

	ds, err := s.ChangeDeploys(ctx, pid, prod, 100, 600)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	if want := []int64{first, gate, back, promo}; !slices.Equal(ids, want) {
		t.Fatalf("ChangeDeploys = %v, want %v", ids, want)
	}
	if ds[1].Succeeded || !ds[3].Succeeded || ds[2].Kind != "rollback" || !slices.Equal(ds[3].CommitsMs, []int64{450, 460}) || ds[0].CommitsMs != nil {
		t.Errorf("ChangeDeploys = %+v", ds)
	}
}

func TestIncidentsOfTargets(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	prodCheck := ensureCheck(t, s, pid, "target:production")
	stagingCheck := ensureCheck(t, s, pid, "target:staging")
	apiCheck := ensureCheck(t, s, pid, "check:api")
	deployed := doraDeploy(t, s, pid, "production", "deploy", DeploySucceeded, "c1", true, 1000)
	if err := s.SetDeployCommits(ctx, deployed, []DeployCommit{{"abcdef1234", 900}}); err != nil {
		t.Fatal(err)
	}
	failed := doraDeploy(t, s, pid, "production", "deploy", DeployFailed, "c2", true, 2000)
	open := func(in Incident) int64 {
		in.ProjectID = pid
		id, err := s.OpenIncident(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	down := open(Incident{CheckID: prodCheck, Kind: IncidentCheckDown, StartedMs: 1500, ResolvedMs: 1600})
	open(Incident{CheckID: stagingCheck, Kind: IncidentCheckDown, StartedMs: 1500}) // staging
	open(Incident{CheckID: apiCheck, Kind: IncidentCheckDown, StartedMs: 1500})     // not a target's
	gate := open(Incident{DeployID: failed, Kind: IncidentDeployFailed, StartedMs: 1995, ResolvedMs: 2000})
	candidate := doraDeploy(t, s, pid, "production", "deploy", DeployFailed, "c3", false, 2500)
	open(Incident{DeployID: candidate, Kind: IncidentDeployFailed, StartedMs: 2495, ResolvedMs: 2500}) // never switched
	open(Incident{CheckID: prodCheck, Kind: IncidentCheckDown, StartedMs: 50, ResolvedMs: 60})         // before
	if err := s.UpdateIncident(ctx, pid, down, "", "abcdef1234"); err != nil {
		t.Fatal(err)
	}

	got, err := s.IncidentsOf(ctx, pid, []string{"production"}, 100, 3000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != down || got[1].ID != gate {
		t.Fatalf("IncidentsOf = %+v, want %d and %d", got, down, gate)
	}
	if got[0].Target != "production" || got[0].CauseDeployedMs != 1000 || got[1].Target != "production" || got[1].CauseDeployedMs != 0 {
		t.Errorf("IncidentsOf = %+v, want both on production, the first caused by the deploy at 1000", got)
	}
}
