package vcs

import (
	"errors"
	"slices"
	"testing"
)

// subjects lists the subjects of commits, in order.
func subjects(cs []LogCommit) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Subject)
	}
	return out
}

func heads(hs []Head) []string {
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.SHA)
	}
	return out
}

// commitAt makes an empty commit at date (both its author and committer dates) and returns
// its SHA.
func commitAt(t *testing.T, dir, msg, date string) string {
	t.Helper()
	t.Setenv("GIT_COMMITTER_DATE", date)
	gitCLI(t, dir, "commit", "-q", "--allow-empty", "--date", date, "-m", msg)
	return gitCLI(t, dir, "rev-parse", "HEAD")
}

func TestHistory(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenRepo(dir); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("outside a repository: %v", err)
	}
	gitCLI(t, dir, "init", "-q", "-b", "main")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if hs, err := r.Heads(); err != nil || len(hs) != 0 {
		t.Fatalf("no commit yet: %+v, %v", hs, err)
	}
	first := commitAt(t, dir, "first", "2026-01-01T10:00:00Z")
	gitCLI(t, dir, "switch", "-q", "-c", "12-login")
	side := commitAt(t, dir, "side: fixes #12", "2026-01-02T10:00:00Z")
	gitCLI(t, dir, "switch", "-q", "main")
	mainTip := commitAt(t, dir, "main work", "2026-01-03T10:00:00Z")
	t.Setenv("GIT_COMMITTER_DATE", "2026-01-04T10:00:00Z")
	gitCLI(t, dir, "merge", "-q", "--no-ff", "-m", "Merge branch 12-login", "12-login")
	merge := gitCLI(t, dir, "rev-parse", "HEAD")

	r.Close()
	r, _ = OpenRepo(dir)
	defer r.Close()
	hs, err := r.Heads()
	if err != nil || len(hs) != 2 || hs[0] != (Head{Branch: "12-login", SHA: side}) || hs[1] != (Head{Branch: "main", SHA: merge}) {
		t.Fatalf("heads %+v, %v", hs, err)
	}
	all, err := r.CommitsSince(heads(hs), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := subjects(all), []string{"first", "side: fixes #12", "main work", "Merge branch 12-login"}; !slices.Equal(got, want) {
		t.Errorf("first walk %q, want %q", got, want)
	}
	if all[1].Message != "side: fixes #12\n" || all[1].SHA != side || all[1].When.IsZero() {
		t.Errorf("commit %+v", all[1])
	}
	known := map[string]bool{}
	for _, c := range all {
		known[c.SHA] = true
	}
	if again, err := r.CommitsSince(heads(hs), known); err != nil || len(again) != 0 {
		t.Errorf("nothing new: %+v, %v", again, err)
	}
	// A detached HEAD with a commit of its own is a head too; only that commit is new.
	gitCLI(t, dir, "switch", "-q", "--detach", "HEAD")
	detached := commitAt(t, dir, "detached", "2026-01-05T10:00:00Z")
	hs, _ = r.Heads()
	if len(hs) != 3 || hs[2] != (Head{SHA: detached}) {
		t.Fatalf("heads with a detached HEAD %+v", hs)
	}
	if more, err := r.CommitsSince(heads(hs), known); err != nil || !slices.Equal(subjects(more), []string{"detached"}) {
		t.Errorf("after one more commit: %q, %v", subjects(more), err)
	}

	cases := []struct {
		tip  string
		shas []string
		want []string
	}{
		{merge, []string{side, first, mainTip}, []string{mainTip, side, first}},
		{mainTip, []string{side, first}, []string{first}},
		{side, []string{mainTip, merge}, nil},
		{first, []string{first}, []string{first}},
		{merge, []string{"0123456789abcdef0123456789abcdef01234567"}, nil},
		{merge, nil, nil},
	}
	for _, c := range cases {
		got, err := r.Contains(c.tip, c.shas)
		slices.Sort(got)
		slices.Sort(c.want)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Contains(%s, %v) = %v, %v; want %v", short(c.tip), c.shas, got, err, c.want)
		}
	}
	if _, err := r.Contains("0123456789abcdef0123456789abcdef01234567", []string{first}); !errors.Is(err, ErrNoCommit) {
		t.Errorf("Contains of a missing tip: %v, want ErrNoCommit", err)
	}
}
