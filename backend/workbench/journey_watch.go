package workbench

import (
	"context"
	"strings"
	"time"

	"eightfold/backend/vcs"
)

// refPoll is how often a watched project's branch heads and HEAD are read.
const refPoll = time.Second

// watchRefs scans the commits whenever a local branch head or a detached HEAD changes
// (a commit, merge, fetch into a branch, new or removed branch, reset, checkout of a
// detached commit), until ctx is done or stop is called; stop waits for it to end.
//
// Why a poll and not fsnotify: the file watcher ignores .git on purpose (git writes lock
// files, objects and logs by the hundred during a commit or rebase), and watching refs
// with fsnotify would need a watch on every directory under .git/refs/heads (branch names
// nest: feature/12-login), on packed-refs (which git rewrites by rename), and the
// resolution of a .git file to the real git dir (worktrees, submodules). Reading the heads
// with go-git once a second sees all of these alike, costs well under a millisecond for a
// repository with a few branches, and compares content, not timestamps, so it never misses
// a change made within one mtime tick. A second's delay is well within what a board
// needs. It only runs while the project is watched; runs and opening scan anyway.
func (p *Project) watchRefs(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(refPoll)
		defer tick.Stop()
		last := "" // the first tick scans: a commit made just before watching began counts
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			now := headsFingerprint(p.dir)
			if now == last {
				continue
			}
			last = now
			p.scanQuietly()
		}
	}()
	return func() { cancel(); <-done }
}

// headsFingerprint identifies the repository's heads: every local branch with its commit,
// and a detached HEAD. It is "" outside a repository, or when they cannot be read.
func headsFingerprint(dir string) string {
	repo, err := vcs.OpenRepo(dir)
	if err != nil {
		return ""
	}
	defer repo.Close()
	heads, err := repo.Heads()
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, h := range heads {
		b.WriteString(h.Branch)
		b.WriteByte(' ')
		b.WriteString(h.SHA)
		b.WriteByte('\n')
	}
	return b.String()
}
