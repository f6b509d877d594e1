package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// BenchmarkParseCommit parses 10,000 generated but realistic commit messages per iteration:
// conventional and plain subjects, wrapped bodies with lists, inline code, a code block in
// some, and trailers; about half reference cards, by "#N", "APP-N", a closing keyword or a
// trailer. The board's goal is a scan of 10,000 commits in 500 ms, git included.
// Run: go test ./backend/plan -run '^$' -bench ParseCommit -count 5
func BenchmarkParseCommit(b *testing.B) {
	msgs := benchMessages(10_000)
	size := 0
	for _, m := range msgs {
		size += len(m)
	}
	b.SetBytes(int64(size))
	refs := 0
	for b.Loop() {
		refs = 0
		for _, m := range msgs {
			refs += len(ParseCommit(m, "APP"))
		}
	}
	b.ReportMetric(float64(len(msgs))*float64(b.N)/b.Elapsed().Seconds(), "messages/s")
	b.ReportMetric(float64(refs), "refs/10k")
}

// benchMessages returns n commit messages, the same on every call.
func benchMessages(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	types := []string{"fix", "feat", "chore", "refactor", "docs", "test", ""}
	areas := []string{"login", "board", "runner", "store", "watcher", "deploy", "release notes", "config loader"}
	verbs := []string{"Handle", "Add", "Remove", "Rename", "Speed up", "Simplify", "Guard against", "Document"}
	things := []string{"empty input", "a nil pointer", "the retry loop", "stale caches", "slow queries", "the timeout", "unicode names", "duplicate rows"}
	prose := strings.Fields(`the parser now keeps the offsets of every reference so the board can
		highlight them in the commit view while the store writes one row per link and the runner
		reports each step with its exit code a timeout kills the process group and the watcher
		debounces bursts of events before it starts another run of the tests`)
	refs := []func() string{
		func() string { return fmt.Sprintf("Fixes #%d", 1+r.IntN(900)) },
		func() string { return fmt.Sprintf("Closes: APP-%d", 1+r.IntN(900)) },
		func() string { return fmt.Sprintf("Refs #%d", 1+r.IntN(900)) },
		func() string {
			return fmt.Sprintf("fixes #%d, #%d and #%d", 1+r.IntN(900), 1+r.IntN(900), 1+r.IntN(900))
		},
		func() string { return fmt.Sprintf("Part of APP-%d", 1+r.IntN(900)) },
	}
	msgs := make([]string, n)
	for i := range msgs {
		var b strings.Builder
		if t := types[r.IntN(len(types))]; t != "" {
			fmt.Fprintf(&b, "%s(%s): ", t, areas[r.IntN(len(areas))])
		}
		fmt.Fprintf(&b, "%s %s in the %s", verbs[r.IntN(len(verbs))], things[r.IntN(len(things))], areas[r.IntN(len(areas))])
		if r.IntN(4) == 0 {
			fmt.Fprintf(&b, " (#%d)", 1+r.IntN(900))
		}
		if r.IntN(5) > 0 {
			b.WriteString("\n\n")
			for l := range 2 + r.IntN(6) {
				if l > 0 && r.IntN(4) == 0 {
					b.WriteString("- ")
				}
				for w := range 8 + r.IntN(6) {
					if w > 0 {
						b.WriteByte(' ')
					}
					if r.IntN(20) == 0 {
						fmt.Fprintf(&b, "`%s()`", prose[r.IntN(len(prose))])
						continue
					}
					b.WriteString(prose[r.IntN(len(prose))])
				}
				b.WriteString(".\n")
			}
			if r.IntN(10) == 0 {
				b.WriteString("\n```\n$ go test ./... # see #3\nok  \texample.com/x\t0.2s\n```\n")
			}
		}
		b.WriteString("\n")
		if r.IntN(2) == 0 {
			b.WriteString(refs[r.IntN(len(refs))]())
			b.WriteByte('\n')
		}
		b.WriteString("Signed-off-by: Ada Lovelace <ada@example.com>\n")
		if r.IntN(5) == 0 {
			b.WriteString("Co-authored-by: Grace Hopper <grace@example.com>\n")
		}
		msgs[i] = b.String()
	}
	return msgs
}
