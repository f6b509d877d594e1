// Package testreport turns test reports into one model: the test cases of a step, each with
// its suite, name, status, duration, failure message, output and source position.
//
// Three formats are read: `go test -json` (test2json) and TAP as the step writes them, so
// results appear while it runs, and JUnit XML from files after the step ends. Every parser is
// safe on any input: garbage never panics or hangs, and input cut short yields the cases it
// holds plus a Warning.
package testreport

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is a test case's outcome.
type Status string

// The outcomes of a test case. Errored is a failure outside the test's own assertions: a
// JUnit <error>, a build that failed, a package that crashed, a TAP "Bail out!", a test whose
// output ended before its result.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	Errored Status = "errored"
)

// Names of the cases that stand for a whole suite rather than one test.
const (
	// BuildFailed is the case of a Go package (or its test binary) that did not compile.
	BuildFailed = "[build failed]"
	// SuiteFailed is the case of a suite that failed outside any test: a panic in init or
	// TestMain, a timeout, a test binary that exited early, a JUnit suite-level error.
	SuiteFailed = "[suite failed]"
	// BailOut is the case of a TAP stream that stopped with "Bail out!".
	BailOut = "[bail out]"
)

// Caps on the text kept per case.
const (
	MaxMessage = 4 << 10  // bytes of failure message
	MaxOutput  = 64 << 10 // bytes of captured output
)

// Case is the result of one test case.
type Case struct {
	Suite    string        // Go package, JUnit testsuite (or classname), TAP source
	Name     string        // test name; a subtest is its path, "TestA/sub/case" (Go's form)
	Status   Status        // passed, failed, skipped or errored
	Duration time.Duration // 0 when the report has none
	Message  string        // why it failed or was skipped, at most MaxMessage bytes
	Output   string        // what it printed, at most MaxOutput bytes
	File     string        // source file as the report names it; "" when unknown
	Line     int           // 1-based line in File; 0 when unknown
	// Attempts is how many times the report says the test ran, when its runner retries
	// (cargo-nextest, Maven Surefire): a Passed case with Attempts > 1 is flaky. 0 or 1: once.
	Attempts int
}

// Warning is a problem in a report that did not stop parsing: a line that is not the
// format, a test that never finished, input cut short.
type Warning struct {
	Line    int    // 1-based line of the input it is about; 0 for the end of input
	Message string // what was wrong, in a sentence
}

func (w Warning) String() string {
	if w.Line == 0 {
		return w.Message
	}
	return fmt.Sprintf("line %d: %s", w.Line, w.Message)
}

// Parser reads a streamed report (go test -json, TAP) as it is written: bytes may arrive in
// any chunking, and each case is handed on as soon as its result is known.
type Parser interface {
	// Write feeds more of the report. It never fails: what is not the format is a warning.
	Write(p []byte) (int, error)
	// Close ends the input: cases still open are handed on (as errored when their result
	// never came) and the warnings are returned.
	Close() []Warning
}

// Clip caps s at max bytes without splitting a UTF-8 character, marking what was cut.
func Clip(s string, max int) string { return ClipHead(s, len(s), max) }

// ClipHead is Clip for a text of which only the head was kept, as a parser does with
// output it cannot hold whole: head is the text's first bytes (at least max of them when
// total > max, ending on a character boundary) and total is its whole length.
func ClipHead(head string, total, max int) string {
	if total <= max {
		return head
	}
	marker := fmt.Sprintf("\n… [%d bytes cut]", total-max)
	keep := max - len(marker)
	if keep < 0 { // no room for the marker
		keep, marker = max, ""
	}
	for keep > 0 && keep < len(head) && !utf8.RuneStart(head[keep]) {
		keep--
	}
	return strings.ToValidUTF8(head[:min(keep, len(head))], "\uFFFD") + marker
}
