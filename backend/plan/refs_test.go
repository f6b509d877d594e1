package plan

import (
	"strconv"
	"strings"
	"testing"
)

// render writes refs as "closes #12", adding "@written" when the text writes the reference
// otherwise than its Key ("closes APP-12@#12").
func render(text string, refs []Ref) string {
	var parts []string
	for _, r := range refs {
		s := r.Kind.String() + " " + r.Key
		if w := text[r.Start:r.End]; w != r.Key {
			s += "@" + w
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func TestParseCommit(t *testing.T) {
	for _, tc := range []struct {
		name, msg, key, want string
	}{
		{"empty", "", "", ""},
		{"no reference", "Refactor the login form", "", ""},
		{"bare", "Tidy up #12", "", "mentions #12"},
		{"bare at start", "#12 tidy up", "", "mentions #12"},
		{"close", "close #12", "", "closes #12"},
		{"closes", "closes #12", "", "closes #12"},
		{"closed", "closed #12", "", "closes #12"},
		{"closing", "closing #12", "", "closes #12"},
		{"fix", "fix #12", "", "closes #12"},
		{"fixes", "fixes #12", "", "closes #12"},
		{"fixed", "fixed #12", "", "closes #12"},
		{"fixing", "fixing #12", "", "closes #12"},
		{"resolve", "resolve #12", "", "closes #12"},
		{"resolves", "resolves #12", "", "closes #12"},
		{"resolved", "resolved #12", "", "closes #12"},
		{"resolving", "resolving #12", "", "closes #12"},
		{"implement", "implement #12", "", "closes #12"},
		{"implements", "implements #12", "", "closes #12"},
		{"implemented", "implemented #12", "", "closes #12"},
		{"implementing", "implementing #12", "", "closes #12"},
		{"keyword in capitals", "FIXES #12", "", "closes #12"},
		{"keyword in subject", "Add login form, closes #12", "", "closes #12"},
		{"keyword with colon", "Fixes: #12", "", "closes #12"},
		{"keyword with colon and no space", "Fixes:#12", "", "closes #12"},
		{"trailer", "Add login\n\nBody text.\n\nCloses: #12\nSigned-off-by: A <a@example.com>\n", "", "closes #12"},
		{"tab after keyword", "fixes\t#12", "", "closes #12"},
		{"crlf", "Add login\r\n\r\nFixes #12\r\n", "", "closes #12"},
		{"keyword glued to reference", "fixes#12", "", ""},
		{"word glued to reference", "prefix#12", "", ""},
		{"letters glued to reference", "abc#12", "", ""},
		{"C sharp", "Port to C#12 syntax", "", ""},
		{"keyword inside a word", "hotfix #12", "", "mentions #12"},
		{"keyword as a prefix", "fixesall #12", "", "mentions #12"},
		{"hyphenated word", "Fixed-width #12", "", "mentions #12"},
		{"keyword in bold", "**Fixes #12**", "", "closes #12"},
		{"keyword in parentheses", "Login (fixes #12)", "", "closes #12"},
		{"ref", "ref #12", "", "mentions #12"},
		{"refs", "Refs: #12", "", "mentions #12"},
		{"references", "references #12", "", "mentions #12"},
		{"see", "see #12", "", "mentions #12"},
		{"part of", "part of #12", "", "mentions #12"},
		{"relates to", "relates to #12", "", "mentions #12"},
		{"related to", "related to #12", "", "mentions #12"},
		{"hyphenated trailer", "Related-to: #12", "", "mentions #12"},
		{"list with commas and and", "fixes #1, #2 and #3", "", "closes #1, closes #2, closes #3"},
		{"list without spaces", "fixes #1,#2", "", "closes #1, closes #2"},
		{"list with spaces", "closes #1 #2", "", "closes #1, closes #2"},
		{"list with ampersand", "closes #1 & #2", "", "closes #1, closes #2"},
		{"list with filler words", "closes issues #1 and #2", "", "closes #1, closes #2"},
		{"issue filler", "Fixes issue #12", "", "closes #12"},
		{"card filler", "implements card #3", "", "closes #3"},
		{"keyword changes", "fix #4; refs #5", "", "closes #4, mentions #5"},
		{"semicolon ends the list", "Fixes #12, #13; #14", "", "closes #12, closes #13, mentions #14"},
		{"period ends the list", "Fixes #1. See also #2", "", "closes #1, mentions #2"},
		{"other word ends the list", "fixes #1 which broke #2", "", "closes #1, mentions #2"},
		{"or ends the list", "closes #1 or #2", "", "closes #1, mentions #2"},
		{"mention words end the list", "fixes #1 see #2", "", "closes #1, mentions #2"},
		{"words between keyword and reference", "Fix for #12", "", "mentions #12"},
		{"mention then close", "issue #12, fixes #13", "", "mentions #12, closes #13"},
		{"pair without keyword", "#22,#23", "", "mentions #22, mentions #23"},
		{"pair after keyword", "fixes #22,#23", "", "closes #22, closes #23"},
		{"glued pair", "#12#13", "", ""},
		{"twice keeps the strongest", "ref #12, fixes #12", "", "closes #12"},
		{"twice closing once", "fixes #12 and fixes #12", "", "closes #12"},
		{"keyword on another line", "fixes\n#12", "", "mentions #12"},
		{"list across lines", "fixes #1,\n#2", "", "closes #1, mentions #2"},
		{"markdown heading", "# Login\n\n#12", "", "mentions #12"},
		{"punctuation after", "See #12.", "", "mentions #12"},
		{"colon after", "#12: login", "", "mentions #12"},
		{"question after", "Is it #12?", "", "mentions #12"},
		{"brackets", "[#12] (#13) {#14} <#15>", "", "mentions #12, mentions #13, mentions #14, mentions #15"},
		{"quotes", `"#12" '#13'`, "", "mentions #12, mentions #13"},
		{"possessive", "#12's form", "", "mentions #12"},
		{"letters after", "#12abc", "", ""},
		{"decimal", "#12.5", "", ""},
		{"hyphen after", "#12-fix", "", ""},
		{"slash after", "#12/3", "", ""},
		{"underscore after", "#12_3", "", ""},
		{"zero", "fixes #0", "", ""},
		{"leading zero", "fixes #012", "", ""},
		{"largest number", "fixes #999999999", "", "closes #999999999"},
		{"ten digits", "fixes #1234567890", "", ""},
		{"overflow", "fixes #99999999999999999999999999999999", "", ""},
		{"hash alone", "# and #", "", ""},
		{"html entity", "Escape &#12; here", "", ""},
		{"escaped", `Not a card: \#12`, "", ""},
		{"url fragment", "See https://example.com/y#12", "", ""},
		{"url slash fragment", "See https://example.com/#12 and <https://x.org/a#13>", "", ""},
		{"url then reference", "fixes https://example.com/#1 #2", "", "mentions #2"},
		{"cross-repo", "fixes owner/repo#12", "", ""},
		{"cross-repo then local", "fixes owner/repo#12, #13", "", "mentions #13"},
		{"inline code", "Use `fixes #12` in messages", "", ""},
		{"double backtick code", "Write ``a ` fixes #12`` like this", "", ""},
		{"code then reference", "Rename `x` (fixes #12)", "", "closes #12"},
		{"code ends the list", "fixes #1 `x` #2", "", "closes #1, mentions #2"},
		{"unmatched backtick", "a ` b, fixes #12", "", "closes #12"},
		{"fenced block", "Fix login\n\n```\nfixes #12\n```\nfixes #13", "", "closes #13"},
		{"fenced with info string", "```go\n// fixes #12\n```\n", "", ""},
		{"tilde fence", "~~~\nfixes #12\n~~~\n#13", "", "mentions #13"},
		{"longer fence", "````\n```\nfixes #12\n````\n#13", "", "mentions #13"},
		{"indented fence", "- step\n    ```\n    fixes #12\n    ```\n", "", ""},
		{"unclosed fence", "Fix\n```\nfixes #12\n\nfixes #13", "", ""},
		{"quoted line", "> fixes #12\nfixes #13", "", "closes #13"},
		{"indented quote", "  > #12", "", ""},
		{"negated", "This doesn't fix #12 yet", "", "mentions #12"},
		{"negated with not", "Does not fix #12", "", "mentions #12"},
		{"negated with curly apostrophe", "doesn’t fix #12", "", "mentions #12"},
		{"partial", "Partially fixes #12", "", "mentions #12"},
		{"negation reaches the next word only", "Not related: fixes #12", "", "closes #12"},
		{"merge commit", "Merge pull request #34 from me/12-login\n\nFixes #7", "", "closes #7"},
		{"pull request number", "See PR #5 and #6; fixes #3", "", "closes #3"},
		{"merge request", "merge request #8", "", ""},
		{"revert", "Revert \"Add login, closes #12\"\n\nThis reverts commit 0123abc.\n", "", "mentions #12"},
		{"conventional type", "fix: #12 crash on login", "", "closes #12"},
		{"conventional scope", "fix(#12): crash on login", "", "mentions #12"},
		{"key", "fixes APP-12", "APP", "closes APP-12"},
		{"key in lower case", "fixes app-12", "APP", "closes APP-12@app-12"},
		{"hash on a keyed board", "fixes #12", "APP", "closes APP-12@#12"},
		{"key and hash are one card", "ref #12, closes APP-12", "APP", "closes APP-12"},
		{"key list", "Fixes APP-1, APP-2 and #3", "APP", "closes APP-1, closes APP-2, closes APP-3@#3"},
		{"key trailer", "Login\n\nCloses: APP-12", "APP", "closes APP-12"},
		{"other key", "fixes OTHER-3", "APP", ""},
		{"key without a board key", "fixes APP-12", "", ""},
		{"key inside a word", "fixes xAPP-12", "APP", ""},
		{"key after another key", "fixes OTHER-APP-12", "APP", ""},
		{"key with letters after", "fixes APP-12abc", "APP", ""},
		{"key with zero", "fixes APP-0", "APP", ""},
		{"key with underscore", "fixes MY_APP-4", "MY_APP", "closes MY_APP-4"},
		{"key that cannot match", "fixes #4, x y-5", "x y", "closes x y-4@#4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(tc.msg, ParseCommit(tc.msg, tc.key)); got != tc.want {
				t.Errorf("ParseCommit(%q, %q)\n got: %s\nwant: %s", tc.msg, tc.key, got, tc.want)
			}
		})
	}
}

// TestParseCommitOffsets checks the offsets, including which reference a card keeps.
func TestParseCommitOffsets(t *testing.T) {
	msg := "Login\n\nSee #7 and APP-8.\nref #9, fixes #9\n"
	got := ParseCommit(msg, "APP")
	want := []Ref{
		{Key: "APP-7", Number: 7, Kind: Mentions, Start: 11, End: 13},
		{Key: "APP-8", Number: 8, Kind: Mentions, Start: 18, End: 23},
		{Key: "APP-9", Number: 9, Kind: Closes, Start: 39, End: 41},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestParseCommitLong feeds absurd inputs: they must not panic, and stay linear.
func TestParseCommitLong(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		want      int
	}{
		{"many references", strings.Repeat("fixes #1, #2 and #3\n", 50_000), 3},
		{"one huge number", "#" + strings.Repeat("9", 1<<20), 0},
		{"unmatched backtick runs", func() string {
			var b strings.Builder
			for n := 1; n < 1500; n++ {
				b.WriteString(strings.Repeat("`", n))
				b.WriteString(" #1 ")
			}
			return b.String()
		}(), 1},
		{"one long line of references", strings.Repeat("#12345 ", 200_000), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseCommit(tc.msg, "APP"); len(got) != tc.want {
				t.Errorf("got %d references, want %d", len(got), tc.want)
			}
		})
	}
}

func TestParseBranch(t *testing.T) {
	for _, tc := range []struct {
		name, branch, key, want string
	}{
		{"leading number", "12-fix-login", "", "mentions #12@12"},
		{"leading number in a later segment", "fix/12-login", "", "mentions #12@12"},
		{"number alone", "12", "", "mentions #12@12"},
		{"number segment", "hotfix/3", "", "mentions #3@3"},
		{"full ref", "refs/heads/7-x", "", "mentions #7@7"},
		{"key", "feature/APP-12-x", "APP", "mentions APP-12"},
		{"key in lower case", "app-12/x", "APP", "mentions APP-12@app-12"},
		{"key with underscore", "feature/APP_12", "APP", "mentions APP-12@APP_12"},
		{"key that holds an underscore", "MY_APP-5-x", "MY_APP", "mentions MY_APP-5"},
		{"hash", "fix/#12", "", "mentions #12"},
		{"hash token", "#12-login", "", "mentions #12"},
		{"issue word", "issue-12", "", "mentions #12@12"},
		{"bug word", "fix/bug_7-crash", "", "mentions #7@7"},
		{"issue word wins over a later number", "issue-12-and-13", "", "mentions #12@12"},
		{"bare number on a keyed board", "fix/12-login", "APP", "mentions APP-12@12"},
		{"key wins", "12-fix/APP-13", "APP", "mentions APP-13"},
		{"hash wins over a leading number", "12-x/#13", "", "mentions #13"},
		{"leftmost leading number", "12-fix/13-more", "", "mentions #12@12"},
		{"main", "main", "", ""},
		{"version", "v1.2.3", "", ""},
		{"numeric version", "1.2.3-fix", "", ""},
		{"trailing number", "release-2024", "", ""},
		{"trailing number in words", "fix-login-12", "", ""},
		{"release segment", "release/2024", "", ""},
		{"releases segment", "releases/12-x", "", ""},
		{"key after release", "release/APP-3", "APP", "mentions APP-3"},
		{"date", "2024-01-15-cleanup", "", ""},
		{"bot branch", "dependabot/npm_and_yarn/lodash-4.17.21", "", ""},
		{"renovate", "renovate/node-18.x", "", ""},
		{"glued number", "fix12", "", ""},
		{"glued letters", "12fix", "", ""},
		{"leading zero", "01-x", "", ""},
		{"zero", "0-x", "", ""},
		{"overflow", "99999999999999999999-x", "", ""},
		{"other key", "OTHER-3-x", "APP", ""},
		{"key without a board key", "APP-12", "", ""},
		{"empty", "", "", ""},
		{"slashes", "//", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refs := ParseBranch(tc.branch, tc.key)
			if got := render(tc.branch, refs); got != tc.want {
				t.Errorf("ParseBranch(%q, %q)\n got: %s\nwant: %s", tc.branch, tc.key, got, tc.want)
			}
		})
	}
}

// checkRefs checks what holds of every result: offsets inside the text, the text there is
// the reference as written, the key canonical, each card once, in offset order.
func checkRefs(t *testing.T, text, key string, refs []Ref) {
	t.Helper()
	seen := map[int]bool{}
	for i, r := range refs {
		if r.Start < 0 || r.End > len(text) || r.Start >= r.End {
			t.Fatalf("ref %+v outside the text (%d bytes)", r, len(text))
		}
		if r.Number < 1 || r.Number > 999_999_999 {
			t.Fatalf("ref %+v: number out of range", r)
		}
		if r.Kind != Mentions && r.Kind != Closes {
			t.Fatalf("ref %+v: unknown kind", r)
		}
		if want := cardKey(key, r.Number); r.Key != want {
			t.Fatalf("ref %+v: key %q, want %q", r, r.Key, want)
		}
		n := strconv.Itoa(r.Number)
		w := text[r.Start:r.End]
		mk := matchKey(key)
		keyed := mk != "" && len(w) == len(mk)+1+len(n) && strings.EqualFold(w[:len(mk)], mk) &&
			(w[len(mk)] == '-' || w[len(mk)] == '_') && w[len(mk)+1:] == n
		if w != n && w != "#"+n && !keyed {
			t.Fatalf("ref %+v: written %q", r, w)
		}
		if seen[r.Number] {
			t.Fatalf("card %d twice in %+v", r.Number, refs)
		}
		seen[r.Number] = true
		if i > 0 && refs[i-1].Start >= r.Start {
			t.Fatalf("refs out of order: %+v", refs)
		}
	}
}

func FuzzParseCommit(f *testing.F) {
	for _, s := range []string{
		"fixes #1, #2 and #3", "Fixes: APP-12", "`fixes #1` ``x`` #2", "```\n#1\n```\n#2", "~~~\n#1",
		"> #1\n#2", "Revert \"closes #4\"", "https://x/#1 #2", "doesn't fix #1", "Merge pull request #3",
		"part-of: #5", "#22,#23", "fixes #1;refs #2", "&#12; #0 #012 #99999999999", "app-7 APP_8 xAPP-9",
	} {
		f.Add(s, "APP")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, msg, key string) {
		refs := ParseCommit(msg, key)
		checkRefs(t, msg, key, refs)
		for _, r := range refs {
			if w := msg[r.Start:r.End]; w != "#"+strconv.Itoa(r.Number) && !strings.Contains(w, "-") {
				t.Fatalf("ref %+v written %q", r, w)
			}
		}
	})
}

func FuzzParseBranch(f *testing.F) {
	for _, s := range []string{"12-fix", "feature/APP-12-x", "fix/#3", "issue_4", "release/2024", "2024-01-02-x", "v1.2.3"} {
		f.Add(s, "APP")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, name, key string) {
		refs := ParseBranch(name, key)
		if len(refs) > 1 {
			t.Fatalf("%d cards for one branch", len(refs))
		}
		checkRefs(t, name, key, refs)
		if len(refs) == 1 && refs[0].Kind != Mentions {
			t.Fatalf("a branch closes: %+v", refs[0])
		}
	})
}
