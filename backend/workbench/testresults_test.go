package workbench

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"eightfold/backend/store"
)

// goModule writes a Go module with a passing test, a failing one (at a known line), a
// skipped one, and a test that fails on its first run and passes after (it counts its runs
// in the file $FLAKY_COUNTER).
func goModule(t *testing.T, dir string) {
	t.Helper()
	writeTree(t, dir, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"a/a_test.go": `package a

import (
	"os"
	"testing"
)

func TestPass(t *testing.T) { t.Log("fine") }

func TestFail(t *testing.T) {
	t.Errorf("want 1, got 2")
}

func TestSkip(t *testing.T) { t.Skip("not today") }

func TestFlaky(t *testing.T) {
	path := os.Getenv("FLAKY_COUNTER")
	seen, _ := os.ReadFile(path)
	os.WriteFile(path, append(seen, 'x'), 0o644)
	if len(seen) == 0 {
		t.Fatal("first run fails")
	}
}
`,
		"b/b_test.go": "package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {\n\tt.Run(\"sub\", func(t *testing.T) {})\n}\n",
	})
}

func byName(rs []TestResultInfo) map[string]TestResultInfo {
	m := map[string]TestResultInfo{}
	for _, r := range rs {
		m[r.Name] = r
	}
	return m
}

func TestGoTestJSONResultsAreStoredAndTheLogIsText(t *testing.T) {
	counter := filepath.Join(t.TempDir(), "counter")
	p, _ := newProject(t, "env: {FLAKY_COUNTER: "+counter+"}\nsteps:\n  - {name: test, run: go test -json -count=1 ./...}\n")
	goModule(t, p.Dir())
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusFailed {
		t.Fatalf("run %s, want failed", r.Status)
	}
	// TestPass, TestFail, TestSkip, TestFlaky (failing: no retries), TestB, TestB/sub.
	if want := (TestCounts{Total: 6, Passed: 3, Failed: 2, Skipped: 1}); r.Tests != want {
		t.Errorf("counts %+v, want %+v", r.Tests, want)
	}
	rs, err := p.RunTests(r.ID, TestQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := byName(rs)
	fail := got["TestFail"]
	if fail.Status != "failed" || fail.Suite != "example.com/m/a" || fail.File != "a_test.go" || fail.Line != 11 || !strings.Contains(fail.Message, "want 1, got 2") {
		t.Errorf("TestFail %+v", fail)
	}
	if got["TestB/sub"].Status != "passed" || got["TestSkip"].Status != "skipped" {
		t.Errorf("results %+v", rs)
	}
	log := logText(t, p, r.Steps[0].ID)
	if strings.Contains(log, `"Action"`) || !strings.Contains(log, "--- FAIL: TestFail") || !strings.Contains(log, "want 1, got 2") {
		t.Errorf("the log should be go test's text, not JSON:\n%s", log)
	}
	failed, _ := p.RunTests(r.ID, TestQuery{Failed: true})
	if names := resultNames(failed); !slices.Equal(names, []string{"TestFail", "TestFlaky"}) {
		t.Errorf("failed filter %v", names)
	}
	d, err := p.TestDetail(fail.ID)
	if err != nil || !strings.Contains(d.Output, "want 1, got 2") || len(d.History) != 1 || d.FailingSince != r.ID {
		t.Errorf("detail %+v, %v", d, err)
	}
}

func resultNames(rs []TestResultInfo) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// With retries, the test that fails once passes on the rerun and is flaky; the test that
// always fails is rerun and still fails; passing tests are not rerun into "flaky".
func TestRetriesMarkFlakyTests(t *testing.T) {
	counter := filepath.Join(t.TempDir(), "counter")
	p, _ := newProject(t, "env: {FLAKY_COUNTER: "+counter+"}\nsteps:\n  - {name: test, run: go test -json -count=1 ./..., retries: 2}\n")
	goModule(t, p.Dir())
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusFailed {
		t.Errorf("TestFail still fails, yet the run is %s", r.Status)
	}
	rs, _ := p.RunTests(r.ID, TestQuery{})
	got := byName(rs)
	if f := got["TestFlaky"]; !f.Flaky || f.Status != "passed" || f.Attempts != 2 || !strings.Contains(f.Message, "first run fails") {
		t.Errorf("TestFlaky %+v, want passed on attempt 2 with the first failure kept", f)
	}
	if f := got["TestFail"]; f.Status != "failed" || f.Attempts != 3 {
		t.Errorf("TestFail %+v, want failed after 3 attempts", f)
	}
	if pass := got["TestPass"]; pass.Attempts != 1 || pass.Flaky {
		t.Errorf("TestPass %+v was rerun", pass)
	}
	if r.Tests.Flaky != 1 {
		t.Errorf("counts %+v", r.Tests)
	}
	log := logText(t, p, r.Steps[0].ID)
	if !strings.Contains(log, "[eightfold] retry 1 of 2: rerunning 2 failed tests: go test -json -count=1 example.com/m/a -count=1 -run '^(TestFail|TestFlaky)$'") ||
		!strings.Contains(log, "[eightfold] retry 2 of 2: rerunning 1 failed test:") {
		t.Errorf("log does not tell the retries:\n%s", log)
	}
	flaky, err := p.FlakyTests(0)
	if err != nil || len(flaky) != 1 || flaky[0].Name != "TestFlaky" || !slices.Equal(flaky[0].Reasons, []string{store.FlakyRetry}) {
		t.Errorf("flaky tests %+v, %v", flaky, err)
	}
}

// Without retries, TestFlaky fails and then passes on the same code: the second run's results
// carry the history's verdict (same code, with the two runs as evidence), the Flaky query
// picks it, and the first run, judged on its own history, has nothing flaky.
func TestRunTestsCarryTheHistorysFlakyVerdict(t *testing.T) {
	counter := filepath.Join(t.TempDir(), "counter")
	p, _ := newProject(t, "env: {FLAKY_COUNTER: "+counter+"}\nsteps:\n  - {name: test, run: go test -json -count=1 ./...}\n")
	goModule(t, p.Dir())
	gitCommitAll(t, p.Dir(), "first")
	first, _ := p.RunNow(context.Background(), TriggerManual, nil)
	second, _ := p.RunNow(context.Background(), TriggerManual, nil)
	rs, err := p.RunTests(second.ID, TestQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := byName(rs)
	want := FlakyHistory{Reasons: []string{store.FlakySameTree}, Evidence: []int64{first.ID, second.ID}, Flips: 1}
	if f := got["TestFlaky"]; f.Status != "passed" || f.Flaky || f.FlakyHistory == nil || !reflect.DeepEqual(*f.FlakyHistory, want) {
		t.Errorf("TestFlaky %+v (history %+v), want passed, not retried, flaky by history %+v", f, f.FlakyHistory, want)
	}
	for _, name := range []string{"TestPass", "TestFail", "TestSkip", "TestB/sub"} {
		if h := got[name].FlakyHistory; h != nil {
			t.Errorf("%s is flaky by history %+v", name, h)
		}
	}
	flaky, _ := p.RunTests(second.ID, TestQuery{Flaky: true})
	if names := resultNames(flaky); !slices.Equal(names, []string{"TestFlaky"}) {
		t.Errorf("flaky filter %v, want TestFlaky", names)
	}
	before, _ := p.RunTests(first.ID, TestQuery{Flaky: true})
	if len(before) != 0 {
		t.Errorf("the first run, judged on its own history: %v", resultNames(before))
	}
}

// A run that passes only thanks to a retry passes.
func TestARetryThatPassesPassesTheStep(t *testing.T) {
	counter := filepath.Join(t.TempDir(), "counter")
	p, _ := newProject(t, "env: {FLAKY_COUNTER: "+counter+"}\nsteps:\n  - {name: test, run: go test -json -count=1 ./..., retries: 1}\n")
	goModule(t, p.Dir())
	os.Remove(filepath.Join(p.Dir(), "a", "a_test.go"))
	writeTree(t, p.Dir(), map[string]string{"a/a_test.go": "package a\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestFlaky(t *testing.T) {\n\tpath := os.Getenv(\"FLAKY_COUNTER\")\n\tseen, _ := os.ReadFile(path)\n\tos.WriteFile(path, append(seen, 'x'), 0o644)\n\tif len(seen) == 0 {\n\t\tt.Fatal(\"first run fails\")\n\t}\n}\n"})
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusPassed || r.Tests.Flaky != 1 || r.Tests.Failed != 0 {
		t.Errorf("run %s with %+v, want passed with 1 flaky", r.Status, r.Tests)
	}
}

// An old result's detail shows the test's history as it stood at that result's run: that run
// and the ones before it, not the newest 30, and the failures it belongs to, though the test
// has passed in more than 30 runs since.
func TestTestDetailEndsAtTheResultsRun(t *testing.T) {
	p, _ := newProject(t, `steps:
  - name: test
    run: |
      if [ -e broken ]; then echo 'not ok 1 - parses'; else echo 'ok 1 - parses'; fi
      echo 1..1
    report: tap
`)
	broken := filepath.Join(p.Dir(), "broken")
	var ids []int64
	for i := 1; i <= 36; i++ {
		switch i {
		case 2:
			writeTree(t, p.Dir(), map[string]string{"broken": ""})
		case 4:
			os.Remove(broken)
		}
		r, err := p.RunNow(context.Background(), TriggerManual, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	rs, err := p.RunTests(ids[2], TestQuery{})
	if err != nil || len(rs) != 1 || rs[0].Status != store.TestFailed {
		t.Fatalf("run #%d's results %+v, %v; want parses failed", ids[2], rs, err)
	}
	d, err := p.TestDetail(rs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var runs []int64
	for _, o := range d.History {
		runs = append(runs, o.RunID)
	}
	if want := []int64{ids[2], ids[1], ids[0]}; !slices.Equal(runs, want) {
		t.Errorf("history of runs %v, want %v (the result's run and those before, newest first)", runs, want)
	}
	if d.LastPassedRun != ids[0] || d.FailingSince != ids[1] {
		t.Errorf("last passed #%d, failing since #%d; want #%d and #%d", d.LastPassedRun, d.FailingSince, ids[0], ids[1])
	}
	newest, _ := p.RunTests(ids[35], TestQuery{})
	if d, _ := p.TestDetail(newest[0].ID); len(d.History) != historyLength || d.History[0].RunID != ids[35] || d.FailingSince != 0 {
		t.Errorf("the newest result's detail: %d outcomes from #%d, failing since #%d; want %d from #%d, not failing",
			len(d.History), d.History[0].RunID, d.FailingSince, historyLength, ids[35])
	}
}

// Results stream while the step runs: the step prints one passing `go test -json` event, then
// waits for a marker file that the test writes only once a run.updated event counted the
// result and the result is in the store. So both came before the step ended.
func TestTestResultsArriveWhileTheStepRuns(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "seen")
	p, rec := newProject(t, `env: {MARKER: `+marker+`}
steps:
  - name: test
    run: |
      echo '{"Action":"pass","Package":"example.com/m","Test":"TestA","Elapsed":0.01}'
      while [ ! -e "$MARKER" ]; do sleep 0.01; done
    report: go-test-json
`)
	done := make(chan RunInfo, 1)
	go func() {
		r, _ := p.RunNow(context.Background(), TriggerManual, nil)
		done <- r
	}()
	var update RunInfo
	waitFor(t, func() bool {
		select {
		case r := <-done: // the step waits for the marker: ending first is a bug, not slowness
			t.Fatalf("run #%d ended (%s) before an update counted its test", r.ID, r.Status)
		default:
		}
		for _, e := range rec.snapshot() {
			if r, ok := e.payload.(RunInfo); ok && e.topic == TopicRunUpdated && r.Tests.Total >= 1 {
				update = r
				return true
			}
		}
		return false
	})
	if update.Status != store.StatusRunning || update.Steps[0].Status != store.StatusRunning || update.Tests.Passed != 1 {
		t.Errorf("the update with the result: run %s, step %s, tests %+v; want both running, 1 passed",
			update.Status, update.Steps[0].Status, update.Tests)
	}
	rs, err := p.RunTests(update.ID, TestQuery{})
	if err != nil || len(rs) != 1 || rs[0].Name != "TestA" || rs[0].Status != store.TestPassed {
		t.Errorf("stored while the step runs: %+v, %v", rs, err)
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.Status != store.StatusPassed || r.Tests.Total != 1 {
		t.Errorf("run %s with %+v, want passed with 1 test", r.Status, r.Tests)
	}
}

func TestJUnitFilesWrittenByTheStepAreRead(t *testing.T) {
	p, _ := newProject(t, `steps:
  - name: e2e
    run: |
      mkdir -p reports/deep
      cat > reports/deep/new.xml <<'EOF'
      <testsuites><testsuite name="e2e"><testcase classname="login" name="works" time="0.25"/>
      <testcase classname="login" name="fails" time="1"><failure message="no button">at login.spec.js:4</failure></testcase></testsuite></testsuites>
      EOF
    report: junit:reports/**/*.xml
`)
	old := filepath.Join(p.Dir(), "reports", "old.xml")
	writeTree(t, p.Dir(), map[string]string{"reports/old.xml": `<testsuite name="old"><testcase name="stale"/></testsuite>`})
	past := time.Now().Add(-time.Hour)
	os.Chtimes(old, past, past)
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := p.RunTests(r.ID, TestQuery{})
	if names := resultNames(rs); !slices.Equal(names, []string{"fails", "works"}) {
		t.Fatalf("results %+v", rs)
	}
	if r.Tests.Failed != 1 || byName(rs)["works"].DurationMs != 250 {
		t.Errorf("counts %+v, results %+v", r.Tests, rs)
	}
	if log := logText(t, p, r.Steps[0].ID); !strings.Contains(log, "reports/old.xml was written before this step started") {
		t.Errorf("the stale report is not explained:\n%s", log)
	}
}

func TestTAPFromTheStepsOutput(t *testing.T) {
	p, _ := newProject(t, `steps:
  - name: tap
    run: |
      printf 'TAP version 13\n1..3\nok 1 - adds\nnot ok 2 - divides\n  ---\n  message: division by zero\n  ...\nok 3 - later # SKIP not yet\n'
    report: tap
`)
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil || len(r.Steps) != 1 {
		t.Fatalf("run %+v, %v", r, err)
	}
	if want := (TestCounts{Total: 3, Passed: 1, Failed: 1, Skipped: 1}); r.Tests != want {
		t.Errorf("counts %+v, want %+v", r.Tests, want)
	}
	failed, _ := p.RunTests(r.ID, TestQuery{Failed: true})
	if len(failed) != 1 || failed[0].Suite != "tap" || !strings.Contains(failed[0].Message, "division by zero") {
		t.Fatalf("failed %+v\nlog:\n%s", failed, logText(t, p, r.Steps[0].ID))
	}
	if log := logText(t, p, r.Steps[0].ID); !strings.Contains(log, "not ok 2 - divides") {
		t.Errorf("TAP is kept in the log as it came:\n%s", log)
	}
}

// Insights: since the last green run a test broke; the commits between are listed.
func TestRunInsightsSinceTheLastGreenRun(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: test, run: go test -json -count=1 ./...}\n")
	writeTree(t, p.Dir(), map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
	})
	gitCommitAll(t, p.Dir(), "first")
	green, _ := p.RunNow(context.Background(), TriggerManual, nil)
	writeTree(t, p.Dir(), map[string]string{"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { t.Fatal(\"broken\") }\n"})
	gitCommitAll(t, p.Dir(), "break A")
	red, _ := p.RunNow(context.Background(), TriggerManual, nil)
	if green.Status != store.StatusPassed || red.Status != store.StatusFailed {
		t.Fatalf("runs %s, %s", green.Status, red.Status)
	}
	in, err := p.RunInsights(red.ID)
	if err != nil {
		t.Fatal(err)
	}
	if in.LastGreen == nil || in.LastGreen.ID != green.ID || len(in.NewlyFailing) != 1 || in.NewlyFailing[0].Name != "TestA" {
		t.Fatalf("insights %+v", in)
	}
	if ch := in.SinceGreen; ch == nil || len(ch.Commits) != 1 || ch.Commits[0].Subject != "break A" || !slices.Equal(ch.Files, []string{"a/a_test.go"}) {
		t.Errorf("since green %+v", in.SinceGreen)
	}
}

// Insights in the usual watch-mode case: green on a clean commit, then an uncommitted edit
// breaks a test. The edited file is what changed; there are no commits in between.
func TestRunInsightsListUncommittedEdits(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: test, run: go test -json -count=1 ./...}\n")
	writeTree(t, p.Dir(), map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
	})
	gitCommitAll(t, p.Dir(), "first")
	green, _ := p.RunNow(context.Background(), TriggerManual, nil)
	writeTree(t, p.Dir(), map[string]string{"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { t.Fatal(\"broken\") }\n"})
	red, _ := p.RunNow(context.Background(), TriggerManual, nil)
	if green.Status != store.StatusPassed || green.Dirty || red.Status != store.StatusFailed || !red.Dirty {
		t.Fatalf("runs %s (dirty %v), %s (dirty %v); want a clean green run and a dirty red one", green.Status, green.Dirty, red.Status, red.Dirty)
	}
	in, err := p.RunInsights(red.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ch := in.SinceGreen; ch == nil || len(ch.Commits) != 0 || !slices.Equal(ch.Files, []string{"a/a_test.go"}) || ch.Note != "" {
		t.Errorf("since green %+v; want a/a_test.go, no commits, no note", in.SinceGreen)
	}

	// A second red run with one more uncommitted file: both differ from the green run.
	writeTree(t, p.Dir(), map[string]string{"a/more.go": "package a\n"})
	again, _ := p.RunNow(context.Background(), TriggerManual, nil)
	if in, err = p.RunInsights(again.ID); err != nil {
		t.Fatal(err)
	}
	if ch := in.SinceGreen; ch == nil || !slices.Equal(ch.Files, []string{"a/a_test.go", "a/more.go"}) || ch.Note != "" {
		t.Errorf("since green after a second edit %+v", in.SinceGreen)
	}
}

func gitCommitAll(t *testing.T, dir, msg string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"},
		{"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", msg}} {
		gitRun(t, dir, args...)
	}
}

// When the commits between two runs cannot be read, that error joins the note about the
// green run's unrecorded edits instead of replacing it.
func TestChangesSinceGreenKeepEveryNote(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	head := gitInit(t, p.Dir())
	green := store.Run{ID: 999, Commit: head, Dirty: true} // its uncommitted paths were never recorded
	ch := p.changesBetween(green, RunInfo{ID: 1000, Commit: "0123456789abcdef0123456789abcdef01234567"})
	if !strings.Contains(ch.Note, "uncommitted changes of run #999") || !strings.Contains(ch.Note, "; ") {
		t.Errorf("note %q: want the unrecorded edits of run #999, then the git error", ch.Note)
	}
}
