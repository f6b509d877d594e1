package release

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Commit is one commit since the last release, as the caller's git edge reads it.
type Commit struct {
	// SHA is the full (or abbreviated) hash; the changelog shows its first 7 characters.
	SHA string `json:"sha"`
	// Message is the full commit message: subject, body and footers.
	Message string `json:"message"`
	// Parents is the number of parents; more than one makes a merge commit.
	Parents int `json:"parents"`
	// Cards are the board card keys this commit refers to ("#12", "APP-3"), found by the caller.
	Cards []string `json:"cards,omitempty"`
}

// IsMerge reports a merge commit: more than one parent, or a subject starting with "Merge ".
func (c Commit) IsMerge(m Message) bool { return c.Parents > 1 || m.Merge }

// DefaultSkipTypes are the conventional types left out of the changelog, and so out of the
// decision to release, when Filter.SkipTypes is nil.
var DefaultSkipTypes = []string{TypeChore, TypeCI, TypeDocs, TypeBuild, TypeTest, TypeStyle}

// Filter decides which commits count. One filter serves both the version and the changelog, so
// that a release happens exactly when its changelog has at least one entry.
type Filter struct {
	// SkipTypes lists conventional types to leave out (compared case-insensitively). nil means
	// DefaultSkipTypes; an empty non-nil slice skips no type. A breaking commit is never skipped.
	SkipTypes []string `json:"skipTypes,omitempty"`
	// IncludeMerges keeps merge commits (they go under "Other"). By default they are skipped:
	// the commits they bring in are in the history on their own.
	IncludeMerges bool `json:"includeMerges,omitempty"`
}

func (f Filter) skips(c Commit, m Message) bool {
	if !f.IncludeMerges && c.IsMerge(m) {
		return true
	}
	if m.Breaking || !m.Conventional {
		return false
	}
	types := f.SkipTypes
	if types == nil {
		types = DefaultSkipTypes
	}
	for _, t := range types {
		if strings.EqualFold(t, m.Type) {
			return true
		}
	}
	return false
}

// group is a changelog section; its order is the order of the sections.
type group int

const (
	groupBreaking group = iota
	groupFeatures
	groupFixes
	groupPerformance
	groupOther
	groupCount
)

var groupTitles = [groupCount]string{"Breaking changes", "Features", "Fixes", "Performance", "Other"}

func groupOf(m Message) group {
	switch {
	case m.Breaking:
		return groupBreaking
	case m.Type == TypeFeat:
		return groupFeatures
	case m.Type == TypeFix:
		return groupFixes
	case m.Type == TypePerf:
		return groupPerformance
	default:
		return groupOther
	}
}

// Bump says how the next version was chosen.
type Bump string

const (
	BumpNone    Bump = ""        // no release
	BumpPatch   Bump = "patch"   // x.y.Z
	BumpMinor   Bump = "minor"   // x.Y.0
	BumpMajor   Bump = "major"   // X.0.0
	BumpInitial Bump = "initial" // first release: Options.Initial
	BumpVersion Bump = "version" // an explicit version given as the override
)

// Errors returned by Next, wrapped with the details (test with errors.Is).
var (
	ErrInvalidOverride = errors.New("invalid version override")
	ErrInvalidInitial  = errors.New("invalid initial version")
	ErrVersionOverflow = errors.New("version number overflow")
)

// DefaultInitial is the first version when the repository has no version tag yet.
const DefaultInitial = "0.1.0"

// Options tune Next. The zero value is the documented default.
type Options struct {
	Filter
	// Initial is the version of the first release, when there is no version tag yet
	// (default DefaultInitial, "0.1.0"). It must be a valid semantic version.
	Initial string `json:"initial,omitempty"`
	// While the major version is 0 the API is not stable (semver §4), so by default a breaking
	// change bumps the minor version and a feature bumps the patch version (git-cliff's and
	// release-please's 0.x rule). BreakingAlwaysBumpsMajor makes a breaking change in 0.x bump
	// to 1.0.0 instead; FeaturesAlwaysBumpMinor makes a feature in 0.x bump the minor version.
	// (Named after git-cliff's settings; false, the zero value, is the 0.x rule.)
	BreakingAlwaysBumpsMajor bool `json:"breakingAlwaysBumpsMajor,omitempty"`
	FeaturesAlwaysBumpMinor  bool `json:"featuresAlwaysBumpMinor,omitempty"`
	// Override replaces the computed bump: "major", "minor" or "patch" (any case), or an explicit
	// version ("1.4.0" or "v1.4.0", a pre-release allowed, build metadata not: Eightfold adds
	// "+dirty" itself to a release made from uncommitted changes) that must be greater than the
	// last version. A manual override always releases, even with no commits (for
	// example to promote 1.3.0-rc.2 to 1.3.0 on the same commit).
	Override string `json:"override,omitempty"`
}

// Proposal is the next release as Next proposes it.
type Proposal struct {
	// Release is false when there is nothing to release; Version is then nil.
	Release bool `json:"release"`
	// Version is the proposed version, without a "v" prefix.
	Version *semver.Version `json:"version,omitempty"`
	// Last is the version the proposal starts from; nil for a first release.
	Last *semver.Version `json:"last,omitempty"`
	Bump Bump            `json:"bump"`
	// Manual reports that Options.Override chose the version.
	Manual bool `json:"manual"`
	// Reason explains the bump for people: "feat: in 3 commits",
	// "BREAKING CHANGE in 1 commit, major 0 keeps it a minor bump", "manual: --bump major".
	Reason string `json:"reason"`
	// Counts are the commits in each changelog section, and those filtered out.
	Breaking    int `json:"breaking"`
	Features    int `json:"features"`
	Fixes       int `json:"fixes"`
	Performance int `json:"performance"`
	Other       int `json:"other"`
	Skipped     int `json:"skipped"`
}

// DirtyBuild is the build metadata of a release made from uncommitted changes ("v0.1.0+dirty").
// Such a release does not use up its number: LastVersion ignores it, so the next clean release
// may be 0.1.0.
const DirtyBuild = "dirty"

// LastVersion picks the highest semantic-version tag: "v1.2.3" or "1.2.3" (a "refs/tags/" prefix
// is dropped), pre-release tags included; a tag whose build metadata is exactly "dirty" (see
// DirtyBuild) and every tag that is no version are ignored. Precedence is semver's, so 1.3.0
// wins over 1.3.0-rc.1, and other build metadata does not count; among equal versions the
// first tag in the list wins. ok is false when no tag is a version.
func LastVersion(tags []string) (v *semver.Version, tag string, ok bool) {
	for _, t := range tags {
		pv, err := parseVersion(strings.TrimPrefix(t, "refs/tags/"))
		if err != nil || pv.Metadata() == DirtyBuild {
			continue
		}
		if v == nil || pv.GreaterThan(v) {
			v, tag = pv, t
		}
	}
	return v, tag, v != nil
}

// parseVersion accepts exactly "MAJOR.MINOR.PATCH[-PRE][+BUILD]" with an optional "v".
func parseVersion(s string) (*semver.Version, error) {
	s = strings.TrimPrefix(s, "v")
	v, err := semver.StrictNewVersion(s)
	if err != nil {
		return nil, err
	}
	if v.String() != s { // the library accepts a trailing "-" or "+" with nothing after it
		return nil, semver.ErrInvalidSemVer
	}
	return v, nil
}

// Next proposes the version that follows last (nil when there is no version tag yet) for the
// commits since it.
//
// Rules, in order:
//   - Options.Override, when set, decides (see Options); otherwise
//   - commits that Filter skips (merges, chore, ci, docs, build, test, style by default) do not
//     count. With no counting commit there is nothing to release: Release is false, the error is
//     nil, and Reason says why. (A history of only chores is "nothing changed", as in
//     semantic-release; its changelog would be empty.)
//   - a breaking change bumps major, else a feat bumps minor, else any other counting commit
//     (fix, perf, refactor, revert, unknown types, non-conventional messages) bumps patch;
//   - while the major is 0, breaking bumps minor and feat bumps patch, unless
//     BreakingAlwaysBumpsMajor / FeaturesAlwaysBumpMinor say otherwise;
//   - with no last version the proposal is Options.Initial;
//   - when last is a pre-release, the bump first graduates it: 1.3.0-rc.1 with a fix or feat
//     becomes 1.3.0 (a minor bump needs patch 0, a major bump needs minor and patch 0; else the
//     number is incremented as usual).
func Next(last *semver.Version, commits []Commit, opts Options) (Proposal, error) {
	p := Proposal{Last: last}
	for _, c := range commits {
		m := Parse(c.Message)
		if opts.Filter.skips(c, m) {
			p.Skipped++
			continue
		}
		switch groupOf(m) {
		case groupBreaking:
			p.Breaking++
		case groupFeatures:
			p.Features++
		case groupFixes:
			p.Fixes++
		case groupPerformance:
			p.Performance++
		default:
			p.Other++
		}
	}
	if opts.Override != "" {
		return p.manual(last, opts.Override)
	}

	var bump Bump
	var reason string
	switch {
	case p.Breaking > 0:
		bump, reason = BumpMajor, "BREAKING CHANGE in "+commitsN(p.Breaking)
	case p.Features > 0:
		bump, reason = BumpMinor, "feat: in "+commitsN(p.Features)
	case p.Fixes+p.Performance+p.Other > 0:
		bump, reason = BumpPatch, patchReason(p)
	default:
		p.Reason = nothingReason(last, len(commits), opts.Filter)
		return p, nil
	}

	if last == nil {
		initial := opts.Initial
		if initial == "" {
			initial = DefaultInitial
		}
		v, err := parseVersion(initial)
		if err != nil {
			return Proposal{}, fmt.Errorf("%w: %q is not a semantic version like 0.1.0 (%v)", ErrInvalidInitial, initial, err)
		}
		p.Release, p.Version, p.Bump = true, v, BumpInitial
		p.Reason = "first release " + v.String() + ": no version tag yet (" + reason + ")"
		return p, nil
	}

	if last.Major() == 0 {
		if bump == BumpMajor && !opts.BreakingAlwaysBumpsMajor {
			bump, reason = BumpMinor, reason+", major 0 keeps it a minor bump"
		} else if bump == BumpMinor && !opts.FeaturesAlwaysBumpMinor {
			bump, reason = BumpPatch, reason+", major 0 keeps it a patch bump"
		}
	}
	v, graduated, err := increment(last, bump)
	if err != nil {
		return Proposal{}, err
	}
	if graduated {
		reason += ", releases pre-release " + last.String()
	}
	p.Release, p.Version, p.Bump, p.Reason = true, v, bump, reason
	return p, nil
}

// manual applies Options.Override.
func (p Proposal) manual(last *semver.Version, override string) (Proposal, error) {
	o := strings.TrimSpace(override)
	p.Manual = true
	switch b := Bump(strings.ToLower(o)); b {
	case BumpMajor, BumpMinor, BumpPatch:
		from := last
		if from == nil {
			from = semver.New(0, 0, 0, "", "")
		}
		v, graduated, err := increment(from, b)
		if err != nil {
			return Proposal{}, err
		}
		p.Release, p.Version, p.Bump, p.Reason = true, v, b, "manual: --bump "+string(b)
		if graduated {
			p.Reason += ", releases pre-release " + last.String()
		}
		return p, nil
	}
	v, err := parseVersion(o)
	if err != nil {
		return Proposal{}, fmt.Errorf("%w: %q is neither major, minor, patch nor a semantic version like 1.4.0 (%v)", ErrInvalidOverride, override, err)
	}
	if v.Metadata() != "" {
		bare := semver.New(v.Major(), v.Minor(), v.Patch(), v.Prerelease(), "")
		return Proposal{}, fmt.Errorf("%w: %q carries build metadata (+%s), which is not allowed in --bump (Eightfold adds +dirty itself to a release made from uncommitted changes); give %s",
			ErrInvalidOverride, o, v.Metadata(), bare)
	}
	if last != nil && !v.GreaterThan(last) {
		return Proposal{}, fmt.Errorf("%w: %s is not greater than the last version %s; give a higher version or a bump (major, minor, patch)", ErrInvalidOverride, v, last)
	}
	p.Release, p.Version, p.Bump, p.Reason = true, v, BumpVersion, "manual: --bump "+o
	return p, nil
}

// increment bumps v, releasing a pre-release first when that is enough (see Next).
func increment(v *semver.Version, b Bump) (*semver.Version, bool, error) {
	if v.Prerelease() != "" {
		rel := semver.New(v.Major(), v.Minor(), v.Patch(), "", "")
		if b == BumpPatch || (b == BumpMinor && v.Patch() == 0) || (b == BumpMajor && v.Minor() == 0 && v.Patch() == 0) {
			return rel, true, nil
		}
	}
	var n semver.Version
	switch b {
	case BumpMajor:
		if v.Major() == math.MaxUint64 {
			return nil, false, fmt.Errorf("%w: cannot bump the major version of %s", ErrVersionOverflow, v)
		}
		n = v.IncMajor()
	case BumpMinor:
		if v.Minor() == math.MaxUint64 {
			return nil, false, fmt.Errorf("%w: cannot bump the minor version of %s", ErrVersionOverflow, v)
		}
		n = v.IncMinor()
	default:
		if v.Patch() == math.MaxUint64 {
			return nil, false, fmt.Errorf("%w: cannot bump the patch version of %s", ErrVersionOverflow, v)
		}
		n = v.IncPatch()
	}
	// Inc* keeps the original text (with its "v"); rebuild a clean value.
	return semver.New(n.Major(), n.Minor(), n.Patch(), "", ""), false, nil
}

func patchReason(p Proposal) string {
	var parts []string
	if p.Fixes > 0 {
		parts = append(parts, "fix: in "+commitsN(p.Fixes))
	}
	if p.Performance > 0 {
		parts = append(parts, "perf: in "+commitsN(p.Performance))
	}
	if p.Other > 0 {
		parts = append(parts, "other changes in "+commitsN(p.Other))
	}
	return strings.Join(parts, ", ")
}

func nothingReason(last *semver.Version, total int, f Filter) string {
	since := "yet"
	if last != nil {
		since = "since " + last.String()
	}
	if total == 0 {
		return "nothing to release: no commits " + since
	}
	types := f.SkipTypes
	if types == nil {
		types = DefaultSkipTypes
	}
	what := strings.Join(types, ", ")
	if !f.IncludeMerges {
		what = strings.TrimSuffix("merges, "+what, ", ")
	}
	if total == 1 {
		return fmt.Sprintf("nothing to release: the only commit %s is filtered out (%s)", since, what)
	}
	return fmt.Sprintf("nothing to release: the %s %s are all filtered out (%s)", commitsN(total), since, what)
}

func commitsN(n int) string {
	if n == 1 {
		return "1 commit"
	}
	return fmt.Sprintf("%d commits", n)
}
