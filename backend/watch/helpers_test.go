package watch

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
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

// expectDirs asserts that w watches want directories now; a note says when
// or why.
func expectDirs(t testing.TB, w *Watcher, want int, note ...string) {
	t.Helper()
	if got := w.Dirs(); got != want {
		t.Fatalf("%s", strings.Join(append(note, fmt.Sprintf("Dirs() = %d, want %d", got, want)), ": "))
	}
}

// bursts says how testBursts watches a tree, names the files of its burst of
// new files, and checks the batch of that burst further.
type bursts struct {
	watch func(t testing.TB, root string) *Watcher
	name  func(i int) string
	check func(t *testing.T, w *Watcher, b Batch)
}

// testBursts runs two parallel subtests on watchers that bb.watch starts,
// each asserting that a burst comes as one batch and that no batch follows:
// 1,000 writes to one file through one open file, listed once; and 1,000 new
// files, the i-th named bb.name(i), all counted, the first MaxFiles listed,
// with no error.
func testBursts(t *testing.T, bb bursts) {
	t.Run("1,000 writes to one file", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		w := bb.watch(t, root)
		f, err := os.Create(filepath.Join(root, "out.txt"))
		must(t, err)
		for i := range 1000 {
			_, err := fmt.Fprintf(f, "line %d\n", i)
			must(t, err)
		}
		must(t, f.Close())
		b := expectFiles(t, w, "out.txt")
		if b.Count != 1 || b.Overflow || b.Err != nil {
			t.Fatalf("batch = %+v, want Count 1 and nothing else", b)
		}
		noBatch(t, w, time.Second)
	})
	t.Run("1,000 new files", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		w := bb.watch(t, root)
		var want []string
		for i := range 1000 {
			rel := bb.name(i)
			writeFile(t, filepath.Join(root, rel), "x")
			want = append(want, rel)
		}
		b := next(t, w)
		if b.Count != 1000 || !slices.Equal(b.Files, want[:MaxFiles]) || b.Err != nil {
			t.Fatalf("batch has Count %d, files %q… and error %v; want Count 1000 and the first %d names",
				b.Count, b.Files[:min(3, len(b.Files))], b.Err, MaxFiles)
		}
		noBatch(t, w, time.Second)
		bb.check(t, w, b)
	})
}

// expectRootRemoved reads batches until one carries an error, and asserts
// that the error says the root is gone.
func expectRootRemoved(t testing.TB, w *Watcher) {
	t.Helper()
	for {
		if b := next(t, w); b.Err != nil {
			if !strings.Contains(b.Err.Error(), "removed or moved away") {
				t.Fatalf("batch error = %v, want the root removed", b.Err)
			}
			return
		}
	}
}

// bigIgnoredTree makes a tree with src/ and big/ (two directories of a file
// each), and a .gitignore that ignores big/, and returns its root.
func bigIgnoredTree(t testing.TB) string {
	t.Helper()
	root := newTree(t, "big/a/x.js", "big/b/y.js", "src/")
	writeFile(t, filepath.Join(root, ".gitignore"), "big/\n")
	return root
}

// saveInPlace rewrites path with data as an editor that saves in place does:
// it truncates the file, and writes it after pause.
func saveInPlace(t testing.TB, path, data string, pause time.Duration) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	must(t, err)
	time.Sleep(pause)
	_, err = f.WriteString(data)
	must(t, err)
	must(t, f.Close())
}

// benchRepo generates the repository of BenchmarkSetup, by default or at
// EIGHTFOLD_BENCH_FULL=1 the full size, flushed to disk, and returns its root
// and its number of directories below src/.
func benchRepo(b *testing.B) (root string, dirs int) {
	b.Helper()
	dirs, modules := 1_000, 5_000
	if os.Getenv("EIGHTFOLD_BENCH_FULL") == "1" {
		dirs, modules = 10_000, 50_000
	}
	root = b.TempDir()
	generateRepo(b, root, dirs, modules)
	syscall.Sync() // time the watcher, not the writeback of the new tree
	return root, dirs
}

// newTree makes a temporary directory holding paths, as mkTree makes them,
// and returns it.
func newTree(t testing.TB, paths ...string) string {
	t.Helper()
	root := t.TempDir()
	mkTree(t, root, paths...)
	return root
}

// expectNewFiles creates the files rels below root, as mkTree does, and
// asserts that the batches list exactly them.
func expectNewFiles(t testing.TB, w *Watcher, root string, rels ...string) {
	t.Helper()
	mkTree(t, root, rels...)
	collect(t, w, rels...)
}
