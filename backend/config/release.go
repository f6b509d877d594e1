package config

import (
	"path"
	"regexp"
	"strings"

	"github.com/Masterminds/semver/v3"

	"eightfold/backend/release"
)

// Defaults of the release: section: those of the release package, which applies them.
const DefaultInitial = release.DefaultInitial // version of the first release: "0.1.0"

// DefaultSkipTypes are the conventional commit types a release leaves out when
// Release.SkipTypes is nil: chore, ci, docs, build, test, style.
var DefaultSkipTypes = release.DefaultSkipTypes

// DefaultRelease is the release: section of a file that has none, and of a
// detected pipeline.
func DefaultRelease() Release {
	return Release{Initial: DefaultInitial}
}

// Patterns shared with eightfold.schema.json; a test checks that the schema uses exactly these.
const (
	// semverPattern is semver.org's MAJOR.MINOR.PATCH[-PRE][+BUILD], with an optional "v".
	semverPattern = `^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
		`(-((0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?` +
		`(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`
	commitTypePattern   = `^[a-z][a-z0-9-]*$`
	changelogDirPattern = `/$`                // names a directory
	changelogGitPattern = `^(\./)*\.git(/|$)` // inside .git, where git keeps its own files
)

// Descriptions of expected values of the release: section.
const (
	wantVersion    = "a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed)"
	wantChangelog  = "a file path relative to the repository root, such as CHANGELOG.md"
	wantCommitType = "a conventional commit type: a lower-case word such as chore or docs"
)

var (
	commitTypeRE   = regexp.MustCompile(commitTypePattern)
	changelogDirRE = regexp.MustCompile(changelogDirPattern)
	changelogGitRE = regexp.MustCompile(changelogGitPattern)
)

// release decodes the release: section.
func (d *decoder) release(e entry, path string) Release {
	r := DefaultRelease()
	fields, ok := d.fields(e, path, "a mapping of release settings (keys: "+strings.Join(releaseKeys, ", ")+")", releaseKeys)
	if !ok {
		return r
	}
	for _, f := range fields {
		p := path + "." + f.key
		switch f.key {
		case "initial":
			r.Initial = d.version(f, p)
		case "changelog_file":
			r.ChangelogFile = d.changelogFile(f, p)
		case "skip_types":
			r.SkipTypes = d.skipTypes(f, p)
		case "include_merges":
			r.IncludeMerges, _ = d.boolean(f, p)
		case "breaking_bumps_major":
			r.BreakingBumpsMajor, _ = d.boolean(f, p)
		case "features_bump_minor":
			r.FeaturesBumpMinor, _ = d.boolean(f, p)
		}
	}
	return r
}

// version decodes a semantic version, returned without its leading "v"; on
// error it returns DefaultInitial.
func (d *decoder) version(e entry, path string) string {
	v := d.resolve(e.value)
	if !v.isScalar {
		d.wrongType(e, path, wantVersion, v)
		return DefaultInitial
	}
	s := strings.TrimPrefix(v.text, "v")
	// The library takes a trailing "-" or "+" with nothing after it; a version must read back as written.
	if ver, err := semver.StrictNewVersion(s); err != nil || ver.String() != s {
		hint := ""
		if n := strings.Count(s, "."); n < 2 && strings.Trim(s, "0123456789.") == "" && s != "" {
			hint = " (a version has three numbers: " + s + strings.Repeat(".0", 2-n) + ")"
		}
		d.failf(e.at, path, "%s is not a semantic version%s; expected %s", v.quoted(), hint, wantVersion)
		return DefaultInitial
	}
	return s
}

// changelogFile decodes the path of the changelog file; on error it returns "".
func (d *decoder) changelogFile(e entry, path string) string {
	s, ok := d.text(e, path, wantChangelog)
	if !ok {
		return ""
	}
	if problem := badChangelog(s); problem != "" {
		d.failf(e.at, path, "%q %s", s, problem)
		return ""
	}
	return s
}

// badChangelog says what is wrong with the path of a changelog file, or "".
func badChangelog(p string) string {
	switch {
	case badRelative(p, wantChangelog) != "":
		return badRelative(p, wantChangelog)
	case changelogDirRE.MatchString(p) || path.Clean(p) == ".":
		return "names a directory; expected " + wantChangelog
	case changelogGitRE.MatchString(path.Clean(p)):
		return "is inside .git, which git manages; expected " + wantChangelog
	}
	return ""
}

// skipTypes decodes the list of commit types a release leaves out. An empty
// list gives an empty, non-nil slice (skip none); a problem gives nil (the
// defaults).
func (d *decoder) skipTypes(e entry, path string) []string {
	seen := map[string]bool{}
	bad := func(t string) string {
		switch {
		case !commitTypeRE.MatchString(t) && commitTypeRE.MatchString(strings.ToLower(t)):
			return "is not lower-case; write " + strings.ToLower(t)
		case !commitTypeRE.MatchString(t):
			return "is not a commit type; expected " + wantCommitType
		case seen[t]:
			return "is listed twice; list each type once"
		}
		seen[t] = true
		return ""
	}
	before := len(d.errs)
	types := d.stringList(e, path, "a list of conventional commit types such as [chore, docs], or [] to skip none", wantCommitType, bad)
	if len(d.errs) > before {
		return nil
	}
	if types == nil {
		types = []string{}
	}
	return types
}
