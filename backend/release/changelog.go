package release

import (
	"strings"
)

// ShortSHA is the length of the commit hashes shown in the changelog.
const ShortSHA = 7

// Changelog writes the Markdown notes of one release.
//
// The title is "## VERSION (DATE)" (the caller passes both as text; an empty date leaves the
// parentheses out). Sections come in this order, empty ones left out: Breaking changes, Features,
// Fixes, Performance, Other. Entries keep the order of commits (pass them as git log gives them,
// newest first) and read "- **scope:** description (abc1234, #12, APP-3)": the short SHA, then
// the card keys of the commit. A breaking entry is listed once, under Breaking changes, followed by
// its BREAKING CHANGE note (indented) when the note says more than the description. Entries under
// Other show the subject as written (so "refactor(store): split" keeps its type). Commit text is
// Markdown as the author wrote it. Commits that f skips do not appear; with no entry left the
// notes say "No notable changes.".
func Changelog(version, date string, commits []Commit, f Filter) string {
	var sections [groupCount]strings.Builder
	for _, c := range commits {
		m := Parse(c.Message)
		if f.skips(c, m) {
			continue
		}
		g := groupOf(m)
		writeEntry(&sections[g], c, m, g)
	}

	var b strings.Builder
	size := 64
	for g := range sections {
		size += sections[g].Len() + 24
	}
	b.Grow(size)
	b.WriteString("## ")
	b.WriteString(version)
	if date != "" {
		b.WriteString(" (")
		b.WriteString(date)
		b.WriteString(")")
	}
	b.WriteString("\n")
	empty := true
	for g := range sections {
		if sections[g].Len() == 0 {
			continue
		}
		empty = false
		b.WriteString("\n### ")
		b.WriteString(groupTitles[g])
		b.WriteString("\n\n")
		b.WriteString(sections[g].String())
	}
	if empty {
		b.WriteString("\nNo notable changes.\n")
	}
	return b.String()
}

// writeEntry writes one changelog line (and the breaking note under it) to b.
func writeEntry(b *strings.Builder, c Commit, m Message, g group) {
	b.WriteString("- ")
	if m.Conventional && g != groupOther {
		if m.Scope != "" {
			b.WriteString("**")
			b.WriteString(m.Scope)
			b.WriteString(":** ")
		}
		b.WriteString(m.Description)
	} else {
		b.WriteString(m.Subject)
	}
	sep := " ("
	if sha := strings.TrimSpace(c.SHA); sha != "" {
		b.WriteString(sep)
		b.WriteString(sha[:min(len(sha), ShortSHA)])
		sep = ", "
	}
	for i, k := range c.Cards {
		k = strings.TrimSpace(k)
		if k == "" || seenCard(c.Cards[:i], k) {
			continue
		}
		b.WriteString(sep)
		b.WriteString(k)
		sep = ", "
	}
	if sep == ", " {
		b.WriteString(")")
	}
	b.WriteString("\n")
	if g == groupBreaking && m.BreakingNote != "" && m.BreakingNote != m.Description {
		for line := range strings.SplitSeq(m.BreakingNote, "\n") {
			if line = strings.TrimRight(line, " \t"); line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("  ")
			b.WriteString(line)
			b.WriteString("\n")
		}
	}
}

// seenCard reports whether key appeared (trimmed) among earlier cards of the same commit.
func seenCard(earlier []string, key string) bool {
	for _, e := range earlier {
		if strings.TrimSpace(e) == key {
			return true
		}
	}
	return false
}
