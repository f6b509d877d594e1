package testreport

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// checkFuzzCase fails the test when a parser handed on a case the model does not allow.
func checkFuzzCase(t *testing.T, c Case) {
	t.Helper()
	switch c.Status {
	case Passed, Failed, Skipped, Errored:
	default:
		t.Fatalf("case %q has the status %q", c.Name, c.Status)
	}
	if len(c.Message) > MaxMessage || len(c.Output) > MaxOutput {
		t.Fatalf("case %q: message %d bytes, output %d bytes", c.Name, len(c.Message), len(c.Output))
	}
	for _, s := range []string{c.Suite, c.Name, c.Message, c.Output, c.File} {
		if !utf8.ValidString(s) {
			t.Fatalf("case %q holds invalid UTF-8: %q", c.Name, s)
		}
	}
	if c.Line < 0 || c.Duration < 0 {
		t.Fatalf("case %q: line %d, duration %s", c.Name, c.Line, c.Duration)
	}
}

// checkWarnings fails the test when there are more warnings than the cap allows.
func checkWarnings(t *testing.T, ws []Warning) {
	t.Helper()
	if len(ws) > maxWarnings+1 {
		t.Fatalf("%d warnings", len(ws))
	}
}

// addSeeds adds the files of testdata/<dir> to the fuzzer's corpus.
func addSeeds(f *testing.F, dir, pattern string) {
	paths, err := filepath.Glob(filepath.Join("testdata", dir, pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds in testdata/%s: %v", dir, err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzJUnit reads any input without panicking or hanging, hands on only valid cases, and
// gives the same result however the reader splits its input.
func FuzzJUnit(f *testing.F) {
	addSeeds(f, "junit", "*.xml")
	addSeeds(f, "junit", "*.txt")
	for _, s := range []string{"", "<", "<testsuite>", "<testcase name='a'><failure>", "\xff\xfe<\x00t\x00", "\xef\xbb\xbf<a/>",
		"<testsuite><error message='e'/></testsuite>", "<testcase time='1e400' line='-1'/>", "&#x1b;&#", "<testcase><skipped type='todo'/><flakyFailure/>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cases []Case
		ws, err := ParseJUnit(bytes.NewReader(data), func(c Case) {
			checkFuzzCase(t, c)
			cases = append(cases, c)
		})
		if err != nil {
			t.Fatalf("ParseJUnit failed on a reader that does not: %v", err)
		}
		checkWarnings(t, ws)
		want := render(cases, ws)
		if got := render(readJUnit(t, iotest.OneByteReader(bytes.NewReader(data)))); got != want {
			t.Fatalf("read a byte at a time:\n%s\nread whole:\n%s", got, want)
		}
	})
}
