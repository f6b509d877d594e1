package vcs

import (
	"path/filepath"
	"slices"
	"testing"
)

// A history with a merged side branch: Between lists the commits reachable from the newer
// commit and not from the older one (the side branch's too), and the files that differ.
func TestBetween(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	commit := func(file, body, msg string) string {
		write(t, filepath.Join(dir, file), body)
		gitCLI(t, dir, "add", "-A")
		gitCLI(t, dir, "commit", "-q", "-m", msg)
		return gitCLI(t, dir, "rev-parse", "HEAD")
	}
	green := commit("a.txt", "a\n", "feat: a")
	gitCLI(t, dir, "checkout", "-q", "-b", "side")
	commit("side.txt", "s\n", "fix: side\n\nwith a body")
	gitCLI(t, dir, "checkout", "-q", "main")
	commit("a.txt", "a2\n", "refactor: a again")
	gitCLI(t, dir, "merge", "-q", "--no-ff", "-m", "Merge side", "side")
	head := gitCLI(t, dir, "rev-parse", "HEAD")

	ch, err := Between(dir, Snapshot{Commit: green}, Snapshot{Commit: head})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, c := range ch.Commits {
		subjects = append(subjects, c.Subject)
	}
	slices.Sort(subjects)
	if want := []string{"Merge side", "fix: side", "refactor: a again"}; !slices.Equal(subjects, want) || ch.More != 0 {
		t.Errorf("commits %q (+%d), want %q", subjects, ch.More, want)
	}
	if ch.Commits[0].SHA != head || ch.Commits[0].Author != "t" {
		t.Errorf("newest first: %+v", ch.Commits[0])
	}
	if want := []string{"a.txt", "side.txt"}; !slices.Equal(ch.Files, want) {
		t.Errorf("files %q, want %q", ch.Files, want)
	}
	if same, _ := Between(dir, Snapshot{Commit: head}, Snapshot{Commit: head}); len(same.Commits) != 0 || len(same.Files) != 0 {
		t.Errorf("a commit against itself: %+v", same)
	}
	if _, err := Between(dir, Snapshot{Commit: green}, Snapshot{Commit: "0123456789012345678901234567890123456789"}); err == nil {
		t.Error("an unknown commit gave no error")
	}
}

// Snapshots taken with Read while the work tree has uncommitted changes: Between lists the
// files whose content differs between them, whether committed or not, and leaves out an
// edit that was later committed as it was.
func TestBetweenUncommitted(t *testing.T) {
	dir := t.TempDir()
	gitCLI(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, "a.txt"), "a\n")
	write(t, filepath.Join(dir, "b.txt"), "b\n")
	write(t, filepath.Join(dir, "c.txt"), "c\n")
	gitCLI(t, dir, "add", "-A")
	gitCLI(t, dir, "commit", "-q", "-m", "first")
	snap := func() Snapshot {
		t.Helper()
		st, err := Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		return Snapshot{Commit: st.Commit, Uncommitted: st.Uncommitted}
	}
	files := func(from, to Snapshot) []string {
		t.Helper()
		ch, err := Between(dir, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return ch.Files
	}
	clean := snap()
	write(t, filepath.Join(dir, "a.txt"), "a2\n")
	write(t, filepath.Join(dir, "new.txt"), "new\n")
	editA := snap()
	if got, want := files(clean, editA), []string{"a.txt", "new.txt"}; !slices.Equal(got, want) {
		t.Errorf("clean → uncommitted edits: %q, want %q", got, want)
	}
	write(t, filepath.Join(dir, "b.txt"), "b2\n")
	editAB := snap()
	if got, want := files(editA, editAB), []string{"b.txt"}; !slices.Equal(got, want) {
		t.Errorf("both dirty on one commit: %q, want %q (a.txt and new.txt are the same in both)", got, want)
	}
	gitCLI(t, dir, "add", "a.txt")
	gitCLI(t, dir, "commit", "-q", "-m", "a2")
	write(t, filepath.Join(dir, "c.txt"), "c2\n")
	committed := snap()
	if got, want := files(editAB, committed), []string{"c.txt"}; !slices.Equal(got, want) {
		t.Errorf("a.txt committed as it was, b.txt and new.txt the same uncommitted, c.txt edited: %q, want %q", got, want)
	}
	if got, want := files(clean, committed), []string{"a.txt", "b.txt", "c.txt", "new.txt"}; !slices.Equal(got, want) {
		t.Errorf("clean → a commit plus edits: %q, want %q", got, want)
	}
	if got := files(committed, committed); len(got) != 0 {
		t.Errorf("a snapshot against itself: %q", got)
	}
}
