package vcs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Init makes a repository on main that git itself reads, writes nothing else, and refuses a
// folder inside a work tree.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.go"), "package main\n")
	if err := Init(dir); err != nil {
		t.Fatal(err)
	}
	if got := gitCLI(t, dir, "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Errorf("HEAD is %s, want refs/heads/main", got)
	}
	if got := gitCLI(t, dir, "status", "--porcelain"); got != "?? main.go" {
		t.Errorf("git status %q: want main.go untracked and nothing else", got)
	}
	st, err := Read(dir)
	if err != nil || !st.IsGit || st.Branch != "main" || st.Commit != "" {
		t.Errorf("Read after Init: %+v, %v", st, err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, sub} {
		if err := Init(d); !errors.Is(err, ErrIsRepository) {
			t.Errorf("Init(%s) again: %v, want ErrIsRepository", d, err)
		}
	}
}
