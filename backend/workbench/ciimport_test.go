package workbench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eightfold/backend/store"
)

// goTestReport is a go test -json report of example.com/shop that a CI job wrote: TestCharge
// passes in it.
var goTestReport, _ = filepath.Abs("testdata/ci/gotest.json")

// writeReport writes a report into a temporary folder outside the repository.
func writeReport(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// importCI imports reports in format and fails the test on an error.
func importCI(t *testing.T, p *Project, in CIImport) RunInfo {
	t.Helper()
	r, err := p.ImportCI(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A test that failed in a local run and passed in the CI run of the same commit is flaky:
// both ran the same code.
func TestCIRunMakesALocalFailureFlaky(t *testing.T) {
	local := writeReport(t, "local.json", `{"Action":"run","Package":"example.com/shop/pay","Test":"TestCharge"}
{"Action":"output","Package":"example.com/shop/pay","Test":"TestCharge","Output":"    pay_test.go:9: card declined\n"}
{"Action":"fail","Package":"example.com/shop/pay","Test":"TestCharge","Elapsed":0.2}
`)
	p, _ := newProject(t, fmt.Sprintf("steps: [{name: test, run: 'cat %s', report: go-test-json}]\n", local))
	gitInit(t, p.Dir())
	mine, err := p.RunNow(t.Context(), TriggerManual, nil)
	if err != nil || mine.Tests.Failed != 1 || mine.Dirty {
		t.Fatalf("local run %+v, %v", mine, err)
	}
	ci := importCI(t, p, CIImport{Format: CIGoTestJSON, Files: []string{laterReport(t)}})
	flaky, err := p.FlakyTests(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(flaky) != 1 || flaky[0].Name != "TestCharge" || !slices.Equal(flaky[0].Reasons, []string{store.FlakySameTree}) ||
		!slices.Equal(flaky[0].Evidence, []int64{mine.ID, ci.ID}) {
		t.Errorf("flaky %+v, want TestCharge on runs #%d and #%d", flaky, mine.ID, ci.ID)
	}
	// The loop ring's Build and Test stages read the newest run: the CI run, which finished
	// after the local one.
	st, err := p.Status()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"build": {fmt.Sprintf("CI #%d failed", ci.ID), fmt.Sprintf("CI run #%d (%s) failed: 2 tests failed", ci.ID, ci.Name)},
		"test":  {"3 passed · 2 failed", fmt.Sprintf("2 tests failed in run #%d", ci.ID)},
	}
	for _, stage := range st.Stages {
		if w, ok := want[stage.ID]; ok && (stage.Summary != w[0] || stage.Reason != w[1] || !stage.Attention) {
			t.Errorf("stage %s: %q, %q (attention %v), want %q", stage.ID, stage.Summary, stage.Reason, stage.Attention, w)
		}
	}
}

// laterReport is goTestReport as a CI job wrote it in 2099: after any local run.
func laterReport(t *testing.T) string {
	body, err := os.ReadFile(goTestReport)
	if err != nil {
		t.Fatal(err)
	}
	return writeReport(t, "gotest.json", strings.ReplaceAll(string(body), `"Time":"2026-`, `"Time":"2099-`))
}

// passingJUnit is a JUnit report without timestamps whose one test passed in 1.5 s.
const passingJUnit = `<testsuite name="shop"><testcase classname="shop" name="pays" time="1.5"/></testsuite>`

// The CI runs of a card's commits are on its timeline like local runs, with their verdict:
// a failed one shows on the card, a passed one of its closing commit verifies it.
func TestCIRunsAreOnTheCardTimeline(t *testing.T) {
	j := newJourneyT(t, 1)
	j.commit("Tidy the parser, refs #1")
	j.scan(2)
	failed := importCI(t, j.p, CIImport{Format: CIGoTestJSON, Files: []string{goTestReport}})
	d := j.expect(1, "Code", fmt.Sprintf("run #%d failed", failed.ID))
	if !hasLink(d, store.LinkRun, runCause(failed.ID)) {
		t.Errorf("card #1 links %+v, want the CI run #%d", d.Links, failed.ID)
	}
	sha := j.commit("Fix the parser, closes #1")
	j.scan(1)
	passed := importCI(t, j.p, CIImport{Format: CIJUnit, Files: []string{writeReport(t, "ok.xml", passingJUnit)}, Commit: sha[:10]})
	d = j.expect(1, "Verified", "")
	if !hasLink(d, store.LinkRun, runCause(passed.ID)) || lastCause(d) != "run "+runCause(passed.ID) {
		t.Errorf("card #1 links %+v, last move %q: want the CI run #%d", d.Links, lastCause(d), passed.ID)
	}
}

// Reports without timestamps make a run that starts at its commit's committer time (the
// earliest a CI could have run it) and lasts as long as its tests, and whose log says so;
// its default name is the file's. A commit dated after the import (a clock ahead) makes
// one that ends at the import.
func TestCIRunWithoutTimestamps(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	head := gitInit(t, p.Dir())
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	p.now = func() time.Time { return now }
	r := importCI(t, p, CIImport{Format: CIJUnit, Files: []string{writeReport(t, "ok.xml", passingJUnit)}})
	if r.Status != store.StatusPassed || r.Name != "CI: junit (ok.xml)" || r.Commit != head || r.Branch != "main" ||
		r.StartedAt != "2026-03-04T05:06:05.500Z" || r.FinishedAt != "2026-03-04T05:06:07.000Z" || r.DurationMs != 1500 {
		t.Errorf("run %+v", r)
	}
	if log := logText(t, p, r.Steps[0].ID); !strings.Contains(log, "dated at the import, and counts on the cards as run at its commit's time") {
		t.Errorf("the log does not say how the run is dated:\n%s", log)
	}
}

// An import writes nothing in the repository: watching it, the next run is the one a real
// change starts, with that change alone.
func TestCIImportIsNoChange(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	gitInit(t, p.Dir())
	stop := p.WatchInBackground(WatchOptions{})
	defer stop()
	waitFor(t, func() bool { return p.WatchState().Watching })
	ci := importCI(t, p, CIImport{Format: CIGoTestJSON, Files: []string{goTestReport}})
	touch(t, p, "hello.txt", "hi\n")
	runs := waitRuns(t, p, 2)
	if len(runs) != 2 || runs[0].ID != ci.ID || runs[1].Trigger != TriggerChange || !slices.Equal(runs[1].Changed, []string{"hello.txt"}) {
		t.Errorf("runs %+v, want the CI run then the change of hello.txt", runs)
	}
}

// The same reports of the same commit, named in any order, are imported once: a second
// import is refused naming the first run, unless Again; another commit is another run.
func TestCIImportTwiceIsRefused(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	first := gitInit(t, p.Dir())
	ok := writeReport(t, "ok.xml", passingJUnit)
	ci := importCI(t, p, CIImport{Format: CIGoTestJSON, Files: []string{goTestReport}})
	body, err := os.ReadFile(goTestReport)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ImportCI(CIImport{Format: CIGoTestJSON, Files: []string{writeReport(t, "copy.json", string(body))}, Name: "copy"})
	var dup *DuplicateImportError
	want := fmt.Sprintf("of %s was imported already as run #%d (%q): importing it again would count its tests twice", short(first), ci.ID, ci.Name)
	if !errors.As(err, &dup) || dup.Earlier.ID != ci.ID || !strings.Contains(err.Error(), want) || dup.Code() != CodeConflict {
		t.Errorf("second import: %v, want a conflict naming run #%d", err, ci.ID)
	}
	two := CIImport{Format: CIJUnit, Files: []string{ok, writeReport(t, "two.xml", junitCases(3))}}
	both := importCI(t, p, two)
	slices.Reverse(two.Files)
	if _, err := p.ImportCI(two); !errors.As(err, &dup) || dup.Earlier.ID != both.ID || !strings.HasPrefix(err.Error(), "2 reports of ") {
		t.Errorf("the same files in another order: %v, want run #%d named", err, both.ID)
	}
	two.Again = true
	again := importCI(t, p, two)
	gitRun(t, p.Dir(), "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "second")
	second := gitRun(t, p.Dir(), "rev-parse", "HEAD")
	other := importCI(t, p, CIImport{Format: CIGoTestJSON, Files: []string{goTestReport}, Commit: second})
	runs, err := p.Runs(0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	if want := []int64{other.ID, again.ID, both.ID, ci.ID}; !slices.Equal(ids, want) {
		t.Errorf("runs %v, want %v", ids, want)
	}
}

// Two imports of the same reports at the same moment (the CLI and the window, say) record
// one run: the other is refused naming it. Round after round, so that they meet between the
// look for an earlier import and the insert.
func TestCIImportsAtOnceRecordOneRun(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	gitInit(t, p.Dir())
	for round := range 50 {
		in := CIImport{Format: CIJUnit, Files: []string{writeReport(t, "r.xml", junitCases(round+1))}}
		var runs [2]RunInfo
		var errs [2]error
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range runs {
			done.Go(func() {
				start.Wait()
				runs[i], errs[i] = p.ImportCI(in)
			})
		}
		start.Done()
		done.Wait()
		won := 0
		if errs[0] != nil {
			won = 1
		}
		var dup *DuplicateImportError
		if errs[won] != nil || !errors.As(errs[1-won], &dup) || dup.Earlier.ID != runs[won].ID {
			t.Fatalf("round %d: %v, %v; want one run recorded and the other import refused naming it", round, errs[0], errs[1])
		}
		if all, err := p.Runs(0); err != nil || len(all) != round+1 {
			t.Fatalf("round %d: %d runs (%v), want %d", round, len(all), err, round+1)
		}
	}
}

// junitAt is a JUnit report of one test that ran at stamp, failing or passing.
func junitAt(t *testing.T, stamp string, pass bool) string {
	failure := `<failure message="declined">pay_test.go:9: card declined</failure>`
	if pass {
		failure = ""
	}
	return writeReport(t, "at.xml", fmt.Sprintf(`<testsuite name="shop" timestamp="%s" time="1"><testcase classname="shop" name="pays" time="1">%s</testcase></testsuite>`, stamp, failure))
}

// A CI run of the commit that failed after its green local run blocks the release, naming
// it; one that failed before the local run does not, and a passing CI run after it clears it.
func TestReleaseIsBlockedByANewerFailedCIRun(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	r.commit("feat: one")
	local := r.run(true)
	importCI(t, r.p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2001-01-01T00:00:00Z", false)}})
	if got := r.blockers(); len(got) != 0 {
		t.Fatalf("an older failed CI run blocks: %v", got)
	}
	failed := importCI(t, r.p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2099-01-01T00:00:00Z", false)}, Name: "GitHub: main"})
	if got := r.blockers(); !slices.Equal(got, []string{BlockCIFailed}) {
		t.Fatalf("blockers %v, want %s", got, BlockCIFailed)
	}
	r.refused(ReleaseOptions{}, fmt.Sprintf("the CI run #%d (GitHub: main) of this code failed after run #%d passed: see why (eightfold tests --run %d)", failed.ID, local.ID, failed.ID))
	importCI(t, r.p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2099-01-01T01:00:00Z", true)}})
	if rel, err := r.p.Release(ReleaseOptions{}); err != nil || rel.Version != "0.1.0" {
		t.Errorf("after a passing CI run: %+v, %v", rel, err)
	}
}

// A failed CI run whose reports do not say when it ran, imported after the green local run of
// its commit, counts as run when it was imported: it blocks the release as a dated one does.
func TestReleaseIsBlockedByAnUndatedFailedCIRun(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	r.commit("feat: one")
	r.run(true)
	undated := strings.Replace(junitAt(t, "", false), ` timestamp=""`, "", 1)
	importCI(t, r.p, CIImport{Format: CIJUnit, Files: []string{undated}})
	if got := r.blockers(); !slices.Equal(got, []string{BlockCIFailed}) {
		t.Fatalf("blockers %v, want %s", got, BlockCIFailed)
	}
}

// A CI run of an older commit, imported after the newest local run but finished before it,
// is not the last run: the ring and the project switcher keep the local run. One that
// finished later is.
func TestLastRunIsTheNewestByTime(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	old := gitInit(t, p.Dir())
	gitRun(t, p.Dir(), "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "second")
	local, err := p.RunNow(t.Context(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	importCI(t, p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2001-01-01T00:00:00Z", false)}, Commit: old})
	lastRun := func() (int64, string) {
		t.Helper()
		st, err := p.Status()
		if err != nil {
			t.Fatal(err)
		}
		op, err := (&opened{p: p}).describe(true)
		if err != nil || st.LastRun == nil || op.LastRun == nil || op.LastRun.ID != st.LastRun.ID {
			t.Fatalf("last run: status %+v, switcher %+v, %v", st.LastRun, op.LastRun, err)
		}
		i := slices.IndexFunc(st.Stages, func(s Stage) bool { return s.ID == "build" })
		return st.LastRun.ID, st.Stages[i].Summary
	}
	if id, build := lastRun(); id != local.ID || build != fmt.Sprintf("#%d passed", local.ID) {
		t.Errorf("last run #%d, Build %q: want the local run #%d", id, build, local.ID)
	}
	later := importCI(t, p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2099-01-01T00:00:00Z", false)}, Commit: old})
	if id, build := lastRun(); id != later.ID || build != fmt.Sprintf("CI #%d failed", later.ID) {
		t.Errorf("last run #%d, Build %q: want the CI run #%d that finished after the local run", id, build, later.ID)
	}
}

// junitCases is a JUnit report of n cases in suites of 100, one in 50 failing.
func junitCases(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites>\n")
	for i := range n {
		if i%100 == 0 {
			fmt.Fprintf(&b, `<testsuite name="suite%d" timestamp="2026-01-02T03:04:05Z" time="1.5">`+"\n", i/100)
		}
		fmt.Fprintf(&b, `<testcase classname="suite%d" name="Test%d" time="0.012">`, i/100, i)
		if i%50 == 0 {
			b.WriteString(`<failure message="want 3, got 4">case_test.go:12: want 3, got 4</failure>`)
		}
		b.WriteString("</testcase>\n")
		if i%100 == 99 || i == n-1 {
			b.WriteString("</testsuite>\n")
		}
	}
	b.WriteString("</testsuites>\n")
	return b.String()
}

// BenchmarkImportJUnit10k imports a 10,000-case JUnit report: read, parse, one transaction.
// go test -run '^$' -bench ImportJUnit10k -benchtime 10x ./backend/workbench/
func BenchmarkImportJUnit10k(b *testing.B) {
	p, _ := newProject(b, "steps: [{name: a, run: 'true'}]\n")
	gitInit(b, p.Dir())
	report := filepath.Join(b.TempDir(), "big.xml")
	if err := os.WriteFile(report, []byte(junitCases(10_000)), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r, err := p.ImportCI(CIImport{Format: CIJUnit, Files: []string{report}, Again: true})
		if err != nil || r.Tests.Total != 10_000 || r.Tests.Failed != 200 {
			b.Fatalf("run %+v, %v", r.Tests, err)
		}
	}
}
