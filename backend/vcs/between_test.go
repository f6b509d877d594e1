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

	ch, err := Between(dir, green, head)
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
	if same, _ := Between(dir, head, head); len(same.Commits) != 0 || len(same.Files) != 0 {
		t.Errorf("a commit against itself: %+v", same)
	}
	if _, err := Between(dir, green, "0123456789012345678901234567890123456789"); err == nil {
		t.Error("an unknown commit gave no error")
	}
}
