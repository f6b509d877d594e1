package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// watchedProject opens dir in a data dir of its own and watches it until the test ends.
func watchedProject(t *testing.T, dir string) *workbench.Project {
	t.Helper()
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := workbench.Open(s, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := p.WatchInBackground(workbench.WatchOptions{RunAtStart: true})
	t.Cleanup(func() { stop(); p.Close(); s.Close() })
	return p
}

// runsDone waits until n runs have ended and returns them, newest first.
func runsDone(t *testing.T, p *workbench.Project, n int) []workbench.RunInfo {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		runs, err := p.Runs(100)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) >= n && runs[0].Status != "running" {
			return runs
		}
	}
	t.Fatalf("%d runs did not end within 60 s", n)
	return nil
}

// The keys of `eightfold watch`: r runs the last run's Go packages again, a runs everything,
// p pauses auto-running, q quits.
func TestWatchKeys(t *testing.T) {
	dir := repo(t, map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n",
		"a/a.go":      "package a\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
		"d/d.go":      "package d\n",
		"d/d_test.go": "package d\n\nimport \"testing\"\n\nfunc TestD(t *testing.T) {}\n",
	})
	p := watchedProject(t, dir)
	runsDone(t, p, 1)
	os.WriteFile(filepath.Join(dir, "d", "d.go"), []byte("package d // changed\n"), 0o644)
	if r := runsDone(t, p, 2)[0]; r.Scope == nil {
		t.Fatalf("a change to d should test d alone: %+v", r)
	}
	k := &keys{}
	quit := false
	press := func(key byte) {
		t.Helper()
		if err := k.press(key, func() { quit = true }, p); err != nil {
			t.Fatalf("key %c: %v", key, err)
		}
	}
	press('r')
	r := runsDone(t, p, 3)[0]
	if r.Trigger != workbench.TriggerManual || r.Scope == nil || !slices.Equal(r.Scope.Packages, []string{"example.com/m/d"}) {
		t.Errorf("r: trigger %s, scope %+v; want the packages of the run before", r.Trigger, r.Scope)
	}
	press('a')
	r = runsDone(t, p, 4)[0]
	if r.Trigger != workbench.TriggerManual || r.Scope != nil || r.Tests.Total != 2 {
		t.Errorf("a: trigger %s, scope %+v, %d tests; want everything", r.Trigger, r.Scope, r.Tests.Total)
	}
	press('p')
	for deadline := time.Now().Add(10 * time.Second); p.WatchState().Auto && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if p.WatchState().Auto {
		t.Error("p did not pause auto-running")
	}
	press('q')
	if !quit {
		t.Error("q did not quit")
	}
}

// Quitting `eightfold watch` stops the run in progress with its whole process group, and
// the history records why each run happened: the change run with its files.
func TestWatchQuitKillsChildrenAndHistoryHasTheTrigger(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	dir := repo(t, map[string]string{
		"eightfold.yaml": "steps:\n  - {name: slow, run: 'echo $$ >> " + pids + "; sleep 300 & echo $! >> " + pids + "; echo go; wait'}\n",
	})
	home := t.TempDir()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int)
	go func() { done <- Main([]string{"watch", "--dir", dir, "--home", home}, stdout, stderr, Faces{}) }()
	waitPIDs(t, pids, 2)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	group := waitPIDs(t, pids, 4)
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("watch did not stop on Ctrl+C")
	}
	for _, pid := range group {
		if running(pid) {
			t.Errorf("process %d is still running after watch quit", pid)
		}
	}
	out := &syncBuffer{}
	if code := Main([]string{"history", "--dir", dir, "--home", home, "--json"}, out, stderr, Faces{}); code != 0 {
		t.Fatalf("history: exit %d: %s", code, stderr.String())
	}
	var runs []struct {
		Trigger      string   `json:"trigger"`
		Status       string   `json:"status"`
		Reason       string   `json:"reason"`
		ChangedFiles []string `json:"changed_files"`
		ChangedCount int      `json:"changed_count"`
	}
	if err := json.Unmarshal([]byte(out.String()), &runs); err != nil || len(runs) != 2 {
		t.Fatalf("history --json: %v\n%s", err, out.String())
	}
	change, start := runs[0], runs[1]
	if change.Trigger != "change" || !slices.Equal(change.ChangedFiles, []string{"a.txt"}) || change.ChangedCount != 1 || change.Status != "cancelled" {
		t.Errorf("the change run: %+v", change)
	}
	if start.Trigger != "start" || start.ChangedFiles == nil || len(start.ChangedFiles) != 0 || start.Reason != "superseded: a.txt changed" {
		t.Errorf("the start run: %+v", start)
	}
}

// waitPIDs waits until path lists n process ids and returns them.
func waitPIDs(t *testing.T, path string, n int) []int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(path)
		var pids []int
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
		if len(pids) >= n {
			return pids
		}
	}
	t.Fatalf("%s did not list %d processes within 30 s", path, n)
	return nil
}

// running reports whether pid is a live process; a zombie (killed, waiting to be reaped)
// is not.
func running(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
