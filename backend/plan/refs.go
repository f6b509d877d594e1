package plan

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// RefKind says what a reference asks for.
type RefKind int

const (
	// Mentions links the commit or branch to the card and nothing more: ref, refs,
	// references, see, part of, relates to, related to, or a bare #12.
	Mentions RefKind = iota
	// Closes says the commit finishes the card: close, fix, resolve and implement, in
	// every tense (closes, closed, closing, fixes, fixed, fixing, …).
	Closes
)

// String returns "mentions" or "closes".
func (k RefKind) String() string {
	if k == Closes {
		return "closes"
	}
	return "mentions"
}

// Ref is a card reference found in a text.
type Ref struct {
	// Key is the card's canonical key: "#12" on a board without a project key, "APP-12"
	// (the project key as the caller spells it) on a board with one, however the text
	// wrote it.
	Key string
	// Number is the card's number, 1 to 999,999,999.
	Number int
	// Kind is what the reference asks for.
	Kind RefKind
	// Start and End are the byte offsets of the reference as written ("#12", "app-12";
	// for a bare number in a branch name, its digits) in the text.
	Start, End int
}

// maxDigits bounds a card number to 999,999,999: longer digit runs are not references.
const maxDigits = 9

// ParseCommit finds the card references in a commit message. projectKey is the board's
// optional key ("APP"; "" for none): "APP-12" and "#12" both refer to card 12 of that
// board; other keys ("OTHER-3") are ignored. The result holds each card once, in the order
// of the kept references' offsets; a card referenced several times keeps its strongest kind
// (Closes over Mentions) and the offsets of the first reference of that kind.
//
// The rules:
//
//   - A reference is "#N" or "KEY-N" (the project key in any letter case, so "app-12"
//     too), N a decimal number from 1 to 999,999,999 written without leading zeros: not
//     "#0", "#012", "#12abc", "#12.5", "#12-x", "#12/x" or "#1234567890". It must stand
//     alone: preceded by the start of the line, a space or tab, or one of ( [ { < " ' , ;
//     : * and followed by the end of the line, a space or tab, one of ) ] } > " ' , ; * or
//     one of . : ! ? that no letter, digit or # follows. So "prefix#12", "fixes#12",
//     "owner/repo#12" (another repository), "&#12;" (an HTML entity), "\#12", "OTHER-APP-12"
//     and anything inside a URL ("https://x/y#12", a token with "://" is skipped to the next
//     space) are not references.
//   - A closing keyword (close, closes, closed, closing, fix, fixes, fixed, fixing,
//     resolve, resolves, resolved, resolving, implement, implements, implemented,
//     implementing; any letter case; a whole word, preceded like a reference) followed by
//     a space, or by ":" ("Fixes: #12", the trailer "Closes: APP-12", also "Fixes:#12"),
//     makes the references right after it Closes. Reference words (ref, refs, references,
//     see, and the phrases "part of", "relates to", "related to", whose two words a space
//     or one hyphen joins: "Related-to: #4") make them Mentions. A reference with no
//     keyword before it is a Mentions.
//   - A keyword's list runs over several references joined by spaces, commas, "&" or
//     "and", with the filler words "issue", "issues", "card" and "cards" allowed anywhere
//     in it: "fixes #1, #2 and #3", "fixes #1,#2", "closes #1 #2", "closes issues #1 and
//     #2". Any other word, a ";", a ".", a code span or the end of the line ends it: in
//     "fix #4; refs #5" and "fixes #4 see #5" #5 mentions, in "Fix for #12" #12 mentions.
//     "#22,#23" with no keyword is two Mentions; after "fixes" it is two Closes.
//   - A closing keyword right after "not", "never", "don't", "doesn't", "didn't",
//     "won't", "can't", "cannot", "partially" or "partly" (straight or curly apostrophe)
//     only mentions: "doesn't fix #12 yet".
//   - References right after "PR", "MR", "pull request" or "merge request" (and the rest
//     of that list) are not cards: "Merge pull request #34 from me/branch".
//   - A revert (a message whose subject starts with `Revert "`, as git writes it) closes
//     nothing: its closing references mention.
//   - Ignored: lines quoted with ">", fenced code blocks (a line of three or more ` or ~,
//     at any indentation, up to a line of at least as many of the same character; a
//     block left open runs to the end of the message), and inline code spans (a run of
//     backticks up to the next run of the same length on the same line; an unmatched run
//     is literal text). Indented code blocks are not recognised: commit bodies indent
//     prose too. A keyword and its references must be on one line.
//
// ParseCommit never panics; its time is linear in the message's length.
func ParseCommit(message, projectKey string) []Ref {
	if strings.IndexByte(message, '#') < 0 && (projectKey == "" || strings.IndexByte(message, '-') < 0) {
		return nil
	}
	s := commitScanner{
		key:    matchKey(projectKey),
		canon:  projectKey,
		revert: strings.HasPrefix(strings.TrimLeft(message, " \t\r\n"), `Revert "`),
	}
	var f fence
	for start := 0; start < len(message); {
		end := strings.IndexByte(message[start:], '\n')
		if end < 0 {
			end = len(message)
		} else {
			end += start
		}
		line := message[start:end]
		switch {
		case f.n > 0:
			f.closes(line)
		case isQuote(line), f.opens(line):
		case s.mayRefer(line):
			s.line(line, start)
		}
		start = end + 1
	}
	return s.result()
}

// ParseBranch finds the card a branch is for. A branch names at most one card, and only
// mentions it (a branch moves a card to Code, never closes it). The name is cut into
// segments at "/" and each segment into tokens at "-" and "_"; the first rule that finds a
// card wins, and within a rule the leftmost match:
//
//  1. the project key (any letter case) and a number as two tokens: "feature/APP-12-x",
//     "app-12/x", "APP_12";
//  2. a token "#N": "fix/#12", "#12-login";
//  3. a token issue, issues, card, ticket or bug followed by a number token: "issue-12",
//     "fix/bug_7-crash";
//  4. a number that is a segment's first token: "12-fix-login", "fix/12-login",
//     "hotfix/3" — unless the token after it is a number too ("2024-01-15-cleanup", a
//     date), or the segment follows a "release" or "releases" segment ("release/2024").
//
// Numbers follow ParseCommit's rules (1 to 999,999,999, no leading zeros) and must be whole
// tokens: "v1.2.3", "node-18.x", "release-2024" (a number that ends a segment is not a
// card), "fix12" and "OTHER-3" name no card. Start and End cover "APP-12", "#12" or the
// digits.
func ParseBranch(name, projectKey string) []Ref {
	key := matchKey(projectKey)
	best, prio := Ref{}, -1
	consider := func(p, n, start, end int) {
		if p > prio {
			best, prio = Ref{Key: cardKey(projectKey, n), Number: n, Kind: Mentions, Start: start, End: end}, p
		}
	}
	afterRelease := false
	for seg := 0; seg <= len(name); {
		end := strings.IndexByte(name[seg:], '/')
		if end < 0 {
			end = len(name)
		} else {
			end += seg
		}
		for t := seg; t < end; t = tokenEnd(name, t, end) + 1 {
			te := tokenEnd(name, t, end)
			if k := t + len(key); key != "" && k < end && isTokenSep(name[k]) && hasPrefixFold(name[t:], key) {
				if n, ne := refNumber(name, k+1); n > 0 && branchTokenEnds(name, ne, end) {
					consider(3, n, t, ne)
				}
			}
			if name[t] == '#' {
				if n, ne := refNumber(name, t+1); n > 0 && branchTokenEnds(name, ne, end) {
					consider(2, n, t, ne)
				}
			}
			if te < end && isIssueWord(name[t:te]) {
				if n, ne := refNumber(name, te+1); n > 0 && branchTokenEnds(name, ne, end) {
					consider(1, n, te+1, ne)
				}
			}
			if t == seg && !afterRelease {
				if n, ne := refNumber(name, t); n > 0 && branchTokenEnds(name, ne, end) && !numberFollows(name, ne, end) {
					consider(0, n, t, ne)
				}
			}
		}
		afterRelease = strings.EqualFold(name[seg:end], "release") || strings.EqualFold(name[seg:end], "releases")
		seg = end + 1
	}
	if prio < 0 {
		return nil
	}
	return []Ref{best}
}

// tokenEnd returns where the branch token that starts at t ends: at the next "-" or "_",
// or at the segment's end.
func tokenEnd(name string, t, end int) int {
	for t < end && !isTokenSep(name[t]) {
		t++
	}
	return t
}

// isTokenSep reports whether c separates the tokens of a branch segment.
func isTokenSep(c byte) bool { return c == '-' || c == '_' }

// branchTokenEnds reports whether a number ending at i ends its token.
func branchTokenEnds(name string, i, end int) bool { return i == end || isTokenSep(name[i]) }

// numberFollows reports whether the token after the one ending at i is all digits.
func numberFollows(name string, i, end int) bool {
	if i == end {
		return false
	}
	j := i + 1
	for j < end && isDigit(name[j]) {
		j++
	}
	return j > i+1 && branchTokenEnds(name, j, end)
}

// isIssueWord reports whether a branch token announces the card number after it.
func isIssueWord(s string) bool {
	switch strings.ToLower(s) {
	case "issue", "issues", "card", "ticket", "bug":
		return true
	}
	return false
}

// matchKey returns the project key when it can be matched in text: one to 32 ASCII
// letters, digits and underscores, starting with a letter. Any other key matches nothing
// (its cards are still found by "#N").
func matchKey(key string) string {
	if key == "" || len(key) > 32 || !isLetter(key[0]) {
		return ""
	}
	for i := 1; i < len(key); i++ {
		if c := key[i]; !isLetter(c) && !isDigit(c) && c != '_' {
			return ""
		}
	}
	return key
}

// cardKey returns the canonical key of card n.
func cardKey(projectKey string, n int) string {
	if projectKey == "" {
		return "#" + strconv.Itoa(n)
	}
	return projectKey + "-" + strconv.Itoa(n)
}

// refNumber reads the card number that starts at s[i]; it returns the number (0 when the
// digits there are no card number: none, a leading zero, too many) and where the digits end.
func refNumber(s string, i int) (n, end int) {
	end = i
	for end < len(s) && isDigit(s[end]) {
		end++
	}
	if end == i || s[i] == '0' || end-i > maxDigits {
		return 0, end
	}
	for _, c := range []byte(s[i:end]) {
		n = n*10 + int(c-'0')
	}
	return n, end
}

// fence is the fenced code block a commit message is in; n is 0 outside one.
type fence struct {
	char byte // ` or ~
	n    int  // length of the opening run
}

// opens reports whether line opens a fenced code block, and enters it.
func (f *fence) opens(line string) bool {
	t := trimIndent(line)
	c, n := fenceRun(t)
	if n < 3 || c == '`' && strings.IndexByte(t[n:], '`') >= 0 {
		return false
	}
	f.char, f.n = c, n
	return true
}

// closes leaves the block when line closes it: a run of at least as many of the same
// character and nothing but spaces after it.
func (f *fence) closes(line string) {
	t := trimIndent(line)
	if c, n := fenceRun(t); c == f.char && n >= f.n && strings.TrimRight(t[n:], " \t\r") == "" {
		f.n = 0
	}
}

// fenceRun returns the character and length of the run of ` or ~ that starts t.
func fenceRun(t string) (byte, int) {
	if t == "" || t[0] != '`' && t[0] != '~' {
		return 0, 0
	}
	n := 1
	for n < len(t) && t[n] == t[0] {
		n++
	}
	return t[0], n
}

// isQuote reports whether line is quoted ("> …").
func isQuote(line string) bool {
	t := trimIndent(line)
	return t != "" && t[0] == '>'
}

// trimIndent returns line without its leading spaces and tabs.
func trimIndent(line string) string {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return line[i:]
}

// mode is what a line's last keyword makes of the references that follow it.
type mode uint8

const (
	modeNone     mode = iota // no keyword: references mention
	modeMentions             // after ref, see, part of, …
	modeCloses               // after fixes, closes, …
	modeIgnore               // after PR, pull request, …: not cards
)

// role is what a word does to the list of references it is in.
type role uint8

const (
	roleKeyword role = iota // starts a list with its mode
	roleFiller              // keeps the list going: and, issue, card
	roleNegator             // turns a closing keyword right after it into a mention
)

// vocab is one word of the vocabulary; then is the second word of a two-word phrase.
type vocab struct {
	role role
	mode mode
	then string
}

// words is the vocabulary, keyed by lower-case first word.
var words = func() map[string]vocab {
	m := map[string]vocab{}
	for _, w := range strings.Fields("close closes closed closing fix fixes fixed fixing resolve resolves resolved resolving implement implements implemented implementing") {
		m[w] = vocab{mode: modeCloses}
	}
	for _, w := range strings.Fields("ref refs references see") {
		m[w] = vocab{mode: modeMentions}
	}
	m["part"] = vocab{mode: modeMentions, then: "of"}
	m["relates"] = vocab{mode: modeMentions, then: "to"}
	m["related"] = vocab{mode: modeMentions, then: "to"}
	m["pr"] = vocab{mode: modeIgnore}
	m["mr"] = vocab{mode: modeIgnore}
	m["pull"] = vocab{mode: modeIgnore, then: "request"}
	m["merge"] = vocab{mode: modeIgnore, then: "request"}
	for _, w := range strings.Fields("and issue issues card cards") {
		m[w] = vocab{role: roleFiller}
	}
	for _, w := range strings.Fields("not never don't doesn't didn't won't can't cannot partially partly") {
		m[w] = vocab{role: roleNegator}
		m[strings.ReplaceAll(w, "'", "’")] = vocab{role: roleNegator}
	}
	return m
}()

// maxWord is the longest word of the vocabulary, in bytes.
const maxWord = 16

// span is a byte range [start, end) of a line.
type span struct{ start, end int }

// commitScanner collects the references of one commit message.
type commitScanner struct {
	key    string // the project key when it can match in text, else ""
	canon  string // the project key for Ref.Key
	revert bool   // the message is a revert: nothing closes
	refs   []Ref
	runs   []span // scratch: the backtick runs of a line
	next   []int  // scratch: for each run, the next run of the same length
	spans  []span // scratch: the code spans of a line
}

// mayRefer reports whether line may hold a reference: a "#", or the project key before a
// "-". Most lines hold neither and are not scanned.
func (s *commitScanner) mayRefer(line string) bool {
	if strings.IndexByte(line, '#') >= 0 {
		return true
	}
	if s.key == "" {
		return false
	}
	for j := len(s.key); j < len(line); j++ {
		if line[j] == '-' && hasPrefixFold(line[j-len(s.key):], s.key) {
			return true
		}
	}
	return false
}

// line scans one line (without its newline) that starts at offset base of the message.
func (s *commitScanner) line(text string, base int) {
	spans := s.codeSpans(text)
	m, neg := modeNone, false
	for i := 0; i < len(text); {
		c := text[i]
		if c == ' ' || c == '\t' || c == '\r' {
			i++
			continue
		}
		wasNeg := neg
		neg = false
		switch {
		case c == '`':
			for len(spans) > 0 && spans[0].start < i {
				spans = spans[1:]
			}
			if len(spans) > 0 && spans[0].start == i {
				i = spans[0].end
				spans = spans[1:]
			} else {
				i++
			}
			m = modeNone
		case c == '#':
			if n, end := refNumber(text, i+1); n > 0 && leftOK(text, i) && refEnds(text, end) {
				s.add(m, n, base+i, base+end)
				i = end
			} else {
				m = modeNone
				i++
			}
		case c == ',' || c == '&':
			i++
		case isWordByte(c):
			i, m, neg = s.word(text, base, i, m, wasNeg)
		default:
			m = modeNone
			i++
		}
	}
}

// word reads the word that starts at text[i]: a URL (skipped), a KEY-N reference, a word of
// the vocabulary, or any other word (which ends a list). It returns where to go on, the
// mode of the references after it and whether it is a negator.
func (s *commitScanner) word(text string, base, i int, m mode, neg bool) (int, mode, bool) {
	w := wordEnd(text, i)
	if strings.HasPrefix(text[w:], "://") {
		for w < len(text) && text[w] != ' ' && text[w] != '\t' {
			w++
		}
		return w, modeNone, false
	}
	if !leftOK(text, i) {
		return w, modeNone, false
	}
	if k := i + len(s.key); s.key != "" && k < len(text) && text[k] == '-' && hasPrefixFold(text[i:], s.key) {
		if n, end := refNumber(text, k+1); n > 0 && refEnds(text, end) {
			s.add(m, n, base+i, base+end)
			return end, m, false
		}
	}
	if w-i > maxWord {
		return w, modeNone, false
	}
	var buf [maxWord]byte
	lower := buf[:w-i]
	for j := range lower {
		lower[j] = toLower(text[i+j])
	}
	v, ok := words[string(lower)]
	switch {
	case !ok:
		return w, modeNone, false
	case v.role == roleFiller:
		return w, m, false
	case v.role == roleNegator:
		return w, modeNone, true
	}
	end := w
	if v.then != "" {
		j := w
		if j < len(text) && text[j] == '-' {
			j++
		} else {
			for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
				j++
			}
		}
		end = wordEnd(text, j)
		if j == w || !strings.EqualFold(text[j:end], v.then) {
			return w, modeNone, false
		}
	}
	switch {
	case end < len(text) && text[end] == ':':
		end++
	case end < len(text) && text[end] != ' ' && text[end] != '\t' && text[end] != '\r':
		return end, modeNone, false
	}
	if v.mode == modeCloses && neg {
		return end, modeMentions, false
	}
	return end, v.mode, false
}

// add records card n referenced at [start, end) in the given mode.
func (s *commitScanner) add(m mode, n, start, end int) {
	if m == modeIgnore {
		return
	}
	kind := Mentions
	if m == modeCloses && !s.revert {
		kind = Closes
	}
	s.refs = append(s.refs, Ref{Key: cardKey(s.canon, n), Number: n, Kind: kind, Start: start, End: end})
}

// result keeps one reference per card, the first of its strongest kind, in text order.
func (s *commitScanner) result() []Ref {
	refs := s.refs
	if len(refs) < 2 {
		return refs
	}
	slices.SortStableFunc(refs, func(a, b Ref) int {
		if a.Number != b.Number {
			return cmp.Compare(a.Number, b.Number)
		}
		return cmp.Compare(b.Kind, a.Kind)
	})
	out := refs[:0]
	for _, r := range refs {
		if len(out) == 0 || out[len(out)-1].Number != r.Number {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Ref) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// codeSpans returns the inline code spans of a line, in order: a run of backticks up to the
// next run of the same length. The slice is scratch, valid until the next call.
func (s *commitScanner) codeSpans(text string) []span {
	if strings.IndexByte(text, '`') < 0 {
		return nil
	}
	runs := s.runs[:0]
	for i := 0; i < len(text); {
		if text[i] != '`' {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && text[j] == '`' {
			j++
		}
		runs = append(runs, span{i, j})
		i = j
	}
	next := slices.Grow(s.next[:0], len(runs))[:len(runs)]
	last := make(map[int]int, len(runs))
	for k := len(runs) - 1; k >= 0; k-- {
		n := runs[k].end - runs[k].start
		next[k] = -1
		if j, ok := last[n]; ok {
			next[k] = j
		}
		last[n] = k
	}
	spans := s.spans[:0]
	for k := 0; k < len(runs); k++ {
		if j := next[k]; j >= 0 {
			spans = append(spans, span{runs[k].start, runs[j].end})
			k = j
		}
	}
	s.runs, s.next, s.spans = runs, next, spans
	return spans
}

// wordEnd returns where the word that starts at text[i] ends; an apostrophe between two
// word bytes ("doesn't") is part of it.
func wordEnd(text string, i int) int {
	j := i
	for j < len(text) {
		if c := text[j]; isWordByte(c) || c == '\'' && j > i && j+1 < len(text) && isWordByte(text[j+1]) {
			j++
			continue
		}
		break
	}
	return j
}

// leftOK reports whether a reference or keyword may start at text[i]: at the start of the
// line or after a space, a tab, or one of ( [ { < " ' , ; : *.
func leftOK(text string, i int) bool {
	if i == 0 {
		return true
	}
	switch text[i-1] {
	case ' ', '\t', '\r', '(', '[', '{', '<', '"', '\'', ',', ';', ':', '*':
		return true
	}
	return false
}

// refEnds reports whether a reference may end at text[j]: at the end of the line, before
// a space, a tab, one of ) ] } > " ' , ; *, or one of . : ! ? that no letter, digit or #
// follows.
func refEnds(text string, j int) bool {
	if j == len(text) {
		return true
	}
	switch text[j] {
	case ' ', '\t', '\r', ')', ']', '}', '>', '"', '\'', ',', ';', '*':
		return true
	case '.', ':', '!', '?':
		return j+1 == len(text) || !isWordByte(text[j+1]) && text[j+1] != '#'
	}
	return false
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII letter case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// isWordByte reports whether c belongs to a word: an ASCII letter or digit, "_", or any
// byte of a non-ASCII character.
func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c >= 0x80 }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func toLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
