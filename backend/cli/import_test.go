package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"eightfold/backend/store"
)

// The parsers' own fixtures, as a CI job would have written them.
const (
	junitFixtures = "../testreport/testdata/junit/"
	goTestFixture = "../workbench/testdata/ci/gotest.json"
)

// decodeRun decodes the JSON of one run, as `run --json` prints it.
func decodeRun(t *testing.T, out string) map[string]any {
	t.Helper()
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return r
}

// resultsByName decodes `tests --json` into "suite name" → "status duration_ms attempts
// flaky file:line".
func resultsByName(t *testing.T, out string) map[string]string {
	t.Helper()
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := map[string]string{}
	for _, r := range rs {
		got[fmt.Sprint(r["suite"], " ", r["name"])] = fmt.Sprint(r["status"], " ", r["duration_ms"], " ", r["attempts"], " ", r["flaky"], " ", r["file"], ":", r["line"])
	}
	return got
}

// Three JUnit reports (gotestsum, jest, cargo-nextest) make one CI run of HEAD: its times come
// from the reports' timestamps, its results are in the history and the test views like a
// local run's, and its name shows in the history.
func TestImportJUnitFixtures(t *testing.T) {
	dir := repo(t, map[string]string{"README": "shop\n"})
	run := runIn(t, t.TempDir(), dir)
	files := []string{junitFixtures + "gotestsum.xml", junitFixtures + "jest.xml", junitFixtures + "nextest.xml"}
	r := decodeRun(t, run(0, append([]string{"import", "junit", "--json"}, files...)...))
	if got := jsonKeys(r); !reflect.DeepEqual(got, runKeys) {
		t.Errorf("keys %v, want those of `run --json`", got)
	}
	head := headSHA(t, dir)
	want := map[string]any{"id": 1.0, "trigger": "ci", "name": "CI: junit (3 files)", "status": "failed", "commit": head, "branch": "main",
		"dirty": false, "started_at": "2025-02-03T09:15:00.000Z", "finished_at": "2025-02-03T09:30:02.504Z", "duration_ms": 902504.0,
		"tests": map[string]any{"total": 18.0, "passed": 8.0, "failed": 7.0, "skipped": 3.0, "flaky": 1.0}}
	for k, v := range want {
		if !reflect.DeepEqual(r[k], v) {
			t.Errorf("%s = %v, want %v", k, r[k], v)
		}
	}
	steps, _ := r["steps"].([]any)
	if len(steps) != 1 {
		t.Fatalf("steps %v, want the one import step", steps)
	}
	if st := steps[0].(map[string]any); st["name"] != "import" || st["status"] != "failed" || st["exit_code"] != 1.0 || st["duration_ms"] != 902504.0 ||
		st["command"] != "eightfold import junit "+strings.Join(files, " ") {
		t.Errorf("step %v", st)
	}

	var runs []map[string]any
	if err := json.Unmarshal([]byte(run(0, "history", "--json")), &runs); err != nil || len(runs) != 1 ||
		runs[0]["trigger"] != "ci" || runs[0]["name"] != "CI: junit (3 files)" || runs[0]["id"] != 1.0 {
		t.Errorf("history --json: %v %v", err, runs)
	}
	if out := run(0, "history"); !strings.Contains(out, "ci · CI: junit (3 files)  main@"+head[:8]) {
		t.Errorf("history lacks the trigger and name:\n%s", out)
	}
	got := resultsByName(t, run(0, "tests", "--run", "1", "--all", "--json"))
	if len(got) != 18 {
		t.Errorf("%d results, want 18: %v", len(got), got)
	}
	for name, res := range map[string]string{
		"example.com/shop/store TestSave":     "passed 1200 1 false :0",
		"example.com/shop/cart TestItems/one": "failed 10 1 false cart_test.go:40",
		"example.com/shop/pay TestMain":       "failed 0 1 false :0",
		"Checkout Checkout pays":              "passed 411 1 false :0",
		"Cart Cart applies a coupon":          "skipped 0 1 false :0",
		"Cart Cart totals with tax":           "failed 13 1 false /home/dev/shop/src/cart.test.js:21",
		"shop::checkout pays_in_time":         "failed 2000 1 false :0",
		"shop net::tests::fetches_prices":     "passed 51 3 true :0",
	} {
		if got[name] != res {
			t.Errorf("%s: %q, want %q", name, got[name], res)
		}
	}
	if out := run(0, "logs", "1"); !strings.Contains(out, "Imported 18 test results (8 passed, 7 failed, 3 skipped) of "+head[:7]+" on main from 3 JUnit XML reports: "+strings.Join(files, ", ")+"\n") {
		t.Errorf("the import step's log:\n%s", out)
	}
}

// A go test -json report of an older commit, named short, with a name of its own: the run is
// of that commit (on no branch: no branch's tip is it), and its times come from the events.
func TestImportGoTestJSON(t *testing.T) {
	dir := repo(t, map[string]string{"README": "shop\n"})
	first := headSHA(t, dir)
	if out, err := exec.Command("git", "-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "second").CombinedOutput(); err != nil {
		t.Fatalf("git commit: %v\n%s", err, out)
	}
	run := runIn(t, t.TempDir(), dir)
	out := run(0, "import", "go-test-json", goTestFixture, "--commit", first[:8], "--run-name", "nightly")
	if !strings.Contains(out, `Recorded the CI run "nightly" of @`+first[:8]+" as run #1.") || !strings.Contains(out, "✗ run #1 failed in 881ms · 6 tests: 3 passed, 2 failed, 1 skipped") {
		t.Errorf("import printed:\n%s", out)
	}
	var runs []map[string]any
	if err := json.Unmarshal([]byte(run(0, "history", "--json")), &runs); err != nil || len(runs) != 1 {
		t.Fatalf("history --json: %v %v", err, runs)
	}
	want := map[string]any{"trigger": "ci", "name": "nightly", "status": "failed", "commit": first, "branch": "",
		"started_at": "2026-11-26T12:00:43.825Z", "finished_at": "2026-11-26T12:00:44.706Z", "duration_ms": 881.0,
		"tests": map[string]any{"total": 6.0, "passed": 3.0, "failed": 2.0, "skipped": 1.0, "flaky": 0.0}}
	for k, v := range want {
		if !reflect.DeepEqual(runs[0][k], v) {
			t.Errorf("%s = %v, want %v", k, runs[0][k], v)
		}
	}
	got := resultsByName(t, run(0, "tests", "--all", "--json"))
	wantResults := map[string]string{
		"example.com/shop/cart TestTotal":       "passed 120 1 false :0",
		"example.com/shop/cart TestItems":       "failed 30 1 false :0",
		"example.com/shop/cart TestItems/empty": "passed 0 1 false :0",
		"example.com/shop/cart TestItems/one":   "failed 30 1 false cart_test.go:14",
		"example.com/shop/cart TestCoupon":      "skipped 0 1 false cart_test.go:18",
		"example.com/shop/pay TestCharge":       "passed 250 1 false :0",
	}
	if !reflect.DeepEqual(got, wantResults) {
		t.Errorf("results %v, want %v", got, wantResults)
	}
}

// The same reports imported twice make one run: the second import is refused naming the
// first run, and --again records a second one.
func TestImportTwice(t *testing.T) {
	dir := repo(t, map[string]string{"README": "shop\n"})
	home := t.TempDir()
	run := runIn(t, home, dir)
	run(0, "import", "go-test-json", goTestFixture)
	code, _, errOut := eightfold(t, home, "import", "go-test-json", goTestFixture, "--dir", dir)
	if want := `gotest.json of ` + headSHA(t, dir)[:7] + ` was imported already as run #1 ("CI: go-test-json (gotest.json)"): importing it again would count its tests twice; ` +
		"if the CI job really ran twice with the same output, pass --again to record it once more"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 1; stderr lacks %q:\n%s", code, want, errOut)
	}
	if out := run(0, "import", "go-test-json", goTestFixture, "--again"); !strings.Contains(out, "as run #2.") {
		t.Errorf("--again printed:\n%s", out)
	}
}

// While the window holds the data dir, import is refused and says that the window can do it.
func TestImportWhileTheDataDirIsHeld(t *testing.T) {
	dir := repo(t, map[string]string{"README": "shop\n"})
	home := t.TempDir()
	holder, err := store.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, _, errOut := eightfold(t, home, "import", "go-test-json", goTestFixture, "--dir", dir)
	if want := "The open window (or the page of `eightfold serve`) can import them: Build & Test → Run on CI → Bring CI results back"; code != 1 ||
		!strings.Contains(errOut, fmt.Sprintf("is in use by another Eightfold process (PID %d", os.Getpid())) || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 1; stderr lacks %q:\n%s", code, want, errOut)
	}
}

// A missing, empty or foreign file, a commit the repository lacks, no repository: each says
// what is wrong and where, and nothing is recorded, not even the reports that were fine.
func TestImportErrors(t *testing.T) {
	dir := repo(t, map[string]string{"README": "shop\n"})
	home := t.TempDir()
	empty := filepath.Join(t.TempDir(), "empty.xml")
	os.WriteFile(empty, []byte("\n  \n"), 0o644)
	good := junitFixtures + "jest.xml"
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing file", []string{"junit", good, "out/nope.xml"}, 1,
			"out/nope.xml does not exist: pass the JUnit XML report files the CI job wrote (download them first, for example with `gh run download`)"},
		{"empty file", []string{"junit", empty}, 1, empty + " is empty: expected a JUnit XML report (<testsuites>, <testsuite> and <testcase> elements)"},
		{"not JUnit", []string{"junit", good, junitFixtures + "garbage.txt"}, 1, junitFixtures + "garbage.txt holds no test result " +
			"(no <testsuites>, <testsuite> or <testcase> element: this is not a JUnit XML report): expected a JUnit XML report"},
		{"HTML", []string{"junit", junitFixtures + "html.xml"}, 1, junitFixtures + "html.xml holds no test result"},
		{"JUnit as go test -json", []string{"go-test-json", good}, 1,
			good + " holds no test result: expected a go test -json report (one JSON event a line, as `go test -json` prints them)"},
		{"unknown commit", []string{"junit", good, "--commit", "0badc0ffee"}, 1,
			`commit "0badc0ffee" is not in the repository at ` + dir + ": fetch it first (git fetch), or pass --commit with a commit of this repository"},
		{"no format", nil, 2, "import needs a report format and files"},
		{"unknown format", []string{"tap", "a.tap"}, 2, `unknown report format "tap": import reads junit or go-test-json`},
		{"no files", []string{"junit"}, 2, "import junit needs the report files a CI job wrote"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := eightfold(t, home, append(append([]string{"import"}, c.args...), "--dir", dir)...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s%s", code, c.code, c.want, out, errOut)
			}
		})
	}
	if code, out, _ := eightfold(t, home, "history", "--dir", dir, "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("a failed import recorded something: exit %d, %s", code, out)
	}

	notGit := t.TempDir()
	if code, _, errOut := eightfold(t, home, "import", "junit", good, "--dir", notGit); code != 1 ||
		!strings.Contains(errOut, notGit+" is not in a git repository: a CI run is recorded against the commit it tested") {
		t.Errorf("no repository: exit %d, %s", code, errOut)
	}
	missing := filepath.Join(t.TempDir(), "gone")
	if code, _, errOut := eightfold(t, home, "import", "junit", good, "--dir", missing); code != 1 ||
		!strings.Contains(errOut, "project directory "+missing+" does not exist") {
		t.Errorf("no project: exit %d, %s", code, errOut)
	}
	if code, out, _ := eightfold(t, home, "history", "--dir", notGit, "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("an import outside git recorded something: exit %d, %s", code, out)
	}
}
