package workbench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	ci := importCI(t, p, CIImport{Format: CIGoTestJSON, Files: []string{goTestReport}})
	flaky, err := p.FlakyTests(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(flaky) != 1 || flaky[0].Name != "TestCharge" || !slices.Equal(flaky[0].Reasons, []string{store.FlakySameTree}) ||
		!slices.Equal(flaky[0].Evidence, []int64{mine.ID, ci.ID}) {
		t.Errorf("flaky %+v, want TestCharge on runs #%d and #%d", flaky, mine.ID, ci.ID)
	}
	// The loop ring's Build and Test stages read the newest run: the CI run now.
	st, err := p.Status()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"build": fmt.Sprintf("#%d failed", ci.ID), "test": "3 passed · 2 failed"}
	for _, stage := range st.Stages {
		if w, ok := want[stage.ID]; ok && (stage.Summary != w || !stage.Attention) {
			t.Errorf("stage %s: %q (attention %v), want %q", stage.ID, stage.Summary, stage.Attention, w)
		}
	}
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

// Reports without timestamps make a run that ends when it is imported and lasts as long as
// its tests; its default name is the file's.
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
		r, err := p.ImportCI(CIImport{Format: CIJUnit, Files: []string{report}})
		if err != nil || r.Tests.Total != 10_000 || r.Tests.Failed != 200 {
			b.Fatalf("run %+v, %v", r.Tests, err)
		}
	}
}
