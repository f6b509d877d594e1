// Package release is the pure core of Eightfold's Release stage: it reads conventional commit
// messages, proposes the next semantic version from the commits since the last version tag, and
// writes the Markdown changelog of that release. It does no I/O: callers (the vcs and store
// edges) pass tags and commits in.
package release

import (
	"strings"
)

// Conventional commit types that Eightfold knows by name. Any other word is accepted as a type
// too; it lands under "Other" in the changelog.
const (
	TypeFeat     = "feat"
	TypeFix      = "fix"
	TypePerf     = "perf"
	TypeRefactor = "refactor"
	TypeDocs     = "docs"
	TypeChore    = "chore"
	TypeCI       = "ci"
	TypeBuild    = "build"
	TypeTest     = "test"
	TypeStyle    = "style"
	TypeRevert   = "revert"
)

// Message is a commit message read as a conventional commit
// (https://www.conventionalcommits.org/en/v1.0.0/).
//
// A message that does not follow the convention is still a Message: Conventional is false, Type
// and Scope are empty and Description is the subject line. Such commits go under "Other".
type Message struct {
	// Conventional reports whether the subject has the form "type(scope)!: description".
	Conventional bool `json:"conventional"`
	// Type is lower-cased ("Fix: x" has type "fix"); empty when not conventional.
	Type string `json:"type"`
	// Scope is the text between the parentheses, trimmed; "feat(): x" has no scope.
	Scope string `json:"scope"`
	// Description is the text after "type: "; the whole subject when not conventional.
	Description string `json:"description"`
	// Subject is the first non-blank line, trimmed.
	Subject string `json:"subject"`
	// Body is everything after the subject, trimmed (footers included).
	Body string `json:"body"`
	// Breaking is set by a "!" before the colon or by a "BREAKING CHANGE:" or "BREAKING-CHANGE:"
	// footer (upper case, as the specification requires). A footer counts even on a
	// non-conventional subject, as in conventional-changelog.
	Breaking bool `json:"breaking"`
	// BreakingNote is the text of the breaking footers (joined by a blank line when there are
	// several); with only a "!" it is the description, as the specification says.
	BreakingNote string `json:"breakingNote"`
	// Merge reports a merge commit recognised from its subject ("Merge branch …",
	// "Merge pull request …"). Commit.IsMerge also looks at the parent count.
	Merge bool `json:"merge"`
}

// Parse reads a commit message. It never fails: anything that is not a conventional commit is
// returned with Conventional false. Line endings may be "\n" or "\r\n".
func Parse(message string) Message {
	if strings.Contains(message, "\r") {
		message = strings.ReplaceAll(message, "\r\n", "\n")
	}
	message = strings.TrimLeftFunc(message, isBlank)
	subject, body, _ := strings.Cut(message, "\n")
	m := Message{Subject: strings.TrimSpace(subject), Body: strings.TrimSpace(body)}
	m.Description = m.Subject
	m.Merge = strings.HasPrefix(m.Subject, "Merge ")
	parseHeader(&m)
	if m.Body != "" {
		if note, ok := breakingFooters(m.Body); ok {
			m.Breaking = true
			m.BreakingNote = note
		}
	}
	if m.Breaking && m.BreakingNote == "" && m.Conventional {
		m.BreakingNote = m.Description
	}
	return m
}

// parseHeader fills Type, Scope, Description, Conventional and the "!" flag from m.Subject.
// Grammar: type = ASCII letter followed by letters, digits, '-' or '_'; then an optional
// "(scope)" without nested parentheses; an optional "!"; a colon, at least one space or tab, and a
// non-empty description.
func parseHeader(m *Message) {
	s := m.Subject
	i := 0
	for i < len(s) && (isLetter(s[i]) || (i > 0 && (isDigit(s[i]) || s[i] == '-' || s[i] == '_'))) {
		i++
	}
	if i == 0 {
		return
	}
	typ := s[:i]
	scope := ""
	if i < len(s) && s[i] == '(' {
		j := strings.IndexAny(s[i+1:], "()")
		if j < 0 || s[i+1+j] != ')' {
			return
		}
		scope = strings.TrimSpace(s[i+1 : i+1+j])
		i += j + 2
	}
	bang := false
	if i < len(s) && s[i] == '!' {
		bang = true
		i++
	}
	if i >= len(s) || s[i] != ':' {
		return
	}
	i++
	if i >= len(s) || (s[i] != ' ' && s[i] != '\t') {
		return
	}
	desc := strings.TrimSpace(s[i:])
	if desc == "" {
		return
	}
	m.Conventional = true
	m.Type = strings.ToLower(typ)
	m.Scope = scope
	m.Description = desc
	m.Breaking = bang
}

// breakingFooters collects the text of every "BREAKING CHANGE:" / "BREAKING-CHANGE:" footer in
// body. A footer's value runs over following lines until the next footer token
// ("Token: " or "Token #") or the end, as the specification says.
func breakingFooters(body string) (string, bool) {
	if !strings.Contains(body, "BREAKING") {
		return "", false
	}
	var notes []string
	var cur []string
	in, found := false, false
	flush := func() {
		if in {
			if n := strings.TrimSpace(strings.Join(cur, "\n")); n != "" {
				notes = append(notes, n)
			}
		}
		cur, in = cur[:0], false
	}
	for line := range strings.SplitSeq(body, "\n") {
		if rest, ok := breakingToken(line); ok {
			flush()
			in, found = true, true
			cur = append(cur, strings.TrimSpace(rest))
			continue
		}
		if isFooterToken(line) {
			flush()
			continue
		}
		if in {
			cur = append(cur, strings.TrimRight(line, " \t"))
		}
	}
	flush()
	return strings.Join(notes, "\n\n"), found
}

func breakingToken(line string) (string, bool) {
	for _, tok := range [...]string{"BREAKING CHANGE:", "BREAKING-CHANGE:"} {
		if rest, ok := strings.CutPrefix(line, tok); ok {
			if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
				return rest, true
			}
		}
	}
	return "", false
}

// isFooterToken reports whether line starts a git-trailer-like footer: a word of letters,
// digits and '-' followed by ": " or " #" ("Refs: #12", "Signed-off-by: A", "Closes #3").
func isFooterToken(line string) bool {
	i := 0
	for i < len(line) && (isLetter(line[i]) || (i > 0 && (isDigit(line[i]) || line[i] == '-'))) {
		i++
	}
	if i == 0 || i+1 >= len(line) {
		return false
	}
	return (line[i] == ':' && line[i+1] == ' ') || (line[i] == ' ' && line[i+1] == '#')
}

func isBlank(r rune) bool  { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }
func isLetter(b byte) bool { return (b|0x20) >= 'a' && (b|0x20) <= 'z' }
func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
