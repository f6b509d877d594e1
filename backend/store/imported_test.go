package store

import (
	"context"
	"strings"
	"testing"
)

// ciRun is an imported CI run of project with one test result of each given status.
func ciRun(project int64, statuses ...string) FinishedRun {
	fr := FinishedRun{ProjectID: project, Trigger: TriggerCI, Name: "CI: junit (a.xml)", Status: StatusPassed,
		Git: GitState{Commit: "c1", Branch: "main", Tree: "t1"}, StartedMs: 10, FinishedMs: 25,
		Step: NewStep{Name: "import", Command: "eightfold import junit a.xml"}, Log: "Imported 2 test results\n"}
	for i, st := range statuses {
		fr.Results = append(fr.Results, TestResult{Suite: "s", Name: "T" + string(rune('A'+i)), Status: st, DurationMs: int64(i)})
	}
	return fr
}

// A finished run is recorded whole: the run, its step and log, its results, its name.
func TestRecordFinishedRun(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	r, err := s.RecordFinishedRun(ctx, ciRun(p.ID, TestPassed, TestFailed))
	if err != nil {
		t.Fatal(err)
	}
	if r.Trigger != TriggerCI || r.Name != "CI: junit (a.xml)" || r.Tree != "t1" || r.Branch != "main" || r.Status != StatusPassed ||
		r.StartedMs != 10 || r.FinishedMs != 25 || r.Tests != (TestCounts{Total: 2, Passed: 1, Failed: 1}) {
		t.Errorf("run %+v", r)
	}
	if len(r.Steps) != 1 || r.Steps[0].Name != "import" || r.Steps[0].LogBytes != 24 || r.Steps[0].FinishedMs != 25 {
		t.Fatalf("steps %+v", r.Steps)
	}
	chunks, _, err := s.LogChunks(ctx, r.Steps[0].ID, 0, 0)
	if err != nil || len(chunks) != 1 || string(chunks[0].Data) != "Imported 2 test results\n" || chunks[0].Stream != StreamMeta {
		t.Errorf("log %+v, %v", chunks, err)
	}
}

// When one result cannot be stored, nothing of the run is: no run, step, log or test.
func TestRecordFinishedRunIsAllOrNothing(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	if _, err := s.db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON test_results WHEN NEW.status = 'boom'
		BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordFinishedRun(ctx, ciRun(p.ID, TestPassed, "boom")); err == nil || !strings.Contains(err.Error(), "record the result of s TB") {
		t.Fatalf("err %v", err)
	}
	for _, table := range []string{"runs", "steps", "log_chunks", "tests", "test_results"} {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s holds %d rows (%v) after a failed record", table, n, err)
		}
	}
	// The test ids of the rolled back transaction are not cached: the next record makes them anew.
	if r, err := s.RecordFinishedRun(ctx, ciRun(p.ID, TestPassed, TestFailed)); err != nil || r.Tests.Total != 2 {
		t.Errorf("record after a failure: %+v, %v", r.Tests, err)
	}
}

// A release ships the artifacts of a run of this machine: an imported CI run of the same
// code is not its verdict.
func TestLastVerdictLeavesCIRunsOut(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	local, err := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", StartedMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.SetRunGit(ctx, local.ID, GitState{Commit: "c1", Branch: "main", Tree: "t1"})
	s.FinishRun(ctx, local.ID, RunEnd{Status: StatusPassed, FinishedMs: 2})
	fr := ciRun(p.ID, TestFailed)
	fr.Status = StatusFailed
	if _, err := s.RecordFinishedRun(ctx, fr); err != nil {
		t.Fatal(err)
	}
	if r, ok, err := s.LastVerdict(ctx, p.ID, "c1", "t1"); err != nil || !ok || r.ID != local.ID {
		t.Errorf("verdict %+v %v %v, want the local run #%d", r.ID, ok, err, local.ID)
	}
}
