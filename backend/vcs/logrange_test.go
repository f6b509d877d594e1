package vcs

import (
	"reflect"
	"testing"
)

// Range lists the same commits, in the same order and with the same messages, whether git
// or go-git reads them: on a history with a merged branch, multi-line messages and a tag.
func TestRangeByCLIAndGoGitAgree(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	first := commitAt(t, dir, "feat: first\n\nBody line.\n\nCloses #1", "2026-01-01T10:00:00Z")
	gitCLI(t, dir, "tag", "v1.0.0")
	gitCLI(t, dir, "switch", "-q", "-c", "12-login")
	commitAt(t, dir, "fix(auth): side", "2026-01-02T10:00:00Z")
	commitAt(t, dir, "feat!: side two\n\nBREAKING CHANGE: yes", "2026-01-02T11:00:00Z")
	gitCLI(t, dir, "switch", "-q", "main")
	commitAt(t, dir, "perf: main work", "2026-01-03T10:00:00Z")
	t.Setenv("GIT_COMMITTER_DATE", "2026-01-04T10:00:00Z")
	gitCLI(t, dir, "merge", "-q", "--no-ff", "-m", "Merge branch 12-login", "12-login")
	head := gitCLI(t, dir, "rev-parse", "HEAD")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, since := range []string{"", first} {
		cli, err := rangeByCLI("git", dir, head, since)
		if err != nil {
			t.Fatal(err)
		}
		goGit, err := r.rangeByGoGit(head, since)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Merge branch 12-login", "perf: main work", "feat!: side two", "fix(auth): side"}
		if since == "" {
			want = append(want, "feat: first")
		}
		if got := subjects(cli); !reflect.DeepEqual(got, want) {
			t.Errorf("since %q: git lists %q, want %q", since, got, want)
		}
		for i := range goGit {
			goGit[i].When = goGit[i].When.Local() // the same instant; git's is read as local time
		}
		if !reflect.DeepEqual(cli, goGit) {
			t.Errorf("since %q: git and go-git differ:\n%+v\n%+v", since, cli, goGit)
		}
	}
	if _, err := rangeByCLI("git", dir, head, "v9.9.9"); err == nil {
		t.Error("an unknown revision gave no error")
	}
}

// With skewed clocks (a commit whose committer time lies before its parent's), go-git
// lists no parent before its children either, as git log --date-order does, and otherwise
// goes by time.
func TestRangeWithSkewedClocksIsTopological(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	root := commitAt(t, dir, "root", "2025-12-01T10:00:00Z")
	first := commitAt(t, dir, "first", "2026-01-01T10:00:00Z")
	gitCLI(t, dir, "switch", "-q", "-c", "side")
	commitAt(t, dir, "side", "2026-01-02T10:00:00Z")
	gitCLI(t, dir, "switch", "-q", "main")
	commitAt(t, dir, "skewed: older than its parent", "2025-12-31T10:00:00Z")
	commitAt(t, dir, "after the skew", "2026-01-03T10:00:00Z")
	commitAt(t, dir, "skewed again", "2025-12-15T10:00:00Z")
	t.Setenv("GIT_COMMITTER_DATE", "2026-01-04T10:00:00Z")
	gitCLI(t, dir, "merge", "-q", "--no-ff", "-m", "Merge branch side", "side")
	head := gitCLI(t, dir, "rev-parse", "HEAD")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for since, want := range map[string][]string{
		"":    {"Merge branch side", "side", "skewed again", "after the skew", "skewed: older than its parent", "first", "root"},
		root:  {"Merge branch side", "side", "skewed again", "after the skew", "skewed: older than its parent", "first"},
		first: {"Merge branch side", "side", "skewed again", "after the skew", "skewed: older than its parent"},
	} {
		cli, err := rangeByCLI("git", dir, head, since)
		if err != nil {
			t.Fatal(err)
		}
		goGit, err := r.rangeByGoGit(head, since)
		if err != nil {
			t.Fatal(err)
		}
		if got := subjects(cli); !reflect.DeepEqual(got, want) {
			t.Errorf("since %q: git lists %q, want %q", since, got, want)
		}
		if got := subjects(goGit); !reflect.DeepEqual(got, want) {
			t.Errorf("since %q: go-git lists %q, want %q", since, got, want)
		}
		for i := range goGit {
			goGit[i].When = goGit[i].When.Local()
		}
		if !reflect.DeepEqual(cli, goGit) {
			t.Errorf("since %q: git and go-git differ:\n%+v\n%+v", since, cli, goGit)
		}
	}
}

func TestParseLogZRefusesGarbage(t *testing.T) {
	if _, err := parseLogZ([]byte("abc\nonly two\x00")); err == nil {
		t.Error("a short record parsed")
	}
	if _, err := parseLogZ([]byte("abc\n\nnot-a-time\nmsg\x00")); err == nil {
		t.Error("a bad time parsed")
	}
	if log, err := parseLogZ(nil); err != nil || len(log) != 0 {
		t.Errorf("no output: %v, %v", log, err)
	}
}
