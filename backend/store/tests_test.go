package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
)

// crafted is one run of a hand-made history: its tree, whether it was dirty, its status, and
// its tests as "name=P" (passed), F (failed), E (errored), S (skipped), R (passed on a
// retry), each optionally with a duration: "name=P:120".
type crafted struct {
	tree   string
	dirty  bool
	status string
	tests  string
}

// history records runs in order; run i gets id i+1 in a fresh store.
func history(t *testing.T, s *Store, runs []crafted) (projectID int64, ids []int64) {
	t.Helper()
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range runs {
		r, err := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", StartedMs: int64(i + 1),
			Steps: []NewStep{{"test", "go test ./..."}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetRunGit(ctx, r.ID, GitState{Commit: "c-" + c.tree, Tree: c.tree, Dirty: c.dirty}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddTestResults(ctx, p.ID, r.ID, r.Steps[0].ID, parseCrafted(t, c.tests)); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, r.ID, RunEnd{Status: c.status, FinishedMs: int64(i + 2)}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return p.ID, ids
}

func parseCrafted(t *testing.T, spec string) []TestResult {
	t.Helper()
	var out []TestResult
	codes := map[byte]string{'P': TestPassed, 'F': TestFailed, 'E': TestErrored, 'S': TestSkipped, 'R': TestPassed}
	for _, f := range strings.Fields(spec) {
		name, code, _ := strings.Cut(f, "=")
		r := TestResult{Suite: "pkg", Name: name, Status: codes[code[0]], Attempts: 1}
		if code[0] == 'R' {
			r.Attempts = 2
		}
		if _, d, ok := strings.Cut(code, ":"); ok {
			for _, ch := range d {
				r.DurationMs = r.DurationMs*10 + int64(ch-'0')
			}
		}
		if r.Status == "" {
			t.Fatalf("bad test spec %q", f)
		}
		out = append(out, r)
	}
	return out
}

func names(rs []TestResult) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestRetryMergesIntoOneFlakyResult(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	pid, ids := history(t, s, []crafted{{tree: "t1", status: StatusPassed, tests: "a=P b=F"}})
	run, _ := s.Run(ctx, ids[0])
	step := run.Steps[0].ID
	// A retry of b passes; a duplicate of a in the same attempt fails and keeps the worse status.
	err := s.AddTestResults(ctx, pid, ids[0], step, []TestResult{
		{Suite: "pkg", Name: "b", Status: TestPassed, Attempts: 2, DurationMs: 5, Message: ""},
		{Suite: "pkg", Name: "a", Status: TestFailed, Attempts: 1, Message: "boom"},
	})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.RunTests(ctx, ids[0], TestFilter{})
	if err != nil || len(rs) != 2 {
		t.Fatalf("results %+v, %v", rs, err)
	}
	if a := rs[0]; a.Status != TestFailed || a.Message != "boom" || a.Attempts != 1 {
		t.Errorf("duplicate of a: %+v, want failed with its message", a)
	}
	if b := rs[1]; !b.Flaky() || b.Attempts != 2 || b.DurationMs != 5 {
		t.Errorf("retried b: %+v, want passed on attempt 2", b)
	}
	run, _ = s.Run(ctx, ids[0])
	if want := (TestCounts{Total: 2, Passed: 1, Failed: 1, Flaky: 1}); run.Tests != want {
		t.Errorf("counts %+v, want %+v", run.Tests, want)
	}
}

func TestHistoryOfATest(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	pid, ids := history(t, s, []crafted{
		{tree: "t1", status: StatusPassed, tests: "a=P:10"},
		{tree: "t2", status: StatusPassed, tests: "a=P:12"},
		{tree: "t3", status: StatusFailed, tests: "a=F:11"},
		{tree: "t4", status: StatusPassed, tests: "b=P"}, // a did not run
		{tree: "t5", status: StatusFailed, tests: "a=E:9"},
	})
	id, err := s.TestByName(ctx, pid, "pkg", "a")
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, id, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range h.Outcomes {
		got = append(got, o.Status)
	}
	if !slices.Equal(got, []string{TestErrored, TestFailed, TestPassed}) || h.Outcomes[0].RunID != ids[4] || h.Outcomes[2].DurationMs != 12 {
		t.Errorf("outcomes %+v", h.Outcomes)
	}
	if h.LastPassedRun != ids[1] || h.FailingSince != ids[2] {
		t.Errorf("last passed #%d (want #%d), failing since #%d (want #%d)", h.LastPassedRun, ids[1], h.FailingSince, ids[2])
	}
	if _, err := s.TestByName(ctx, pid, "pkg", "nope"); err == nil {
		t.Error("an unknown test was found")
	}
	hb, _ := s.History(ctx, mustTest(t, s, pid, "b"), 0, 0)
	if hb.FailingSince != 0 || hb.LastPassedRun != ids[3] || len(hb.Outcomes) != 1 {
		t.Errorf("b's history %+v", hb)
	}
	// As it stood at run #3: a had just started failing; run #5 is left out.
	at3, err := s.History(ctx, id, ids[2], 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(at3.Outcomes) != 3 || at3.Outcomes[0].RunID != ids[2] || at3.LastPassedRun != ids[1] || at3.FailingSince != ids[2] {
		t.Errorf("history up to #3 %+v", at3)
	}
	// As it stood at run #2: passing, nothing failing yet.
	if at2, _ := s.History(ctx, id, ids[1], 0); len(at2.Outcomes) != 2 || at2.LastPassedRun != ids[1] || at2.FailingSince != 0 {
		t.Errorf("history up to #2 %+v", at2)
	}
}

func mustTest(t *testing.T, s *Store, pid int64, name string) int64 {
	t.Helper()
	id, err := s.TestByName(context.Background(), pid, "pkg", name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSinceTheLastGreenAndRedRuns(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	pid, ids := history(t, s, []crafted{
		{tree: "t1", status: StatusPassed, tests: "a=P b=P c=P"},
		{tree: "t2", status: StatusFailed, tests: "a=F b=P c=P"},
		{tree: "t3", status: StatusFailed, tests: "a=F b=F c=P d=E e=S"},
	})
	green, err := s.LastRunWith(ctx, pid, ids[2], StatusPassed)
	if err != nil || green.ID != ids[0] {
		t.Fatalf("last green %+v, %v; want #%d", green, err, ids[0])
	}
	newly, _ := s.NewlyFailing(ctx, ids[2], green.ID)
	// Since the last green run (#1): a, b and the new test d fail.
	wantNames(t, "newly failing since the last green run", newly, "a", "b", "d")
	red, _ := s.LastRunWith(ctx, pid, ids[2], StatusFailed)
	if red.ID != ids[1] {
		t.Fatalf("last red #%d, want #%d", red.ID, ids[1])
	}
	newlySinceRed, _ := s.NewlyFailing(ctx, ids[2], red.ID)
	wantNames(t, "newly failing since the last red run", newlySinceRed, "b", "d")
	fixed, _ := s.Fixed(ctx, ids[1], ids[0])
	wantNames(t, "fixed in #2", fixed)
	_, more := history(t, s, []crafted{{tree: "t4", status: StatusFailed, tests: "a=P b=F c=P d=P"}})
	fixed, _ = s.Fixed(ctx, more[0], ids[2])
	wantNames(t, "fixed since #3", fixed, "a", "d")
	none, _ := s.LastRunWith(ctx, pid, ids[0], StatusPassed)
	if none.ID != 0 {
		t.Errorf("a green run before the first: %+v", none)
	}
}

func TestSlowestAndRegressions(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	_, ids := history(t, s, []crafted{
		{tree: "t1", status: StatusPassed, tests: "slow=P:100 fast=P:1 steady=P:400 new=P:10"},
		{tree: "t2", status: StatusPassed, tests: "slow=P:120 fast=P:1 steady=P:420"},
		{tree: "t3", status: StatusPassed, tests: "slow=P:80 fast=P:2 steady=P:380"},
		// slow: median 100 → 250 is a regression. fast: 1 → 40 is 40× but under the 50 ms
		// floor. steady: 400 → 790 is under 2×. new: one sample only.
		{tree: "t4", status: StatusPassed, tests: "slow=P:250 fast=P:40 steady=P:790 new=P:900"},
	})
	regs, err := s.Regressions(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].Name != "slow" || regs[0].MedianMs != 100 || regs[0].Samples != 3 {
		t.Errorf("regressions %+v, want slow (median 100 ms of 3)", regs)
	}
	top, _ := s.RunTests(ctx, ids[3], TestFilter{BySlowest: true, Limit: 2})
	wantNames(t, "slowest two", top, "new", "steady")
	byName, _ := s.RunTests(ctx, ids[3], TestFilter{Name: "STEA"})
	wantNames(t, "name filter", byName, "steady")
}

func TestFlakyDetection(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	pid, ids := history(t, s, []crafted{
		{tree: "t1", status: StatusFailed, tests: "same=F flips=P fixed=F work=F retry=P steady=P"},
		{tree: "t1", status: StatusPassed, tests: "same=P flips=F fixed=F work=P retry=P steady=P"},
		{tree: "t2", status: StatusPassed, tests: "same=P flips=P fixed=P retry=R steady=P"},
		{tree: "t3", dirty: true, status: StatusFailed, tests: "same=P flips=P fixed=P work=F steady=P"},
		{tree: "t4", dirty: true, status: StatusPassed, tests: "same=P flips=P fixed=P work=P steady=P"},
		{tree: "t5", dirty: true, status: StatusFailed, tests: "same=P flips=P fixed=P work=F steady=P"},
		{tree: "t6", status: StatusFailed, tests: "same=P flips=F fixed=P work=P steady=P"},
	})
	got, err := s.Flaky(ctx, pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-computed:
	//  same:  failed in #1 and passed in #2 on tree t1 → same code, evidence #1 #2.
	//  flips: clean results P F P F (#4-#6 dirty are left out... #1 P, #2 F, #3 P, #7 F) → 3 flips,
	//         evidence #2 #3 #7; it also failed and passed on t1 (#2 F, #1 P).
	//  fixed: F F P P… on different trees, 1 flip: a real fix, not flaky.
	//  work:  F P on t1 (same code!) → flaky; its flips while dirty (#4-#6) do not count.
	//  retry: passed on a retry in #3.
	//  steady: never failed: not even read.
	want := map[string]struct {
		reasons  []string
		evidence []int64
	}{
		"same":  {[]string{FlakySameTree}, []int64{ids[0], ids[1]}},
		"flips": {[]string{FlakySameTree, FlakyFlips}, []int64{ids[0], ids[1], ids[2], ids[6]}},
		"work":  {[]string{FlakySameTree}, []int64{ids[0], ids[1]}},
		"retry": {[]string{FlakyRetry}, []int64{ids[2]}},
	}
	if len(got) != len(want) {
		t.Errorf("flaky tests %+v, want %d", got, len(want))
	}
	for _, f := range got {
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("%s flagged flaky: %+v", f.Name, f)
			continue
		}
		if !slices.Equal(f.Reasons, w.reasons) || !slices.Equal(f.Evidence, w.evidence) {
			t.Errorf("%s: reasons %v evidence %v, want %v %v", f.Name, f.Reasons, f.Evidence, w.reasons, w.evidence)
		}
	}
	if got[0].LastRun != ids[6] {
		t.Errorf("newest first: %+v", got[0])
	}
	// A window of the newest 3 runs holds no same-tree pair, no retry and too few flips.
	narrow, _ := s.Flaky(ctx, pid, 3)
	if len(narrow) != 0 {
		t.Errorf("window of 3: %+v", narrow)
	}
}

// RunFlaky judges a run's tests on the history up to that run: later runs do not count, tests
// the run does not have are left out, and a run still going counts its own results.
func TestRunFlakyJudgesTheHistoryUpToTheRun(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	pid, ids := history(t, s, []crafted{
		{tree: "t1", status: StatusFailed, tests: "same=F flips=P steady=P"},
		{tree: "t2", status: StatusPassed, tests: "same=P flips=F steady=P gone=R"},
		{tree: "t1", status: StatusPassed, tests: "same=P flips=P steady=P"},
		{tree: "t3", status: StatusFailed, tests: "same=P flips=F steady=P"},
	})
	// Hand-computed, up to each run:
	//  #1: one result each: nothing flaky.
	//  #2: gone passed on a retry; same failed on t1 and passed on t2: not the same code.
	//  #3: same failed (#1) and passed (#3) on t1 → same code; flips P F P → 2 flips, not yet.
	//  #4: flips P F P F → 3 flips. gone is not in #4: left out.
	cases := []struct {
		run  int64
		want map[string][]string
	}{
		{ids[0], map[string][]string{}},
		{ids[1], map[string][]string{"gone": {FlakyRetry}}},
		{ids[2], map[string][]string{"same": {FlakySameTree}}},
		{ids[3], map[string][]string{"same": {FlakySameTree}, "flips": {FlakyFlips}}},
	}
	for _, c := range cases {
		got, err := s.RunFlaky(ctx, pid, c.run, 0)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string][]string{}
		for id, f := range got {
			if id != f.TestID {
				t.Errorf("run #%d: %s keyed by %d, its id is %d", c.run, f.Name, id, f.TestID)
			}
			byName[f.Name] = f.Reasons
		}
		if !maps.EqualFunc(byName, c.want, slices.Equal) {
			t.Errorf("up to run #%d: %v, want %v", c.run, byName, c.want)
		}
	}
	// A run still going: its own failure on t1 makes steady flaky (it passed on t1 in #1).
	r, _ := s.CreateRun(ctx, NewRun{ProjectID: pid, Trigger: "change", Steps: []NewStep{{"test", "go test ./..."}}})
	s.SetRunGit(ctx, r.ID, GitState{Commit: "c-t1", Tree: "t1"})
	if err := s.AddTestResults(ctx, pid, r.ID, r.Steps[0].ID, parseCrafted(t, "steady=F")); err != nil {
		t.Fatal(err)
	}
	got, err := s.RunFlaky(ctx, pid, r.ID, 0)
	if err != nil || len(got) != 1 || got[mustTest(t, s, pid, "steady")].Reasons[0] != FlakySameTree {
		t.Errorf("a running run: %+v, %v; want steady (same code)", got, err)
	}
}

// A batch that fails leaves no test ids behind in the cache: the next batch records its
// tests again and its results stay attached to them.
func TestAFailedBatchDoesNotPoisonTheTestCache(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	pid, ids := history(t, s, []crafted{{tree: "t1", status: StatusPassed, tests: "old=P"}})
	run, _ := s.Run(ctx, ids[0])
	bad := []TestResult{{Suite: "pkg", Name: "new", Status: TestPassed}}
	if err := s.AddTestResults(ctx, pid, ids[0], 9999, bad); err == nil {
		t.Fatal("a result of a step that does not exist was stored")
	}
	if err := s.AddTestResults(ctx, pid, ids[0], run.Steps[0].ID, bad); err != nil {
		t.Fatalf("after a failed batch: %v", err)
	}
	h, err := s.History(ctx, mustTest(t, s, pid, "new"), 0, 0)
	if err != nil || len(h.Outcomes) != 1 {
		t.Errorf("history of the new test %+v, %v", h, err)
	}
}

// wantNames checks the names of results, in order.
func wantNames(t *testing.T, what string, rs []TestResult, want ...string) {
	t.Helper()
	if got := names(rs); !slices.Equal(got, append([]string{}, want...)) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}
