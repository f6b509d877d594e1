package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A step that writes a JUnit report: login passes; checkout fails when the file "broken"
// exists; search takes $SLOW seconds (from the file "slow", default 0.1).
const junitStep = `steps:
  - name: e2e
    run: |
      status=''; [ -e broken ] && status='<failure message="no pay button">at checkout.spec.js:7</failure>'
      slow=$(cat slow 2>/dev/null || echo 0.1)
      printf '<testsuite name="e2e"><testcase classname="auth" name="login" time="0.01"/><testcase classname="shop" name="checkout" time="0.02">%s</testcase><testcase classname="shop" name="search" time="%s"/></testsuite>' "$status" "$slow" > report.xml
      [ ! -e broken ]
    report: junit:report.xml
`

func TestTestsCommand(t *testing.T) {
	dir := repo(t, map[string]string{"eightfold.yaml": junitStep, ".gitignore": "report.xml\nslow\n"})
	home := t.TempDir()
	for i := 0; i < 3; i++ {
		if code, out, _ := eightfold(t, home, "run", "--dir", dir); code != 0 {
			t.Fatalf("green run %d: exit %d\n%s", i, code, out)
		}
	}
	os.WriteFile(filepath.Join(dir, "broken"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "slow"), []byte("0.5"), 0o644)
	if code, out, _ := eightfold(t, home, "run", "--dir", dir); code != 1 || !strings.Contains(out, "run #4 failed in ") ||
		!strings.Contains(out, " · 3 tests: 2 passed, 1 failed, 0 skipped\nSee the failed tests with `eightfold tests --run 4`.") {
		t.Fatalf("red run: exit %d\n%s", code, out)
	}

	code, out, _ := eightfold(t, home, "tests", "--dir", dir)
	for _, want := range []string{"Run #4 (failed) · 3 tests: 2 passed, 1 failed, 0 skipped", "shop\n  ✗ checkout  20ms  checkout.spec.js:7\n      no pay button",
		"Newly failing since the last green run #3: checkout", "Since #3: 0 commits, 1 file changed\n  changed: broken\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("tests: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = eightfold(t, home, "tests", "--dir", dir, "--run", "2", "--all")
	if code != 0 || !strings.Contains(out, "Run #2 (passed)") || !strings.Contains(out, "auth\n  ✓ login  10ms") {
		t.Errorf("tests --run 2 --all: exit %d\n%s", code, out)
	}
	code, out, _ = eightfold(t, home, "tests", "--dir", dir, "--slow")
	if code != 0 || !strings.Contains(out, "500ms     shop   search") || !strings.Contains(out, "Slower than usual: shop search took 500ms, median 100ms over 3 runs") {
		t.Errorf("tests --slow: exit %d\n%s", code, out)
	}
	code, out, _ = eightfold(t, home, "tests", "--dir", dir, "--failed", "--json")
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); code != 0 || err != nil || len(rs) != 1 || rs[0]["name"] != "checkout" || rs[0]["line"] != 7.0 {
		t.Errorf("tests --failed --json: exit %d, %v\n%s", code, err, out)
	}
	code, out, _ = eightfold(t, home, "tests", "--dir", dir, "--flaky")
	if code != 0 || !strings.Contains(out, "No flaky tests") {
		t.Errorf("tests --flaky: exit %d\n%s", code, out)
	}
	if code, _, errOut := eightfold(t, home, "tests", "--dir", dir, "--flaky", "--slow"); code != 2 || !strings.Contains(errOut, "choose one of") {
		t.Errorf("two views: exit %d, %s", code, errOut)
	}
}

// One of a thing is singular wherever the terminal face counts: a run with one test says
// "1 test", not "1 tests".
func TestCountsAreSingularForOne(t *testing.T) {
	for n, want := range map[int]string{0: "0 tests", 1: "1 test", 2: "2 tests", 11: "11 tests"} {
		if got := count(n, "test"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
	dir := repo(t, map[string]string{"eightfold.yaml": "steps:\n  - name: test\n    run: echo 'ok 1 - adds' && echo 1..1\n    report: tap\n"})
	home := t.TempDir()
	code, out, _ := eightfold(t, home, "run", "--dir", dir)
	if code != 0 || !strings.Contains(out, "· 1 test: 1 passed, 0 failed, 0 skipped\n") {
		t.Errorf("run: exit %d\n%s", code, out)
	}
	code, out, _ = eightfold(t, home, "tests", "--dir", dir)
	if code != 0 || !strings.Contains(out, "Run #1 (passed) · 1 test: 1 passed") {
		t.Errorf("tests: exit %d\n%s", code, out)
	}
}
