package testreport

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// NewTAP returns a Parser for a TAP 13 or 14 stream; suite names the source (e.g. the step name).
//
// Each test point ("ok 1 - name", "not ok 2 - name") is a case of the suite, handed on once
// the lines that may follow it (a YAML block, diagnostic comments) are read:
//   - ok is Passed, not ok Failed. A "# SKIP reason" directive makes it Skipped with the
//     reason as Message. A "# TODO reason" directive makes it Skipped too, with Message
//     "todo: reason": TAP counts neither a failing nor a passing todo test against the run.
//     A tap-style "# time=12ms" directive is the Duration.
//   - A YAML block ("  ---" ... "  ...") after a point fills in the case: Message from the
//     message (or error) key, then expected and actual (node-tap: wanted and found), then the
//     stack; File and Line from location ("x.test.mjs:3:1", Node), at (a stack frame, or a
//     mapping with file and line), or file and line keys, replaced by the first frame of the
//     stack in the same file (the failing line rather than the test's declaration); Duration
//     from duration_ms. Only the subset of YAML that TAP producers write is read: "key:
//     value" pairs with plain, quoted and block scalars, and one level of nesting.
//   - Comment lines right after a failing point are its diagnostics (TAP 13 as Perl's
//     Test::More writes it): they are its Message, and "at t/x.t line 12." is its place.
//   - A subtest (TAP 14: lines indented by four spaces per level, announced by
//     "# Subtest: name" on its parent's level, as Node writes it, or as its own first line)
//     names its cases "parent/child", and the test point
//     that closes it is a case of its own, as Go reports a test with subtests. A subtest
//     without a "# Subtest" line takes the name of its closing test point: its cases are held
//     until that point comes. A subtest whose closing point never comes is handed on as
//     Errored.
//   - A point without a description is named "test N" by its number; a description already
//     used at its level gets " #N" added, so that every case has its own name.
//   - "Bail out!" hands on a case named BailOut, Errored with the reason as Message, and the
//     rest of the stream is ignored.
//   - A plan ("1..N", at the start or the end; "1..0 # SKIP reason" for none) that does not
//     match the test points is a Warning; tests the plan announced that never came are
//     only a Warning, not cases. Version and pragma lines, other comments and lines that are
//     not TAP (the tests' own output) are ignored; a malformed plan is a Warning.
//
// Lines longer than 64 KiB are cut, a YAML block keeps at most 1 MiB, and bytes that are not
// UTF-8 become U+FFFD.
func NewTAP(suite string, onCase func(Case)) Parser {
	return &tapParser{suite: suite, onCase: onCase, levels: []*tapLevel{newTAPLevel("", true, 0)}}
}

// Caps on what a TAP stream may make the parser hold.
const (
	tapMaxLine  = 64 << 10 // bytes of one line
	tapMaxYAML  = 1 << 20  // bytes of one YAML block
	tapMaxDepth = 64       // levels of subtests
	tapMaxHeld  = 10000    // cases of an unnamed subtest held until it is named
)

// tapParser reads a TAP stream line by line.
type tapParser struct {
	suite    string
	onCase   func(Case)
	partial  []byte // the line being read
	long     bool   // the line being read passed tapMaxLine
	lineNo   int
	levels   []*tapLevel   // the open streams: the top one, then subtests
	point    *tapPoint     // the last test point, until the lines that may follow it are read
	yaml     *tapYAMLBlock // the YAML block being read
	warnings warningList
	seen     bool // a test point or plan was read
	bailed   bool
	closed   bool
}

// tapLevel is one stream: the top one or a subtest.
type tapLevel struct {
	name      string // the subtest's name
	named     bool   // name is known; else its cases are held
	place     int    // the number its closing test point should have
	plan      int    // the planned count; -1 without a plan
	planAfter int    // the test points read before the plan
	count     int    // the test points read
	number    int    // the number of the last test point
	late      bool   // a test point after a trailing plan was warned about
	announced string // the name of the last "# Subtest:" at this level, for what comes next
	ended     *tapLevel
	names     map[string]bool
	held      []Case // the cases of an unnamed subtest, named relative to it
}

func newTAPLevel(name string, named bool, place int) *tapLevel {
	return &tapLevel{name: name, named: named, place: place, plan: -1, names: map[string]bool{}}
}

// tapPoint is a test point whose case is not handed on yet.
type tapPoint struct {
	c      Case
	level  int
	indent int
	parsed tapLine
	yamlOK bool // the next line may open its YAML block
	yaml   map[string]string
	diag   cappedText // the comments after a failing point
}

// tapLine is a test point line, read.
type tapLine struct {
	notOK     bool
	number    int // 0: none
	desc      string
	directive string // "skip", "todo" or ""
	reason    string
	duration  time.Duration
}

// tapYAMLBlock is a YAML block being read.
type tapYAMLBlock struct {
	indent int
	lines  []string
	size   int
	cut    bool
}

// Write feeds more of the stream.
func (t *tapParser) Write(p []byte) (int, error) {
	n := len(p)
	for !t.closed && len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.keep(p)
			break
		}
		t.keep(p[:i])
		t.endLine()
		p = p[i+1:]
	}
	return n, nil
}

// keep adds to the line being read, up to tapMaxLine.
func (t *tapParser) keep(p []byte) {
	room := tapMaxLine - len(t.partial)
	if len(p) > room {
		p, t.long = p[:room], true
	}
	t.partial = append(t.partial, p...)
}

func (t *tapParser) endLine() {
	s := string(bytes.TrimSuffix(t.partial, []byte("\r")))
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	t.partial = t.partial[:0]
	t.lineNo++
	if t.long {
		t.long = false
		t.warnings.add(t.lineNo, fmt.Sprintf("a line longer than %d bytes was cut", tapMaxLine))
	}
	t.readLine(s)
}

// Close ends the stream: open subtests are handed on as Errored, and the plan is checked.
func (t *tapParser) Close() []Warning {
	if t.closed {
		return t.warnings.list()
	}
	if len(t.partial) > 0 || t.long {
		t.endLine()
	}
	t.closed = true
	if t.yaml != nil {
		t.warnings.add(0, "the stream ends inside a YAML block")
		t.endYAML()
	}
	t.flush()
	for len(t.levels) > 1 {
		t.closeLevel()
		t.resolveEnded(len(t.levels) - 1)
	}
	t.resolveEnded(0)
	if !t.bailed {
		t.checkPlan(t.levels[0])
	}
	return t.warnings.list()
}

// readLine reads one line of the stream.
func (t *tapParser) readLine(s string) {
	if t.bailed {
		return
	}
	if t.yaml != nil && t.yamlLine(s) {
		return
	}
	if t.point != nil && t.follows(s) {
		return
	}
	t.flush()
	indent := leadingSpaces(s)
	body := s[indent:]
	if len(body) >= len("bail out!") && strings.EqualFold(body[:len("bail out!")], "bail out!") {
		t.bailOut(strings.TrimSpace(body[len("bail out!"):]))
		return
	}
	kind := tapKindOf(body)
	if kind == tapKindOther || indent%4 != 0 {
		return
	}
	level, opened := t.moveTo(indent/4, kind, body)
	if level < 0 {
		return
	}
	t.seen = t.seen || kind != tapKindSubtest
	switch kind {
	case tapKindPoint:
		t.testPoint(level, indent, body)
	case tapKindPlan:
		t.plan(level, body)
	case tapKindSubtest:
		if !opened {
			t.resolveEnded(level)
			t.levels[level].announced = subtestName(body)
		}
	}
}

// tapKind is what a line that is not inside a YAML block is.
type tapKind uint8

const (
	tapKindOther   tapKind = iota // a comment, version, pragma or a line that is not TAP
	tapKindPoint                  // a test point
	tapKindPlan                   // a plan
	tapKindSubtest                // a "# Subtest: name" comment
)

func tapKindOf(body string) tapKind {
	switch {
	case isTAPPoint(body):
		return tapKindPoint
	case strings.HasPrefix(body, "1.."):
		return tapKindPlan
	case strings.HasPrefix(body, "#"):
		if rest := strings.TrimSpace(body[1:]); strings.HasPrefix(rest, "Subtest") {
			return tapKindSubtest
		}
	}
	return tapKindOther
}

func subtestName(body string) string {
	rest := strings.TrimPrefix(strings.TrimSpace(body[1:]), "Subtest")
	return strings.TrimSpace(strings.TrimPrefix(rest, ":"))
}

// moveTo makes level the innermost open stream, opening a subtest one level deeper or
// closing subtests; -1 when the line is too deep to belong to the stream. opened says that
// the line opened a subtest.
func (t *tapParser) moveTo(level int, kind tapKind, body string) (int, bool) {
	depth := len(t.levels) - 1
	switch {
	case level > depth+1 || level > tapMaxDepth:
		return -1, false
	case level == depth+1:
		t.openLevel(kind, body)
		return level, true
	}
	for len(t.levels)-1 > level {
		t.closeLevel()
	}
	return level, false
}

// openLevel opens a subtest, named by the last "# Subtest:" of its parent (Node writes it
// there) or else by its own first line, when that is "# Subtest: name" (TAP 14, Test::More).
// A "# Subtest:" line that opens a subtest already named announces a subtest of its own.
func (t *tapParser) openLevel(kind tapKind, body string) {
	i := len(t.levels) - 1
	parent := t.levels[i]
	t.resolveEnded(i)
	name, announced := parent.announced, ""
	parent.announced = ""
	if kind == tapKindSubtest && name == "" {
		name = subtestName(body)
	} else if kind == tapKindSubtest {
		announced = subtestName(body)
	}
	child := newTAPLevel(name, name != "", parent.number+1)
	child.announced = announced
	t.levels = append(t.levels, child)
}

// closeLevel closes the innermost subtest; its parent waits for the test point that gives
// its result.
func (t *tapParser) closeLevel() {
	l := t.levels[len(t.levels)-1]
	t.levels = t.levels[:len(t.levels)-1]
	if !t.bailed {
		t.checkPlan(l)
	}
	t.levels[len(t.levels)-1].ended = l
}

// resolveEnded gives up on the closing test point of the subtest that ended at levels[i]:
// a named one is handed on as Errored; the cases of an unnamed one are named by its number.
func (t *tapParser) resolveEnded(i int) {
	l := t.levels[i]
	e := l.ended
	if e == nil {
		return
	}
	l.ended = nil
	if !e.named {
		t.release(i, fallbackName(e), e.held)
		return
	}
	c := Case{Suite: t.suite, Status: Errored, Message: "no test point gave the result of this subtest"}
	t.emit(i, l.unique(e.name, e.place), c)
}

func fallbackName(l *tapLevel) string {
	return fmt.Sprintf("subtest %d", l.place)
}

// release hands on the held cases of an unnamed subtest of levels[i], now named name.
func (t *tapParser) release(i int, name string, held []Case) {
	for _, c := range held {
		t.emit(i, name+"/"+c.Name, c)
	}
}

// emit hands on a case of levels[i] named name there, or holds it in an unnamed subtest.
func (t *tapParser) emit(i int, name string, c Case) {
	for ; i > 0; i-- {
		l := t.levels[i]
		if !l.named {
			c.Name = name
			l.held = append(l.held, c)
			if len(l.held) == tapMaxHeld {
				l.name, l.named = fallbackName(l), true
				held := l.held
				l.held = nil
				t.release(i-1, l.name, held)
			}
			return
		}
		name = l.name + "/" + name
	}
	c.Name = name
	t.onCase(c)
}

// unique is name, or name with " #number" when the level already has a case of that name.
func (l *tapLevel) unique(name string, number int) string {
	if l.names[name] {
		name = fmt.Sprintf("%s #%d", name, number)
	}
	l.names[name] = true
	return name
}

func (t *tapParser) testPoint(i, indent int, body string) {
	l := t.levels[i]
	p := parseTAPPoint(body)
	l.count++
	if p.number == 0 {
		p.number = l.number + 1
	} else if p.number != l.number+1 {
		t.warnings.add(t.lineNo, fmt.Sprintf("test number %d where %d was expected", p.number, l.number+1))
	}
	l.number = p.number
	if l.plan >= 0 && l.planAfter > 0 && !l.late {
		l.late = true
		t.warnings.add(t.lineNo, "a test point after the plan that ended the tests")
	}
	ended := l.ended
	l.ended, l.announced = nil, ""
	name := p.desc
	if name == "" && ended != nil && ended.named {
		name = ended.name
	}
	if name == "" {
		name = fmt.Sprintf("test %d", p.number)
	}
	name = l.unique(name, p.number)
	if ended != nil && !ended.named {
		t.release(i, name, ended.held)
	}
	c := Case{Suite: t.suite, Name: name, Status: p.status(), Duration: p.duration}
	t.point = &tapPoint{c: c, level: i, indent: indent, parsed: p, yamlOK: true, diag: cappedText{max: MaxMessage}}
}

func (p tapLine) status() Status {
	switch {
	case p.directive != "":
		return Skipped
	case p.notOK:
		return Failed
	}
	return Passed
}

// follows reads a line that belongs to the pending test point: the start of its YAML block,
// or a diagnostic comment of a failing point.
func (t *tapParser) follows(s string) bool {
	pt := t.point
	yamlOK := pt.yamlOK
	pt.yamlOK = false
	indent := leadingSpaces(s)
	switch {
	case yamlOK && indent == pt.indent+2 && strings.TrimRight(s[indent:], " \t") == "---":
		t.yaml = &tapYAMLBlock{indent: indent}
		return true
	case pt.parsed.notOK && pt.yaml == nil && indent == pt.indent && strings.HasPrefix(s[indent:], "#") &&
		tapKindOf(s[indent:]) != tapKindSubtest:
		pt.diag.add([]byte(strings.TrimPrefix(s[indent+1:], " ") + "\n"))
		return true
	}
	return false
}

// yamlLine reads a line of the open YAML block; false when the line is not part of it.
func (t *tapParser) yamlLine(s string) bool {
	y := t.yaml
	indent := leadingSpaces(s)
	switch {
	case indent == len(s):
		y.add("")
	case indent < y.indent:
		t.warnings.add(t.lineNo, "a YAML block ends without its \"...\" line")
		t.endYAML()
		return false
	case indent == y.indent && strings.TrimRight(s[indent:], " \t") == "...":
		t.endYAML()
	default:
		y.add(s[y.indent:])
	}
	return true
}

func (y *tapYAMLBlock) add(line string) {
	if y.size+len(line) > tapMaxYAML {
		y.cut = true
		return
	}
	y.size += len(line) + 1
	y.lines = append(y.lines, line)
}

// endYAML gives the YAML block to its test point, which is then handed on.
func (t *tapParser) endYAML() {
	if t.yaml.cut {
		t.warnings.add(t.lineNo, fmt.Sprintf("a YAML block longer than %d bytes was cut", tapMaxYAML))
	}
	t.point.yaml = parseTAPYAML(t.yaml.lines)
	t.yaml = nil
	t.flush()
}

// flush hands on the pending test point.
func (t *tapParser) flush() {
	pt := t.point
	if pt == nil {
		return
	}
	t.point = nil
	t.emit(pt.level, pt.c.Name, pt.result())
}

// result is the test point's case, with what its YAML block or diagnostics add.
func (pt *tapPoint) result() Case {
	c := pt.c
	var details string
	if pt.yaml != nil {
		details = yamlMessage(pt.yaml)
		c.File, c.Line = yamlLocation(pt.yaml)
		if ms, err := strconv.ParseFloat(pt.yaml["duration_ms"], 64); err == nil {
			c.Duration = seconds(ms / 1000)
		}
	} else if diag := pt.diag.text(); diag != "" {
		details = dedent(diag)
		if file, line, ok := perlLocation(diag); ok {
			c.File, c.Line = file, line
		}
	}
	switch p := pt.parsed; {
	case p.directive == "todo" && p.reason != "":
		c.Message = joinLines("todo: "+p.reason, details)
	case p.directive == "todo":
		c.Message = joinLines("todo", details)
	case p.directive == "skip":
		c.Message = joinLines(p.reason, details)
	case p.notOK:
		c.Message = details
	}
	c.Message = Clip(c.Message, MaxMessage)
	return c
}

func (t *tapParser) bailOut(reason string) {
	t.bailed = true
	t.onCase(Case{Suite: t.suite, Name: BailOut, Status: Errored, Message: Clip(reason, MaxMessage)})
}

// plan reads a plan line: "1..N", perhaps with "# SKIP reason".
func (t *tapParser) plan(i int, body string) {
	l := t.levels[i]
	t.resolveEnded(i)
	rest := body[len("1.."):]
	digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	n, err := strconv.Atoi(rest[:digits])
	if err != nil || digits > 9 || rest[digits:] != "" && rest[digits] != ' ' && rest[digits] != '\t' {
		t.warnings.add(t.lineNo, fmt.Sprintf("a malformed plan %q", body))
		return
	}
	if l.plan >= 0 {
		t.warnings.add(t.lineNo, "a second plan")
		return
	}
	l.plan, l.planAfter = n, l.count
}

// checkPlan warns when a stream's test points do not match its plan.
func (t *tapParser) checkPlan(l *tapLevel) {
	where := ""
	if l.name != "" {
		where = fmt.Sprintf(" of subtest %q", l.name)
	}
	switch {
	case l.plan < 0 && l == t.levels[0] && !t.seen:
		t.warnings.add(0, "no TAP in the stream: no test point and no plan")
	case l.plan < 0 && l == t.levels[0]:
		t.warnings.add(0, fmt.Sprintf("no plan (1..N) after %d test point%s: the stream may be cut short", l.count, plural(l.count)))
	case l.plan >= 0 && l.count < l.plan:
		t.warnings.add(0, fmt.Sprintf("the plan%s is 1..%d but %d test point%s came: the stream may be cut short", where, l.plan, l.count, plural(l.count)))
	case l.plan >= 0 && l.count > l.plan:
		t.warnings.add(0, fmt.Sprintf("%d test points came but the plan%s is 1..%d", l.count, where, l.plan))
	}
}

// isTAPPoint reports whether a line is a test point: "ok" or "not ok", then nothing or a blank.
func isTAPPoint(body string) bool {
	rest, ok := strings.CutPrefix(body, "ok")
	if !ok {
		rest, ok = strings.CutPrefix(body, "not ok")
	}
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// parseTAPPoint reads a test point: "ok 1 - description # DIRECTIVE reason" or "not ok ...".
func parseTAPPoint(body string) tapLine {
	var p tapLine
	rest, ok := strings.CutPrefix(body, "ok")
	if !ok {
		rest = strings.TrimPrefix(body, "not ok")
		p.notOK = true
	}
	rest = strings.TrimLeft(rest, " \t")
	digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	if digits > 0 && digits <= 9 && (digits == len(rest) || rest[digits] == ' ' || rest[digits] == '\t') {
		p.number, _ = strconv.Atoi(rest[:digits])
		rest = strings.TrimLeft(rest[digits:], " \t")
	}
	rest = strings.TrimLeft(strings.TrimPrefix(rest, "-"), " \t")
	desc, directive := splitDirective(rest)
	p.desc = desc
	p.readDirective(directive)
	return p
}

// splitDirective cuts a description at its first unescaped '#', undoing the escapes "\#"
// and "\\".
func splitDirective(s string) (desc, directive string) {
	if !strings.ContainsAny(s, `#\`) {
		return strings.TrimSpace(s), ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '#' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '#':
			return strings.TrimSpace(b.String()), strings.TrimSpace(s[i+1:])
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String()), ""
}

// readDirective reads "SKIP reason", "TODO reason" (any case, "skipped" too) or
// "time=12ms".
func (p *tapLine) readDirective(d string) {
	word, reason, _ := strings.Cut(d, " ")
	lower := strings.ToLower(word)
	switch {
	case strings.HasPrefix(lower, "skip"):
		p.directive = "skip"
	case strings.HasPrefix(lower, "todo"):
		p.directive = "todo"
	case strings.HasPrefix(lower, "time="):
		if d, err := time.ParseDuration(word[len("time="):]); err == nil && d > 0 {
			p.duration = d
		}
		return
	default:
		return
	}
	p.reason = strings.TrimSpace(reason)
}

// yamlMessage is the message of a YAML block: message (or error), expected and actual (or
// node-tap's wanted and found), stack.
func yamlMessage(m map[string]string) string {
	msg := firstOf(m["message"], m["error"])
	var compared string
	if exp, act := firstOf(m["expected"], m["wanted"]), firstOf(m["actual"], m["found"]); exp != "" || act != "" {
		compared = "expected: " + exp + "\nactual: " + act
	}
	return joinLines(strings.TrimSpace(msg), compared, strings.TrimSpace(m["stack"]))
}

// yamlLocation is the place of a YAML block: location, at or file and line, then the first
// frame of the stack in that file.
func yamlLocation(m map[string]string) (string, int) {
	file, line, ok := pathLine(m["location"])
	if !ok {
		file, line, ok = frameLocation(m["at"])
	}
	if !ok {
		file = firstOf(m["file"], m["at.file"], m["at.fileName"])
		line = parseLine(firstOf(m["line"], m["at.line"], m["at.lineNumber"]))
	}
	for _, frame := range strings.Split(m["stack"], "\n") {
		frame = strings.TrimPrefix(strings.TrimSpace(frame), "at ")
		if f, n, ok := frameLocation(frame); ok && sameFile(f, file) {
			return f, n
		}
	}
	return file, line
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// perlLocation finds "at t/x.t line 12." in diagnostics.
func perlLocation(text string) (string, int, bool) {
	for _, l := range strings.Split(text, "\n") {
		l = " " + l
		i := strings.LastIndex(l, " at ")
		if i < 0 {
			continue
		}
		f := strings.Fields(l[i+len(" at "):])
		if len(f) >= 3 && f[1] == "line" {
			if n := parseLine(strings.TrimRight(f[2], ".")); n > 0 {
				return f[0], n, true
			}
		}
	}
	return "", 0, false
}

// parseTAPYAML reads the YAML a TAP producer writes: "key: value" pairs at the block's margin
// (the indentation its lines share) with plain, quoted or block ("|", ">") values, and one
// level of nested pairs, read as "key.nested". Anything else is skipped.
func parseTAPYAML(lines []string) map[string]string {
	lines = unindent(lines)
	m := make(map[string]string, len(lines))
	for i := 0; i < len(lines); {
		key, value, ok := cutYAMLKey(lines[i])
		j := i + 1
		for j < len(lines) && (lines[j] == "" || leadingSpaces(lines[j]) > 0) {
			j++
		}
		nested := lines[i+1 : j]
		i = j
		switch {
		case !ok:
		case strings.HasPrefix(value, "|") || strings.HasPrefix(value, ">"):
			m[key] = blockScalar(value[0], nested)
		case value == "":
			for _, l := range nested {
				if k, v, ok := cutYAMLKey(strings.TrimSpace(l)); ok && v != "" {
					m[key+"."+k] = yamlScalar(v)
				}
			}
		default:
			m[key] = yamlScalar(value)
		}
	}
	return m
}

// unindent removes the indentation that the non-blank lines share.
func unindent(lines []string) []string {
	common := -1
	for _, l := range lines {
		if n := leadingSpaces(l); n < len(l) && (common < 0 || n < common) {
			common = n
		}
	}
	if common <= 0 {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l[min(common, len(l)):]
	}
	return out
}

// cutYAMLKey reads "key: value" or "key:" at the start of a line.
func cutYAMLKey(l string) (key, value string, ok bool) {
	if l == "" || leadingSpaces(l) > 0 || l[0] == '#' || l[0] == '-' {
		return "", "", false
	}
	if key, value, ok = strings.Cut(l, ": "); ok {
		return key, strings.TrimSpace(value), true
	}
	if key, ok = strings.CutSuffix(strings.TrimRight(l, " \t"), ":"); ok {
		return key, "", true
	}
	return "", "", false
}

// yamlScalar reads a one-line scalar: 'single quoted', "double quoted" or plain.
func yamlScalar(v string) string {
	switch {
	case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	}
	return v
}

// blockScalar reads the lines of a literal ('|') or folded ('>') block.
func blockScalar(style byte, lines []string) string {
	text := dedent(strings.Join(lines, "\n"))
	if style == '|' {
		return text
	}
	var b strings.Builder
	afterText := false // the last line written was text: the next one continues it
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			b.WriteByte('\n')
			afterText = false
			continue
		}
		if afterText {
			b.WriteByte(' ')
		}
		b.WriteString(l)
		afterText = true
	}
	return b.String()
}

// dedent removes the indentation the non-blank lines of text share, and trailing blanks.
func dedent(text string) string {
	lines := unindent(strings.Split(strings.TrimRight(text, " \t\n"), "\n"))
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

func leadingSpaces(s string) int {
	n := 0
	for n < len(s) && s[n] == ' ' {
		n++
	}
	return n
}
