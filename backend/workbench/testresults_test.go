package workbench

import (
	"context"
	"os"
	"path/filepath"
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

func gitCommitAll(t *testing.T, dir, msg string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"},
		{"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", msg}} {
		gitRun(t, dir, args...)
	}
}
