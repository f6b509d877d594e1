package release

import (
	"path/filepath"
	"testing"

	"eightfold/backend/internal/golden"
)

func TestChangelog(t *testing.T) {
	tests := []struct {
		name    string
		version string
		date    string
		commits []Commit
		filter  Filter
	}{
		{
			name: "all-sections", version: "1.4.0", date: "2025-03-14",
			commits: []Commit{
				{SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", Message: "feat(api)!: drop the v1 routes\n\nBREAKING CHANGE: /v1/* is gone; call /v2/* instead.\nThe v2 payloads are documented in docs/api.md.\nRefs: #40", Parents: 1, Cards: []string{"#40"}},
				{SHA: "b2c3d4e5f60718293a4b5c6d7e8f901234567890", Message: "feat(board): drag cards between columns", Parents: 1, Cards: []string{"#12", "APP-3"}},
				{SHA: "c3d4e5f", Message: "feat: `eightfold release --dry-run`", Parents: 1},
				{SHA: "d4e5f60718293a4b5c6d7e8f9012345678901234", Message: "fix(watch): debounce renames\n\nLong explanation.", Parents: 1, Cards: []string{"#7"}},
				{SHA: "e5f60718293a4b5c6d7e8f9012345678901234ab", Message: "perf(store): batch inserts", Parents: 1},
				{SHA: "f60718293a4b5c6d7e8f9012345678901234abcd", Message: "refactor(runner): split process groups", Parents: 1},
				{SHA: "0718293a4b5c6d7e8f9012345678901234abcdef", Message: "Tidy up the release view", Parents: 1},
				{SHA: "18293a4b5c6d7e8f9012345678901234abcdef01", Message: "chore(deps): bump go-git", Parents: 1},
				{SHA: "293a4b5c6d7e8f9012345678901234abcdef0123", Message: "docs: explain releases", Parents: 1},
				{SHA: "93a4b5c6d7e8f9012345678901234abcdef01234", Message: "Merge branch 'feature/board'", Parents: 2},
				{SHA: "3a4b5c6d7e8f9012345678901234abcdef012345", Message: "fix: handle empty tags", Parents: 1, Cards: []string{"#9", "#9"}},
			},
		},
		{
			name: "breaking-only-bang", version: "v0.5.0", date: "2025-01-02",
			commits: []Commit{
				{SHA: "abcdef0123456789", Message: "refactor(config)!: rename `jobs` to `steps`", Parents: 1, Cards: []string{"APP-1"}},
				{SHA: "bcdef0123456789a", Message: "Rework everything\n\nBREAKING CHANGE: new config format\n\nsee the migration guide\nBREAKING-CHANGE: and new flags", Parents: 1},
				{SHA: "cdef0123456789ab", Message: "ci!: require Go 1.26", Parents: 1},
			},
		},
		{
			name: "non-conventional", version: "0.1.0",
			commits: []Commit{
				{SHA: "1111111111111111", Message: "Initial commit", Parents: 0},
				{SHA: "2222222222222222", Message: "Add login page", Parents: 1, Cards: []string{"#1"}},
				{SHA: "", Message: "WIP: no sha", Parents: 1},
			},
		},
		{
			name: "nothing-notable", version: "1.2.4", date: "2025-06-01",
			commits: []Commit{
				{SHA: "1111111111111111", Message: "chore: a", Parents: 1},
				{SHA: "2222222222222222", Message: "Merge pull request #3 from x/y", Parents: 2},
			},
		},
		{
			name: "merges-and-chores-kept", version: "1.2.4", date: "2025-06-01",
			filter: Filter{IncludeMerges: true, SkipTypes: []string{"docs"}},
			commits: []Commit{
				{SHA: "1111111111111111", Message: "chore: a", Parents: 1},
				{SHA: "2222222222222222", Message: "Merge pull request #3 from x/y", Parents: 2, Cards: []string{"#3"}},
				{SHA: "3333333333333333", Message: "docs: b", Parents: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Changelog(tt.version, tt.date, tt.commits, tt.filter)
			golden.Check(t, filepath.Join("testdata", tt.name+".md"), got)

			// The release decision and the changelog agree: a release iff an entry.
			p, err := Next(nil, tt.commits, Options{Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			entries := p.Breaking + p.Features + p.Fixes + p.Performance + p.Other
			if p.Release != (entries > 0) {
				t.Errorf("Release = %v with %d entries", p.Release, entries)
			}
		})
	}
}
