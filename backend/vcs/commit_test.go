package vcs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestResolveCommit(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "a.txt"), "a\n")
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "Fix the login form\n\nFixes #12.")
	first := gitCLI(t, dir, "rev-parse", "HEAD")
	gitCLI(t, dir, "commit", "-q", "--allow-empty", "-m", "second")
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	for _, rev := range []string{first, first[:7], "HEAD~1"} {
		c, err := ResolveCommit(sub, rev)
		if err != nil || c.SHA != first || c.Subject != "Fix the login form" || c.Author != "t" || c.When.IsZero() {
			t.Errorf("ResolveCommit(%q) = %+v, %v", rev, c, err)
		}
	}
	if c, err := ResolveCommit(dir, "main"); err != nil || c.Subject != "second" {
		t.Errorf("ResolveCommit(main) = %+v, %v", c, err)
	}
	for _, rev := range []string{"0123456789abcdef0123456789abcdef01234567", "nope", ""} {
		if _, err := ResolveCommit(dir, rev); !errors.Is(err, ErrNoCommit) {
			t.Errorf("ResolveCommit(%q): %v, want ErrNoCommit", rev, err)
		}
	}
	if _, err := ResolveCommit(t.TempDir(), "HEAD"); err == nil || errors.Is(err, ErrNoCommit) {
		t.Errorf("outside a repository: %v", err)
	}
}
