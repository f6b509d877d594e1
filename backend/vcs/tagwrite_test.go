package vcs

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// isolateGit keeps the machine's git config out of a test: no system config, and a home
// of the test's own.
func isolateGit(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, v := range []string{"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"} {
		t.Setenv(v, "")
	}
	return home
}

// committedRepo makes a repository on branch main with one commit of a.txt, opens it and
// returns its directory.
func committedRepo(t *testing.T) (string, *Repo) {
	t.Helper()
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "a.txt"), "a\n")
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "first")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return dir, r
}

const changelog = `## v1.2.0 (2026-03-01)

### Features
- **login**: remember me (#12)
  - indented detail

### Fixes
- crash on an empty board
`

func TestCreateTag(t *testing.T) {
	isolateGit(t)
	dir, r := committedRepo(t)
	head := gitCLI(t, dir, "rev-parse", "HEAD")
	tagger := Signature{Name: "T", Email: "t@example.com"}
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	if ok, err := r.TagExists("v1.2.0"); ok || err != nil {
		t.Fatalf("before: TagExists = %v, %v", ok, err)
	}
	if err := r.CreateTag("v1.2.0", head, tagger, when, "\n"+changelog+"\n\n"); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.TagExists("v1.2.0"); !ok || err != nil {
		t.Fatalf("after: TagExists = %v, %v", ok, err)
	}
	if got := gitCLI(t, dir, "describe", "--tags"); got != "v1.2.0" {
		t.Errorf("git describe --tags = %q", got)
	}
	if got := gitCLI(t, dir, "cat-file", "-t", "v1.2.0"); got != "tag" {
		t.Errorf("git cat-file -t = %q, want an annotated tag", got)
	}
	raw := gitCLI(t, dir, "cat-file", "-p", "v1.2.0")
	if !strings.Contains(raw, "\ntagger T <t@example.com> 1772366400 +0000\n") || strings.Contains(raw, "PGP") {
		t.Errorf("git cat-file -p:\n%s", raw)
	}
	if body := raw[strings.Index(raw, "\n\n")+2:]; body+"\n" != changelog {
		t.Errorf("git cat-file -p shows the message\n%q\nwant\n%q", body, changelog)
	}
	// git tag -n99 prints the first line after the name and indents the others by four.
	want := "v1.2.0          " + strings.ReplaceAll(strings.TrimSpace(changelog), "\n", "\n    ")
	if got := gitCLI(t, dir, "tag", "-n99", "v1.2.0"); got != want {
		t.Errorf("git tag -n99:\n%s\nwant\n%s", got, want)
	}
	if tags, err := r.Tags(); err != nil || len(tags) != 1 || tags[0] != (Tag{Name: "v1.2.0", Commit: head}) {
		t.Errorf("Tags() = %+v, %v", tags, err)
	}
}

func TestCreateTagRefuses(t *testing.T) {
	isolateGit(t)
	dir, r := committedRepo(t)
	first := gitCLI(t, dir, "rev-parse", "HEAD")
	tagger := Signature{Name: "T", Email: "t@example.com"}
	if err := r.CreateTag("v1.0.0", "HEAD", tagger, time.Now(), "one line, no newline"); err != nil {
		t.Fatal(err)
	}
	if got := gitCLI(t, dir, "for-each-ref", "--format=%(contents)", "refs/tags/v1.0.0"); got != "one line, no newline" {
		t.Errorf("message = %q", got)
	}
	before := gitCLI(t, dir, "rev-parse", "v1.0.0")
	gitCLI(t, dir, "commit", "-q", "--allow-empty", "-m", "second")
	second := gitCLI(t, dir, "rev-parse", "HEAD")

	err := r.CreateTag("v1.0.0", second, tagger, time.Now(), "again")
	if want := "tag v1.0.0 already exists (at " + short(first) + ")"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("existing tag: %v, want %q", err, want)
	}
	if after := gitCLI(t, dir, "rev-parse", "v1.0.0"); after != before {
		t.Errorf("the existing tag moved from %s to %s", before, after)
	}
	err = r.CreateTag("v2.0.0", strings.Repeat("ab", 20), tagger, time.Now(), "notes")
	if !errors.Is(err, ErrNoCommit) {
		t.Errorf("unknown commit: %v", err)
	}
	tree := gitCLI(t, dir, "rev-parse", "HEAD^{tree}")
	for name, err := range map[string]error{
		"unknown commit": err,
		"a tree":         r.CreateTag("v2.0.0", tree, tagger, time.Now(), "notes"),
		"blank message":  r.CreateTag("v2.0.0", second, tagger, time.Now(), " \n\n"),
		"no tagger":      r.CreateTag("v2.0.0", second, Signature{}, time.Now(), "notes"),
		"bad name":       r.CreateTag("v2..0", second, tagger, time.Now(), "notes"),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		t.Logf("%s: %v", name, err)
	}
	if ok, _ := r.TagExists("v2.0.0"); ok {
		t.Error("a refused tag was written")
	}
}

func TestDeleteTag(t *testing.T) {
	isolateGit(t)
	dir, r := committedRepo(t)
	tagger := Signature{Name: "T", Email: "t@example.com"}
	if err := r.CreateTag("v1.0.0", "HEAD", tagger, time.Now(), "notes"); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, dir, "tag", "v1.0.1") // a lightweight tag, made by git
	gitCLI(t, dir, "pack-refs", "--all")
	gitCLI(t, dir, "tag", "v1.0.2")
	for _, name := range []string{"v1.0.0", "v1.0.1", "v1.0.2"} {
		if err := r.DeleteTag(name); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ok, err := r.TagExists(name); ok || err != nil {
			t.Errorf("%s: TagExists after DeleteTag = %v, %v", name, ok, err)
		}
	}
	if got := gitCLI(t, dir, "tag", "--list"); got != "" {
		t.Errorf("git tag --list after DeleteTag: %q", got)
	}
	gitCLI(t, dir, "fsck", "--no-dangling")
	err := r.DeleteTag("v9.9.9")
	if err == nil || !strings.Contains(err.Error(), "delete tag v9.9.9 in "+dir+": there is no such tag") {
		t.Errorf("a missing tag: %v", err)
	}
}
