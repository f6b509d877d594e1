package workbench_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/demo"
	"eightfold/backend/vcs"
	"eightfold/backend/workbench"
)

// openDemo makes a demo project with `eightfold demo`'s code and opens it.
func openDemo(t *testing.T) *workbench.Project {
	t.Helper()
	home := t.TempDir()
	res, err := demo.Create(demo.Options{Dir: filepath.Join(t.TempDir(), "shop"), Home: home})
	if err != nil {
		t.Fatal(err)
	}
	return open(t, home, res.Dir)
}

func open(t *testing.T, home, dir string) *workbench.Project {
	t.Helper()
	p, err := workbench.OpenInDataDir(home, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func change(e demo.Edit, commit string) workbench.DemoChange {
	return workbench.DemoChange{File: e.File, Apply: e.Apply, Commit: commit}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func code(err error) string {
	var c interface{ Code() string }
	if errors.As(err, &c) {
		return c.Code()
	}
	return ""
}

func TestDemoIsMarkedAndIgnoredByGit(t *testing.T) {
	t.Parallel()
	p := openDemo(t)
	info, err := p.Info()
	if err != nil {
		t.Fatal(err)
	}
	if !info.Demo || info.Dirty {
		t.Errorf("demo %v, dirty %v: want a demo with a clean tree (the marker ignored)", info.Demo, info.Dirty)
	}
	other := open(t, t.TempDir(), t.TempDir())
	if info, err := other.Info(); err != nil || info.Demo {
		t.Errorf("a plain directory: demo %v, err %v", info.Demo, err)
	}
}

func TestDemoEditChangesTheWorkTreeAndUndoRestoresIt(t *testing.T) {
	t.Parallel()
	p := openDemo(t)
	path := filepath.Join(p.Dir(), demo.BreakTest.File)
	before := read(t, path)
	if err := p.DemoEdit(change(demo.BreakTest, "")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); !strings.Contains(got, demo.BreakTest.New) || strings.Contains(got, demo.BreakTest.Old) {
		t.Fatalf("after the edit %s reads:\n%s", demo.BreakTest.File, got)
	}
	if st, err := vcs.Read(p.Dir()); err != nil || !st.Dirty {
		t.Errorf("an uncommitted edit: dirty %v, err %v", st.Dirty, err)
	}
	err := p.DemoEdit(change(demo.BreakTest, ""))
	if code(err) != workbench.CodeConflict || !strings.Contains(err.Error(), "no line reads") {
		t.Errorf("the same edit twice: %v (code %q)", err, code(err))
	}
	if err := p.DemoEdit(change(demo.BreakTest.Undo(), "")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != before {
		t.Errorf("undo left %s as:\n%s", demo.BreakTest.File, got)
	}
}

func TestDemoEditCommitsWhenAsked(t *testing.T) {
	t.Parallel()
	p := openDemo(t)
	path := filepath.Join(p.Dir(), demo.BreakHealth.File)
	before := read(t, path)
	if err := p.DemoEdit(change(demo.BreakHealth, "fix: break health")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); !strings.Contains(got, demo.BreakHealth.New) {
		t.Fatalf("after the edit %s reads:\n%s", demo.BreakHealth.File, got)
	}
	if st, err := vcs.Read(p.Dir()); err != nil || st.Dirty {
		t.Errorf("a committed edit: dirty %v, err %v", st.Dirty, err)
	}
	if got := gitLog(t, p.Dir()); !strings.HasPrefix(got, "fix: break health\nEightfold Demo\n") {
		t.Errorf("HEAD is %q, want the tour's commit by the demo's author", got)
	}
	if err := p.DemoEdit(change(demo.BreakHealth.Undo(), "fix: mend health")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != before {
		t.Errorf("undo left %s as:\n%s", demo.BreakHealth.File, got)
	}
}

func TestDemoEditRefusesAProjectNotMadeByTheDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, demo.BreakTest.File)
	src := "package shop\n\n\tif sum > 0 && sum < freeShippingFrom {\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := open(t, t.TempDir(), dir)
	err := p.DemoEdit(change(demo.BreakTest, ""))
	if code(err) != workbench.CodeBadRequest || !strings.Contains(err.Error(), "eightfold demo") {
		t.Errorf("DemoEdit outside a demo: %v (code %q)", err, code(err))
	}
	if got := read(t, path); got != src {
		t.Errorf("the refused edit changed the file:\n%s", got)
	}
}

// gitLog is HEAD's subject and author name, one a line.
func gitLog(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%s%n%an").CombinedOutput()
	if err != nil {
		t.Fatalf("git log: %v\n%s", err, out)
	}
	return string(out)
}
