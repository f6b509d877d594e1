package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// burstDebounce is used by the tests that count batches of a long burst: a
// busy 2-core machine can pause a writer for longer than the 25 ms default.
const burstDebounce = 150 * time.Millisecond

func TestAtomicSaveIsOneBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		save func(t *testing.T, target string)
		want []string
	}{
		{"temp file renamed over the target", func(t *testing.T, target string) {
			tmp := filepath.Join(filepath.Dir(target), ".main.go.tmp-4242")
			writeFile(t, tmp, "package main // saved")
			must(t, os.Rename(tmp, target))
		}, []string{".main.go.tmp-4242", "main.go"}},
		{"JetBrains safe write", func(t *testing.T, target string) {
			writeFile(t, target+"___jb_tmp___", "package main // saved")
			must(t, os.Rename(target, target+"___jb_old___"))
			must(t, os.Rename(target+"___jb_tmp___", target))
			must(t, os.Remove(target+"___jb_old___"))
		}, []string{"main.go"}},
		{"vim with backup and write test", func(t *testing.T, target string) {
			dir := filepath.Dir(target)
			writeFile(t, filepath.Join(dir, "4913"), "")
			must(t, os.Remove(filepath.Join(dir, "4913")))
			must(t, os.Rename(target, target+"~"))
			writeFile(t, target, "package main // saved")
			must(t, os.Remove(target+"~"))
		}, []string{"main.go"}},
		{"VS Code atomic write", func(t *testing.T, target string) {
			writeFile(t, target+".vsctmp", "package main // saved")
			must(t, os.Rename(target+".vsctmp", target))
		}, []string{"main.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := newTree(t, "main.go")
			w := watchTree(t, root, Options{}) // the default debounce
			tt.save(t, filepath.Join(root, "main.go"))
			expectFiles(t, w, tt.want...)
			noBatch(t, w, time.Second)
		})
	}
}

func TestNewDirectoriesAreWatched(t *testing.T) {
	t.Parallel()
	t.Run("mkdir -p and a file written at once", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		w := watchTree(t, root, Options{})
		must(t, os.MkdirAll(filepath.Join(root, "a/b/c"), 0o755))
		expectNewFiles(t, w, root, "a/b/c/x.go") // directories are not listed
		waitDirs(t, w, 4)
		expectNewFiles(t, w, root, "a/b/c/y.go")
	})
	t.Run("a tree moved in from outside", func(t *testing.T) {
		t.Parallel()
		root, outside := t.TempDir(), t.TempDir()
		w := watchTree(t, root, Options{})
		mkTree(t, outside, "pkg/a.go", "pkg/sub/b.go", "pkg/node_modules/x.js")
		must(t, os.Rename(filepath.Join(outside, "pkg"), filepath.Join(root, "pkg")))
		collect(t, w, "pkg/a.go", "pkg/sub/b.go")
		waitDirs(t, w, 3)
	})
}

func TestRemovedAndRenamedDirectories(t *testing.T) {
	t.Parallel()
	root := newTree(t, "a/b/c/", "p/q/x.go", "keep/")
	w := watchTree(t, root, Options{})
	expectDirs(t, w, 7)

	must(t, os.RemoveAll(filepath.Join(root, "a")))
	collect(t, w, "a", "a/b", "a/b/c")
	expectDirs(t, w, 4, "after rm -rf a")

	must(t, os.Rename(filepath.Join(root, "p"), filepath.Join(root, "r")))
	collect(t, w, "p", "r/q/x.go")
	expectDirs(t, w, 4, "after mv p r")
	// The kernel keeps one watch descriptor per inode: the events from the
	// renamed tree must carry the new path.
	expectNewFiles(t, w, root, "r/q/y.go")

	must(t, os.Rename(filepath.Join(root, "r"), filepath.Join(root, "keep/r")))
	collect(t, w, "keep/r/q/x.go", "keep/r/q/y.go", "r")
	expectNewFiles(t, w, root, "keep/r/q/z.go")
	expectDirs(t, w, 4, "after mv r keep/r")
}

func TestChmodOnlyIsDropped(t *testing.T) {
	t.Parallel()
	root := newTree(t, "run.sh", "sub/")
	w := watchTree(t, root, Options{})
	must(t, os.Chmod(filepath.Join(root, "run.sh"), 0o755))
	must(t, os.Chmod(filepath.Join(root, "sub"), 0o700))
	must(t, os.Chtimes(filepath.Join(root, "run.sh"), time.Now(), time.Now()))
	collect(t, w, sentinel(t, root))
}

func TestBurstIsOneBatch(t *testing.T) {
	t.Parallel()
	testBursts(t, bursts{
		watch: func(t testing.TB, root string) *Watcher {
			return watchTree(t, root, Options{Debounce: burstDebounce})
		},
		name: func(i int) string { return fmt.Sprintf("f%04d.txt", i) },
		check: func(t *testing.T, _ *Watcher, b Batch) {
			if !b.First.Before(b.Last) {
				t.Fatalf("First %v is not before Last %v", b.First, b.Last)
			}
		},
	})
}

func TestMaxWaitSplitsAStream(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w := watchTree(t, root, Options{Debounce: burstDebounce, MaxWait: 100 * time.Millisecond})
	done := make(chan error, 1)
	go func() { // a write every 10 ms for 300 ms: never quiet for the debounce window
		var err error
		for i, stop := 0, time.Now().Add(300*time.Millisecond); err == nil && time.Now().Before(stop); i++ {
			err = os.WriteFile(filepath.Join(root, "stream.txt"), []byte(fmt.Sprint(i)), 0o644)
			time.Sleep(10 * time.Millisecond)
		}
		done <- err
	}()
	batches := 0
	for quiet := time.After(patience); ; {
		select {
		case <-w.Batches():
			batches++
			continue
		case err := <-done:
			must(t, err)
			quiet = time.After(time.Second)
			continue
		case <-quiet:
		}
		break
	}
	if batches < 2 {
		t.Fatalf("got %d batch for a 300 ms stream with MaxWait 100 ms, want at least 2", batches)
	}
}

func TestSlowReaderGetsMergedBatch(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w := watchTree(t, root, Options{Debounce: MinDebounce})
	writeFile(t, filepath.Join(root, "one.txt"), "1")
	time.Sleep(200 * time.Millisecond) // the first burst ends; nobody reads it
	writeFile(t, filepath.Join(root, "two.txt"), "2")
	time.Sleep(200 * time.Millisecond)
	b := expectFiles(t, w, "one.txt", "two.txt")
	if b.Count != 2 {
		t.Fatalf("Count = %d, want 2", b.Count)
	}
}

func TestOverflowRescans(t *testing.T) {
	t.Parallel()
	root := newTree(t, "src/main.go")
	var refuse atomic.Bool
	refuse.Store(true)
	w, err := start(Options{Root: root}, func(add func(string) error) func(string) error {
		return func(dir string) error {
			if filepath.Base(dir) == "late" && refuse.Load() {
				return syscall.EACCES // an unwatchable directory is left out quietly
			}
			return add(dir)
		}
	})
	must(t, err)
	t.Cleanup(func() { w.Close() })

	must(t, os.Mkdir(filepath.Join(root, "late"), 0o755))
	collect(t, w, sentinel(t, root))
	expectDirs(t, w, 2, "late/ refused")

	// Events were lost: the rescan must find late/ and keep the rest.
	refuse.Store(false)
	w.fs.Errors <- fsnotify.ErrEventOverflow
	b := next(t, w)
	if !b.Overflow || b.Err != nil {
		t.Fatalf("batch = %+v, want Overflow and no error", b)
	}
	expectDirs(t, w, 3, "after the rescan")
	writeFile(t, filepath.Join(root, "late/x.go"), "package late")
	writeFile(t, filepath.Join(root, "src/main.go"), "package main")
	collect(t, w, "late/x.go", "src/main.go")
}

func TestRootRemovedIsAnError(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "repo")
	mkTree(t, root, "main.go")
	w := watchTree(t, root, Options{})
	must(t, os.RemoveAll(root))
	expectRootRemoved(t, w)
}

func TestOtherErrorsTravelWithABatch(t *testing.T) {
	t.Parallel()
	w := watchTree(t, t.TempDir(), Options{})
	boom := errors.New("boom")
	w.fs.Errors <- boom
	if b := next(t, w); !errors.Is(b.Err, boom) {
		t.Fatalf("batch error = %v, want boom", b.Err)
	}
}

func TestCloseEndsBatches(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w, err := New(Options{Root: root})
	must(t, err)
	must(t, w.Close())
	must(t, w.Close())
	if _, ok := <-w.Batches(); ok {
		t.Fatal("Batches still open after Close")
	}
}

func TestNewRejectsBadRoot(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, "x")
	for _, root := range []string{filepath.Join(file, "..", "missing"), file} {
		if w, err := New(Options{Root: root}); err == nil {
			w.Close()
			t.Errorf("New(%q) succeeded", root)
		}
	}
}

func TestOptionDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, wantDebounce, inMax, wantMax time.Duration
	}{
		{0, DefaultDebounce, 0, DefaultMaxWait},
		{time.Millisecond, MinDebounce, -time.Second, DefaultMaxWait},
		{-time.Millisecond, MinDebounce, time.Second, time.Second},
		{200 * time.Millisecond, 200 * time.Millisecond, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		got, err := normalize(Options{Root: t.TempDir(), Debounce: tt.in, MaxWait: tt.inMax})
		must(t, err)
		if got.Debounce != tt.wantDebounce || got.MaxWait != tt.wantMax {
			t.Errorf("normalize(%v, %v) = %v, %v; want %v, %v",
				tt.in, tt.inMax, got.Debounce, got.MaxWait, tt.wantDebounce, tt.wantMax)
		}
	}
}
