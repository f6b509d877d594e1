package testreport

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseJUnit reads a JUnit XML report and hands each test case to onCase as it is read. It returns
// the problems found (never fails on bad XML: what was read before the problem is kept, and the
// problem is a Warning); err is only for a failing reader.
//
// The report is read as a stream of tokens, so its size does not matter, but no single token
// (a text, a tag with its attributes) may pass 16 MiB: reading stops there with a Warning.
//
// How the model is filled:
//   - Suite is the testcase's classname (pytest: "tests.test_x.TestClass"; gotestsum: the
//     package; cargo-nextest: the binary). When the classname is missing, repeats the case's
//     name (jest-junit) or is "test" (the placeholder Node's reporter writes on every case),
//     Suite is the path of the enclosing testsuite elements, outermost first, joined with "/"
//     ("math/inner" for a describe block nested in another), or the root testsuites' name
//     when no testsuite encloses the case.
//   - Status: a case with <skipped> is Skipped, even when it also has a <failure> (a Node
//     "todo" test that failed, which Node does not count as a failure); else <error> makes it
//     Errored and <failure> Failed. A case with only <flakyFailure>/<flakyError> or
//     <rerunFailure>/<rerunError> elements (cargo-nextest, Maven Surefire) passed on a retry:
//     it is Passed after N+1 Attempts (flaky), and Message says "flaky: passed after N failed
//     attempt(s)" followed by the
//     first failure it recovered from.
//   - Message: per result element, its type and message attributes ("type: message") and its
//     text, joined with newlines and capped at MaxMessage. A skip of type "todo" reads
//     "todo: reason", a pytest xfail "xfail: reason".
//   - Output: the case's system-out then system-err, each on its own lines, capped at
//     MaxOutput.
//   - File and Line: the file and line attributes, taken as written (pytest's xunit1 line is
//     0-based), replaced for a failed or errored case by the place the failure text points at
//     when that place is in the same file (or there is no file attribute): the first frame of
//     a JavaScript or Java stack ("at f (file:///x.test.mjs:5:10)"; in a Java stack the first
//     frame of the classname's class), a Rust panic ("panicked at src/lib.rs:10:5:"), or else
//     the last line that starts with "path:line:" (pytest's "tests/test_x.py:12:
//     AssertionError", Go's "x_test.go:12: ..."). Of two paths of the same file, the longer
//     is kept.
//   - An <error> or <failure> directly inside a testsuite (a suite that failed outside its
//     cases) gives a case named SuiteFailed, Errored, handed on when the suite ends, with the
//     suite's own system-out and system-err as its Output. Suite-level output of a suite
//     without such an error is not a test's result and is dropped.
//
// Input that is not well-formed stops the reading with a Warning; a testcase left open by it
// (a file cut short) is handed on as Errored. Invalid UTF-8 bytes are read as Latin-1,
// control characters that XML forbids (raw or as references such as "&#x1b;") become U+FFFD,
// a byte order mark is dropped and UTF-16 is converted, so that these common defects of
// real reports do not end the reading.
func ParseJUnit(r io.Reader, onCase func(Case)) (warnings []Warning, err error) {
	return parseJUnit(r, onCase, junitMaxToken)
}

// junitMaxToken caps the bytes of one XML token the decoder may hold.
const junitMaxToken = 16 << 20

// junitMaxResults caps the result elements of one case (or one suite) whose text is kept;
// more are only counted.
const junitMaxResults = 8

// errJUnitTokenTooLarge stops the decoder when one token passes the cap.
var errJUnitTokenTooLarge = errors.New("an XML token is too large")

func parseJUnit(r io.Reader, onCase func(Case), maxToken int64) ([]Warning, error) {
	in := newJUnitInput(r, maxToken)
	dec := xml.NewDecoder(in)
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) { return in, nil }
	p := &junitParser{in: in, dec: dec, onCase: onCase}
	err := p.run()
	return p.warnings.list(), err
}

// junitParser follows the open elements of a JUnit report and builds the cases.
type junitParser struct {
	in       *junitInput
	dec      *xml.Decoder
	onCase   func(Case)
	warnings warningList

	open      []junitElement // the open elements, outermost first
	suites    []*junitSuite  // the open testsuite elements, outermost first
	rootName  string         // the name of the root testsuites element
	suitePath string         // the names of suites, joined with "/"
	tc        *junitCase     // the open testcase: nil, or &spare
	spare     junitCase      // the testcase being read, reused from case to case
	sink      *cappedText    // where text goes now; nil: text is ignored
	seenRoot  bool           // a JUnit element was found
	strayText bool           // text outside every element was warned about
	mismatch  bool           // a mismatched end tag was warned about
}

// junitElement is an open element and what its end closes.
type junitElement struct {
	name string
	role junitRole
}

// junitRole says what an open element is to the parser.
type junitRole uint8

const (
	roleOther junitRole = iota
	roleSuite           // a testsuite
	roleCase            // a testcase
	roleText            // an element whose text goes to the sink (result, output)
)

// junitCase is an open testcase.
type junitCase struct {
	c         Case
	classname string
	results   junitResults
	output    cappedText
}

// junitSuite is an open testsuite.
type junitSuite struct {
	name   string
	errors junitResults // its own <error> and <failure> elements
	output cappedText
}

// junitResults are the result elements of a case or suite: all counted, the first
// junitMaxResults kept.
type junitResults struct {
	kept   []junitResult
	counts [resultKinds]int
}

// junitResult is one result element of a case: <failure>, <skipped>, <flakyFailure>, ...
type junitResult struct {
	kind    resultKind
	typ     string
	message string
	text    cappedText
}

// resultKind is what a result element says about its case.
type resultKind uint8

const (
	resultFailure resultKind = iota
	resultError
	resultSkipped
	resultFlaky // a failed attempt of a case that passed on a retry
	resultRerun // a failed retry of a case that failed
	resultKinds
)

// junitResultKinds names the result elements a testcase may hold.
var junitResultKinds = map[string]resultKind{
	"failure":      resultFailure,
	"error":        resultError,
	"skipped":      resultSkipped,
	"flakyFailure": resultFlaky,
	"flakyError":   resultFlaky,
	"rerunFailure": resultRerun,
	"rerunError":   resultRerun,
}

func (p *junitParser) run() error {
	for {
		tok, err := p.dec.RawToken()
		if err != nil {
			return p.stop(err)
		}
		p.in.tokenEnd = p.dec.InputOffset()
		switch t := tok.(type) {
		case xml.StartElement:
			p.start(t)
		case xml.EndElement:
			p.end(t.Name.Local)
		case xml.CharData:
			p.text(t)
		}
	}
}

// stop ends the reading on the decoder's error: the end of input, a syntax error, a token
// too large, or the reader's failure.
func (p *junitParser) stop(err error) error {
	line, _ := p.dec.InputPos()
	var syntax *xml.SyntaxError
	switch {
	case p.in.err != nil:
		p.closeAll()
		return fmt.Errorf("reading the JUnit report: %w", p.in.err)
	case errors.As(err, &syntax):
		p.warnings.add(syntax.Line, "the report is not well-formed XML ("+strings.TrimPrefix(syntax.Msg, "XML syntax error: ")+"); the rest is skipped")
	case errors.Is(err, errJUnitTokenTooLarge):
		p.warnings.add(line, fmt.Sprintf("a text or tag longer than %d bytes; the rest of the report is skipped", p.in.maxToken))
	case len(p.open) > 0:
		p.warnings.add(0, fmt.Sprintf("the report ends inside <%s>: it was cut short", p.open[len(p.open)-1].name))
	}
	p.closeAll()
	if !p.seenRoot {
		p.warnings.add(0, "no <testsuites>, <testsuite> or <testcase> element: this is not a JUnit XML report")
	}
	return nil
}

// closeAll closes what the report left open: an open testcase is handed on as Errored.
func (p *junitParser) closeAll() {
	if p.tc != nil {
		p.tc.results.add(junitResult{kind: resultError, message: "the report ends inside this test case"})
	}
	for len(p.open) > 0 {
		p.pop()
	}
}

func (p *junitParser) start(t xml.StartElement) {
	name := t.Name.Local
	role := roleOther
	switch {
	case p.sink != nil:
		// inside a result or output element: nested elements add their text to it
	case name == "testsuites":
		p.seenRoot = true
		if len(p.open) == 0 {
			p.rootName = attr(t, "name")
		}
	case name == "testsuite":
		role = p.startSuite(t)
	case name == "testcase":
		role = p.startCase(t)
	default:
		role = p.startText(name, t)
	}
	p.open = append(p.open, junitElement{name: name, role: role})
}

func (p *junitParser) startSuite(t xml.StartElement) junitRole {
	p.seenRoot = true
	if p.tc != nil {
		p.warnAt("a <testsuite> inside a <testcase> is ignored")
		return roleOther
	}
	s := &junitSuite{name: attr(t, "name")}
	p.suites = append(p.suites, s)
	p.suitePath = joinSuitePath(p.suites)
	return roleSuite
}

func (p *junitParser) startCase(t xml.StartElement) junitRole {
	p.seenRoot = true
	if p.tc != nil {
		p.warnAt("a <testcase> inside a <testcase> is ignored")
		return roleOther
	}
	tc := &p.spare
	tc.reset()
	var classname string
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "name":
			tc.c.Name = a.Value
		case "classname":
			classname = a.Value
		case "time":
			tc.c.Duration = parseSeconds(a.Value)
		case "file":
			tc.c.File = a.Value
		case "line":
			tc.c.Line = parseLine(a.Value)
		}
	}
	tc.c.Suite = p.caseSuite(classname, tc.c.Name)
	tc.classname = classname
	p.tc = tc
	return roleCase
}

// reset empties the case for the next testcase, keeping the memory of its output.
func (tc *junitCase) reset() {
	out := tc.output.b[:0]
	*tc = junitCase{results: junitResults{kept: tc.results.kept[:0]}}
	tc.output = cappedText{b: out, max: MaxOutput}
}

// caseSuite is the Suite of a case: its classname when that says something, else the path of
// the enclosing suites.
func (p *junitParser) caseSuite(classname, name string) string {
	if classname != "" && classname != name && classname != "test" {
		return classname
	}
	if len(p.suites) == 0 {
		return p.rootName
	}
	return p.suitePath
}

// startText opens a result or output element of the open case or suite.
func (p *junitParser) startText(name string, t xml.StartElement) junitRole {
	kind, isResult := junitResultKinds[name]
	isOutput := name == "system-out" || name == "system-err"
	switch {
	case !isResult && !isOutput:
		return roleOther
	case p.tc != nil && isOutput:
		p.sink = p.tc.output.onNewLine()
	case p.tc != nil:
		p.sink = p.tc.results.add(junitResult{kind: kind, typ: attr(t, "type"), message: attr(t, "message")})
	case !p.inSuite():
		return roleOther
	case isOutput:
		s := p.suites[len(p.suites)-1]
		s.output.max = MaxOutput
		p.sink = s.output.onNewLine()
	case kind == resultError || kind == resultFailure:
		errors := &p.suites[len(p.suites)-1].errors
		p.sink = errors.add(junitResult{kind: resultError, typ: attr(t, "type"), message: attr(t, "message")})
	default:
		return roleOther
	}
	return roleText
}

// inSuite reports whether the innermost open element is a testsuite.
func (p *junitParser) inSuite() bool {
	return len(p.open) > 0 && p.open[len(p.open)-1].role == roleSuite
}

// add counts a result, keeps it unless junitMaxResults are kept, and returns where its text
// goes.
func (rs *junitResults) add(r junitResult) *cappedText {
	rs.counts[r.kind]++
	if len(rs.kept) == junitMaxResults {
		return &cappedText{max: 0}
	}
	r.text.max = MaxMessage
	rs.kept = append(rs.kept, r)
	return &rs.kept[len(rs.kept)-1].text
}

// describe joins the descriptions of the results of the given kinds, noting those only
// counted.
func (rs *junitResults) describe(kinds ...resultKind) string {
	var parts []string
	for i := range rs.kept {
		if r := &rs.kept[i]; slices.Contains(kinds, r.kind) {
			parts = append(parts, r.describe())
		}
	}
	counted := 0
	for _, k := range kinds {
		counted += rs.counts[k]
	}
	if more := counted - len(parts); more > 0 {
		parts = append(parts, fmt.Sprintf("(%d more)", more))
	}
	return joinLines(parts...)
}

// first describes the first result of the given kinds.
func (rs *junitResults) first(kinds ...resultKind) string {
	for i := range rs.kept {
		if r := &rs.kept[i]; slices.Contains(kinds, r.kind) {
			return r.describe()
		}
	}
	return ""
}

func (p *junitParser) end(name string) {
	i := len(p.open) - 1
	for i >= 0 && p.open[i].name != name {
		i--
	}
	if i < 0 {
		p.warnMismatch(name)
		return
	}
	if i != len(p.open)-1 {
		p.warnMismatch(name)
	}
	for len(p.open) > i {
		p.pop()
	}
}

// pop closes the innermost open element.
func (p *junitParser) pop() {
	e := p.open[len(p.open)-1]
	p.open = p.open[:len(p.open)-1]
	switch e.role {
	case roleText:
		p.sink = nil
	case roleCase:
		p.onCase(p.tc.result())
		p.tc = nil
	case roleSuite:
		p.endSuite()
	}
}

func (p *junitParser) endSuite() {
	s := p.suites[len(p.suites)-1]
	if s.errors.counts[resultError] > 0 {
		c := Case{Suite: p.suitePath, Name: SuiteFailed, Status: Errored, Output: outputText(&s.output)}
		c.Message = Clip(s.errors.describe(resultError), MaxMessage)
		p.onCase(c)
	}
	p.suites = p.suites[:len(p.suites)-1]
	p.suitePath = joinSuitePath(p.suites)
}

func (p *junitParser) text(t xml.CharData) {
	if p.sink != nil {
		p.sink.add(t)
		return
	}
	if len(p.open) == 0 && !p.strayText && len(strings.TrimSpace(string(t))) > 0 {
		p.strayText = true
		p.warnAt("text outside the XML elements is ignored")
	}
}

func (p *junitParser) warnAt(message string) {
	line, _ := p.dec.InputPos()
	p.warnings.add(line, message)
}

func (p *junitParser) warnMismatch(name string) {
	if !p.mismatch {
		p.mismatch = true
		p.warnAt("the end tag </" + name + "> does not match the open element; elements are closed up to it")
	}
}

// result is the finished case.
func (tc *junitCase) result() Case {
	c := tc.c
	c.Output = outputText(&tc.output)
	rs := &tc.results
	n := &rs.counts
	retries := n[resultFlaky] + n[resultRerun]
	switch {
	case n[resultSkipped] > 0:
		c.Status = Skipped
		c.Message = joinLines(rs.describe(resultSkipped), rs.describe(resultFailure, resultError))
	case n[resultError] > 0 || n[resultFailure] > 0:
		c.Status = Failed
		if n[resultError] > 0 {
			c.Status = Errored
		}
		c.Message = joinLines(rs.describe(resultFailure, resultError), rerunNote(retries))
		if retries > 0 {
			c.Attempts = retries + 1
		}
		tc.locate(&c, resultFailure, resultError)
	case retries > 0:
		c.Status, c.Attempts = Passed, retries+1
		c.Message = joinLines(fmt.Sprintf("flaky: passed after %d failed attempt%s", retries, plural(retries)),
			rs.first(resultFlaky, resultRerun))
	default:
		c.Status = Passed
	}
	c.Message = Clip(c.Message, MaxMessage)
	return c
}

// outputText is a case's output without the line breaks an XML writer puts before it.
func outputText(t *cappedText) string {
	return strings.TrimLeft(t.text(), "\r\n")
}

// locate moves the case's Line (and File, when the case names none or a shorter path of the
// same file) to where its failure text points, when it points into the same file.
func (tc *junitCase) locate(c *Case, kinds ...resultKind) {
	for i := range tc.results.kept {
		r := &tc.results.kept[i]
		if !slices.Contains(kinds, r.kind) {
			continue
		}
		text := r.text.text()
		if text == "" {
			text = r.message
		}
		if file, line, ok := failureLocation(text, c.File, tc.classname); ok {
			if len(file) > len(c.File) {
				c.File = file
			}
			c.Line = line
			return
		}
	}
}

// describe is one result element as text: "type: message", then its text.
func (r *junitResult) describe() string {
	text := strings.TrimSpace(r.text.text())
	if r.kind == resultSkipped {
		reason := r.message
		if reason == "" {
			reason = text
		}
		return skipPrefix(r.typ, strings.TrimSpace(reason))
	}
	head := r.message
	if r.typ != "" && r.message != "" {
		head = r.typ + ": " + r.message
	} else if r.typ != "" {
		head = r.typ
	}
	if text == head || r.message != "" && strings.Contains(text, strings.TrimSpace(r.message)) {
		return text // the body says it all again, as pytest's and Node's do
	}
	return joinLines(strings.TrimSpace(head), text)
}

// skipPrefix marks the reasons of skips that are not plain skips.
func skipPrefix(typ, reason string) string {
	var kind string
	switch typ {
	case "todo":
		kind = "todo"
	case "pytest.xfail":
		kind = "xfail"
	default:
		return reason
	}
	if reason == "" {
		return kind
	}
	return kind + ": " + reason
}

func rerunNote(reruns int) string {
	if reruns == 0 {
		return ""
	}
	return fmt.Sprintf("(it failed on %d rerun%s too)", reruns, plural(reruns))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// joinLines joins the non-empty parts with newlines.
func joinLines(parts ...string) string {
	var b strings.Builder
	for _, s := range parts {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String()
}

func joinSuitePath(suites []*junitSuite) string {
	switch len(suites) {
	case 0:
		return ""
	case 1:
		return suites[0].name
	}
	names := make([]string, 0, len(suites))
	for _, s := range suites {
		if s.name != "" {
			names = append(names, s.name)
		}
	}
	return strings.Join(names, "/")
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return strings.ReplaceAll(a.Value, escKeeper, "\x1b")
		}
	}
	return ""
}

// escKeeper stands in for ESC while the XML decoder reads: XML forbids the character, but
// test output is full of ANSI colour codes (ESC [ 3 3 m), which the faces render. It is a
// private-use character no report writes, turned back into ESC in every text kept.
const (
	escKeeper     = "\uE01B"
	escKeeperRune = '\uE01B'
)

// parseSeconds reads a time attribute in seconds: "0.25", "1,234.5" (a thousands
// separator), "0,25" (a decimal comma). Anything else, negative or absurd is 0.
func parseSeconds(s string) time.Duration {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ".") {
		s = strings.ReplaceAll(s, ",", "")
	} else {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return seconds(f)
}

// maxSeconds bounds the durations read from reports (about 136 years).
const maxSeconds = 1 << 32

// seconds is a duration of f seconds; 0 when f is not a positive number below maxSeconds.
func seconds(f float64) time.Duration {
	if !(f > 0) || f > maxSeconds {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// parseLine reads a 1-based line number; anything else is 0.
func parseLine(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// warningList gathers the warnings of one report, at most maxWarnings; more are counted.
type warningList struct {
	ws      []Warning
	dropped int
}

// maxWarnings caps the warnings of one report.
const maxWarnings = 100

func (l *warningList) add(line int, message string) {
	if len(l.ws) == maxWarnings {
		l.dropped++
		return
	}
	l.ws = append(l.ws, Warning{Line: line, Message: message})
}

// list is the warnings, with a last one counting those left out.
func (l *warningList) list() []Warning {
	if l.dropped == 0 {
		return l.ws
	}
	return append(l.ws, Warning{Message: fmt.Sprintf("%d more warnings left out", l.dropped)})
}

// cappedText keeps the first max bytes of a text that arrives in pieces (and one more, to
// cut it as Clip does), and counts the rest.
type cappedText struct {
	b     []byte
	total int
	max   int
}

// onNewLine starts a new line, unless the text is empty or ends one, and returns t: the
// output elements of a case follow each other on their own lines.
func (t *cappedText) onNewLine() *cappedText {
	if n := len(t.b); n > 0 && t.b[n-1] != '\n' {
		t.add([]byte{'\n'})
	}
	return t
}

func (t *cappedText) add(p []byte) {
	if bytes.Contains(p, []byte(escKeeper)) {
		p = bytes.ReplaceAll(p, []byte(escKeeper), []byte{0x1b})
	}
	t.total += len(p)
	if room := t.max + 1 - len(t.b); room > 0 {
		t.b = append(t.b, p[:min(room, len(p))]...)
	}
}

// text is what Clip gives for the whole text, or "" when the text is only white space.
func (t *cappedText) text() string {
	if t.total <= t.max {
		if isSpace(t.b) {
			return ""
		}
		return string(t.b)
	}
	return ClipHead(string(t.b), t.total, t.max)
}

func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// failureLocation finds the place a failure text points at, in the file want ("" for any):
// the first stack frame or Rust panic location (a frame of the class hint, when there is one
// and hint is not ""), else the last line that starts with "path:line:".
func failureLocation(text, want, hint string) (file string, line int, ok bool) {
	var frameFile string
	var frameLine int
	for text != "" {
		var l string
		l, text, _ = strings.Cut(text, "\n")
		l = strings.TrimSpace(l)
		if f, n, ok := pointedLocation(l); ok {
			switch {
			case !sameFile(f, want):
			case hint == "" || strings.Contains(l, hint+"."):
				return f, n, true
			case frameLine == 0:
				frameFile, frameLine = f, n
			}
			continue
		}
		if f, n, ok := leadingLocation(l); ok && sameFile(f, want) {
			file, line = f, n
		}
	}
	if frameLine > 0 {
		return frameFile, frameLine, true
	}
	return file, line, line > 0
}

// pointedLocation reads a stack frame ("at f (file:///x.test.mjs:5:10)", "at /x.js:5:10",
// "at pkg.C.m(C.java:42)") or a Rust panic ("panicked at src/lib.rs:10:5:", or the older
// "panicked at 'boom', src/lib.rs:10:5").
func pointedLocation(l string) (string, int, bool) {
	if frame, ok := strings.CutPrefix(l, "at "); ok {
		return frameLocation(frame)
	}
	if _, rest, ok := strings.Cut(l, "panicked at "); ok {
		if fields := strings.Fields(rest); len(fields) > 0 {
			return pathLine(fields[len(fields)-1])
		}
	}
	return "", 0, false
}

// frameLocation reads the place of a stack frame: "f (file:///x.test.mjs:5:10)" or
// "/x.js:5:10". Frames of Node's internals, node_modules and native code are not places.
func frameLocation(frame string) (string, int, bool) {
	frame = strings.TrimSpace(frame)
	if strings.HasSuffix(frame, ")") {
		if i := strings.LastIndexByte(frame, '('); i >= 0 {
			frame = frame[i+1 : len(frame)-1]
		}
	}
	return pathLine(frame)
}

// leadingLocation reads a line that starts with "path:line:" (pytest, Go's t.Error).
func leadingLocation(l string) (string, int, bool) {
	field, _, _ := strings.Cut(l, " ")
	if !strings.HasSuffix(field, ":") {
		return "", 0, false
	}
	return pathLine(field)
}

// pathLine reads "path:line", "path:line:col" or a file URL of them, with or without a
// trailing colon.
func pathLine(s string) (string, int, bool) {
	s = strings.TrimSuffix(s, ":")
	rest, n, ok := cutNumber(s)
	if !ok {
		return "", 0, false
	}
	if r, line, ok := cutNumber(rest); ok {
		rest, n = r, line
	}
	file := fromFileURL(rest)
	if n < 1 || !plausibleFile(file) {
		return "", 0, false
	}
	return file, n, true
}

// cutNumber cuts ":digits" off the end of s.
func cutNumber(s string) (string, int, bool) {
	i := strings.LastIndexByte(s, ':')
	digits := s[i+1:]
	if i < 0 || digits == "" || len(digits) > 9 {
		return "", 0, false
	}
	n := 0
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return "", 0, false
		}
		n = n*10 + int(c-'0')
	}
	return s[:i], n, true
}

func fromFileURL(s string) string {
	path, ok := strings.CutPrefix(s, "file://")
	if !ok {
		return s
	}
	if unescaped, err := url.PathUnescape(path); err == nil {
		return unescaped
	}
	return path
}

// plausibleFile reports whether s names a source file: a name with an extension, not a URL,
// not Node's internals, not a dependency under node_modules.
func plausibleFile(s string) bool {
	if s == "" || strings.Contains(s, "://") || strings.HasPrefix(s, "node:") || strings.HasPrefix(s, "<") ||
		strings.Contains(s, "/node_modules/") {
		return false
	}
	base := s[strings.LastIndexAny(s, `/\`)+1:]
	return strings.IndexByte(base, '.') > 0 && !strings.ContainsAny(base, " \t")
}

// sameFile reports whether the paths f and want name the same file, one perhaps relative to
// a directory of the other; any file matches an empty want.
func sameFile(f, want string) bool {
	f, want = strings.TrimPrefix(f, "./"), strings.TrimPrefix(want, "./")
	return want == "" || f == want || strings.HasSuffix(f, "/"+want) || strings.HasSuffix(want, "/"+f)
}

// junitInput hands the XML decoder the report a byte at a time as the UTF-8 it accepts (see
// ParseJUnit), and stops it when one token grows past maxToken bytes.
type junitInput struct {
	src      io.Reader
	maxToken int64
	raw      []byte // read from src and not converted yet
	text     []byte // UTF-16 input converted to UTF-8 and not sanitized yet
	out      []byte // ready for the decoder
	pos      int    // the next byte of out
	handed   int64  // bytes handed to the decoder before out
	tokenEnd int64  // the decoder's offset at the end of its last token
	enc      junitEncoding
	started  bool  // the byte order mark was looked for
	eof      bool  // src has no more
	empty    int   // reads in a row that gave nothing
	err      error // src failed
}

// junitEncoding is the encoding of the report's bytes.
type junitEncoding uint8

const (
	encUTF8 junitEncoding = iota
	encUTF16LE
	encUTF16BE
)

func newJUnitInput(r io.Reader, maxToken int64) *junitInput {
	return &junitInput{src: r, maxToken: maxToken, raw: make([]byte, 0, 64<<10)}
}

// ReadByte hands on the next byte.
func (in *junitInput) ReadByte() (byte, error) {
	if in.pos == len(in.out) {
		if err := in.fill(); err != nil {
			return 0, err
		}
	}
	b := in.out[in.pos]
	in.pos++
	return b, nil
}

// Read hands on the next bytes.
func (in *junitInput) Read(p []byte) (int, error) {
	if in.pos == len(in.out) {
		if err := in.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, in.out[in.pos:])
	in.pos += n
	return n, nil
}

// fill makes out hold more bytes.
func (in *junitInput) fill() error {
	in.handed += int64(len(in.out))
	in.out, in.pos = in.out[:0], 0
	if in.handed-in.tokenEnd > in.maxToken {
		return errJUnitTokenTooLarge
	}
	for len(in.out) == 0 {
		switch {
		case in.err != nil:
			return in.err
		case in.eof && len(in.raw) == 0 && len(in.text) == 0:
			return io.EOF
		case !in.eof:
			in.read()
		}
		in.convert()
	}
	return nil
}

// maxEmptyReads is how many reads that give nothing in a row count as a failing reader.
const maxEmptyReads = 100

func (in *junitInput) read() {
	if len(in.raw) == cap(in.raw) {
		in.raw = append(in.raw, make([]byte, cap(in.raw))...)[:len(in.raw)]
	}
	n, err := in.src.Read(in.raw[len(in.raw):cap(in.raw)])
	in.raw = in.raw[:len(in.raw)+n]
	switch {
	case err == io.EOF:
		in.eof = true
	case err != nil:
		in.err = err
	case n > 0:
		in.empty = 0
	default:
		in.empty++
		if in.empty == maxEmptyReads {
			in.err = io.ErrNoProgress
		}
	}
}

// convert moves what it can from raw to out, keeping an unfinished character for later.
func (in *junitInput) convert() {
	if !in.started {
		if len(in.raw) < 4 && !in.eof {
			return
		}
		in.started = true
		in.raw = in.detectEncoding(in.raw)
	}
	var rest []byte
	if in.enc == encUTF8 {
		in.out, rest = appendXMLText(in.out, in.raw, in.eof)
		in.raw = append(in.raw[:0], rest...)
		return
	}
	in.text, rest = appendUTF16(in.text, in.raw, in.enc == encUTF16BE, in.eof)
	in.raw = append(in.raw[:0], rest...)
	in.out, rest = appendXMLText(in.out, in.text, in.eof)
	in.text = append(in.text[:0], rest...)
}

// detectEncoding reads the byte order mark (or the UTF-16 form of "<") and drops the mark.
func (in *junitInput) detectEncoding(b []byte) []byte {
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return b[3:]
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		in.enc = encUTF16LE
		return b[2:]
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		in.enc = encUTF16BE
		return b[2:]
	case len(b) >= 2 && b[0] == '<' && b[1] == 0:
		in.enc = encUTF16LE
	case len(b) >= 2 && b[0] == 0 && b[1] == '<':
		in.enc = encUTF16BE
	}
	return b
}

// appendUTF16 appends the UTF-8 form of the UTF-16 src to dst; rest is an unfinished
// character at the end of src, kept unless final.
func appendUTF16(dst, src []byte, bigEndian, final bool) (out, rest []byte) {
	unit := func(i int) rune {
		if bigEndian {
			return rune(src[i])<<8 | rune(src[i+1])
		}
		return rune(src[i+1])<<8 | rune(src[i])
	}
	i := 0
	for ; i+1 < len(src); i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) && r < 0xDC00 {
			if i+3 >= len(src) {
				if !final {
					break
				}
			} else if r2 := utf16.DecodeRune(r, unit(i+2)); r2 != utf8.RuneError {
				dst = utf8.AppendRune(dst, r2)
				i += 2
				continue
			}
		}
		dst = utf8.AppendRune(dst, r) // a lone surrogate becomes U+FFFD
	}
	if final {
		return dst, nil
	}
	return dst, src[i:]
}

// appendXMLText appends src to dst as text the XML decoder accepts: a byte that is not UTF-8
// is read as Latin-1, ESC becomes escKeeper, and another control character XML forbids, raw
// or as a character reference, becomes U+FFFD. rest is an unfinished character or reference at the end of src, kept
// unless final.
func appendXMLText(dst, src []byte, final bool) (out, rest []byte) {
	start := 0
	for i := 0; i < len(src); {
		c := src[i]
		if c >= 0x20 && c < 0x80 && c != '&' || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		size, replace, unfinished := xmlChar(src[i:])
		switch {
		case unfinished && !final:
			return append(dst, src[start:i]...), src[i:]
		case replace >= 0:
			dst = append(dst, src[start:i]...)
			dst = utf8.AppendRune(dst, replace)
			start = i + size
		}
		i += size
	}
	return append(dst, src[start:]...), nil
}

// xmlChar reads the character at the start of s (a control byte, '&' or a byte past ASCII):
// size is its length in bytes, replace what it is to be replaced with (-1: kept), and
// unfinished says that s ends too early to tell.
func xmlChar(s []byte) (size int, replace rune, unfinished bool) {
	switch c := s[0]; {
	case c == 0x1b:
		return 1, escKeeperRune, false
	case c < 0x80 && c != '&':
		return 1, utf8.RuneError, false
	case c == '&':
		n, r, unfinished := charRef(s)
		if n > 0 && r == 0x1b {
			return n, escKeeperRune, false
		}
		if n > 0 && !isXMLChar(r) {
			return n, utf8.RuneError, false
		}
		return 1, -1, unfinished
	}
	r, size := utf8.DecodeRune(s)
	switch {
	case r == utf8.RuneError && size <= 1:
		return 1, rune(s[0]), !utf8.FullRune(s) // Latin-1
	case !isXMLChar(r):
		return size, utf8.RuneError, false
	}
	return size, -1, false
}

// maxCharRef is the length of the longest numeric character reference looked at.
const maxCharRef = len("&#x0010FFFF;")

// charRef reads a numeric character reference ("&#27;", "&#x1b;") at the start of s: n is its
// length, 0 when s does not start with one.
func charRef(s []byte) (n int, r rune, unfinished bool) {
	if len(s) >= 2 && s[1] != '#' {
		return 0, 0, false
	}
	end := bytes.IndexByte(s[:min(len(s), maxCharRef)], ';')
	if end < 0 {
		return 0, 0, len(s) < maxCharRef
	}
	digits, base := string(s[1:end]), 10
	if !strings.HasPrefix(digits, "#") {
		return 0, 0, false
	}
	digits = digits[1:]
	if strings.HasPrefix(digits, "x") {
		digits, base = digits[1:], 16
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return 0, 0, false
	}
	if v > unicode.MaxRune {
		v = 0
	}
	return end + 1, rune(v), false
}

// isXMLChar reports whether XML 1.0 allows r in a document.
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= unicode.MaxRune
}
