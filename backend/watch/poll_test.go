package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// pollEvery is the interval of the polling tests: the shortest allowed.
const pollEvery = MinPoll

// pollBurstDebounce is the debounce of the tests that count the batches of a
// long burst: a scan competes with the writer for the CPU, so a busy machine
// can pause the writer for longer than burstDebounce.
const pollBurstDebounce = 500 * time.Millisecond

// pollTree starts a polling watcher on root; the debounce is burstDebounce
// unless opts sets one, as a busy machine can pause a writer between the
// truncation and the write of one save.
func pollTree(t testing.TB, root string, opts Options) *Watcher {
	t.Helper()
	opts.Poll = pollEvery
	if opts.Debounce == 0 {
		opts.Debounce = burstDebounce
	}
	w := watchTree(t, root, opts)
	if !w.polling() {
		t.Fatal("the watcher uses inotify")
	}
	return w
}

func TestPollCreateModifyDelete(t *testing.T) {
	t.Parallel()
	root := newTree(t, "keep.txt", "run.sh")
	w := pollTree(t, root, Options{})
	quiet := 3 * pollEvery

	writeFile(t, filepath.Join(root, "new.go"), "package a")
	expectFiles(t, w, "new.go")
	noBatch(t, w, quiet)

	writeFile(t, filepath.Join(root, "new.go"), "package b") // the same size: the mtime tells
	expectFiles(t, w, "new.go")
	noBatch(t, w, quiet)

	writeFile(t, filepath.Join(root, "new.go"), "package main")
	expectFiles(t, w, "new.go")
	noBatch(t, w, quiet)

	must(t, os.Remove(filepath.Join(root, "new.go")))
	b := expectFiles(t, w, "new.go")
	if b.Count != 1 || b.Overflow || b.Err != nil {
		t.Fatalf("batch = %+v, want Count 1 and nothing else", b)
	}
	noBatch(t, w, quiet)

	must(t, os.Chmod(filepath.Join(root, "run.sh"), 0o755)) // chmod alone is no change, as with inotify
	noBatch(t, w, quiet)

	// A file replaced by a directory, and back.
	must(t, os.Remove(filepath.Join(root, "keep.txt")))
	writeFile(t, filepath.Join(root, "keep.txt/inside.txt"), "x")
	collect(t, w, "keep.txt", "keep.txt/inside.txt")
	waitDirs(t, w, 2)
	must(t, os.RemoveAll(filepath.Join(root, "keep.txt")))
	writeFile(t, filepath.Join(root, "keep.txt"), "x")
	collect(t, w, "keep.txt", "keep.txt/inside.txt")
	waitDirs(t, w, 1)
	noBatch(t, w, quiet)
}

func TestPollNewAndRemovedDirectories(t *testing.T) {
	t.Parallel()
	root := newTree(t, "a/b/c/", "p/q/x.go", "keep/", "node_modules/m/i.js", ".git/HEAD")
	w := pollTree(t, root, Options{})
	expectDirs(t, w, 7) // root, a, a/b, a/b/c, p, p/q, keep

	must(t, os.MkdirAll(filepath.Join(root, "n/m/o"), 0o755))
	expectNewFiles(t, w, root, "n/m/o/x.go") // directories are not listed
	waitDirs(t, w, 10)
	expectNewFiles(t, w, root, "n/m/o/y.go")

	// A directory that goes away lists itself and everything known inside.
	must(t, os.RemoveAll(filepath.Join(root, "a")))
	collect(t, w, "a", "a/b", "a/b/c")
	waitDirs(t, w, 7)
	must(t, os.Rename(filepath.Join(root, "p"), filepath.Join(root, "keep/r")))
	collect(t, w, "p", "p/q", "p/q/x.go", "keep/r/q/x.go")
	waitDirs(t, w, 7)
	expectNewFiles(t, w, root, "keep/r/q/z.go")
}

func TestPollIgnoresWhatGitIgnores(t *testing.T) {
	t.Parallel()
	root := newTree(t, "build/out.bin", "node_modules/left-pad/index.js", ".git/HEAD", "src/main.go")
	writeFile(t, filepath.Join(root, ".gitignore"), "build/\n*.log\n")
	w := pollTree(t, root, Options{Ignore: []string{"tmp/"}})
	expectDirs(t, w, 2) // root, src: ignored directories are not scanned
	for _, rel := range []string{
		"build/out.bin", "build/new/x.o", "node_modules/left-pad/index.js", ".git/objects/ab/cd",
		"x.log", "src/y.log", "tmp/a/b", "src/.main.go.swp", "src/main.go~",
	} {
		writeFile(t, filepath.Join(root, rel), "changed")
	}
	must(t, os.RemoveAll(filepath.Join(root, "build")))
	must(t, os.Remove(filepath.Join(root, "x.log")))
	collect(t, w, sentinel(t, root))
	expectDirs(t, w, 2)
}

func TestPollGitignoreIsReadWhenStable(t *testing.T) {
	t.Parallel()
	root := bigIgnoredTree(t)
	// Saved in place, the file is empty for a scan, but the write comes within
	// the quiet window.
	w := pollTree(t, root, Options{Debounce: 4 * pollEvery})
	for range 3 {
		saveInPlace(t, filepath.Join(root, ".gitignore"), "big/\n", pollEvery+pollEvery/2)
		collect(t, w, ".gitignore")
		expectDirs(t, w, 2, "big/ was scanned while .gitignore was empty")
	}
}

func TestPollGitignoreChangeIsReread(t *testing.T) {
	t.Parallel()
	root := newTree(t, "docs/a.md", "docs/img/", "x.log")
	w := pollTree(t, root, Options{})
	waitDirs(t, w, 3)

	writeFile(t, filepath.Join(root, ".gitignore"), "docs/\n*.log\n")
	collect(t, w, ".gitignore") // x.log ignored from now on: not a change
	waitDirs(t, w, 1)
	writeFile(t, filepath.Join(root, "docs/b.md"), "x")
	writeFile(t, filepath.Join(root, "x.log"), "changed")
	collect(t, w, sentinel(t, root))

	// Un-ignored directories are scanned again; their files count as
	// changed. Un-ignored files in a known directory do not.
	must(t, os.Remove(filepath.Join(root, ".gitignore")))
	collect(t, w, ".gitignore", "docs/a.md", "docs/b.md")
	waitDirs(t, w, 3)
	writeFile(t, filepath.Join(root, "docs/img/c.png"), "x")
	writeFile(t, filepath.Join(root, "x.log"), "changed again")
	collect(t, w, "docs/img/c.png", "x.log")
}

func TestPollBurstIsOneBatch(t *testing.T) {
	t.Parallel()
	testBursts(t, bursts{
		watch: func(t testing.TB, root string) *Watcher {
			return pollTree(t, root, Options{Debounce: pollBurstDebounce})
		},
		name:  func(i int) string { return fmt.Sprintf("d%d/f%04d.txt", i/100, i) },
		check: func(t *testing.T, w *Watcher, _ Batch) { expectDirs(t, w, 11) },
	})
}

func TestPollRootRemovedIsAnError(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "repo")
	mkTree(t, root, "main.go", "sub/x.go")
	w := pollTree(t, root, Options{})
	must(t, os.RemoveAll(root))
	expectRootRemoved(t, w)
	noBatch(t, w, 3*pollEvery) // reported once
	mkTree(t, root, "main.go")
	b := expectFiles(t, w, "main.go")
	if b.Err != nil {
		t.Fatalf("batch error = %v after the root came back", b.Err)
	}
}

func TestPollClose(t *testing.T) {
	t.Parallel()
	root := newTree(t, "a/x.go")
	w, err := New(Options{Root: root, Poll: pollEvery})
	must(t, err)
	writeFile(t, filepath.Join(root, "a/y.go"), "package a") // a burst that Close cuts short
	time.Sleep(pollEvery)
	must(t, w.Close())
	must(t, w.Close())
	select {
	case <-w.done: // the only goroutine, the one that scans, has ended
	default:
		t.Fatal("the scanning goroutine still runs after Close")
	}
	if _, ok := <-w.Batches(); ok {
		t.Fatal("Batches still open after Close")
	}
}

func TestPollOptions(t *testing.T) {
	t.Parallel()
	for in, want := range map[time.Duration]time.Duration{
		0: 0, -time.Second: 0, time.Millisecond: MinPoll, MinPoll: MinPoll, 2 * time.Second: 2 * time.Second,
	} {
		got, err := normalize(Options{Root: t.TempDir(), Poll: in})
		must(t, err)
		if got.Poll != want {
			t.Errorf("normalize(Poll %v).Poll = %v, want %v", in, got.Poll, want)
		}
	}
	w := watchTree(t, t.TempDir(), Options{})
	if w.polling() {
		t.Fatal("Poll 0 polls")
	}
}

// BenchmarkPollScan measures one scan of an unchanged tree, generated as for
// BenchmarkSetup, and the heap the poller's records take.
//
//	go test -run '^$' -bench PollScan ./backend/watch/
func BenchmarkPollScan(b *testing.B) {
	root, dirs := benchRepo(b)
	before := heapMB()
	w, err := prepare(Options{Root: root, Poll: time.Hour}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.pollTimer.Stop()
	heap := heapMB() - before
	for b.Loop() {
		w.scan()
	}
	if len(w.pending.files) != 0 || w.Dirs() < dirs {
		b.Fatalf("an unchanged tree gave %d changes and %d directories", len(w.pending.files), w.Dirs())
	}
	b.ReportMetric(float64(w.Dirs()), "dirs")
	b.ReportMetric(heap, "MB-heap")
	runtime.KeepAlive(w)
}

// heapMB returns the live heap in MB after a collection.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}
