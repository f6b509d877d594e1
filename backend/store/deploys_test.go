package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// A deploy left running by a process that died is failed on the next open, saying so; the
// last successful one stays current.
func TestDeploysLeftRunningAreFailedOnOpen(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := s.CreateDeploy(ctx, Deploy{ProjectID: p.ID, Target: "staging", Kind: "deploy", Version: "1.0.0", StartedMs: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateDeploy(ctx, Deploy{ID: ok, Status: DeploySucceeded, Version: "1.0.0", Steps: "[]", Warnings: "[]", FinishedMs: 20}); err != nil {
		t.Fatal(err)
	}
	dead, err := s.CreateDeploy(ctx, Deploy{ProjectID: p.ID, Target: "staging", Kind: "deploy", Version: "2.0.0", StartedMs: 30})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openT(t, dir)
	d, err := s.GetDeploy(ctx, p.ID, dead)
	if err != nil || d.Status != DeployFailed || d.Failure != DeployInterrupted {
		t.Fatalf("%+v, %v", d, err)
	}
	if cur, found, err := s.CurrentDeploy(ctx, p.ID, "staging"); err != nil || !found || cur.ID != ok {
		t.Errorf("current: %+v, %v, %v", cur, found, err)
	}
}

// What each target runs is its newest successful deploy, promotion or rollback: a newer
// failure does not change it, and other projects' deploys do not count.
func TestCurrentDeploysPerTarget(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.EnsureProject(ctx, "/other", "other", 1)
	if err != nil {
		t.Fatal(err)
	}
	deploy := func(project int64, target, kind, version, status string) int64 {
		t.Helper()
		id, err := s.CreateDeploy(ctx, Deploy{ProjectID: project, Target: target, Kind: kind, Version: version, StartedMs: 1})
		if err == nil {
			err = s.UpdateDeploy(ctx, Deploy{ID: id, Status: status, Version: version, Steps: "[]", Warnings: "[]", FinishedMs: 2})
		}
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	deploy(p.ID, "staging", "deploy", "1.0.0", DeploySucceeded)
	deploy(p.ID, "staging", "deploy", "1.1.0", DeploySucceeded)
	rollback := deploy(p.ID, "staging", "rollback", "1.0.0", DeploySucceeded)
	deploy(p.ID, "staging", "deploy", "1.2.0", DeployFailed)
	prod := deploy(p.ID, "production", "promote", "1.0.0", DeploySucceeded)
	deploy(p.ID, "qa", "deploy", "0.9.0", DeployFailed)
	deploy(other.ID, "staging", "deploy", "9.9.9", DeploySucceeded)
	got, err := s.CurrentDeploys(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != prod || got[1].ID != rollback || got[1].Version != "1.0.0" {
		t.Errorf("current deploys %+v", got)
	}
}

// A deploy recorded later than it happened (synced from a target's audit log) takes its
// place by time: it is not what the target runs when a newer deploy finished after it, and
// it is listed after that one.
func TestSyncedOlderDeployIsNotCurrent(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	record := func(version string, at int64) int64 {
		t.Helper()
		id, err := s.CreateDeploy(ctx, Deploy{ProjectID: p.ID, Target: "production", Kind: "deploy", Version: version, StartedMs: at})
		if err == nil {
			err = s.UpdateDeploy(ctx, Deploy{ID: id, Status: DeploySucceeded, Version: version, Steps: "[]", Warnings: "[]", FinishedMs: at + 1})
		}
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	mine := record("1.1.0", 11_000)
	synced := record("1.0.0", 10_000) // CI's, an hour earlier, recorded after mine
	cur, ok, err := s.CurrentDeploy(ctx, p.ID, "production")
	if err != nil || !ok || cur.ID != mine {
		t.Errorf("current deploy #%d (%v, %v), want mine #%d", cur.ID, ok, err, mine)
	}
	all, err := s.CurrentDeploys(ctx, p.ID)
	if err != nil || len(all) != 1 || all[0].ID != mine {
		t.Errorf("current deploys %+v (%v), want only #%d", all, err, mine)
	}
	list, err := s.Deploys(ctx, p.ID, "production", 0)
	if err != nil || len(list) != 2 || list[0].ID != mine || list[1].ID != synced {
		t.Errorf("deploys %+v (%v), want #%d then #%d", list, err, mine, synced)
	}
}

// A deploy keeps each host's outcome as it was given; a deploy without hosts has "[]".
func TestDeployHostsAreKept(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateDeploy(ctx, Deploy{ProjectID: p.ID, Target: "web", Kind: "deploy", Version: "1.0.0", StartedMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := s.GetDeploy(ctx, p.ID, id); err != nil || d.Hosts != "[]" {
		t.Fatalf("a new deploy's hosts: %q, %v", d.Hosts, err)
	}
	hosts := `[{"host":"deploy@a:22","state":"deployed"},{"host":"deploy@b:22","state":"untouched"}]`
	if err := s.UpdateDeploy(ctx, Deploy{ID: id, Status: DeployFailed, Steps: "[]", Warnings: "[]", Hosts: hosts, FinishedMs: 2}); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Deploys(ctx, p.ID, "web", 0)
	if err != nil || len(ds) != 1 || ds[0].Hosts != hosts {
		t.Fatalf("%+v, %v", ds, err)
	}
}

// The deploys of a target, and of all targets, are listed newest first by when they last
// moved: a running deploy by its start, one synced late by its time, equal times by id.
func TestDeploysNewestFirst(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	deploy := func(target string, startedMs, finishedMs int64) int64 {
		t.Helper()
		id, err := s.CreateDeploy(ctx, Deploy{ProjectID: pid, Target: target, Kind: "deploy", StartedMs: startedMs})
		if err == nil && finishedMs != 0 {
			err = s.UpdateDeploy(ctx, Deploy{ID: id, Status: DeploySucceeded, Steps: "[]", Warnings: "[]", FinishedMs: finishedMs})
		}
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := deploy("web", 100, 200)
	b := deploy("db", 150, 300)
	running := deploy("web", 250, 0)
	synced := deploy("web", 10, 20) // from the audit log, long after it happened
	tie := deploy("db", 200, 300)
	for _, c := range []struct {
		target string
		want   []int64
	}{{"web", []int64{running, a, synced}}, {"db", []int64{tie, b}}, {"", []int64{tie, b, running, a, synced}}, {"none", nil}} {
		ds, err := s.Deploys(ctx, pid, c.target, 0)
		var got []int64
		for _, d := range ds {
			got = append(got, d.ID)
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Deploys(%q) = %v, %v; want %v", c.target, got, err, c.want)
		}
	}
	if ds, err := s.Deploys(ctx, pid, "", 2); err != nil || len(ds) != 2 || ds[1].ID != b {
		t.Errorf("the newest 2: %+v, %v", ds, err)
	}
}

// Both forms of the Deploys query read their index in order: no table scan, and no sort of
// the whole history to find the newest few.
func TestDeploysQueriesReadAnIndexInOrder(t *testing.T) {
	s, pid := checkStore(t)
	for target, index := range map[string]string{"web": "deploys_by_target_moved", "": "deploys_by_moved"} {
		q, args := deploysQuery(pid, target, 50)
		rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if len(plan) != 1 || !strings.HasPrefix(plan[0], "SEARCH deploys USING INDEX "+index+" ") {
			t.Errorf("Deploys(%q) plan %q, want one search of %s and no temp b-tree", target, plan, index)
		}
	}
}
