package release

import (
	"fmt"
	"testing"

	"github.com/Masterminds/semver/v3"
)

// history builds n commits with a realistic mix: mostly fixes, features and chores, some
// non-conventional subjects, merges, bodies, breaking footers and card keys.
func history(n int) []Commit {
	kinds := []string{
		"fix(watch): debounce renames number %d",
		"feat(board): drag card %d between columns\n\nLonger body explaining the change.\n\nRefs: #%d",
		"chore(deps): bump module %d",
		"Update readme section %d",
		"perf(store): batch %d inserts",
		"docs: page %d",
		"Merge branch 'feature/%d'",
		"refactor(runner)!: rename option %d\n\nBREAKING CHANGE: the option is now called x%d.\nSigned-off-by: A <a@example.com>",
	}
	out := make([]Commit, n)
	for i := range out {
		k := i % len(kinds)
		out[i] = Commit{
			SHA:     fmt.Sprintf("%040x", i*2654435761),
			Message: fmt.Sprintf(kinds[k], i, i),
			Parents: 1,
		}
		if k == 6 {
			out[i].Parents = 2
		}
		if i%3 == 0 {
			out[i].Cards = []string{fmt.Sprintf("#%d", i%97), "APP-3"}
		}
	}
	return out
}

// BenchmarkNextAndChangelog is the figure: the next version and the changelog for
// 10,000 commits since the last tag (the pure part; reading git is measured elsewhere).
//
//	go test ./backend/release -run '^$' -bench NextAndChangelog -count 5
func BenchmarkNextAndChangelog(b *testing.B) {
	cs := history(10000)
	last := semver.MustParse("1.2.3")
	b.ReportAllocs()
	for b.Loop() {
		p, err := Next(last, cs, Options{})
		if err != nil || !p.Release {
			b.Fatal(p, err)
		}
		if Changelog(p.Version.String(), "2025-03-14", cs, Filter{}) == "" {
			b.Fatal("empty changelog")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	cs := history(8)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			Parse(c.Message)
		}
	}
}
