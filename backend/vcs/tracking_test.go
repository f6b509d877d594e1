package vcs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"
)

// trackingBoth reads the tracking state of dir with git and with go-git.
func trackingBoth(t *testing.T, dir string) (cli, goGit Tracking) {
	t.Helper()
	cli, err := trackingByCLI("git", dir)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if goGit, err = trackingByGoGit(repo, wt); err != nil {
		t.Fatal(err)
	}
	return cli, goGit
}

// A clone two commits ahead of its origin and one behind, with a modified file, a rename and
// an untracked file: git and go-git agree on every count.
func TestTracking(t *testing.T) {
	origin, work, other := t.TempDir(), t.TempDir(), t.TempDir()
	gitCLI(t, origin, "init", "-q", "--bare", "-b", "main")
	gitCLI(t, work, "clone", "-q", origin, ".")
	write(t, filepath.Join(work, "a.txt"), "a\n")
	write(t, filepath.Join(work, "b.txt"), "b\n")
	gitCLI(t, work, "add", ".")
	gitCLI(t, work, "commit", "-q", "-m", "first")
	gitCLI(t, work, "push", "-q", "origin", "main")

	cli, goGit := trackingBoth(t, work)
	if want := (Tracking{Upstream: "origin/main"}); cli != want || goGit != want {
		t.Fatalf("in step with origin: git %+v, go-git %+v; want %+v", cli, goGit, want)
	}

	gitCLI(t, other, "clone", "-q", origin, ".")
	gitCLI(t, other, "commit", "-q", "--allow-empty", "-m", "theirs")
	gitCLI(t, other, "push", "-q", "origin", "main")
	gitCLI(t, work, "commit", "-q", "--allow-empty", "-m", "ours 1")
	gitCLI(t, work, "commit", "-q", "--allow-empty", "-m", "ours 2")
	gitCLI(t, work, "fetch", "-q")
	write(t, filepath.Join(work, "a.txt"), "changed\n")
	gitCLI(t, work, "mv", "b.txt", "c.txt")
	write(t, filepath.Join(work, "new.txt"), "untracked\n")

	cli, goGit = trackingBoth(t, work)
	if want := (Tracking{Changed: 3, Upstream: "origin/main", Ahead: 2, Behind: 1}); cli != want {
		t.Errorf("git: %+v, want %+v", cli, want)
	}
	if goGit.Upstream != cli.Upstream || goGit.Ahead != cli.Ahead || goGit.Behind != cli.Behind || goGit.Changed < 3 {
		t.Errorf("go-git: %+v, git: %+v", goGit, cli) // go-git may see a rename as a delete and an add
	}
}

func TestTrackingWithoutUpstream(t *testing.T) {
	dir := t.TempDir()
	if tr, err := ReadTracking(dir); err != nil || tr != (Tracking{}) {
		t.Errorf("outside a repository: %+v, %v", tr, err)
	}
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "a.txt"), "a\n")
	if tr, err := ReadTracking(dir); err != nil || tr != (Tracking{Changed: 1}) {
		t.Errorf("before the first commit: %+v, %v", tr, err)
	}
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "first")
	cli, goGit := trackingBoth(t, dir)
	if cli != (Tracking{}) || goGit != (Tracking{}) {
		t.Errorf("a branch without upstream: git %+v, go-git %+v", cli, goGit)
	}
	gitCLI(t, dir, "switch", "-q", "-c", "topic", "--track", "main")
	gitCLI(t, dir, "commit", "-q", "--allow-empty", "-m", "on topic")
	cli, goGit = trackingBoth(t, dir)
	if want := (Tracking{Upstream: "main", Ahead: 1}); cli != want || goGit != want {
		t.Errorf("tracking a local branch: git %+v, go-git %+v; want %+v", cli, goGit, want)
	}
}

// When the git CLI refuses, go-git answers.
func TestTrackingFallsBackToGoGit(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "a.txt"), "a\n")
	fake := t.TempDir()
	write(t, filepath.Join(fake, "git"), "#!/bin/sh\necho 'fatal: detected dubious ownership' >&2\nexit 128\n")
	if err := os.Chmod(filepath.Join(fake, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", fake)
	if tr, err := ReadTracking(dir); err != nil || tr.Changed != 1 {
		t.Errorf("got %+v, %v; want one change from go-git", tr, err)
	}
}

func TestParsePorcelainV2(t *testing.T) {
	out := "# branch.oid abc\x00# branch.head main\x00# branch.upstream origin/main\x00# branch.ab +4 -2\x00" +
		"1 .M N... 100644 100644 100644 aaa aaa a.txt\x002 R. N... 100644 100644 100644 bbb bbb R100 new name.txt\x00old.txt\x00" +
		"u UU N... 100644 100644 100644 100644 c c c both.txt\x00? untracked.txt\x00"
	tr, err := parsePorcelainV2([]byte(out))
	if want := (Tracking{Changed: 4, Upstream: "origin/main", Ahead: 4, Behind: 2}); err != nil || tr != want {
		t.Errorf("got %+v, %v; want %+v", tr, err, want)
	}
	if _, err := parsePorcelainV2([]byte("# branch.ab four\x00")); err == nil {
		t.Error("a bad count gave no error")
	}
}
