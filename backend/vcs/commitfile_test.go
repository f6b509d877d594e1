package vcs

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var releaser = Signature{Name: "T", Email: "t@example.com"}

// dirtyRepo makes a committed repository with a.txt modified, staged.txt staged and
// new.txt untracked, and returns its directory and the commit at HEAD.
func dirtyRepo(t *testing.T) (string, string) {
	t.Helper()
	dir, _ := committedRepo(t)
	for _, f := range []string{"staged.txt", "docs.txt", "docs/guide.md", "run.sh"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, f), f+"\n")
	}
	if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "more files")
	write(t, filepath.Join(dir, "a.txt"), "a changed\n")
	write(t, filepath.Join(dir, "staged.txt"), "staged change\n")
	gitCLI(t, dir, "add", "staged.txt")
	write(t, filepath.Join(dir, "new.txt"), "untracked\n")
	return dir, gitCLI(t, dir, "rev-parse", "HEAD")
}

const otherChanges = "## main\n M a.txt\nM  staged.txt\n?? new.txt"

func TestCommitFile(t *testing.T) {
	isolateGit(t)
	dir, before := dirtyRepo(t)
	r, err := OpenRepo(filepath.Join(dir, "docs")) // a subfolder: paths are from the root
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, path := range []string{"CHANGELOG.md", "docs/notes/CHANGELOG.md", "CHANGELOG.md", "run.sh"} {
		msg := fmt.Sprintf("chore(release): v1.%d.0", i)
		content := fmt.Sprintf("%s\nrelease %d\n", changelog, i)
		sha, err := r.CommitFile(before, path, []byte(content), msg, releaser, when)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if head := gitCLI(t, dir, "rev-parse", "main"); head != sha || gitCLI(t, dir, "rev-parse", "HEAD~") != before {
			t.Errorf("%s: main is at %s, want %s on top of %s", path, head, sha, before)
		}
		before = sha
		checkCommitted(t, dir, path, msg, content)
	}
	if mode := gitCLI(t, dir, "ls-tree", "HEAD", "run.sh"); !strings.HasPrefix(mode, "100755 ") {
		t.Errorf("run.sh lost its executable mode: %s", mode)
	}
	gitCLI(t, dir, "fsck", "--strict", "--no-dangling")
	if got := gitCLI(t, dir, "log", "-1", "--format=%an <%ae> %at|%cn <%ce> %ct"); got != "T <t@example.com> 1772366400|T <t@example.com> 1772366400" {
		t.Errorf("author and committer: %s", got)
	}
	_, err = r.CommitFile("", "run.sh", []byte(changelog+"\nrelease 3\n"), "again", releaser, when)
	if !errors.Is(err, ErrNothingToCommit) || gitCLI(t, dir, "rev-parse", "HEAD") != before {
		t.Errorf("same content again: %v", err)
	}
}

// checkCommitted checks that HEAD commits path with content and message, and nothing else.
func checkCommitted(t *testing.T, dir, path, msg, content string) {
	t.Helper()
	if got := gitCLI(t, dir, "log", "-1", "--format=%s"); got != msg {
		t.Errorf("%s: subject %q, want %q", path, got, msg)
	}
	if got := gitCLI(t, dir, "show", "--format=", "--name-only", "HEAD"); got != path {
		t.Errorf("%s: the commit changes %q", path, got)
	}
	if got := gitCLI(t, dir, "show", "HEAD:"+path); got != strings.TrimSpace(content) {
		t.Errorf("%s: committed %q", path, got)
	}
	if b, err := os.ReadFile(filepath.Join(dir, path)); err != nil || string(b) != content {
		t.Errorf("%s in the work tree: %q, %v", path, b, err)
	}
	if got := gitCLI(t, dir, "status", "--porcelain", "--branch"); got != otherChanges {
		t.Errorf("%s: git status --porcelain --branch\n%s\nwant\n%s", path, got, otherChanges)
	}
	// Without refreshing the index, git finds path's entry up to date by its stat data.
	if got := gitCLI(t, dir, "diff-files", "--name-only"); got != "a.txt" {
		t.Errorf("%s: git diff-files lists %q", path, got)
	}
}

func TestCommitFileRefuses(t *testing.T) {
	isolateGit(t)
	cases := []struct {
		name, path, msg string
		setup           func(t *testing.T, dir string)
		want            string
	}{
		{name: "detached HEAD", path: "CHANGELOG.md", setup: func(t *testing.T, dir string) {
			gitCLI(t, dir, "switch", "-q", "--detach")
		}, want: "is detached (on no branch)"},
		{name: "path outside", path: "../CHANGELOG.md", want: "relative to the work tree's root"},
		{name: "absolute path", path: "/tmp/CHANGELOG.md", want: "relative to the work tree's root"},
		{name: "inside .git", path: ".git/config", want: "relative to the work tree's root"},
		{name: "a folder at HEAD", path: "docs", want: "is a folder"},
		{name: "under a file at HEAD", path: "a.txt/CHANGELOG.md", want: "a.txt is a file at HEAD"},
		{name: "empty message", path: "CHANGELOG.md", msg: " \n", want: "the commit message is empty"},
		{name: "index locked", path: "CHANGELOG.md", setup: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".git", "index.lock"), "")
		}, want: "another git command seems to be running"},
		{name: "merge in progress", path: "CHANGELOG.md", setup: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".git", "MERGE_HEAD"), gitCLI(t, dir, "rev-parse", "HEAD")+"\n")
		}, want: "merge, cherry-pick or revert is in progress"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, before := dirtyRepo(t)
			if c.setup != nil {
				c.setup(t, dir)
			}
			status := gitCLI(t, dir, "status", "--porcelain")
			r, err := OpenRepo(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.CommitFile("", c.path, []byte("notes\n"), cmp.Or(c.msg, "release"), releaser, time.Now())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if head := gitCLI(t, dir, "rev-parse", "HEAD"); head != before {
				t.Errorf("HEAD moved to %s", head)
			}
			if got := gitCLI(t, dir, "status", "--porcelain"); got != status {
				t.Errorf("git status --porcelain\n%s\nwant\n%s", got, status)
			}
			if _, err := os.Stat(filepath.Join(dir, ".git", "index.lock")); (err == nil) != (c.name == "index locked") {
				t.Errorf("index.lock: %v", err)
			}
		})
	}
	t.Run("no commit yet", func(t *testing.T) {
		dir := t.TempDir()
		gitCLI(t, dir, "init", "-q", "-b", "main")
		r, err := OpenRepo(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		_, err = r.CommitFile("", "CHANGELOG.md", []byte("notes\n"), "release", releaser, time.Now())
		if err == nil || !strings.Contains(err.Error(), "branch main of "+dir+" has no commit yet") {
			t.Errorf("error %v", err)
		}
	})
}

// BenchmarkCommitFile commits CHANGELOG.md in a repository of 5,000 files in 50 folders.
// Most of its time is go-git decoding and encoding the index of 5,000 entries.
func BenchmarkCommitFile(b *testing.B) {
	dir := b.TempDir()
	for i := range 5000 {
		sub := filepath.Join(dir, fmt.Sprintf("pkg%02d", i%50))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("file%04d.go", i)), fmt.Appendf(nil, "package p%d\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	script := "git init -q -b main && git add . && git -c user.name=T -c user.email=t@example.com commit -q -m files"
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", script, err, out)
	}
	r, err := OpenRepo(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	i := 0
	for b.Loop() {
		i++
		if _, err := r.CommitFile("", "CHANGELOG.md", fmt.Appendf(nil, "release %d\n", i), "release", releaser, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCommitFileInLinkedWorktree(t *testing.T) {
	isolateGit(t)
	dir, _ := dirtyRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gitCLI(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
	r, err := OpenRepo(wt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sha, err := r.CommitFile("", "docs/CHANGELOG.md", []byte("notes\n"), "release", releaser, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := gitCLI(t, dir, "rev-parse", "feature"); got != sha {
		t.Errorf("feature is at %s, want %s", got, sha)
	}
	if got := gitCLI(t, wt, "status", "--porcelain", "--branch"); got != "## feature" {
		t.Errorf("the linked worktree's status: %q", got)
	}
	if got := gitCLI(t, dir, "status", "--porcelain", "--branch"); got != otherChanges {
		t.Errorf("the main worktree's status: %q", got)
	}
}

// A parent that is not the branch's tip (another commit landed since the release was
// planned) is refused before anything is written; the tip itself is accepted.
func TestCommitFileRefusesWhenHeadMoved(t *testing.T) {
	isolateGit(t)
	dir, planned := dirtyRepo(t)
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	moved := commitAt(t, dir, "someone else's commit", "2026-03-01T11:00:00Z")
	status := gitCLI(t, dir, "status", "--porcelain")
	_, err = r.CommitFile(planned, "notes/CHANGELOG.md", []byte("notes\n"), "release", releaser, time.Now())
	want := fmt.Sprintf("HEAD moved (from %s to %s) in %s while releasing; nothing was written", short(planned), short(moved), dir)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one saying %q", err, want)
	}
	if head := gitCLI(t, dir, "rev-parse", "HEAD"); head != moved {
		t.Errorf("HEAD moved to %s", head)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file's folder was made: %v", err)
	}
	if got := gitCLI(t, dir, "status", "--porcelain"); got != status {
		t.Errorf("git status --porcelain\n%s\nwant\n%s", got, status)
	}
	sha, err := r.CommitFile(moved, "notes/CHANGELOG.md", []byte("notes\n"), "release", releaser, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := gitCLI(t, dir, "rev-parse", "HEAD~"); got != moved || gitCLI(t, dir, "rev-parse", "HEAD") != sha {
		t.Errorf("the commit's parent is %s, want %s", got, moved)
	}
}

// A symbolic link to a folder outside the work tree cannot make CommitFile write there.
func TestCommitFileRefusesASymlinkOutOfTheWorkTree(t *testing.T) {
	isolateGit(t)
	dir, before := dirtyRepo(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "notes")); err != nil {
		t.Fatal(err)
	}
	status := gitCLI(t, dir, "status", "--porcelain")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, path := range []string{"notes/CHANGELOG.md", "notes/sub/CHANGELOG.md"} {
		_, err = r.CommitFile(before, path, []byte("notes\n"), "release", releaser, time.Now())
		if err == nil || !strings.Contains(err.Error(), "notes in the work tree "+dir+" is a symbolic link") {
			t.Errorf("%s: error %v", path, err)
		}
	}
	if entries, err := os.ReadDir(outside); err != nil || len(entries) != 0 {
		t.Errorf("written outside the work tree: %v, %v", entries, err)
	}
	if head := gitCLI(t, dir, "rev-parse", "HEAD"); head != before {
		t.Errorf("HEAD moved to %s", head)
	}
	if got := gitCLI(t, dir, "status", "--porcelain"); got != status {
		t.Errorf("git status --porcelain\n%s\nwant\n%s", got, status)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "index.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("index.lock left behind: %v", err)
	}
	// Past the check (a link made in between), the write itself goes through os.Root.
	for _, path := range []string{"notes/CHANGELOG.md", "notes/sub/CHANGELOG.md"} {
		if _, err := writeWorkFile(dir, path, []byte("notes\n")); err == nil || !strings.Contains(err.Error(), "symbolic link lead out of the work tree") {
			t.Errorf("writeWorkFile %s: %v", path, err)
		}
	}
	if entries, err := os.ReadDir(outside); err != nil || len(entries) != 0 {
		t.Errorf("writeWorkFile wrote outside the work tree: %v, %v", entries, err)
	}
}

func TestRootAndReadWorkFile(t *testing.T) {
	isolateGit(t)
	dir, _ := dirtyRepo(t)
	r, err := OpenRepo(filepath.Join(dir, "docs"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if root, err := r.Root(); err != nil || root != dir {
		t.Errorf("Root() = %q, %v; want %q", root, err, dir)
	}
	if b, err := r.ReadWorkFile("docs/guide.md"); err != nil || string(b) != "docs/guide.md\n" {
		t.Errorf("ReadWorkFile(docs/guide.md) = %q, %v", b, err)
	}
	if b, err := r.ReadWorkFile("a.txt"); err != nil || string(b) != "a changed\n" {
		t.Errorf("ReadWorkFile(a.txt) = %q, %v (want the work tree's content)", b, err)
	}
	if _, err := r.ReadWorkFile("CHANGELOG.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.txt"), "secret\n")
	if err := os.Symlink(outside, filepath.Join(dir, "notes")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"notes/secret.txt", "../secret.txt", filepath.Join(outside, "secret.txt")} {
		if b, err := r.ReadWorkFile(path); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadWorkFile(%s) = %q, %v; want an error", path, b, err)
		}
	}
	wt := filepath.Join(t.TempDir(), "wt")
	gitCLI(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
	lr, err := OpenRepo(wt)
	if err != nil {
		t.Fatal(err)
	}
	defer lr.Close()
	if root, err := lr.Root(); err != nil || root != wt {
		t.Errorf("a linked worktree's Root() = %q, %v; want %q", root, err, wt)
	}
}
