package release

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want Message
	}{
		{"feat", "feat: add login", Message{Conventional: true, Type: "feat", Description: "add login"}},
		{"fix with scope", "fix(api): handle nil body", Message{Conventional: true, Type: "fix", Scope: "api", Description: "handle nil body"}},
		{"type upper case", "FEAT: shout", Message{Conventional: true, Type: "feat", Description: "shout"}},
		{"type capitalised", "Fix(ui): align", Message{Conventional: true, Type: "fix", Scope: "ui", Description: "align"}},
		{"perf", "perf: cache tags", Message{Conventional: true, Type: "perf", Description: "cache tags"}},
		{"refactor", "refactor(store): split queries", Message{Conventional: true, Type: "refactor", Scope: "store", Description: "split queries"}},
		{"docs", "docs: readme", Message{Conventional: true, Type: "docs", Description: "readme"}},
		{"chore", "chore(deps): bump x", Message{Conventional: true, Type: "chore", Scope: "deps", Description: "bump x"}},
		{"ci build test style revert", "revert: feat: add login", Message{Conventional: true, Type: "revert", Description: "feat: add login"}},
		{"unknown type", "security: rotate keys", Message{Conventional: true, Type: "security", Description: "rotate keys"}},
		{"type with dash", "hot-fix: now", Message{Conventional: true, Type: "hot-fix", Description: "now"}},
		{"bang", "feat!: drop v1", Message{Conventional: true, Type: "feat", Description: "drop v1", Breaking: true, BreakingNote: "drop v1"}},
		{"bang with scope", "refactor(api)!: rename routes", Message{Conventional: true, Type: "refactor", Scope: "api", Description: "rename routes", Breaking: true, BreakingNote: "rename routes"}},
		{"footer", "feat: new config\n\nBREAKING CHANGE: `steps` replaces `jobs`", Message{Conventional: true, Type: "feat", Description: "new config", Body: "BREAKING CHANGE: `steps` replaces `jobs`", Breaking: true, BreakingNote: "`steps` replaces `jobs`"}},
		{"footer with dash", "fix: x\n\nBREAKING-CHANGE: y", Message{Conventional: true, Type: "fix", Description: "x", Body: "BREAKING-CHANGE: y", Breaking: true, BreakingNote: "y"}},
		{"footer multi-line until next token", "fix: x\n\nBody.\n\nBREAKING CHANGE: first\nsecond line\nRefs: #12", Message{Conventional: true, Type: "fix", Description: "x", Body: "Body.\n\nBREAKING CHANGE: first\nsecond line\nRefs: #12", Breaking: true, BreakingNote: "first\nsecond line"}},
		{"bang and footer: footer is the note", "feat(cli)!: flags\n\nBREAKING CHANGE: --dir is now -C", Message{Conventional: true, Type: "feat", Scope: "cli", Description: "flags", Body: "BREAKING CHANGE: --dir is now -C", Breaking: true, BreakingNote: "--dir is now -C"}},
		{"two footers", "feat: x\n\nBREAKING CHANGE: a\nBREAKING-CHANGE: b", Message{Conventional: true, Type: "feat", Description: "x", Body: "BREAKING CHANGE: a\nBREAKING-CHANGE: b", Breaking: true, BreakingNote: "a\n\nb"}},
		{"lower-case footer is prose, not a footer", "fix: x\n\nbreaking change: no", Message{Conventional: true, Type: "fix", Description: "x", Body: "breaking change: no"}},
		{"footer on a non-conventional subject", "Rework config\n\nBREAKING CHANGE: new format", Message{Description: "Rework config", Body: "BREAKING CHANGE: new format", Breaking: true, BreakingNote: "new format"}},
		{"BREAKING CHANGE in the middle of a line is not a footer", "fix: x\n\nthis is no BREAKING CHANGE: really", Message{Conventional: true, Type: "fix", Description: "x", Body: "this is no BREAKING CHANGE: really"}},
		{"not conventional", "Add login page", Message{Description: "Add login page"}},
		{"no space after colon", "feat:add", Message{Description: "feat:add"}},
		{"empty description", "feat: ", Message{Description: "feat:"}},
		{"space before colon", "feat : x", Message{Description: "feat : x"}},
		{"unclosed scope", "feat(api: x", Message{Description: "feat(api: x"}},
		{"nested parenthesis", "feat(a(b)): x", Message{Description: "feat(a(b)): x"}},
		{"empty scope", "feat(): x", Message{Conventional: true, Type: "feat", Description: "x"}},
		{"scope trimmed", "fix( ui ): y", Message{Conventional: true, Type: "fix", Scope: "ui", Description: "y"}},
		{"digit first is not a type", "1st: x", Message{Description: "1st: x"}},
		{"url is not a type", "http://example.com fix", Message{Description: "http://example.com fix"}},
		{"merge branch", "Merge branch 'main' into dev", Message{Description: "Merge branch 'main' into dev", Merge: true}},
		{"merge pull request", "Merge pull request #12 from a/b\n\nfeat: x", Message{Description: "Merge pull request #12 from a/b", Body: "feat: x", Merge: true}},
		{"CRLF and leading blank lines", "\r\n\r\nfix(x): y\r\n\r\nbody\r\n", Message{Conventional: true, Type: "fix", Scope: "x", Description: "y", Body: "body"}},
		{"empty message", "", Message{}},
		{"description trimmed", "fix:   lots of space  ", Message{Conventional: true, Type: "fix", Description: "lots of space"}},
		{"tab after colon", "fix:\ttab", Message{Conventional: true, Type: "fix", Description: "tab"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Subject = strings.TrimSpace(strings.SplitN(strings.TrimLeft(strings.ReplaceAll(tt.msg, "\r\n", "\n"), " \t\n"), "\n", 2)[0])
			if got := Parse(tt.msg); got != tt.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.msg, got, tt.want)
			}
		})
	}
}

func TestCommitIsMerge(t *testing.T) {
	if !(Commit{Parents: 2, Message: "feat: x"}).IsMerge(Parse("feat: x")) {
		t.Error("two parents should be a merge")
	}
	if (Commit{Parents: 1, Message: "feat: x"}).IsMerge(Parse("feat: x")) {
		t.Error("one parent should not be a merge")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"feat: x", "fix(a)!: b\n\nBREAKING CHANGE: c\nRefs: #1", "Merge branch x", "", "a(: b", "x!:\t y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := Parse(s)
		if m.Conventional {
			if m.Type == "" || m.Type != strings.ToLower(m.Type) || m.Description == "" {
				t.Fatalf("conventional message with empty/uncased parts: %+v", m)
			}
		} else if m.Type != "" || m.Scope != "" || m.Description != m.Subject {
			t.Fatalf("non-conventional message with conventional parts: %+v", m)
		}
		if m.Breaking && m.Conventional && m.BreakingNote == "" {
			t.Fatalf("breaking conventional message without a note: %+v", m)
		}
		_ = Changelog("1.0.0", "", []Commit{{SHA: "abc", Message: s}}, Filter{IncludeMerges: true})
	})
}
