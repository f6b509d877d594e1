package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"eightfold/backend/runner"
	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// repo makes a git repository with the given files, committed.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", "initial"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func headSHA(t *testing.T, dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// eightfold runs the terminal face in-process and returns its exit status and output.
func eightfold(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(append(args, "--home", home), &stdout, &stderr, Faces{})
	return code, stdout.String(), stderr.String()
}

// runIn returns a function that runs eightfold on dir with the data dir home, expects the
// exit status want, and returns what it printed (stdout, then stderr).
func runIn(t *testing.T, home, dir string) func(want int, args ...string) string {
	return func(want int, args ...string) string {
		t.Helper()
		code, out, errOut := eightfold(t, home, append(args, "--dir", dir)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, want, out, errOut)
		}
		return out + errOut
	}
}

var goProject = map[string]string{
	"go.mod":        "module demo\n\ngo 1.22\n",
	"add.go":        "package demo\n\nfunc Add(a, b int) int { return a + b }\n",
	"add_test.go":   "package demo\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n\nfunc TestLater(t *testing.T) { t.Skip(\"not yet\") }\n",
	".gitignore":    "bin/\n",
	"cmd/x/main.go": "package main\n\nfunc main() {}\n",
}

var nodeProject = map[string]string{
	"package.json": `{"name": "demo", "version": "1.0.0", "scripts": {"build": "node build.js", "test": "node --test"}}`,
	"build.js":     "require('fs').writeFileSync('out.txt', 'built');\n",
	"add.test.js":  "const test = require('node:test');\nconst assert = require('node:assert');\ntest('adds', () => assert.strictEqual(1 + 2, 3));\n",
	".gitignore":   "out.txt\n",
}

var makeProject = map[string]string{
	"Makefile":   "all: out.txt\n\nout.txt:\n\techo built > out.txt\n\n.PHONY: test\ntest: all\n\tgrep -q built out.txt\n",
	".gitignore": "out.txt\n",
}

// The JSON keys documented in docs/cli.md.
var (
	runKeys  = []string{"branch", "changed_count", "changed_files", "commit", "dirty", "duration_ms", "error", "finished_at", "id", "name", "project", "reason", "scope", "started_at", "status", "steps", "tests", "trigger"}
	stepKeys = []string{"command", "duration_ms", "exit_code", "id", "log_bytes", "name", "started_at", "status", "truncated"}
)

func jsonKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// testCounts is the "tests" object of a run in --json output, decoded, with no flaky test.
func testCounts(total, passed, failed, skipped float64) map[string]any {
	return map[string]any{"total": total, "passed": passed, "failed": failed, "skipped": skipped, "flaky": 0.0}
}

func TestRunJSON(t *testing.T) {
	cases := []struct {
		name     string
		files    map[string]string
		commands []string
		tests    map[string]any // the run's test counts: only go test -json is parsed without config
	}{
		{"go", goProject, []string{"go build ./...", "go test -json ./..."}, testCounts(2, 1, 0, 1)},
		{"node", nodeProject, []string{"npm run build", "npm test"}, testCounts(0, 0, 0, 0)},
		{"make", makeProject, []string{"make", "make test"}, testCounts(0, 0, 0, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := repo(t, c.files)
			code, out, errOut := eightfold(t, t.TempDir(), "run", "--dir", dir, "--json")
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			var raw map[string]any
			if err := json.Unmarshal([]byte(out), &raw); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
			}
			if got := jsonKeys(raw); !reflect.DeepEqual(got, runKeys) {
				t.Errorf("run keys %v, want %v", got, runKeys)
			}
			if got := raw["tests"]; !reflect.DeepEqual(got, c.tests) {
				t.Errorf("tests %v, want %v", got, c.tests)
			}
			want := map[string]any{"id": 1.0, "project": dir, "status": "passed", "trigger": "manual",
				"commit": headSHA(t, dir), "branch": "main", "dirty": false, "error": ""}
			for k, v := range want {
				if raw[k] != v {
					t.Errorf("%s = %v, want %v", k, raw[k], v)
				}
			}
			steps := raw["steps"].([]any)
			if len(steps) != len(c.commands) {
				t.Fatalf("%d steps, want %d: %v", len(steps), len(c.commands), steps)
			}
			for i, s := range steps {
				step := s.(map[string]any)
				if got := jsonKeys(step); !reflect.DeepEqual(got, stepKeys) {
					t.Errorf("step keys %v", got)
				}
				if step["command"] != c.commands[i] || step["status"] != "passed" || step["exit_code"] != 0.0 {
					t.Errorf("step %d: %v", i, step)
				}
			}
		})
	}
}

func TestRunFailingExitsOne(t *testing.T) {
	dir := repo(t, map[string]string{"eightfold.yaml": "steps:\n  - {name: build, run: 'echo building'}\n  - {name: test, run: 'echo FAIL >&2; exit 4'}\n"})
	home := t.TempDir()
	code, out, _ := eightfold(t, home, "run", "--dir", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"── build: echo building", "building\n", "── test:", "FAIL\n", "exit 4", "run #1 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = eightfold(t, home, "logs", "1", "--step", "test", "--dir", dir)
	if code != 0 || out != "FAIL\n" {
		t.Errorf("logs --step test: exit %d, %q", code, out)
	}
	code, out, _ = eightfold(t, home, "logs", "1", "--dir", dir)
	if code != 0 || !strings.Contains(out, "── build: echo building (passed)\nbuilding\n") || !strings.Contains(out, "── test: echo FAIL >&2; exit 4 (failed)\nFAIL\n") {
		t.Errorf("logs: exit %d\n%s", code, out)
	}
	if code, _, errOut := eightfold(t, home, "logs", "1", "--step", "deploy", "--dir", dir); code != 1 || !strings.Contains(errOut, `its steps are "build", "test"`) {
		t.Errorf("logs of a missing step: exit %d, %s", code, errOut)
	}
}

func TestHistoryJSON(t *testing.T) {
	dir := repo(t, map[string]string{
		"eightfold.yaml": "steps:\n  - {name: test, run: 'go test -json ./...'}\n",
		"go.mod":         "module demo\n\ngo 1.22\n",
		"a_test.go": "package demo\n\nimport \"testing\"\n\nfunc TestPass(t *testing.T) {}\n\n" +
			"func TestFail(t *testing.T) { t.Fatal(\"broken\") }\n\nfunc TestSkip(t *testing.T) { t.Skip(\"later\") }\n\n" +
			"func TestSub(t *testing.T) {\n\tt.Run(\"one\", func(t *testing.T) {})\n\tt.Run(\"two\", func(t *testing.T) {})\n}\n",
	})
	home := t.TempDir()
	if code, out, _ := eightfold(t, home, "history", "--dir", dir, "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("history before any run: exit %d, %q", code, out)
	}
	for i := 0; i < 3; i++ {
		if code, out, errOut := eightfold(t, home, "run", "--dir", dir, "--json"); code != 1 {
			t.Fatalf("run %d: exit %d, want 1 (TestFail fails)\n%s%s", i+1, code, out, errOut)
		}
	}
	code, out, _ := eightfold(t, home, "history", "--dir", dir, "--json", "--limit", "2")
	var runs []map[string]any
	if err := json.Unmarshal([]byte(out), &runs); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if len(runs) != 2 || runs[0]["id"] != 3.0 || runs[1]["id"] != 2.0 {
		t.Fatalf("want runs 3 and 2, got %v", runs)
	}
	if got := jsonKeys(runs[0]); !reflect.DeepEqual(got, runKeys) {
		t.Errorf("keys %v", got)
	}
	// TestSub and its two subtests are three cases.
	for _, r := range runs {
		if want := testCounts(6, 4, 1, 1); !reflect.DeepEqual(r["tests"], want) {
			t.Errorf("run %v tests %v, want %v", r["id"], r["tests"], want)
		}
	}
	code, out, _ = eightfold(t, home, "history", "--dir", dir)
	if code != 0 || !strings.Contains(out, "#3") || !strings.Contains(out, "main@") {
		t.Errorf("history table: %s", out)
	}
}

func TestSecondWriterIsRefusedButReadersWork(t *testing.T) {
	dir := repo(t, map[string]string{"eightfold.yaml": "steps:\n  - {name: a, run: 'true'}\n"})
	home := t.TempDir()
	eightfold(t, home, "run", "--dir", dir)
	holder, err := store.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, _, errOut := eightfold(t, home, "run", "--dir", dir)
	if code != 1 || !strings.Contains(errOut, fmt.Sprintf("PID %d", os.Getpid())) {
		t.Errorf("second writer: exit %d, %s", code, errOut)
	}
	if code, out, _ := eightfold(t, home, "history", "--dir", dir, "--json"); code != 0 || !strings.Contains(out, `"id": 1`) {
		t.Errorf("history while locked: exit %d, %s", code, out)
	}
}

func TestBrokenConfig(t *testing.T) {
	dir := repo(t, map[string]string{"eightfold.yaml": "steps:\n  - name: a\n    run: 'true'\n    timeout: soon\n"})
	home := t.TempDir()
	code, out, _ := eightfold(t, home, "run", "--dir", dir, "--json")
	var r map[string]any
	json.Unmarshal([]byte(out), &r)
	if code != 1 || r["status"] != "error" || !strings.Contains(r["error"].(string), "eightfold.yaml:4:14") {
		t.Errorf("exit %d, run %v", code, r)
	}
	code, _, errOut := eightfold(t, home, "config", "--dir", dir)
	if code != 1 || !strings.Contains(errOut, "eightfold.yaml:4:14: steps[0].timeout") {
		t.Errorf("config: exit %d, %s", code, errOut)
	}
}

func TestConfigAndSchema(t *testing.T) {
	dir := repo(t, goProject)
	code, out, _ := eightfold(t, t.TempDir(), "config", "--dir", dir)
	if code != 0 || !strings.Contains(out, "detected from go.mod") || !strings.Contains(out, "go test -json ./...") {
		t.Errorf("config: exit %d\n%s", code, out)
	}
	code, out, _ = eightfold(t, t.TempDir(), "config", "--schema")
	var schema map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &schema) != nil || schema["$schema"] == nil {
		t.Errorf("config --schema: exit %d, %.200s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	home := t.TempDir()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"logs"}, 2, "logs needs one run id"},
		{[]string{"logs", "abc"}, 2, `run id "abc" is not a number`},
		{[]string{"run", "extra"}, 2, "run takes no arguments"},
		{[]string{"run", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"run", "--dir", "/nonexistent/eightfold"}, 1, "does not exist"},
		{[]string{"logs", "7"}, 1, "run #7 does not exist"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, errOut := eightfold(t, home, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, c.code, errOut, c.want)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := eightfold(t, t.TempDir(), "version"); code != 0 || !strings.HasPrefix(out, "eightfold "+Version) {
		t.Errorf("version: %d %q", code, out)
	}
	code, out, _ := eightfold(t, t.TempDir(), "help")
	for _, c := range commands() {
		if !strings.Contains(out, "eightfold "+c.name) {
			t.Errorf("help lacks %s", c.name)
		}
	}
	if code != 0 {
		t.Errorf("help exit %d", code)
	}
}

// failAfter is a writer that breaks after n writes, like a pipe whose reader went away.
type failAfter struct {
	n      int
	writes int
}

func (f *failAfter) Write(p []byte) (int, error) {
	f.writes++
	if f.writes > f.n {
		return 0, fmt.Errorf("broken pipe")
	}
	return len(p), nil
}

func TestReporterStopsPrintingOnABrokenPipe(t *testing.T) {
	w := &failAfter{n: 1}
	rep := newTermReporter(w)
	for i := 0; i < 5; i++ {
		rep.Output(workbench.StepInfo{}, runner.Chunk{Stream: runner.Stdout, Data: []byte("line\n")})
	}
	if w.writes != 2 {
		t.Errorf("%d writes, want 2 (one that worked, one that failed, then none)", w.writes)
	}
}
