package vcs

import (
	"github.com/go-git/go-git/v5"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRead(t *testing.T) {
	newRepo := func(t *testing.T) string {
		dir := t.TempDir()
		gitCLI(t, dir, "init", "-q", "-b", "main")
		write(t, filepath.Join(dir, ".gitignore"), "*.log\n")
		write(t, filepath.Join(dir, "a.txt"), "a\n")
		gitCLI(t, dir, "add", ".")
		gitCLI(t, dir, "commit", "-q", "-m", "first")
		return dir
	}
	cases := []struct {
		name   string
		setup  func(t *testing.T) string
		branch string
		dirty  bool
		noSHA  bool
		notGit bool
	}{
		{name: "not a repository", setup: func(t *testing.T) string { return t.TempDir() }, notGit: true},
		{name: "no commit yet", setup: func(t *testing.T) string {
			d := t.TempDir()
			gitCLI(t, d, "init", "-q", "-b", "trunk")
			return d
		}, branch: "trunk", noSHA: true},
		{name: "clean", setup: newRepo, branch: "main"},
		{name: "ignored file is not dirty", setup: func(t *testing.T) string {
			d := newRepo(t)
			write(t, filepath.Join(d, "x.log"), "noise")
			return d
		}, branch: "main"},
		{name: "modified", setup: func(t *testing.T) string {
			d := newRepo(t)
			write(t, filepath.Join(d, "a.txt"), "changed\n")
			return d
		}, branch: "main", dirty: true},
		{name: "untracked", setup: func(t *testing.T) string {
			d := newRepo(t)
			write(t, filepath.Join(d, "new.go"), "package x\n")
			return d
		}, branch: "main", dirty: true},
		{name: "detached head", setup: func(t *testing.T) string {
			d := newRepo(t)
			gitCLI(t, d, "checkout", "-q", "--detach")
			return d
		}},
		{name: "subdirectory of a repository", setup: func(t *testing.T) string {
			d := newRepo(t)
			sub := filepath.Join(d, "sub")
			os.Mkdir(sub, 0o755)
			return sub
		}, branch: "main"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := c.setup(t)
			st, err := Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			if st.IsGit == c.notGit || st.Branch != c.branch || st.Dirty != c.dirty {
				t.Errorf("got %+v; want git=%v branch=%q dirty=%v", st, !c.notGit, c.branch, c.dirty)
			}
			if c.notGit || c.noSHA {
				if st.Commit != "" {
					t.Errorf("commit %q, want none", st.Commit)
				}
				return
			}
			if want := gitCLI(t, dir, "rev-parse", "HEAD"); st.Commit != want {
				t.Errorf("commit %q, want %q", st.Commit, want)
			}
			// Without the git CLI, go-git's status must agree.
			repo, _ := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
			wt, _ := repo.Worktree()
			byGoGit, err := changedByGoGit(wt)
			byCLI, _ := changedByCLI("git", dir)
			slices.Sort(byGoGit)
			slices.Sort(byCLI)
			if err != nil || !slices.Equal(byGoGit, byCLI) || (len(byGoGit) > 0) != c.dirty {
				t.Errorf("go-git says changed=%q (%v), the git CLI %q; want dirty=%v", byGoGit, err, byCLI, c.dirty)
			}
		})
	}
}

// When the git CLI refuses (say, "detected dubious ownership" on a repository of another
// user), the state still comes from go-git.
func TestFailingGitCLIFallsBackToGoGit(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "a.txt"), "a\n")
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "first")
	write(t, filepath.Join(dir, "b.txt"), "untracked\n")

	fake := t.TempDir()
	write(t, filepath.Join(fake, "git"), "#!/bin/sh\necho 'fatal: detected dubious ownership' >&2\nexit 128\n")
	os.Chmod(filepath.Join(fake, "git"), 0o755)
	t.Setenv("PATH", fake)

	st, err := Read(dir)
	if err != nil || !st.Dirty || st.Branch != "main" {
		t.Fatalf("got %+v, %v; want the dirty state from go-git", st, err)
	}
}

func TestTreeIdentifiesTheContent(t *testing.T) {
	clone := func() string {
		dir := t.TempDir()
		gitCLI(t, dir, "init", "-q", "-b", "main")
		write(t, filepath.Join(dir, "a.txt"), "a\n")
		write(t, filepath.Join(dir, ".gitignore"), "build/\n")
		gitCLI(t, dir, "add", ".")
		gitCLI(t, dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first")
		return dir
	}
	tree := func(dir string) string {
		t.Helper()
		st, err := Read(dir)
		if err != nil || st.Tree == "" {
			t.Fatalf("Read(%s) = %+v, %v", dir, st, err)
		}
		return st.Tree
	}
	one, two := clone(), clone()
	clean := tree(one)
	if want := gitCLI(t, one, "rev-parse", "HEAD^{tree}"); clean != want {
		t.Errorf("clean tree %s, want git's tree id %s", clean, want)
	}
	os.Mkdir(filepath.Join(one, "build"), 0o755)
	write(t, filepath.Join(one, "build", "out.bin"), "ignored output\n")
	if got := tree(one); got != clean {
		t.Errorf("an ignored file changed the tree: %s", got)
	}
	write(t, filepath.Join(one, "a.txt"), "edited\n")
	write(t, filepath.Join(one, "new.txt"), "new\n")
	edited := tree(one)
	if edited == clean {
		t.Error("an edit did not change the tree")
	}
	write(t, filepath.Join(two, "new.txt"), "new\n")
	write(t, filepath.Join(two, "a.txt"), "edited\n")
	if got := tree(two); got != edited {
		t.Errorf("the same edits in another clone give %s, want %s", got, edited)
	}
	write(t, filepath.Join(two, "new.txt"), "other\n")
	if got := tree(two); got == edited {
		t.Error("different content gave the same tree")
	}
	os.Remove(filepath.Join(one, "new.txt"))
	write(t, filepath.Join(one, "a.txt"), "a\n")
	if got := tree(one); got != clean {
		t.Errorf("undoing the edits gives %s, want the clean tree %s", got, clean)
	}
}

func TestParsePorcelainZ(t *testing.T) {
	out := " M a.txt\x00R  new name.txt\x00old.txt\x00?? dir/x\x00D  gone\x00"
	want := []string{"a.txt", "new name.txt", "old.txt", "dir/x", "gone"}
	if got := parsePorcelainZ([]byte(out)); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
