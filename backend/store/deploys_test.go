package store

import (
	"context"
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
