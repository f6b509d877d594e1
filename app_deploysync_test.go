package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The window syncs a target's deploys from its audit log: a line a CI job wrote is recorded
// once; an unknown target is not found; nothing is synced with no project open.
func TestAppSyncsDeploys(t *testing.T) {
	a := newTestApp(t)
	if _, err := a.SyncDeploys(""); codeOf(err) != "no_project" {
		t.Errorf("with no project open: %v", err)
	}
	dir, root := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dir, "eightfold.yaml"), []byte("steps:\n  - {name: build, run: 'true'}\ntargets:\n  staging: {local: true, path: "+root+", start: 'true'}\n"), 0o644)
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	os.MkdirAll(filepath.Join(root, ".eightfold"), 0o755)
	os.WriteFile(filepath.Join(root, ".eightfold", "audit.log"), []byte(`{"at":"2026-11-26T10:00:00Z","who":"ci@runner","action":"deploy",`+
		`"version":"1.0.0","commit":"abc1234","release":"20261126T100000.000Z-1.0.0","result":"ok"}`+"\n"), 0o644)
	if _, err := a.OpenProject(dir); err != nil {
		t.Fatal(err)
	}
	res, err := a.SyncDeploys("staging")
	if err != nil || len(res) != 1 || len(res[0].Recorded) != 1 || res[0].Recorded[0].Who != "ci@runner" || res[0].Recorded[0].FinishedAt != "2026-11-26T10:00:00.000Z" {
		t.Fatalf("%+v, %v", res, err)
	}
	if res, err := a.SyncDeploys(""); err != nil || len(res[0].Recorded) != 0 || res[0].Known != 1 {
		t.Errorf("again: %+v, %v", res, err)
	}
	if _, err := a.SyncDeploys("qa"); codeOf(err) != "not_found" {
		t.Errorf("an unknown target: %v", err)
	}
}
