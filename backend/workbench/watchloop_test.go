package workbench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"eightfold/backend/store"
)

// watched opens a project with the given eightfold.yaml and runs Watch on it until the test
// ends.
func watched(t *testing.T, yaml string, opts WatchOptions) (*Project, *recorder) {
	t.Helper()
	p, rec := newProject(t, yaml)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	waitFor(t, func() bool { return p.WatchState().Watching })
	return p, rec
}

func touch(t *testing.T, p *Project, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(p.Dir(), name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// finished returns the runs that have ended, oldest first.
func finished(t *testing.T, p *Project) []RunInfo {
	t.Helper()
	runs, err := p.Runs(100)
	if err != nil {
		t.Fatal(err)
	}
	var out []RunInfo
	for _, r := range slices.Backward(runs) {
		if r.Status != store.StatusRunning {
			out = append(out, r)
		}
	}
	return out
}

func waitRuns(t *testing.T, p *Project, n int) []RunInfo {
	t.Helper()
	var runs []RunInfo
	waitFor(t, func() bool { runs = finished(t, p); return len(runs) >= n })
	return runs
}

func TestWatchRunsAtStartThenOnChange(t *testing.T) {
	p, _ := watched(t, "steps:\n  - {name: a, run: 'cat *.txt 2>/dev/null; true'}\n", WatchOptions{RunAtStart: true})
	runs := waitRuns(t, p, 1)
	if runs[0].Trigger != TriggerStart || runs[0].Status != store.StatusPassed {
		t.Fatalf("first run %+v", runs[0])
	}
	touch(t, p, "hello.txt", "hi\n")
	runs = waitRuns(t, p, 2)
	r := runs[1]
	if r.Trigger != TriggerChange || !slices.Equal(r.Changed, []string{"hello.txt"}) || r.ChangedN != 1 {
		t.Errorf("change run: trigger %q, files %v, count %d", r.Trigger, r.Changed, r.ChangedN)
	}
	if st := p.WatchState(); !st.Auto || st.Dirs < 1 || st.Pending != 0 {
		t.Errorf("state %+v", st)
	}
}

func TestChangeDuringRunRestartsIt(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	p, rec := watched(t, "steps:\n  - {name: slow, run: 'echo $$ >> "+pids+"; sleep 30 & echo $! >> "+pids+"; echo go; wait'}\n", WatchOptions{RunAtStart: true})
	waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
	group := waitForPIDs(t, pids, 2)
	touch(t, p, "a.go", "package a\n")
	runs := waitRuns(t, p, 1)
	first := runs[0]
	if first.Status != store.StatusCancelled || !strings.Contains(first.Reason, "superseded: a.go changed") {
		t.Errorf("first run: %q, reason %q", first.Status, first.Reason)
	}
	for _, pid := range group {
		if alive(pid) {
			t.Errorf("process %d of the cancelled run is still alive", pid)
		}
	}
	waitFor(t, func() bool {
		all, _ := p.Runs(10)
		return len(all) == 2 && all[0].Status == store.StatusRunning && slices.Equal(all[0].Changed, []string{"a.go"})
	})
}

func TestQueueWaitsForTheRun(t *testing.T) {
	p, rec := watched(t, "watch: {on_change_while_running: queue}\nsteps:\n  - {name: slowish, run: 'echo go; sleep 1'}\n", WatchOptions{RunAtStart: true})
	waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
	touch(t, p, "a.go", "package a\n")
	touch(t, p, "b.go", "package a\n")
	runs := waitRuns(t, p, 2)
	if runs[0].Status != store.StatusPassed {
		t.Errorf("the first run should finish, got %q", runs[0].Status)
	}
	if !slices.Equal(runs[1].Changed, []string{"a.go", "b.go"}) {
		t.Errorf("queued run files %v", runs[1].Changed)
	}
}

func TestSelfWritingBuildPausesAutoRun(t *testing.T) {
	p, _ := watched(t, "steps:\n  - {name: gen, run: 'date +%s%N >> generated.txt'}\n", WatchOptions{RunAtStart: true})
	waitFor(t, func() bool { return p.WatchState().Loop != "" })
	st := p.WatchState()
	if st.Auto || !strings.Contains(st.Loop, "generated.txt") || !strings.Contains(st.Loop, "watch.ignore") {
		t.Errorf("state %+v", st)
	}
	n := len(finished(t, p))
	time.Sleep(300 * time.Millisecond) // a loop would have started more runs by now
	// A run whose write reached the watcher before its command ended is cancelled by it:
	// it counts only once a run that ended by itself has begun the count.
	if m := len(finished(t, p)); m != n || n > 2*loopRuns {
		t.Errorf("runs went on after the pause: %d then %d", n, m)
	}
}

func TestAutoOffKeepsChangesPending(t *testing.T) {
	p, _ := watched(t, "steps:\n  - {name: a, run: 'true'}\n", WatchOptions{})
	if err := p.SetAutoRun(false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return !p.WatchState().Auto })
	touch(t, p, "x.txt", "1")
	waitFor(t, func() bool { return p.WatchState().Pending == 1 })
	if runs := finished(t, p); len(runs) != 0 {
		t.Fatalf("a run started with auto-run off: %+v", runs)
	}
	if err := p.SetAutoRun(true); err != nil {
		t.Fatal(err)
	}
	runs := waitRuns(t, p, 1)
	if !slices.Equal(runs[0].Changed, []string{"x.txt"}) {
		t.Errorf("pending run files %v", runs[0].Changed)
	}
}

func TestSetAutoRunWithoutWatching(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: a, run: 'true'}\n")
	if err := p.SetAutoRun(true); !isCode(err, CodeConflict) {
		t.Errorf("want a conflict, got %v", err)
	}
}

// TestDataDirInsideTheRepositoryIsNotWatched: eightfold's own database writes must never
// start runs, wherever the data dir is.
func TestDataDirInsideTheRepositoryIsNotWatched(t *testing.T) {
	for _, sub := range []string{".eightfold", "."} {
		t.Run(sub, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "eightfold.yaml"), []byte("steps:\n  - {name: a, run: 'true'}\n"), 0o644)
			s, err := store.Open(filepath.Join(dir, sub))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, err := Open(s, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			stop := p.WatchInBackground(WatchOptions{RunAtStart: true})
			waitRuns(t, p, 1)
			time.Sleep(time.Second) // runs triggered by the database would have started by now
			stop()
			p.Close()
			if runs := finished(t, p); len(runs) != 1 {
				t.Errorf("%d runs; the database's own writes started runs: %+v", len(runs), runs[len(runs)-1].Changed)
			}
		})
	}
}

// The JUnit files a step writes for Eightfold to read do not start the next run.
func TestJUnitReportsDoNotRetrigger(t *testing.T) {
	p, _ := watched(t, `steps:
  - name: e2e
    run: mkdir -p reports && echo '<testsuite name="s"><testcase name="ok"/></testsuite>' > reports/out.xml
    report: junit:reports/*.xml
`, WatchOptions{RunAtStart: true})
	waitRuns(t, p, 1)
	touch(t, p, "trigger.txt", "change")
	runs := waitRuns(t, p, 2)
	time.Sleep(500 * time.Millisecond) // a run started by the report would be going by now
	if n := len(finished(t, p)); n != 2 || p.WatchState().Loop != "" || runs[1].Trigger != TriggerChange || runs[1].Tests.Total != 1 {
		t.Errorf("%d runs (want 2), loop %q, second run %+v", n, p.WatchState().Loop, runs[1])
	}
}

// A user saving the same file again and again during slow runs is not a loop: each save
// supersedes the run (restart), or the saves land at no steady time into the runs (queue).
func TestUserSavesDuringSlowRunsDoNotPauseAutoRun(t *testing.T) {
	for _, mode := range []string{"restart", "queue"} {
		t.Run(mode, func(t *testing.T) {
			p, rec := watched(t, "watch: {on_change_while_running: "+mode+"}\nsteps:\n  - {name: slow, run: 'echo go; sleep 2'}\n", WatchOptions{RunAtStart: true})
			waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
			for i := range 3 {
				touch(t, p, "a.go", "package a // "+strconv.Itoa(i)+"\n")
				time.Sleep(700 * time.Millisecond)
			}
			waitFor(t, func() bool {
				all, _ := p.Runs(10)
				return all[0].Status != store.StatusRunning && slices.Equal(all[0].Changed, []string{"a.go"}) || p.WatchState().Loop != ""
			})
			if st := p.WatchState(); st.Loop != "" || !st.Auto {
				t.Errorf("three saves of a.go paused auto-run: %+v", st)
			}
		})
	}
}

// A pipeline that writes a new file each run (named by the date) loops just the same.
func TestPipelineWritingNewFilesEachRunPausesAutoRun(t *testing.T) {
	p, _ := watched(t, "steps:\n  - {name: gen, run: 'mkdir -p out && date +%s%N > out/$(date +%s%N).txt'}\n", WatchOptions{RunAtStart: true})
	waitFor(t, func() bool { return p.WatchState().Loop != "" })
	if st := p.WatchState(); st.Auto || !strings.Contains(st.Loop, "out/") {
		t.Errorf("state %+v", st)
	}
	if n := len(finished(t, p)); n < loopRuns || n > 2*loopRuns {
		t.Errorf("%d runs before the pause, want %d (more when the first is cancelled by its own write)", n, loopRuns)
	}
}

// The first run after Watch starts (without a run at start, as in the desktop and browser
// faces) tests everything; the next change is narrowed.
func TestFirstChangeRunAfterWatchStartsRunsEverything(t *testing.T) {
	p, _ := newProject(t, "")
	writeTree(t, p.Dir(), map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n",
		"a/a.go":      "package a\n\nfunc A() int { return 1 }\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
		"d/d.go":      "package d\n\nfunc D() {}\n",
		"d/d_test.go": "package d\n\nimport \"testing\"\n\nfunc TestD(t *testing.T) {}\n",
	})
	stop := p.WatchInBackground(WatchOptions{})
	defer stop()
	waitFor(t, func() bool { return p.WatchState().Watching })
	writeTree(t, p.Dir(), map[string]string{"a/a.go": "package a\n\nfunc A() int { return 2 }\n"})
	first := waitRuns(t, p, 1)[0]
	if first.Trigger != TriggerChange || first.Scope != nil || first.Steps[1].Command != "go test -json ./..." {
		t.Fatalf("the first run should test everything: trigger %s, scope %+v, command %q", first.Trigger, first.Scope, first.Steps[1].Command)
	}
	writeTree(t, p.Dir(), map[string]string{"a/a.go": "package a\n\nfunc A() int { return 3 }\n"})
	r := waitRuns(t, p, 2)[1]
	if r.Scope == nil || !slices.Equal(r.Scope.Packages, []string{"example.com/m/a"}) {
		t.Errorf("the second run should test a alone: scope %+v", r.Scope)
	}
}

// A superseded run does not hold its successor back while its `git status` is still
// going: with a git that answers only when told to, the next run starts all the same.
func TestSupersededRunDoesNotWaitForGit(t *testing.T) {
	p, rec := newProject(t, "steps:\n  - {name: slow, run: 'echo go; sleep 30'}\n")
	gitInit(t, p.Dir())
	bin, release := t.TempDir(), filepath.Join(t.TempDir(), "release")
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\ncase \" $* \" in *\" status \"*) while [ ! -e " + release + " ]; do sleep 0.01; done;; esac\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	stop := p.WatchInBackground(WatchOptions{RunAtStart: true})
	defer stop()
	defer os.WriteFile(release, nil, 0o644) // let a held git status end before stop waits for it
	waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
	touch(t, p, "a.txt", "1")
	waitFor(t, func() bool {
		all, _ := p.Runs(10)
		return len(all) == 2 && all[0].Status == store.StatusRunning && all[1].Status == store.StatusCancelled
	})
	if _, err := os.Stat(release); err == nil {
		t.Fatal("git status was released before the second run started")
	}
	first := finished(t, p)[0]
	if first.Commit != "" {
		t.Errorf("the held git status of run #%d has answered: commit %q", first.ID, first.Commit)
	}
	os.WriteFile(release, nil, 0o644)
	waitFor(t, func() bool { r, _ := p.GetRun(first.ID); return r.Commit != "" }) // recorded later all the same
}
