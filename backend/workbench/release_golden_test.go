package workbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eightfold/backend/internal/golden"
)

// history is a crafted git history: each step is a commit message, a tag ("tag NAME", an
// annotated tag), a branch merged back ("merge NAME: msg…" makes a branch with the commits
// after the colon, separated by "|", and merges it with --no-ff), or a card to add first.
type history struct {
	name  string
	cards int
	yaml  string // extra eightfold.yaml lines (release: settings)
	bump  string
	steps []string
}

var histories = []history{
	{name: "first-release", cards: 3, steps: []string{
		"feat(api): list orders\n\nCloses #1",
		"fix: round totals half up (fixes #2)",
		"perf(db): index orders by customer",
		"docs: usage",
		"chore: bump deps",
		"Tidy the handlers",
	}},
	{name: "since-annotated-tag-0x-breaking", cards: 1, steps: []string{
		"feat: first cut",
		"tag v0.3.0",
		"feat!: orders are paged\n\nRefs #1",
		"fix: empty page\n\nBREAKING CHANGE: the page size is required",
		"ci: cache modules",
	}},
	{name: "merges-filtered", steps: []string{
		"feat: base",
		"tag v1.4.2",
		"merge feature/login: feat(auth): sign in|test: sign in",
		"fix(auth): session expiry",
	}},
	{name: "major-one-breaking", yaml: "release:\n  initial: 1.0.0\n", steps: []string{
		"feat: base",
		"tag 1.0.0",
		"refactor!: drop the v1 API",
	}},
	{name: "manual-prerelease", bump: "2.0.0-rc.1", steps: []string{
		"feat: base",
		"tag v1.1.0",
		"fix: a typo in the banner",
	}},
}

// Changelogs and versions from real repositories, compared with golden files under
// testdata/release/. Commit dates and identities are fixed, so the SHAs are too.
func TestReleaseChangelogGoldens(t *testing.T) {
	for _, h := range histories {
		t.Run(h.name, func(t *testing.T) {
			p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n"+h.yaml)
			p.now = func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }
			for range h.cards {
				mustCard(t, p, NewCard{Title: "card"})
			}
			g := fixedGit{t: t, dir: p.Dir()}
			g.run("init", "-q", "-b", "main")
			for _, s := range h.steps {
				g.step(s)
			}
			pr, err := p.ReleasePreview(h.bump)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("version: %s (from %q, %s: %s)\ntag: %s\ncards: %v\n\n%s", pr.Version, pr.LastTag, pr.Bump, pr.Reason,
				pr.Tag, pr.Cards, pr.Changelog)
			golden.Check(t, filepath.Join("testdata", "release", h.name+".md"), got)
		})
	}
}

// fixedGit runs git with a fixed identity and a clock that ticks a minute per commit.
type fixedGit struct {
	t    *testing.T
	dir  string
	tick int
}

func (g *fixedGit) run(args ...string) string {
	g.t.Helper()
	date := fmt.Sprintf("%d +0000", 1_780_000_000+g.tick*60)
	cmd := exec.Command("git", append([]string{"-C", g.dir, "-c", "user.name=T", "-c", "user.email=t@example.com",
		"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (g *fixedGit) commit(msg string) {
	g.tick++
	g.run("commit", "-q", "--allow-empty", "-m", msg)
}

// step applies one step of a history.
func (g *fixedGit) step(s string) {
	switch {
	case strings.HasPrefix(s, "tag "):
		name := strings.TrimPrefix(s, "tag ")
		g.run("tag", "-a", name, "-m", "release "+name)
	case strings.HasPrefix(s, "merge "):
		branch, msgs, _ := strings.Cut(strings.TrimPrefix(s, "merge "), ": ")
		g.run("checkout", "-q", "-b", branch)
		for _, m := range strings.Split(msgs, "|") {
			g.commit(m)
		}
		g.run("checkout", "-q", "main")
		g.tick++
		g.run("merge", "-q", "--no-ff", "-m", "Merge branch '"+branch+"'", branch)
	default:
		g.commit(s)
	}
}
