package workbench

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"eightfold/backend/store"
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
