package release

import (
	"errors"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
)

func TestLastVersion(t *testing.T) {
	tests := []struct {
		name    string
		tags    []string
		want    string
		wantTag string
	}{
		{"none", nil, "", ""},
		{"no version tags", []string{"latest", "release-1", "v1", "v1.2", "1.2.3.4", "stable"}, "", ""},
		{"v prefix", []string{"v1.2.3"}, "1.2.3", "v1.2.3"},
		{"no prefix", []string{"1.2.3"}, "1.2.3", "1.2.3"},
		{"highest numerically, not lexically", []string{"v1.9.0", "v1.10.0", "v1.2.0"}, "1.10.0", "v1.10.0"},
		{"release beats its own pre-releases", []string{"v1.3.0-rc.2", "v1.3.0", "v1.3.0-rc.1"}, "1.3.0", "v1.3.0"},
		{"pre-release of the next version counts", []string{"v1.2.0", "v1.3.0-rc.1"}, "1.3.0-rc.1", "v1.3.0-rc.1"},
		{"pre-release order per semver", []string{"v2.0.0-alpha.10", "v2.0.0-alpha.9", "v2.0.0-beta"}, "2.0.0-beta", "v2.0.0-beta"},
		{"other tags ignored", []string{"deploy-prod", "v0.4.1", "nightly"}, "0.4.1", "v0.4.1"},
		{"leading zero rejected", []string{"v01.2.3", "v0.1.0"}, "0.1.0", "v0.1.0"},
		{"trailing dash rejected", []string{"v9.0.0-", "v9.0.0+", "v1.0.0"}, "1.0.0", "v1.0.0"},
		{"refs/tags prefix", []string{"refs/tags/v2.0.0"}, "2.0.0", "refs/tags/v2.0.0"},
		{"equal versions: first wins", []string{"1.2.3", "v1.2.3", "v1.2.3+build.5"}, "1.2.3", "1.2.3"},
		{"capital V is not a version", []string{"V3.0.0", "v1.0.0"}, "1.0.0", "v1.0.0"},
		{"a dirty release does not use up its number", []string{"v0.1.0+dirty"}, "", ""},
		{"dirty releases ignored", []string{"v1.0.0", "v1.1.0+dirty", "v1.1.0-rc.1+dirty", "refs/tags/v2.0.0+dirty"}, "1.0.0", "v1.0.0"},
		{"only exactly dirty is ignored", []string{"v1.0.0", "v1.1.0+dirty.1", "v1.2.0+Dirty"}, "1.2.0+Dirty", "v1.2.0+Dirty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, tag, ok := LastVersion(tt.tags)
			if ok != (tt.want != "") {
				t.Fatalf("ok = %v, want %v", ok, tt.want != "")
			}
			if !ok {
				return
			}
			if v.String() != tt.want || tag != tt.wantTag {
				t.Errorf("LastVersion = %s, %q; want %s, %q", v, tag, tt.want, tt.wantTag)
			}
		})
	}
}

// commits builds a history from messages; "merge:" prefixed messages get two parents.
func commits(msgs ...string) []Commit {
	out := make([]Commit, len(msgs))
	for i, m := range msgs {
		out[i] = Commit{SHA: strings.Repeat(string(rune('a'+i%26)), 40), Message: m, Parents: 1}
		if rest, ok := strings.CutPrefix(m, "merge:"); ok {
			out[i].Message, out[i].Parents = rest, 2
		}
	}
	return out
}

func TestNext(t *testing.T) {
	tests := []struct {
		name    string
		last    string // "" for no tag
		commits []Commit
		opts    Options
		want    string // "" for no release
		bump    Bump
		reason  string
	}{
		// stable (major ≥ 1)
		{"fix → patch", "1.2.3", commits("fix: a"), Options{}, "1.2.4", BumpPatch, "fix: in 1 commit"},
		{"perf → patch", "1.2.3", commits("perf: a", "perf: b"), Options{}, "1.2.4", BumpPatch, "perf: in 2 commits"},
		{"fix and perf", "1.2.3", commits("perf: a", "fix: b"), Options{}, "1.2.4", BumpPatch, "fix: in 1 commit, perf: in 1 commit"},
		{"feat → minor", "1.2.3", commits("fix: a", "feat: b", "feat(x): c", "feat: d"), Options{}, "1.3.0", BumpMinor, "feat: in 3 commits"},
		{"bang → major", "1.2.3", commits("feat: a", "fix!: b"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"footer → major", "1.2.3", commits("refactor: a\n\nBREAKING CHANGE: gone"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"BREAKING-CHANGE footer → major", "1.2.3", commits("fix: a\n\nBREAKING-CHANGE: gone"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"breaking chore is not skipped", "1.2.3", commits("chore!: drop go 1.20"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"footer on non-conventional → major", "1.0.0", commits("Rework\n\nBREAKING CHANGE: all"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"lower-case footer is not breaking", "1.0.0", commits("fix: a\n\nbreaking change: no"), Options{}, "1.0.1", BumpPatch, "fix: in 1 commit"},
		{"v prefix on last", "v1.2.3", commits("feat: a"), Options{}, "1.3.0", BumpMinor, "feat: in 1 commit"},

		// 0.x rules, both ways
		{"0.x breaking → minor", "0.4.2", commits("feat!: a", "feat: b"), Options{}, "0.5.0", BumpMinor, "BREAKING CHANGE in 1 commit, major 0 keeps it a minor bump"},
		{"0.x feat → patch", "0.4.2", commits("feat: a", "fix: b"), Options{}, "0.4.3", BumpPatch, "feat: in 1 commit, major 0 keeps it a patch bump"},
		{"0.x fix → patch", "0.4.2", commits("fix: a"), Options{}, "0.4.3", BumpPatch, "fix: in 1 commit"},
		{"0.x breaking → 1.0.0 when asked", "0.4.2", commits("feat!: a"), Options{BreakingAlwaysBumpsMajor: true}, "1.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"0.x feat → minor when asked", "0.4.2", commits("feat: a"), Options{FeaturesAlwaysBumpMinor: true}, "0.5.0", BumpMinor, "feat: in 1 commit"},
		{"0.x breaking stays minor when only features are asked", "0.4.2", commits("feat!: a"), Options{FeaturesAlwaysBumpMinor: true}, "0.5.0", BumpMinor, "BREAKING CHANGE in 1 commit, major 0 keeps it a minor bump"},
		{"0.x rule does not apply from 1.0.0", "1.0.0", commits("feat: a"), Options{}, "1.1.0", BumpMinor, "feat: in 1 commit"},

		// pre-release tags
		{"rc + fix → release", "1.3.0-rc.1", commits("fix: a"), Options{}, "1.3.0", BumpPatch, "fix: in 1 commit, releases pre-release 1.3.0-rc.1"},
		{"rc + feat → release of minor", "1.3.0-rc.1", commits("feat: a"), Options{}, "1.3.0", BumpMinor, "feat: in 1 commit, releases pre-release 1.3.0-rc.1"},
		{"patch rc + feat → next minor", "1.3.1-rc.1", commits("feat: a"), Options{}, "1.4.0", BumpMinor, "feat: in 1 commit"},
		{"rc + breaking → next major", "1.3.0-rc.1", commits("feat!: a"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit"},
		{"major rc + breaking → release", "2.0.0-beta.3", commits("feat!: a"), Options{}, "2.0.0", BumpMajor, "BREAKING CHANGE in 1 commit, releases pre-release 2.0.0-beta.3"},
		{"0.x rc + breaking → release of minor", "0.5.0-rc.1", commits("fix!: a"), Options{}, "0.5.0", BumpMinor, "BREAKING CHANGE in 1 commit, major 0 keeps it a minor bump, releases pre-release 0.5.0-rc.1"},

		// no tag yet
		{"first release defaults to 0.1.0", "", commits("feat: a"), Options{}, "0.1.0", BumpInitial, "first release 0.1.0: no version tag yet (feat: in 1 commit)"},
		{"first release configurable", "", commits("Initial commit"), Options{Initial: "v1.0.0"}, "1.0.0", BumpInitial, "first release 1.0.0: no version tag yet (other changes in 1 commit)"},
		{"first release needs a change", "", commits("chore: init"), Options{}, "", BumpNone, "nothing to release: the only commit yet is filtered out (merges, chore, ci, docs, build, test, style)"},

		// non-conventional and filtered commits
		{"no conventional commits → patch", "1.2.3", commits("Add login", "Tidy up"), Options{}, "1.2.4", BumpPatch, "other changes in 2 commits"},
		{"refactor counts as other", "1.2.3", commits("refactor: a", "docs: b"), Options{}, "1.2.4", BumpPatch, "other changes in 1 commit"},
		{"no commits", "1.2.3", nil, Options{}, "", BumpNone, "nothing to release: no commits since 1.2.3"},
		{"only chores → nothing", "1.2.3", commits("chore: a", "docs: b", "ci: c", "build: d", "test: e", "style: f", "Chore: g"), Options{}, "", BumpNone, "nothing to release: the 7 commits since 1.2.3 are all filtered out (merges, chore, ci, docs, build, test, style)"},
		{"merges skipped", "1.2.3", commits("Merge branch 'x'", "merge:feat: merged"), Options{}, "", BumpNone, "nothing to release: the 2 commits since 1.2.3 are all filtered out (merges, chore, ci, docs, build, test, style)"},
		{"merges kept on request", "1.2.3", commits("Merge branch 'x'"), Options{Filter: Filter{IncludeMerges: true}}, "1.2.4", BumpPatch, "other changes in 1 commit"},
		{"custom skip list", "1.2.3", commits("chore: a", "refactor: b"), Options{Filter: Filter{SkipTypes: []string{"REFACTOR"}}}, "1.2.4", BumpPatch, "other changes in 1 commit"},
		{"empty skip list skips nothing", "1.2.3", commits("docs: a"), Options{Filter: Filter{SkipTypes: []string{}}}, "1.2.4", BumpPatch, "other changes in 1 commit"},
		{"custom skip list in reason", "1.2.3", commits("wip: a"), Options{Filter: Filter{SkipTypes: []string{"wip"}, IncludeMerges: true}}, "", BumpNone, "nothing to release: the only commit since 1.2.3 is filtered out (wip)"},

		// manual override
		{"override major", "1.2.3", commits("fix: a"), Options{Override: "major"}, "2.0.0", BumpMajor, "manual: --bump major"},
		{"override case-insensitive", "1.2.3", commits("feat!: a"), Options{Override: " Patch "}, "1.2.4", BumpPatch, "manual: --bump patch"},
		{"override minor in 0.x is not shifted", "0.2.3", nil, Options{Override: "minor"}, "0.3.0", BumpMinor, "manual: --bump minor"},
		{"override with no commits (promote rc)", "1.3.0-rc.2", nil, Options{Override: "patch"}, "1.3.0", BumpPatch, "manual: --bump patch, releases pre-release 1.3.0-rc.2"},
		{"override with only chores", "1.2.3", commits("chore: a"), Options{Override: "minor"}, "1.3.0", BumpMinor, "manual: --bump minor"},
		{"override explicit version", "1.2.3", commits("fix: a"), Options{Override: "v2.0.0-rc.1"}, "2.0.0-rc.1", BumpVersion, "manual: --bump v2.0.0-rc.1"},
		{"override explicit promotes rc", "2.0.0-rc.1", nil, Options{Override: "2.0.0"}, "2.0.0", BumpVersion, "manual: --bump 2.0.0"},
		{"override with no tag", "", nil, Options{Override: "major"}, "1.0.0", BumpMajor, "manual: --bump major"},
		{"override version with no tag", "", nil, Options{Override: "0.0.1"}, "0.0.1", BumpVersion, "manual: --bump 0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last *semver.Version
			if tt.last != "" {
				last = semver.MustParse(tt.last)
			}
			p, err := Next(last, tt.commits, tt.opts)
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if p.Release != (tt.want != "") {
				t.Fatalf("Release = %v, want %v (%+v)", p.Release, tt.want != "", p)
			}
			got := ""
			if p.Version != nil {
				got = p.Version.String()
			}
			if got != tt.want || p.Bump != tt.bump || p.Reason != tt.reason {
				t.Errorf("Next = %q %q %q\n want %q %q %q", got, p.Bump, p.Reason, tt.want, tt.bump, tt.reason)
			}
			if p.Manual != (tt.opts.Override != "") {
				t.Errorf("Manual = %v", p.Manual)
			}
			if p.Version != nil && strings.HasPrefix(p.Version.Original(), "v") {
				// A "v" carried over from a tag would leak into tag names built from Original.
				t.Errorf("Original() = %q keeps a prefix", p.Version.Original())
			}
		})
	}
}

func TestNextCounts(t *testing.T) {
	p, err := Next(semver.MustParse("1.0.0"), commits("feat!: a", "feat: b", "fix: c", "perf: d", "Other", "docs: e", "Merge branch 'x'"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := [6]int{p.Breaking, p.Features, p.Fixes, p.Performance, p.Other, p.Skipped}
	if got != [6]int{1, 1, 1, 1, 1, 2} {
		t.Errorf("counts = %v", got)
	}
	if p.Last.String() != "1.0.0" {
		t.Errorf("Last = %v", p.Last)
	}
}

func TestNextErrors(t *testing.T) {
	tests := []struct {
		name string
		last string
		opts Options
		is   error
		msg  string
	}{
		{"unknown bump word", "1.2.3", Options{Override: "huge"}, ErrInvalidOverride, `invalid version override: "huge" is neither major, minor, patch nor a semantic version like 1.4.0`},
		{"partial version", "1.2.3", Options{Override: "1.4"}, ErrInvalidOverride, `"1.4" is neither major, minor, patch nor a semantic version`},
		{"leading zero", "1.2.3", Options{Override: "1.04.0"}, ErrInvalidOverride, `"1.04.0" is neither`},
		{"bad pre-release", "1.2.3", Options{Override: "1.4.0-"}, ErrInvalidOverride, `"1.4.0-" is neither`},
		{"equal to last", "1.2.3", Options{Override: "1.2.3"}, ErrInvalidOverride, "invalid version override: 1.2.3 is not greater than the last version 1.2.3; give a higher version or a bump (major, minor, patch)"},
		{"lower than last", "1.2.3", Options{Override: "v1.0.0"}, ErrInvalidOverride, "1.0.0 is not greater than the last version 1.2.3"},
		{"pre-release of the last release", "1.2.3", Options{Override: "1.2.3-rc.1"}, ErrInvalidOverride, "1.2.3-rc.1 is not greater than the last version 1.2.3"},
		{"metadata only", "1.2.3", Options{Override: "1.2.3+build.7"}, ErrInvalidOverride, `"1.2.3+build.7" carries build metadata (+build.7), which is not allowed in --bump`},
		{"build metadata", "1.2.3", Options{Override: "1.0.0+build.5"}, ErrInvalidOverride, `"1.0.0+build.5" carries build metadata (+build.5), which is not allowed in --bump (Eightfold adds +dirty itself to a release made from uncommitted changes); give 1.0.0`},
		{"dirty", "1.2.3", Options{Override: "v9.0.0+dirty"}, ErrInvalidOverride, `"v9.0.0+dirty" carries build metadata (+dirty), which is not allowed in --bump`},
		{"pre-release with build metadata", "", Options{Override: "2.0.0-rc.1+x"}, ErrInvalidOverride, "give 2.0.0-rc.1"},
		{"bad initial", "", Options{Initial: "first"}, ErrInvalidInitial, `invalid initial version: "first" is not a semantic version like 0.1.0`},
		{"overflow", "18446744073709551615.0.0", Options{Override: "major"}, ErrVersionOverflow, "cannot bump the major version of 18446744073709551615.0.0"},
		{"overflow patch", "1.0.18446744073709551615", Options{}, ErrVersionOverflow, "cannot bump the patch version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last *semver.Version
			if tt.last != "" {
				last = semver.MustParse(tt.last)
			}
			_, err := Next(last, commits("fix: a"), tt.opts)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err, tt.msg)
			}
		})
	}
}

func FuzzNext(f *testing.F) {
	for _, s := range []string{"v1.2.3", "0.1.0-rc.1", "1.0.0+b", "18446744073709551615.0.0", "v1.2.3-", "x"} {
		f.Add(s, "feat!: x", "minor")
	}
	f.Fuzz(func(t *testing.T, tag, msg, override string) {
		last, _, ok := LastVersion([]string{tag})
		if ok && strings.HasPrefix(last.Original(), "v") {
			t.Fatalf("LastVersion kept the prefix in %q", last.Original())
		}
		for _, o := range []string{"", override} {
			p, err := Next(last, commits(msg), Options{Override: o})
			if err == nil && p.Release && last != nil && !p.Version.GreaterThan(last) {
				t.Fatalf("Next(%s, %q, %q) = %s, not greater", last, msg, o, p.Version)
			}
		}
	})
}
