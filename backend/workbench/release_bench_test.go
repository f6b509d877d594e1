package workbench

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"eightfold/backend/store"
)

// releaseMessage is commit i of BenchmarkReleasePreview's history: conventional commits of
// every kind, some closing one of 100 cards, some not conventional at all.
func releaseMessage(i int) string {
	switch i % 10 {
	case 0:
		return fmt.Sprintf("feat(report): export %d as CSV\n\nCloses #%d\n", i, i/10%100+1)
	case 1, 4, 7:
		return fmt.Sprintf("fix: round total %d half up\n", i)
	case 2:
		return fmt.Sprintf("perf(db): index %d\n", i)
	case 3, 6:
		return fmt.Sprintf("chore: bump dependency %d\n", i)
	case 5:
		return fmt.Sprintf("Tidy the session code %d, refs #%d\n", i, i%100+1)
	}
	return fmt.Sprintf("docs: explain option %d\n", i)
}

// BenchmarkReleasePreview times ReleasePreview on a real repository with 10,000 commits
// since its last version tag (goal: ≤ 300 ms): git status for the work tree, the tags, the
// walk back to the tag, the version, the changelog of 10,000 entries (6,000 shown), and the
// cards the commits link, on a board of 100 cards.
func BenchmarkReleasePreview(b *testing.B) {
	dir := makeHistory(b, benchHistory+1, func(i int) string {
		if i == 1 {
			return "feat: the first release\n"
		}
		return releaseMessage(i)
	})
	first, err := exec.Command("git", "-C", dir, "rev-list", "--max-parents=0", "HEAD").Output()
	if err != nil {
		b.Fatal(err)
	}
	tag := exec.Command("git", "-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "tag", "-a", "v1.0.0", "-m", "v1.0.0", strings.TrimSpace(string(first)))
	if out, err := tag.CombinedOutput(); err != nil {
		b.Fatalf("git tag: %v\n%s", err, out)
	}
	s, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec, err := s.EnsureProject(context.Background(), dir, "history", time.Now().UnixMilli())
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		if _, err := s.AddCard(context.Background(), store.NewCard{ProjectID: rec.ID, Title: fmt.Sprint("card ", i), NowMs: time.Now().UnixMilli()}); err != nil {
			b.Fatal(err)
		}
	}
	p, err := Open(s, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	<-p.scanned
	for b.Loop() {
		pr, err := p.ReleasePreview("")
		if err != nil || pr.Commits != benchHistory || pr.Version != "1.1.0" || len(pr.Cards) != 100 {
			b.Fatalf("%d commits, version %s, %d cards: %v", pr.Commits, pr.Version, len(pr.Cards), err)
		}
	}
}
