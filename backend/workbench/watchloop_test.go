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
	p, rec := watched(t, "steps:\n  - {name: slow, run: 'echo go; sleep 30'}\n", WatchOptions{RunAtStart: true})
	waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
	touch(t, p, "a.go", "package a\n")
	runs := waitRuns(t, p, 1)
	first := runs[0]
	if first.Status != store.StatusCancelled || !strings.Contains(first.Reason, "superseded: a.go changed") {
		t.Errorf("first run: %q, reason %q", first.Status, first.Reason)
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
	if m := len(finished(t, p)); m != n || n > loopRuns+1 {
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
