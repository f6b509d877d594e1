package testreport

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The notes that open the Message of a case that never got its result.
const (
	gtNoteExited = "the test binary exited before the test's result"
	gtNoteCut    = "the output ended before the test's result"
	gtNoteSuite  = "the test binary failed outside any test (in init, in TestMain or at exit)"
	gtNoteBuild  = "the package did not build (the go command's errors are not in the report)"
)

// gtMaxLine is the longest input line the parser holds; a longer one is skipped with a warning.
const gtMaxLine = 1 << 20

// gtMaxWarnings caps the warnings kept; the rest are counted in one last warning.
const gtMaxWarnings = 100

// gtMaxDepth is how many levels up a subtest's parent is looked for.
const gtMaxDepth = 32

// gtMaxSeconds caps a duration read from the report (about 31 years).
const gtMaxSeconds = 1e9

// gtMaxNames caps the test names a warning lists.
const gtMaxNames = 5

// NewGoTest returns a Parser for `go test -json` output (test2json events, one JSON object per line).
// onCase receives each case as soon as its result is known. onText, when not nil, receives the report
// as a person would read it: the Output of each event in order (what `go test -v` prints), and any
// line that is not a JSON event passed through as is; eightfold stores that text as the step's log.
//
// How events become cases:
//   - Every test, subtest, example, fuzz target and benchmark with a result is a case named as Go
//     names it ("TestA/sub"). A parent test is a case of its own: Go fails it when a subtest
//     fails, so it is Failed too, and when it logged nothing itself its Message names the
//     failed subtests.
//   - Message holds the test's log lines ("x_test.go:12: want 3, got 4", indentation removed,
//     "=== RUN" and "--- FAIL" lines left out) and a panic's lines; File and Line come from a
//     panic's first stack frame in a _test.go file, else from the first log line.
//   - A test still running when its package's binary ends (os.Exit in the test, a -timeout
//     panic) is Errored, with any panic in its Message.
//   - A package that failed outside any test (a panic in init or TestMain, os.Exit in TestMain)
//     is one case named SuiteFailed; a package that did not build or set up is one case named
//     BuildFailed with the compiler's errors. A package with no test files is no case.
//   - Go sends no result event for a benchmark that passes: a benchmark that printed its result
//     line (or whose sub-benchmarks did) is Passed, without a Duration, when the next test of
//     its package starts or the package ends. Result lines of -count repeats join its Output.
//   - Replayed "(cached)" results are read like fresh ones; their Duration is the cached run's.
func NewGoTest(onCase func(Case), onText func(string)) Parser {
	return &gtParser{
		onCase: onCase,
		onText: onText,
		pkgs:   map[string]*gtPackage{},
		builds: map[string]*gtBuild{},
	}
}

// gtParser is the state of one `go test -json` stream.
type gtParser struct {
	onCase   func(Case)
	onText   func(string)
	decoder  gtDecoder
	pending  []byte // the unfinished last line
	skipping bool   // inside a line longer than gtMaxLine, dropped up to its end
	line     int    // lines ended so far
	warnings []Warning
	dropped  int                   // warnings past gtMaxWarnings
	pkgs     map[string]*gtPackage // packages still running
	last     *gtPackage            // the package of the last event, a shortcut past the map
	builds   map[string]*gtBuild   // build output by ImportPath
	seq      int                   // orders packages, tests and builds by first sight
}

// gtPackage is a package whose test binary has not ended yet.
type gtPackage struct {
	name        string
	seq         int
	tests       map[string]*gtTest // tests without a result yet
	benches     []*gtTest          // benchmarks done, waiting for the next test to be settled
	benchLine   *gtTest            // the benchmark whose unfinished result line the package printed
	self        *gtTest            // the output outside any test
	failed      bool               // a case of the package failed or errored
	buildFailed bool               // its output said "[build failed]" or "[setup failed]"
}

// gtBuild is the output of one package's build.
type gtBuild struct {
	seq      int
	out      gtText
	failed   bool // a build-fail event came
	reported bool // a package's fail event named it in FailedBuild
}

// Write feeds more of the stream, in any chunking.
func (p *gtParser) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.hold(b)
			break
		}
		p.endLine(b[:i+1])
		b = b[i+1:]
	}
	return n, nil
}

// hold keeps part of an unfinished line, or drops the line once it is longer than gtMaxLine.
func (p *gtParser) hold(b []byte) {
	if p.skipping {
		return
	}
	if len(p.pending)+len(b) > gtMaxLine {
		p.skip()
		return
	}
	p.pending = append(p.pending, b...)
}

// skip drops the current line, too long to hold.
func (p *gtParser) skip() {
	p.warn(p.line+1, fmt.Sprintf("a line longer than %d bytes was skipped", gtMaxLine))
	p.skipping = true
	p.pending = nil
}

// endLine handles a line whose last part, newline included, is b.
func (p *gtParser) endLine(b []byte) {
	line := b
	switch {
	case len(p.pending) > 0 || p.skipping:
		p.hold(b)
		line = p.pending
	case len(b) > gtMaxLine:
		p.skip()
	}
	p.line++
	if p.skipping {
		p.skipping = false
	} else {
		p.handle(line)
	}
	p.pending = p.pending[:0]
}

// handle reads one whole line: an event, or text passed through.
func (p *gtParser) handle(raw []byte) {
	text := bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte("\n")), []byte("\r"))
	if e, ok := p.decoder.decode(text); ok {
		p.event(&e)
		return
	}
	if p.onText != nil {
		p.onText(string(raw))
	}
	if trimmed := bytes.TrimLeft(text, " \t"); len(trimmed) > 0 && trimmed[0] == '{' {
		p.warn(p.line, fmt.Sprintf("a line that starts like JSON is not a go test -json event: %.60q", text))
	}
}

// warn records a warning, or counts it past gtMaxWarnings.
func (p *gtParser) warn(line int, msg string) {
	if len(p.warnings) >= gtMaxWarnings {
		p.dropped++
		return
	}
	p.warnings = append(p.warnings, Warning{Line: line, Message: msg})
}

// event applies one test2json event.
func (p *gtParser) event(e *gtEvent) {
	var out string
	if len(e.Output) > 0 {
		out = string(e.Output)
		if p.onText != nil {
			p.onText(out)
		}
	}
	switch string(e.Action) {
	case "build-output":
		p.build(e.ImportPath).out.add(out)
	case "build-fail":
		p.build(e.ImportPath).failed = true
	case "start":
		p.pkg(e.Package)
	case "run":
		p.run(p.pkg(e.Package), e.Test)
	case "output":
		p.output(p.pkg(e.Package), e.Test, out)
	case "pass", "fail", "skip", "bench":
		if len(e.Test) == 0 {
			p.endPackage(e)
		} else {
			p.result(p.pkg(e.Package), e)
		}
	}
}

// build is the build output of an import path, made on first sight.
func (p *gtParser) build(importPath []byte) *gtBuild {
	b := p.builds[string(importPath)]
	if b == nil {
		p.seq++
		b = &gtBuild{seq: p.seq, out: gtText{limit: MaxOutput}}
		p.builds[string(importPath)] = b
	}
	return b
}

// pkg is the running package of that name, made on first sight.
func (p *gtParser) pkg(name []byte) *gtPackage {
	if p.last != nil && p.last.name == string(name) {
		return p.last
	}
	pkg := p.pkgs[string(name)]
	if pkg == nil {
		p.seq++
		pkg = &gtPackage{name: string(name), seq: p.seq, tests: map[string]*gtTest{}, self: newGTTest(SuiteFailed, 0)}
		pkg.self.plain = true
		p.pkgs[pkg.name] = pkg
	}
	p.last = pkg
	return pkg
}

// run starts a test; it settles the benchmarks that finished before it.
func (p *gtParser) run(pkg *gtPackage, name []byte) {
	p.settleBenches(pkg, name)
	if len(name) > 0 && pkg.tests[string(name)] == nil {
		p.seq++
		t := newGTTest(string(name), p.seq)
		pkg.tests[t.name] = t
	}
}

// output adds an output event to its test, or to its package when it names no running test.
func (p *gtParser) output(pkg *gtPackage, test []byte, out string) {
	if t := pkg.tests[string(test)]; len(test) > 0 && t != nil {
		if t.write(out) {
			p.benchDone(pkg, t)
		}
		return
	}
	pkg.self.write(out)
	if strings.HasSuffix(out, " [build failed]\n") || strings.HasSuffix(out, " [setup failed]\n") {
		pkg.buildFailed = true
	}
	b := pkg.benchLine
	if b == nil {
		b = pkg.benchOf(out)
	}
	if b != nil {
		b.out.add(out)
	}
	pkg.benchLine = nil
	if b != nil && !strings.HasSuffix(out, "\n") {
		pkg.benchLine = b
	}
}

// benchOf is the running benchmark a package-level result line (a -count repeat) is about;
// the line may come in parts, "BenchmarkX-2 \t" first.
func (pkg *gtPackage) benchOf(line string) *gtTest {
	if !strings.HasPrefix(line, "Benchmark") {
		return nil
	}
	name, _, _ := strings.Cut(line, "\t")
	name = strings.TrimRight(name, " ")
	if i := strings.LastIndexByte(name, '-'); i > 0 && gtDigits(name[i+1:]) == len(name)-i-1 {
		name = name[:i]
	}
	if t := pkg.tests[name]; t != nil && t.bench {
		return t
	}
	return nil
}

// result ends a test with its own pass, fail, skip or bench event.
func (p *gtParser) result(pkg *gtPackage, e *gtEvent) {
	t := pkg.tests[string(e.Test)]
	if t == nil {
		p.seq++
		t = newGTTest(string(e.Test), p.seq)
	}
	delete(pkg.tests, t.name)
	status := gtStatus(string(e.Action))
	p.finish(pkg, t, status, gtDuration(e.Elapsed), "")
	switch {
	case status == Failed:
		if parent := pkg.parent(t.name); parent != nil {
			parent.failedSub(t.name)
		}
	case t.bench:
		p.benchFinished(pkg, t.name)
	}
}

// gtStatus is the status a result action gives.
func gtStatus(action string) Status {
	switch action {
	case "fail":
		return Failed
	case "skip":
		return Skipped
	}
	return Passed // pass, bench
}

// parent is the nearest running test that t is a subtest of, at most gtMaxDepth levels up (a
// subtest's own name may hold a "/").
func (pkg *gtPackage) parent(name string) *gtTest {
	for range gtMaxDepth {
		i := strings.LastIndexByte(name, '/')
		if i <= 0 {
			return nil
		}
		name = name[:i]
		if t := pkg.tests[name]; t != nil {
			return t
		}
	}
	return nil
}

// benchFinished marks the parent of a finished sub-benchmark as done.
func (p *gtParser) benchFinished(pkg *gtPackage, name string) {
	if parent := pkg.parent(name); parent != nil && parent.bench {
		p.benchDone(pkg, parent)
	}
}

// benchDone notes that a benchmark has its result and only waits to be settled.
func (p *gtParser) benchDone(pkg *gtPackage, t *gtTest) {
	if !t.benchDone {
		t.benchDone = true
		pkg.benches = append(pkg.benches, t)
	}
}

// settleBenches hands on, as passed, the done benchmarks that the test next is not part of (all
// of them when next is empty).
func (p *gtParser) settleBenches(pkg *gtPackage, next []byte) {
	for len(pkg.benches) > 0 {
		i := slices.IndexFunc(pkg.benches, func(b *gtTest) bool {
			return string(next) != b.name && !strings.HasPrefix(string(next), b.name+"/")
		})
		if i < 0 {
			return
		}
		b := pkg.benches[i]
		pkg.benches = slices.Delete(pkg.benches, i, i+1)
		if pkg.tests[b.name] == b { // else its own event has ended it
			delete(pkg.tests, b.name)
			p.finish(pkg, b, Passed, 0, "")
			p.benchFinished(pkg, b.name)
		}
	}
}

// endPackage ends a package: its running tests, then its build or suite failure.
func (p *gtParser) endPackage(e *gtEvent) {
	pkg := p.pkg(e.Package)
	delete(p.pkgs, pkg.name)
	p.last = nil
	p.settleBenches(pkg, nil)
	for _, t := range pkg.running() {
		if t.bench && (t.benchDone || string(e.Action) == "pass") {
			p.finish(pkg, t, Passed, 0, "")
		} else {
			p.finish(pkg, t, Errored, 0, gtNoteExited)
		}
	}
	switch {
	case string(e.Action) != "fail":
	case len(e.FailedBuild) > 0 || pkg.buildFailed:
		p.buildFailed(pkg, string(e.FailedBuild))
	case !pkg.failed:
		p.finish(pkg, pkg.self, Errored, gtDuration(e.Elapsed), gtNoteSuite)
	}
}

// running lists a package's tests without a result, in the order they started.
func (pkg *gtPackage) running() []*gtTest {
	tests := make([]*gtTest, 0, len(pkg.tests))
	for _, t := range pkg.tests {
		tests = append(tests, t)
	}
	slices.SortFunc(tests, func(a, b *gtTest) int { return cmp.Compare(a.seq, b.seq) })
	return tests
}

// buildFailed hands on the BuildFailed case of a package.
func (p *gtParser) buildFailed(pkg *gtPackage, importPath string) {
	var out string
	if b := p.builds[importPath]; b != nil && importPath != "" {
		b.reported = true
		out = b.out.text()
	}
	p.onCase(gtBuildCase(pkg.name, out, pkg.self.out.text()))
}

// gtBuildCase is the case of a package that did not build, from the go command's output.
func gtBuildCase(suite, buildOut, pkgOut string) Case {
	c := Case{Suite: suite, Name: BuildFailed, Status: Errored, Output: Clip(buildOut+pkgOut, MaxOutput)}
	var msg strings.Builder
	for line := range strings.Lines(buildOut) {
		if strings.HasPrefix(line, "# ") || strings.TrimSpace(line) == "" {
			continue
		}
		msg.WriteString(line)
		if file, n, ok := gtPos(line); ok && c.File == "" {
			c.File, c.Line = path.Clean(file), n
		}
	}
	c.Message = Clip(strings.TrimRight(msg.String(), "\n"), MaxMessage)
	if c.Message == "" {
		c.Message = gtNoteBuild
	}
	return c
}

// finish hands on a test's case; note, when not empty, opens its Message.
func (p *gtParser) finish(pkg *gtPackage, t *gtTest, status Status, d time.Duration, note string) {
	if status == Failed || status == Errored {
		pkg.failed = true
	}
	p.onCase(t.result(pkg.name, status, d, note))
}

// Close ends the stream: a last line without its newline, then the tests, packages and builds
// that never got their result.
func (p *gtParser) Close() []Warning {
	p.endInput()
	pkgs := make([]*gtPackage, 0, len(p.pkgs))
	for _, pkg := range p.pkgs {
		pkgs = append(pkgs, pkg)
	}
	slices.SortFunc(pkgs, func(a, b *gtPackage) int { return cmp.Compare(a.seq, b.seq) })
	clear(p.pkgs)
	p.last = nil
	for _, pkg := range pkgs {
		p.cutPackage(pkg)
	}
	p.cutBuilds()
	warnings := slices.Clip(p.warnings)
	if p.dropped > 0 {
		warnings = append(warnings, Warning{Message: fmt.Sprintf("%d more warnings were left out", p.dropped)})
	}
	return warnings
}

// endInput reads a last line that has no newline.
func (p *gtParser) endInput() {
	if len(p.pending) == 0 {
		return
	}
	p.line++
	if e, ok := p.decoder.decode(p.pending); ok {
		p.event(&e)
	} else {
		if p.onText != nil {
			p.onText(string(p.pending))
		}
		p.warn(p.line, fmt.Sprintf("the input ended in the middle of a line: %.60q", p.pending))
	}
	p.pending = nil
}

// cutPackage hands on the tests of a package the stream ended in, as errored.
func (p *gtParser) cutPackage(pkg *gtPackage) {
	p.settleBenches(pkg, nil)
	running := pkg.running()
	for _, t := range running {
		p.finish(pkg, t, Errored, 0, gtNoteCut)
	}
	if len(running) == 0 {
		p.warn(0, fmt.Sprintf("the output ended before the result of package %s", pkg.name))
		return
	}
	p.warn(0, fmt.Sprintf("the output ended before the result of %s in package %s", gtNames(running), pkg.name))
}

// gtNames lists the names of tests, the first gtMaxNames of them.
func gtNames(tests []*gtTest) string {
	names := make([]string, 0, gtMaxNames+1)
	for _, t := range tests[:min(len(tests), gtMaxNames)] {
		names = append(names, t.name)
	}
	if len(tests) > gtMaxNames {
		names = append(names, fmt.Sprintf("and %d more", len(tests)-gtMaxNames))
	}
	return strings.Join(names, ", ")
}

// cutBuilds hands on the builds that failed but whose package's result never came.
func (p *gtParser) cutBuilds() {
	type named struct {
		path string
		b    *gtBuild
	}
	var left []named
	for path, b := range p.builds {
		if b.failed && !b.reported {
			left = append(left, named{path, b})
		}
	}
	slices.SortFunc(left, func(a, b named) int { return cmp.Compare(a.b.seq, b.b.seq) })
	for _, l := range left {
		l.b.reported = true
		suite, _, _ := strings.Cut(l.path, " [") // "pkg [pkg.test]" is the test build of pkg
		p.onCase(gtBuildCase(suite, l.b.out.text(), ""))
		p.warn(0, fmt.Sprintf("the output ended before the result of package %s, which did not build", suite))
	}
}

// gtDuration turns test2json's Elapsed seconds into a Duration, 0 when it makes no sense.
func gtDuration(seconds float64) time.Duration {
	if !(seconds > 0) { // also NaN
		return 0
	}
	return time.Duration(math.Round(min(seconds, gtMaxSeconds) * 1e9))
}

// gtText keeps the head of a text, up to limit bytes, and counts the rest.
type gtText struct {
	limit int
	head  []byte // at most limit+1 bytes
	total int
}

// add appends s to the text.
func (t *gtText) add(s string) {
	t.total += len(s)
	if room := t.limit + 1 - len(t.head); room > 0 {
		t.head = append(t.head, s[:min(room, len(s))]...)
	}
}

// text is the whole text cut as Clip(text, limit) cuts it, though only its head was kept.
func (t *gtText) text() string { return ClipHead(string(t.head), t.total, t.limit) }

// gtAppendHead appends to b what fits of s in limit bytes, whole UTF-8 characters only.
func gtAppendHead(b []byte, s string, limit int) []byte {
	n := max(0, min(len(s), limit-len(b)))
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return append(b, s[:n]...)
}

// gtPos reads a "file.go:LINE:" position at the start of s.
func gtPos(s string) (file string, line int, ok bool) {
	i := strings.Index(s, ".go:")
	if i <= 0 || strings.ContainsAny(s[:i], " \t") {
		return "", 0, false
	}
	n := gtDigits(s[i+4:])
	if n == 0 || n > 9 || !strings.HasPrefix(s[i+4+n:], ":") {
		return "", 0, false
	}
	return s[:i+3], gtAtoi(s[i+4 : i+4+n]), true
}

// gtDigits counts the ASCII digits s starts with.
func gtDigits[T string | []byte](s T) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// gtAtoi reads a short run of ASCII digits.
func gtAtoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}

// gtMode is where a test's output stands, line by line.
type gtMode uint8

const (
	gtPlain   gtMode = iota // plain output
	gtInLog                 // in a log entry ("    x_test.go:12: …"); deeper-indented lines continue it
	gtInPanic               // in a panic's message, up to the blank line before the goroutines
	gtInStack               // in the goroutine dump after a panic
)

// gtTest is a test without a result yet, or the output of a package outside its tests.
type gtTest struct {
	name       string
	seq        int
	bench      bool // a benchmark: Go sends no result event when it passes
	benchDone  bool // it printed its result line, or a sub-benchmark finished
	plain      bool // plain lines count in the message (a package's own output)
	out        gtText
	msg        gtText
	failedSubs gtText // names of failed subtests, comma-separated
	partial    []byte // an unfinished output line, its first MaxMessage bytes
	mode       gtMode
	indent     int // of the log entry being read
	logFile    string
	logLine    int
	panicFile  string
	panicLine  int
}

// newGTTest is the state of a test that has just started; seq orders it among the others.
func newGTTest(name string, seq int) *gtTest {
	return &gtTest{
		name:       name,
		seq:        seq,
		bench:      strings.HasPrefix(name, "Benchmark"),
		out:        gtText{limit: MaxOutput},
		msg:        gtText{limit: MaxMessage},
		failedSubs: gtText{limit: MaxMessage},
	}
}

// write adds output; it reports whether a benchmark's result line was in it.
func (t *gtTest) write(s string) (benchResult bool) {
	t.out.add(s)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			t.partial = gtAppendHead(t.partial, s, MaxMessage)
			return benchResult
		}
		line := s[:i]
		if len(t.partial) > 0 {
			line = string(gtAppendHead(t.partial, line, MaxMessage))
			t.partial = t.partial[:0]
		}
		benchResult = t.line(line) || benchResult
		s = s[i+1:]
	}
	return benchResult
}

// line reads one output line into the message; it reports a benchmark's result line.
func (t *gtTest) line(s string) bool {
	s = strings.TrimSuffix(s, "\r")
	switch {
	case t.mode == gtInPanic:
		if strings.TrimSpace(s) == "" {
			t.mode = gtInStack
		} else {
			t.note(s)
		}
	case t.mode == gtInStack:
		t.frame(s)
	case strings.HasPrefix(s, "panic: ") || strings.HasPrefix(s, "fatal error: "):
		t.mode = gtInPanic
		t.note(s)
	case t.bench && gtIsBenchResult(s, t.name):
		t.mode = gtPlain
		return true
	case gtFraming(s):
		t.mode = gtPlain
	default:
		t.logEntry(s)
	}
	return false
}

// note adds a line to the message.
func (t *gtTest) note(s string) {
	t.msg.add(s)
	t.msg.add("\n")
}

// logEntry reads a line that may start or continue a log entry.
func (t *gtTest) logEntry(s string) {
	indent := len(s) - len(strings.TrimLeft(s, " \t"))
	if t.mode == gtInLog && indent > t.indent {
		t.note(s[t.indent:])
		return
	}
	if file, n, ok := gtPos(s[indent:]); ok && indent > 0 {
		t.mode, t.indent = gtInLog, indent
		t.note(s[indent:])
		if t.logFile == "" {
			t.logFile, t.logLine = file, n
		}
		return
	}
	t.mode = gtPlain
	if t.plain && strings.TrimSpace(s) != "" {
		t.note(s)
	}
}

// frame reads a goroutine dump line: the first frame in a _test.go file is the panic's position.
func (t *gtTest) frame(s string) {
	f, ok := strings.CutPrefix(s, "\t")
	i := strings.Index(f, "_test.go:")
	if !ok || i <= 0 || t.panicFile != "" {
		return
	}
	rest := f[i+len("_test.go:"):]
	n := gtDigits(rest)
	if n == 0 || n > 9 || (len(rest) > n && rest[n] != ' ') {
		return
	}
	t.panicFile, t.panicLine = f[:i+len("_test.go")], gtAtoi(rest[:n])
}

// failedSub notes a subtest that failed.
func (t *gtTest) failedSub(name string) {
	if t.failedSubs.total > 0 {
		t.failedSubs.add(", ")
	}
	t.failedSubs.add(name)
}

// result is the test's case. note, when not empty, opens its Message.
func (t *gtTest) result(suite string, status Status, d time.Duration, note string) Case {
	if len(t.partial) > 0 {
		t.line(string(t.partial))
		t.partial = nil
	}
	c := Case{Suite: suite, Name: t.name, Status: status, Duration: d, Output: t.out.text()}
	if status == Passed {
		return c
	}
	msg := strings.TrimRight(t.msg.text(), "\n")
	if msg == "" && t.failedSubs.total > 0 {
		msg = "failed subtests: " + t.failedSubs.text()
	}
	if note != "" {
		msg = strings.TrimRight(note+"\n"+msg, "\n")
	}
	c.Message = Clip(msg, MaxMessage)
	c.File, c.Line = t.logFile, t.logLine
	if t.panicFile != "" {
		c.File, c.Line = t.panicFile, t.panicLine
	}
	return c
}

// gtFraming tells the lines Go prints around a test's own output: "=== RUN", "--- FAIL: …",
// and a package's "PASS", "ok  \t…" and "FAIL\t…".
func gtFraming(s string) bool {
	switch {
	case strings.HasPrefix(s, "=== "), s == "PASS", s == "FAIL",
		strings.HasPrefix(s, "ok  \t"), strings.HasPrefix(s, "FAIL\t"), strings.HasPrefix(s, "?   \t"):
		return true
	}
	s = strings.TrimLeft(s, " ")
	for _, report := range []string{"--- PASS: ", "--- FAIL: ", "--- SKIP: ", "--- BENCH: "} {
		if strings.HasPrefix(s, report) {
			return true
		}
	}
	return false
}

// gtIsBenchResult tells a benchmark's result line: "BenchmarkX-2  \t    1000\t   123 ns/op".
func gtIsBenchResult(line, name string) bool {
	rest, ok := strings.CutPrefix(line, name)
	if !ok {
		return false
	}
	if after, ok := strings.CutPrefix(rest, "-"); ok {
		rest = after[gtDigits(after):]
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " "), "\t")
	return ok && gtDigits(strings.TrimLeft(rest, " ")) > 0
}
