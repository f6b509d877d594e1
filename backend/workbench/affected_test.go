package workbench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/store"
	"eightfold/backend/watch"
)

// writeTree writes files under dir, making directories as needed.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWatchTestsOnlyAffectedGoPackages: in a Go module where b imports a and d stands alone,
// saving a file of a tests a and b, not d; saving the README tests nothing (the build still
// runs); the first run tests everything.
func TestWatchTestsOnlyAffectedGoPackages(t *testing.T) {
	p, _ := newProject(t, "")
	writeTree(t, p.Dir(), map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n",
		"a/a.go":      "package a\n\nfunc A() int { return 1 }\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
		"b/b.go":      "package b\n\nimport \"example.com/m/a\"\n\nfunc B() int { return a.A() + 1 }\n",
		"b/b_test.go": "package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n",
		"d/d.go":      "package d\n\nfunc D() {}\n",
		"d/d_test.go": "package d\n\nimport \"testing\"\n\nfunc TestD(t *testing.T) {}\n",
		"README.md":   "# m\n",
	})
	stop := p.WatchInBackground(WatchOptions{RunAtStart: true})
	defer stop()
	first := waitRuns(t, p, 1)[0]
	if first.Scope != nil || first.Steps[1].Command != "go test -json ./..." {
		t.Fatalf("the first run should test everything: scope %+v, command %q", first.Scope, first.Steps[1].Command)
	}

	writeTree(t, p.Dir(), map[string]string{"a/a.go": "package a\n\nfunc A() int { return 2 }\n"})
	r := waitRuns(t, p, 2)[1]
	if r.Scope == nil || !slices.Equal(r.Scope.Packages, []string{"example.com/m/a", "example.com/m/b"}) {
		t.Fatalf("scope after a change to a: %+v", r.Scope)
	}
	if got := r.Steps[1].Command; got != "go test -json example.com/m/a example.com/m/b" || r.Status != store.StatusPassed {
		t.Errorf("test step %q, run %s", got, r.Status)
	}
	if r.Scope.Why["example.com/m/a"] != "changed" || r.Scope.Why["example.com/m/b"] == "" {
		t.Errorf("why: %v", r.Scope.Why)
	}

	writeTree(t, p.Dir(), map[string]string{"README.md": "# m, documented\n"})
	r = waitRuns(t, p, 3)[2]
	if r.Scope == nil || len(r.Scope.Packages) != 0 || r.Steps[0].Status != store.StatusPassed || r.Steps[1].Status != store.StatusSkipped {
		t.Errorf("a README change: scope %+v, steps %s/%s", r.Scope, r.Steps[0].Status, r.Steps[1].Status)
	}
}

// smallGoModule writes a module where b imports a and d stands alone, each with a test.
func smallGoModule(t *testing.T, dir string) {
	t.Helper()
	writeTree(t, dir, map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n",
		"a/a.go":      "package a\n\nfunc A() int { return 1 }\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
		"b/b.go":      "package b\n\nimport \"example.com/m/a\"\n\nfunc B() int { return a.A() + 1 }\n",
		"b/b_test.go": "package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n",
		"d/d.go":      "package d\n\nfunc D() {}\n",
		"d/d_test.go": "package d\n\nimport \"testing\"\n\nfunc TestD(t *testing.T) {}\n",
	})
}

// With watch.affected: false every change runs the whole test step.
func TestWatchAffectedOffRunsEverything(t *testing.T) {
	p, _ := newProject(t, "watch: {affected: false}\nsteps:\n  - {name: test, run: go test -json ./...}\n")
	smallGoModule(t, p.Dir())
	stop := p.WatchInBackground(WatchOptions{RunAtStart: true})
	defer stop()
	waitRuns(t, p, 1)
	writeTree(t, p.Dir(), map[string]string{"d/d.go": "package d\n\nfunc D() { _ = 1 }\n"})
	r := waitRuns(t, p, 2)[1]
	if r.Trigger != TriggerChange || r.Scope != nil || r.Steps[0].Command != "go test -json ./..." || r.Tests.Total != 3 {
		t.Errorf("change run: trigger %s, scope %+v, command %q, %d tests", r.Trigger, r.Scope, r.Steps[0].Command, r.Tests.Total)
	}
}

// When the change queue overflowed, which files changed is unknown: the run that follows
// tests everything, once.
func TestOverflowRunsEverythingOnce(t *testing.T) {
	p, _ := newProject(t, "")
	smallGoModule(t, p.Dir())
	w, err := watch.New(watch.Options{Root: p.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := p.newWatchLoop(ctx, config.DefaultWatch(), w, nil)
	defer l.stopRun(errors.New("the test ended"))
	run := func(b watch.Batch) RunInfo {
		t.Helper()
		b.First, b.Last = time.Now(), time.Now()
		l.onBatch(b)
		if l.run == nil {
			t.Fatalf("batch %+v started no run", b)
		}
		<-l.run.plan.done
		l.onRunEnd()
		got, err := p.GetRun(l.last.id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	run(watch.Batch{Files: []string{"a/a.go"}, Count: 1}) // the first run tests everything
	if r := run(watch.Batch{Files: []string{"d/d.go"}, Count: 1}); r.Scope == nil {
		t.Fatal("a change to d should test d alone")
	}
	r := run(watch.Batch{Files: []string{"d/d.go"}, Count: 1, Overflow: true})
	if r.Scope != nil || r.Steps[1].Command != "go test -json ./..." || r.Tests.Total != 3 {
		t.Errorf("overflow run: scope %+v, command %q, %d tests", r.Scope, r.Steps[1].Command, r.Tests.Total)
	}
	if r := run(watch.Batch{Files: []string{"d/d.go"}, Count: 1}); r.Scope == nil {
		t.Error("after the overflow run, a change to d should test d alone again")
	}
	if l.run != nil || l.state.Pending != 0 {
		t.Errorf("a run still going or changes pending: %+v", l.state)
	}
}
