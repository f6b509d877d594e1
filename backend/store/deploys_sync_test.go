package store

import (
	"context"
	"testing"
)

// Deploys made elsewhere are recorded once: a deploy by its release directory, a rollback by
// its release and time inside a record's span; a promotion recorded here is the deploy its
// audit line tells; a running deploy is the one finishing; another project's deploy is not.
func TestImportDeploysRecordsWhatIsNotKnown(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.EnsureProject(ctx, "/other", "other", 1)
	own := func(project int64, kind, dir, status string, started, finished int64) {
		t.Helper()
		id, err := s.CreateDeploy(ctx, Deploy{ProjectID: project, Target: "staging", Kind: kind, Version: "1.0.0", StartedMs: started})
		if err == nil && status != DeployRunning {
			err = s.UpdateDeploy(ctx, Deploy{ID: id, Status: status, ReleaseDir: dir, Version: "1.0.0", FinishedMs: finished})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	own(p.ID, "promote", "R1", DeploySucceeded, 100, 200)
	own(p.ID, "rollback", "R0", DeploySucceeded, 300, 400)
	own(p.ID, "deploy", "", DeployRunning, 2000, 0)
	own(other.ID, "deploy", "R9", DeploySucceeded, 100, 200)
	line := func(kind, dir string, at int64) Deploy {
		return Deploy{ProjectID: p.ID, Target: "staging", Kind: kind, ReleaseDir: dir, Version: "1.0.0", Who: "ci@runner",
			Status: DeploySucceeded, StartedMs: at, FinishedMs: at}
	}
	in := []Deploy{
		line("deploy", "R1", 150),   // the promotion recorded here
		line("rollback", "R0", 350), // the rollback recorded here
		line("deploy", "R2", 2100),  // the running deploy, finishing
		line("rollback", "R0", 900), // a later rollback to the same release: new
		line("deploy", "R9", 1000),  // another project's release directory: new here
		line("rollback", "R1", 150), // a rollback is not a deploy: new
		line("deploy", "R3", 1500),  // before the running deploy started: new
	}
	got, err := s.ImportDeploys(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var times []int64
	for _, d := range got {
		times = append(times, d.StartedMs)
		if d.ID == 0 {
			t.Errorf("no id: %+v", d)
		}
	}
	if len(got) != 4 || times[0] != 900 || times[1] != 1000 || times[2] != 150 || times[3] != 1500 {
		t.Fatalf("recorded %+v", got)
	}
	d, err := s.GetDeploy(ctx, p.ID, got[0].ID)
	if err != nil || d.Who != "ci@runner" || d.Status != DeploySucceeded || d.FinishedMs != 900 || d.Hosts != "[]" || d.Steps != "[]" {
		t.Errorf("the record %+v, %v", d, err)
	}
	if again, err := s.ImportDeploys(ctx, in); err != nil || len(again) != 0 {
		t.Errorf("the same lines again recorded %+v, %v", again, err)
	}
}
