package watch

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// patience bounds waits for something that should happen; the machine may be
// slow and busy, so it is generous and never a speed assertion.
const patience = 10 * time.Second

// TestMain keeps the tests away from the machine's git config: HOME and
// XDG_CONFIG_HOME point to an empty directory and the system config is off.
// Tests of global excludes set their own.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "watch-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.Unsetenv("GIT_CONFIG_GLOBAL")
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// mkTree creates paths below root: names ending in "/" are directories, the
// others files holding their own name.
func mkTree(t testing.TB, root string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		full := filepath.Join(root, p)
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFile(t, full, p)
	}
}

// writeFile writes data to path, creating its directory.
func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// watchTree starts a watcher on root with opts and closes it at the end.
func watchTree(t testing.TB, root string, opts Options) *Watcher {
	t.Helper()
	opts.Root = root
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// next returns the next batch.
func next(t testing.TB, w *Watcher) Batch {
	t.Helper()
	select {
	case b, ok := <-w.Batches():
		if !ok {
			t.Fatal("Batches closed")
		}
		return b
	case <-time.After(patience):
		t.Fatalf("no batch within %v", patience)
	}
	return Batch{}
}

// noBatch asserts that no batch comes within d.
func noBatch(t testing.TB, w *Watcher, d time.Duration) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch: %+v", b)
	case <-time.After(d):
	}
}

var sentinels atomic.Int64

// sentinel writes a new file to root and returns its relative path. Events
// come in order, so once the batch with the sentinel has arrived, everything
// done before it has been handled: when it comes alone, the earlier changes
// were ignored.
func sentinel(t testing.TB, root string) string {
	t.Helper()
	rel := fmt.Sprintf("sentinel-%d.txt", sentinels.Add(1))
	writeFile(t, filepath.Join(root, rel), "s")
	return rel
}

// expectFiles asserts that the next batch lists exactly want.
func expectFiles(t testing.TB, w *Watcher, want ...string) Batch {
	t.Helper()
	b := next(t, w)
	slices.Sort(want)
	if !slices.Equal(b.Files, want) {
		t.Fatalf("batch files = %q, want %q", b.Files, want)
	}
	return b
}

// waitDirs waits until w watches want directories.
func waitDirs(t testing.TB, w *Watcher, want int) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for w.Dirs() != want {
		if time.Now().After(deadline) {
			t.Fatalf("Dirs() = %d, want %d", w.Dirs(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// collect reads batches until they have listed every path in want, and
// asserts that they listed nothing else. Unlike expectFiles it accepts a
// burst split in several batches.
func collect(t testing.TB, w *Watcher, want ...string) {
	t.Helper()
	seen := map[string]bool{}
	for missing := len(want); missing > 0; {
		for _, f := range next(t, w).Files {
			if !seen[f] {
				seen[f] = true
				if slices.Contains(want, f) {
					missing--
				}
			}
		}
	}
	if len(seen) != len(want) {
		got := slices.Sorted(maps.Keys(seen))
		t.Fatalf("batches listed %q, want %q", got, want)
	}
}
