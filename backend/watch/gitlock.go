package watch

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// How long git's index lock holds a burst back: while changes keep coming at least every
// gitQuietMax (a checkout writing files, however slowly), for at most gitHoldMax. A lock
// held with nothing changing (a `git commit` waiting for its message) soon holds nothing
// back, and one left by a git that crashed holds nothing back at all.
const (
	gitQuietMax = time.Second
	gitHoldMax  = 2 * time.Minute
)

// indexLock returns the path of the index lock of the git repository that holds root, or
// "" outside a repository. Git holds it for the whole of a checkout, merge, rebase, reset
// or stash, while it rewrites the work tree.
func indexLock(root string) string {
	for dir := root; ; dir = filepath.Dir(dir) {
		dotGit := filepath.Join(dir, ".git")
		fi, err := os.Stat(dotGit)
		switch {
		case err == nil && fi.IsDir():
			return filepath.Join(dotGit, "index.lock")
		case err == nil: // a worktree or submodule: "gitdir: <path>"
			return linkedIndexLock(dir, dotGit)
		}
		if parent := filepath.Dir(dir); parent == dir {
			return ""
		}
	}
}

// linkedIndexLock reads the git dir from a .git file in dir.
func linkedIndexLock(dir, dotGit string) string {
	b, err := os.ReadFile(dotGit)
	if err != nil {
		return ""
	}
	gitDir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return ""
	}
	gitDir = strings.TrimSpace(gitDir)
	if !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(dir, gitDir)
	}
	return filepath.Join(gitDir, "index.lock")
}

// gitMayHold reports whether git's index lock may hold the burst in progress back: the
// root is in a repository, the burst began at most gitHoldMax ago and its last change came
// at most gitQuietMax ago. Outside a repository it looks for one again each time, since
// `git init` may have made it.
func (w *Watcher) gitMayHold(now time.Time) bool {
	if w.lockPath == "" {
		w.lockPath = indexLock(w.opts.Root)
	}
	return w.lockPath != "" && now.Sub(w.pending.first) <= gitHoldMax && now.Sub(w.pending.last) <= gitQuietMax
}

// holdForGit reports whether a burst that is due must wait for git: while git holds the
// index lock for it (the lock exists and was taken at most gitHoldMax before the burst
// began), and for one more quiet window once git removed it, since the events of its last
// writes may still be on their way when the lock is already gone. (A lock that stays while
// nothing changes holds nothing back after gitQuietMax, and gets no extra window.) It looks
// at the lock once, and not at all when the lock can neither hold the burst nor have let go.
func (w *Watcher) holdForGit(now time.Time) bool {
	mayHold := w.gitMayHold(now)
	if !mayHold && !w.pending.wasHeld {
		return false
	}
	lock, err := os.Stat(w.lockPath)
	switch {
	case mayHold && err == nil && lock.ModTime().After(w.pending.first.Add(-gitHoldMax)):
		w.pending.held, w.pending.wasHeld = now, true
	case w.pending.wasHeld && err != nil:
		w.pending.held, w.pending.last, w.pending.wasHeld = now, now, false
	default:
		return false
	}
	return true
}
