package workbench

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"eightfold/backend/config"
	"eightfold/backend/store"
)

// A Go repository without a config: the preview shows the starter detected from go.mod;
// writing it makes eightfold.yaml (0644) the config, and a second write is refused.
func TestWriteConfig(t *testing.T) {
	p, _ := newProject(t, "")
	touch(t, p, "go.mod", "module example.com/x\n")
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "go.mod"},
		{"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init"}} {
		gitRun(t, p.Dir(), args...)
	}
	pre, err := p.ConfigPreview()
	if err != nil {
		t.Fatal(err)
	}
	if pre.Exists || !slices.Equal(pre.DetectedFrom, []string{"go.mod"}) || !strings.Contains(pre.YAML, "run: go test -json ./...") {
		t.Fatalf("preview %+v", pre)
	}
	info, err := p.WriteConfig()
	if err != nil {
		t.Fatal(err)
	}
	if info.ConfigSource != "eightfold.yaml" || info.ConfigError != "" || len(info.Steps) != 2 || !strings.HasPrefix(info.Steps[0].Origin, "eightfold.yaml:") {
		t.Errorf("after writing: source %q, error %q, steps %+v", info.ConfigSource, info.ConfigError, info.Steps)
	}
	path := filepath.Join(p.Dir(), "eightfold.yaml")
	data, err := os.ReadFile(path)
	if fi, _ := os.Stat(path); err != nil || string(data) != pre.YAML || fi.Mode().Perm() != 0o644 {
		t.Errorf("eightfold.yaml: %v, mode %v, the preview's text: %v", err, fi.Mode().Perm(), string(data) == pre.YAML)
	}
	if got := gitRun(t, p.Dir(), "status", "--porcelain"); got != "?? eightfold.yaml" {
		t.Errorf("git status %q: want eightfold.yaml new and nothing else (no commit, no temp file)", got)
	}
	if pre, err := p.ConfigPreview(); err != nil || !pre.Exists {
		t.Errorf("preview after writing: %+v, %v", pre, err)
	}
	if _, err := p.WriteConfig(); !isCode(err, CodeConflict) || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("writing again: %v", err)
	}
}

// An eightfold.yml counts as a config too: nothing is written next to it.
func TestWriteConfigRefusesYml(t *testing.T) {
	p, _ := newProject(t, "")
	touch(t, p, "eightfold.yml", "steps: [{name: a, run: 'true'}]\n")
	if _, err := p.WriteConfig(); !isCode(err, CodeConflict) {
		t.Errorf("with eightfold.yml: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p.Dir(), config.FileNames[0])); !os.IsNotExist(err) {
		t.Errorf("eightfold.yaml was written next to eightfold.yml: %v", err)
	}
}

// git init in a plain folder makes a repository on main with nothing committed; a second
// one is refused.
func TestInitGit(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	info, err := p.InitGit()
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsGit || info.Branch != "main" || info.Commit != "" || !info.Dirty {
		t.Errorf("after git init: %+v", info)
	}
	if got := gitRun(t, p.Dir(), "status", "--porcelain"); got != "?? eightfold.yaml" {
		t.Errorf("git status %q: want only the untracked eightfold.yaml", got)
	}
	if _, err := p.InitGit(); !isCode(err, CodeConflict) || !strings.Contains(err.Error(), "git repository already") {
		t.Errorf("git init again: %v", err)
	}
}

// Neither git init nor a starter eightfold.yaml goes into the home folder, and the root of
// the filesystem is refused the same way.
func TestOnboardingRefusesHomeAndRoot(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p, err := Open(s, home, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	if _, err := p.InitGit(); !isCode(err, CodeBadRequest) || !strings.Contains(err.Error(), "home folder") {
		t.Errorf("git init in the home folder: %v", err)
	}
	if _, err := p.WriteConfig(); !isCode(err, CodeBadRequest) || !strings.Contains(err.Error(), "home folder") {
		t.Errorf("eightfold.yaml in the home folder: %v", err)
	}
	for _, name := range []string{".git", "eightfold.yaml"} {
		if _, err := os.Stat(filepath.Join(home, name)); !os.IsNotExist(err) {
			t.Errorf("%s in the home folder: %v", name, err)
		}
	}
	root := &Project{dir: "/"} // refuseWide only: a test must not risk writing to /
	if err := root.refuseWide("make a git repository"); !isCode(err, CodeBadRequest) || !strings.Contains(err.Error(), "root of the filesystem") {
		t.Errorf("git init in /: %v", err)
	}
}
