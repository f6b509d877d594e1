package watch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// git runs git in dir.
func git(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.com"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// While git holds the index lock, a burst does not end: not after a quiet window, not
// after its maximum wait.
func TestGitIndexLockHoldsTheBurst(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	git(t, root, "init", "-q")
	w := watchTree(t, root, Options{Debounce: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond})
	expectHeldWhileLocked(t, w, root)
	s := sentinel(t, root)
	expectFiles(t, w, s)
}

// A lock held while nothing changes (a `git commit` waiting for its message) holds a save
// back for gitQuietMax only.
func TestIdleGitIndexLockLetsASaveThrough(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	git(t, root, "init", "-q")
	w := watchTree(t, root, Options{})
	writeFile(t, filepath.Join(root, ".git", "index.lock"), "")
	writeFile(t, filepath.Join(root, "a.txt"), "a")
	expectFiles(t, w, "a.txt")
}

// A lock left long before a burst began (a git that crashed) holds nothing back.
func TestStaleGitIndexLockIsIgnored(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	git(t, root, "init", "-q")
	lock := filepath.Join(root, ".git", "index.lock")
	writeFile(t, lock, "")
	old := time.Now().Add(-2 * gitHoldMax)
	must(t, os.Chtimes(lock, old, old))
	w := watchTree(t, root, Options{})
	writeFile(t, filepath.Join(root, "a.txt"), "a")
	expectFiles(t, w, "a.txt")
}

func TestIndexLockOfALinkedWorktree(t *testing.T) {
	t.Parallel()
	main, linked := t.TempDir(), filepath.Join(t.TempDir(), "wt")
	git(t, main, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(main, "f.txt"), "f")
	git(t, main, "add", "f.txt")
	git(t, main, "commit", "-q", "-m", "f")
	git(t, main, "worktree", "add", "-q", "-b", "other", linked)
	sub := filepath.Join(linked, "sub")
	must(t, os.MkdirAll(sub, 0o755))
	want := filepath.Join(main, ".git", "worktrees", "wt", "index.lock")
	for _, dir := range []string{linked, sub} {
		if got := indexLock(dir); got != want {
			t.Errorf("indexLock(%s) = %s, want %s", dir, got, want)
		}
	}
	if got := indexLock(main); got != filepath.Join(main, ".git", "index.lock") {
		t.Errorf("indexLock(main) = %s", got)
	}
}

// A `git checkout` between branches that differ in 10,000 files is one batch at the
// default settings, however slowly the machine writes them.
func TestGitCheckoutOf10000FilesIsOneBatch(t *testing.T) {
	t.Parallel()
	const n = 10000
	root := t.TempDir()
	git(t, root, "init", "-q", "-b", "a")
	writeAll := func(content string) {
		for i := range n {
			writeFile(t, filepath.Join(root, fmt.Sprintf("d%03d/f%05d.txt", i%100, i)), content)
		}
	}
	writeAll("a")
	git(t, root, "add", "-A")
	git(t, root, "commit", "-q", "-m", "a")
	git(t, root, "checkout", "-q", "-b", "b")
	writeAll("b")
	git(t, root, "commit", "-q", "-a", "-m", "b")
	w := watchTree(t, root, Options{})
	git(t, root, "checkout", "-q", "a")
	b := next(t, w)
	if b.Count != n || b.Overflow {
		t.Fatalf("the checkout's first batch holds %d files (overflow %v), want all %d in one", b.Count, b.Overflow, n)
	}
	s := sentinel(t, root)
	expectFiles(t, w, s)
}

// A folder that becomes a repository while watched (onboarding's git init) has its index
// lock heeded from then on.
func TestGitIndexLockAfterGitInit(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w := watchTree(t, root, Options{Debounce: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond})
	s := sentinel(t, root)
	expectFiles(t, w, s) // a burst outside any repository
	git(t, root, "init", "-q")
	expectHeldWhileLocked(t, w, root)
}

// expectHeldWhileLocked writes a.txt while root's .git/index.lock exists, waits through many
// quiet windows and maximum waits, writes b.txt and removes the lock: both files must come in
// one batch, the lock having held the burst.
func expectHeldWhileLocked(t *testing.T, w *Watcher, root string) {
	t.Helper()
	lock := filepath.Join(root, ".git", "index.lock")
	writeFile(t, lock, "")
	writeFile(t, filepath.Join(root, "a.txt"), "a")
	time.Sleep(300 * time.Millisecond) // many quiet windows and maximum waits: they must not end the burst
	writeFile(t, filepath.Join(root, "b.txt"), "b")
	must(t, os.Remove(lock))
	expectFiles(t, w, "a.txt", "b.txt")
}
