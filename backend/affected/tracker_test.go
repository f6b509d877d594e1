package affected

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestTracker(t *testing.T) {
	t.Parallel()
	needGo(t)
	dir := writeModule(t, baseModule)
	tr := NewTracker(dir)
	loads := 0
	tr.load = func(ctx context.Context, root string) (*Graph, error) {
		loads++
		return Load(ctx, root)
	}
	ctx := t.Context()

	if err := tr.Warm(ctx); err != nil || loads != 1 {
		t.Fatalf("Warm: %v, %d loads", err, loads)
	}
	if err := tr.Warm(ctx); err != nil || loads != 1 {
		t.Fatalf("second Warm: %v, %d loads", err, loads)
	}

	// A body change: the warm graph answers.
	writeFile(t, dir, "d/d.go", strings.Replace(baseModule["d/d.go"], "ToUpper(s)", "ToUpper(s + \"\")", 1))
	if sel := tr.Select(ctx, []string{"d/d.go"}); !slices.Equal(sel.Packages, pkgs("d")) || loads != 1 {
		t.Fatalf("body change: %+v after %d loads", sel, loads)
	}

	// c now imports d: the graph is reloaded and d's change reaches c.
	writeFile(t, dir, "c/c.go", "package c\n\nimport (\n\t\"example.com/m/b\"\n\t\"example.com/m/d\"\n)\n\n// C adds one to b.B.\nfunc C(n int) int { _ = d.D(\"\"); return b.B(n) + 1 }\n")
	if sel := tr.Select(ctx, []string{"c/c.go"}); !slices.Equal(sel.Packages, pkgs("c")) || loads != 2 {
		t.Fatalf("import change: %+v after %d loads", sel, loads)
	}
	if sel := tr.Select(ctx, []string{"d/d.go"}); !slices.Equal(sel.Packages, pkgs("c", "d")) || loads != 2 {
		t.Fatalf("after reload: %+v after %d loads", sel, loads)
	}

	// A new package appears and is selected once the graph knows it.
	writeFile(t, dir, "n/n.go", "package n\n\nimport \"example.com/m/a\"\n\nvar N = a.A(3)\n")
	if sel := tr.Select(ctx, []string{"n/n.go"}); !slices.Equal(sel.Packages, pkgs("n")) || loads != 3 {
		t.Fatalf("new package: %+v after %d loads", sel, loads)
	}
	if sel := tr.Select(ctx, []string{"a/a.go"}); !slices.Equal(sel.Packages, pkgs("a", "b", "c", "e", "f", "n")) {
		t.Fatalf("leaf after the new package: %+v", sel)
	}

	// A broken go.mod: everything runs, and the reason says why.
	writeFile(t, dir, "go.mod", "module example.com/m\n\ngo 1.22\nrequire (\n")
	sel := tr.Select(ctx, []string{"go.mod"})
	if !sel.All || !strings.Contains(sel.Reason, "go.mod") || tr.Graph() != nil {
		t.Fatalf("broken go.mod: %+v, graph %v", sel, tr.Graph())
	}
	// Fixed again: back to selecting.
	writeFile(t, dir, "go.mod", baseModule["go.mod"])
	if sel := tr.Select(ctx, []string{"d/d.go"}); sel.All || !slices.Equal(sel.Packages, pkgs("c", "d")) {
		t.Fatalf("go.mod fixed: %+v", sel)
	}

	// A package deleted while others import it: its importers are selected (their tests
	// will say what broke). One that nothing imports: nothing to test.
	if err := os.RemoveAll(filepath.Join(dir, "a")); err != nil {
		t.Fatal(err)
	}
	sel = tr.Select(ctx, []string{"a/a.go", "a/a_test.go"})
	if sel.All || !slices.Equal(sel.Packages, pkgs("b", "c", "e", "f", "n")) || sel.Why[modPath+"/b"] != "imports example.com/m/a" {
		t.Fatalf("deleted package: %+v", sel)
	}
	if err := os.RemoveAll(filepath.Join(dir, "h")); err != nil {
		t.Fatal(err)
	}
	if sel := tr.Select(ctx, []string{"h/h.go", "h/h_test.go", "h/testdata/in.txt"}); !sel.Empty() {
		t.Fatalf("deleted package that nothing imports: %+v", sel)
	}

	tr.Reset()
	if tr.Graph() != nil {
		t.Fatal("Reset kept the graph")
	}
}

func TestTrackerConcurrent(t *testing.T) {
	t.Parallel()
	tr := NewTracker(writeModule(t, baseModule))
	needGo(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if sel := tr.Select(t.Context(), []string{"a/a.go"}); !slices.Equal(sel.Packages, pkgs("a", "b", "c", "e", "f")) {
				t.Errorf("concurrent Select: %+v", sel)
			}
		})
	}
	wg.Wait()
}
