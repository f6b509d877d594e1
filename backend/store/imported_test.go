package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// localRun is a run of the pipeline of commit c1 on tree t1 that ended with status at finishedMs.
func localRun(t *testing.T, s *Store, project int64, status string, finishedMs int64) Run {
	t.Helper()
	ctx := context.Background()
	r, err := s.CreateRun(ctx, NewRun{ProjectID: project, Trigger: "manual", StartedMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.SetRunGit(ctx, r.ID, GitState{Commit: "c1", Branch: "main", Tree: "t1"})
	s.FinishRun(ctx, r.ID, RunEnd{Status: status, FinishedMs: finishedMs})
	return r
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
	local := localRun(t, s, p.ID, StatusPassed, 2)
	fr := ciRun(p.ID, TestFailed)
	fr.Status = StatusFailed
	if _, err := s.RecordFinishedRun(ctx, fr); err != nil {
		t.Fatal(err)
	}
	if r, ok, err := s.LastVerdict(ctx, p.ID, "c1", "t1"); err != nil || !ok || r.ID != local.ID {
		t.Errorf("verdict %+v %v %v, want the local run #%d", r.ID, ok, err, local.ID)
	}
}

// The CI verdict on a commit is the CI run that finished last, whatever order the runs
// were imported in; local runs and other trees are no CI verdict.
func TestLastCIVerdict(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	if _, ok, err := s.LastCIVerdict(ctx, p.ID, "c1", "t1"); ok || err != nil {
		t.Errorf("a CI verdict before any CI run: %v %v", ok, err)
	}
	localRun(t, s, p.ID, StatusFailed, 500)
	newer := ciRun(p.ID, TestFailed)
	newer.Status, newer.StartedMs, newer.FinishedMs = StatusFailed, 200, 300
	failed, err := s.RecordFinishedRun(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	older := ciRun(p.ID, TestPassed) // imported after, but it ran before
	if _, err := s.RecordFinishedRun(ctx, older); err != nil {
		t.Fatal(err)
	}
	other := ciRun(p.ID, TestPassed)
	other.Git.Tree, other.FinishedMs = "t2", 900
	if _, err := s.RecordFinishedRun(ctx, other); err != nil {
		t.Fatal(err)
	}
	if r, ok, err := s.LastCIVerdict(ctx, p.ID, "c1", "t1"); err != nil || !ok || r.ID != failed.ID {
		t.Errorf("CI verdict #%d %v %v, want the CI run that finished last, #%d", r.ID, ok, err, failed.ID)
	}
}

// A run with the import hash of an earlier run of the project is refused, naming the newest
// such run, unless Again; a run of the pipeline, whose hash is empty, and another project's
// run never stand in the way.
func TestRecordFinishedRunRefusesAnImportTwice(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	other, _ := s.EnsureProject(ctx, "/other", "other", 1)
	if _, err := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", StartedMs: 1}); err != nil {
		t.Fatal(err)
	}
	record := func(project int64, hash string, again bool) (Run, error) {
		fr := ciRun(project, TestPassed)
		fr.ImportHash, fr.Again = hash, again
		return s.RecordFinishedRun(ctx, fr)
	}
	first, err := record(p.ID, "h1", false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := record(p.ID, "h1", true)
	if err != nil {
		t.Fatalf("again: %v", err)
	}
	for _, c := range []struct {
		project int64
		hash    string
		refused bool
	}{{p.ID, "h2", false}, {p.ID, "", false}, {p.ID, "", false}, {other.ID, "h1", false}, {p.ID, "h1", true}} {
		_, err := record(c.project, c.hash, false)
		var imported *ImportedError
		if refused := errors.As(err, &imported); refused != c.refused || !c.refused && err != nil {
			t.Errorf("record(%d, %q): %v, want refused %v", c.project, c.hash, err, c.refused)
		} else if refused && (imported.Earlier.ID != again.ID || !strings.Contains(err.Error(), fmt.Sprintf("run #%d (%q)", again.ID, again.Name))) {
			t.Errorf("record(%d, %q): %v, want the newest run #%d named (not #%d)", c.project, c.hash, err, again.ID, first.ID)
		}
	}
	if n := countImported(t, s, "h1"); n != 3 {
		t.Errorf("%d runs of h1, want the first, the one again and the other project's", n)
	}
}

// Imports of the same reports at the same moment record one run: the others are refused
// naming it. 50 reports imported twice each, 10 reports (20 imports let go at once) a round.
func TestRecordFinishedRunImportsAtOnce(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	for round := range 5 {
		hashes := make([]string, 10)
		for i := range hashes {
			hashes[i] = fmt.Sprintf("h%d-%d", round, i)
		}
		recorded, refusedAs := importAtOnce(t, s, p.ID, hashes)
		for _, h := range hashes {
			if len(recorded[h]) != 1 || len(refusedAs[h]) != 1 || refusedAs[h][0] != recorded[h][0] {
				t.Errorf("%s: recorded runs %v, refusals named %v; want one run, the other import refused naming it", h, recorded[h], refusedAs[h])
			}
			if n := countImported(t, s, h); n != 1 {
				t.Errorf("%s: %d runs in the database, want 1", h, n)
			}
		}
	}
}

// importAtOnce records a CI run of each import hash twice, all at the same moment, and
// returns by hash the ids of the runs recorded and of the earlier runs the refusals named.
func importAtOnce(t *testing.T, s *Store, project int64, hashes []string) (recorded, refusedAs map[string][]int64) {
	t.Helper()
	recorded, refusedAs = map[string][]int64{}, map[string][]int64{}
	var mu sync.Mutex
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range 2 * len(hashes) {
		done.Go(func() {
			fr := ciRun(project, TestPassed)
			fr.ImportHash = hashes[i/2]
			start.Wait()
			r, err := s.RecordFinishedRun(context.Background(), fr)
			var imported *ImportedError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				recorded[fr.ImportHash] = append(recorded[fr.ImportHash], r.ID)
			case errors.As(err, &imported):
				refusedAs[fr.ImportHash] = append(refusedAs[fr.ImportHash], imported.Earlier.ID)
			default:
				t.Errorf("import of %s: %v", fr.ImportHash, err)
			}
		})
	}
	start.Done()
	done.Wait()
	return recorded, refusedAs
}

// countImported is how many runs, of any project, have the import hash hash.
func countImported(t *testing.T, s *Store, hash string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM runs WHERE import_hash = ?`, hash).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The latest run is the newest by time: a CI run imported after the local run but finished
// before it is not; one that finished after it is, unless a local run is going.
func TestLatestRun(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	latest := func() int64 {
		t.Helper()
		r, ok, err := s.LatestRun(ctx, p.ID)
		if err != nil || ok != (r.ID != 0) {
			t.Fatalf("LatestRun: #%d %v %v", r.ID, ok, err)
		}
		return r.ID
	}
	if id := latest(); id != 0 {
		t.Errorf("before any run: #%d", id)
	}
	older := ciRun(p.ID, TestPassed) // StartedMs 10, FinishedMs 25
	first, _ := s.RecordFinishedRun(ctx, older)
	if id := latest(); id != first.ID {
		t.Errorf("only a CI run: #%d, want #%d", id, first.ID)
	}
	local, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", StartedMs: 100})
	if id := latest(); id != local.ID {
		t.Errorf("a local run going: #%d, want #%d", id, local.ID)
	}
	s.FinishRun(ctx, local.ID, RunEnd{Status: StatusPassed, FinishedMs: 200})
	late := ciRun(p.ID, TestFailed)
	late.StartedMs, late.FinishedMs = 50, 150
	if _, err := s.RecordFinishedRun(ctx, late); err != nil {
		t.Fatal(err)
	}
	if id := latest(); id != local.ID {
		t.Errorf("a CI run imported last that finished before the local run: #%d, want the local #%d", id, local.ID)
	}
	newer := ciRun(p.ID, TestPassed)
	newer.StartedMs, newer.FinishedMs = 190, 300
	ci, _ := s.RecordFinishedRun(ctx, newer)
	if id := latest(); id != ci.ID {
		t.Errorf("a CI run that finished after the local run: #%d, want #%d", id, ci.ID)
	}
	going, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "change", StartedMs: 250})
	if id := latest(); id != going.ID {
		t.Errorf("a local run going: #%d, want #%d", id, going.ID)
	}
}
