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

// benchHistory is the size of BenchmarkScanCommits' repository.
const benchHistory = 10_000

// makeHistory makes a git repository whose main branch has n commits, with git
// fast-import (seconds instead of minutes), commit i having the message msg(i).
func makeHistory(b *testing.B, n int, msg func(i int) string) string {
	b.Helper()
	dir := b.TempDir()
	if out, err := exec.Command("git", "init", "-q", "-b", "main", dir).CombinedOutput(); err != nil {
		b.Fatalf("git init: %v\n%s", err, out)
	}
	var in strings.Builder
	for i := 1; i <= n; i++ {
		m := msg(i)
		fmt.Fprintf(&in, "commit refs/heads/main\nmark :%d\ncommitter T <t@example.com> %d +0000\ndata %d\n%s", i, 1_700_000_000+i*60, len(m), m)
		if i > 1 {
			fmt.Fprintf(&in, "from :%d\n", i-1)
		}
		in.WriteString("\n")
	}
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(in.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	return dir
}

// scanMessage is commit i of BenchmarkScanCommits' history: every 10th closes a card
// ("fixes #k", k from 1 to 100), every 7th mentions one, the others have ordinary two-line
// messages.
func scanMessage(i int) string {
	switch {
	case i%10 == 0:
		return fmt.Sprintf("Fix the export of report %d\n\nfixes #%d\n", i, i/10%100+1)
	case i%7 == 0:
		return fmt.Sprintf("Tidy the session code, refs #%d\n", i%100+1)
	}
	return fmt.Sprintf("Change %d of the parser\n\nThe body says what changed and why, in a line or two.\n", i)
}

// BenchmarkScanCommits times the first scan of a repository of 10,000 commits for card
// references (goal: ≤ 500 ms), on a board of 100 cards that a tenth of the commits close:
// opening the project runs it. Again is the scan after it, with nothing new: a lookup of
// the heads, no walk.
func BenchmarkScanCommits(b *testing.B) {
	dir := makeHistory(b, benchHistory, scanMessage)
	var p *Project
	parent := b
	open := func(b *testing.B) {
		s, err := store.Open(parent.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		rec, err := s.EnsureProject(context.Background(), dir, "history", time.Now().UnixMilli())
		if err != nil {
			b.Fatal(err)
		}
		for i := range 100 {
			if _, err := s.AddCard(context.Background(), store.NewCard{ProjectID: rec.ID, Title: fmt.Sprint("card ", i), NowMs: time.Now().UnixMilli()}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if p, err = Open(s, dir, nil); err != nil {
			b.Fatal(err)
		}
		<-p.scanned
		b.StopTimer()
		q := p
		parent.Cleanup(func() { q.Close(); s.Close() }) // the last one serves Again
	}
	b.Run("First", func(b *testing.B) {
		b.StopTimer()
		for range b.N {
			open(b)
		}
		known, err := p.store.ScannedCommits(context.Background(), p.id)
		if err != nil || len(known) != benchHistory {
			b.Fatalf("%d commits scanned, want %d (%v)", len(known), benchHistory, err)
		}
		if d := cardDetail(b, p, 1); d.Card.Column != "Code" || len(d.Links) != 10 {
			b.Fatalf("card #1 is in %s with %d links", d.Card.Column, len(d.Links))
		}
	})
	b.Run("Again", func(b *testing.B) {
		for b.Loop() {
			r, err := p.ScanCommits()
			if err != nil || r.Commits != 0 {
				b.Fatalf("%+v, %v", r, err)
			}
		}
	})
}

func cardDetail(b *testing.B, p *Project, n int64) CardDetail {
	b.Helper()
	c, err := p.store.CardByNumber(context.Background(), p.id, n)
	if err != nil {
		b.Fatal(err)
	}
	d, err := p.CardDetail(c.ID)
	if err != nil {
		b.Fatal(err)
	}
	return d
}
