package testreport

import (
	"bytes"
	"errors"
	"go/build"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// readJUnit parses a JUnit report and gathers its cases.
func readJUnit(t testing.TB, r io.Reader) ([]Case, []Warning) {
	t.Helper()
	var cases []Case
	ws, err := ParseJUnit(r, func(c Case) { cases = append(cases, c) })
	if err != nil {
		t.Fatalf("ParseJUnit failed: %v", err)
	}
	return cases, ws
}

func readJUnitFile(t *testing.T, path string) ([]Case, []Warning) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readJUnit(t, bytes.NewReader(data))
}

// caseNamed finds the case of that suite and name.
func caseNamed(t *testing.T, cases []Case, suite, name string) Case {
	t.Helper()
	for _, c := range cases {
		if c.Suite == suite && c.Name == name {
			return c
		}
	}
	t.Fatalf("no case %q in suite %q among:\n%s", name, suite, render(cases, nil))
	return Case{}
}

// needTestTool runs a command that shows a tool is here. When it fails, the test fails under
// CI=true (.ci/run installs the tool) and is skipped elsewhere.
func needTestTool(t *testing.T, what string, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err == nil {
		return
	}
	msg := what + " is needed (build/scripts/deps.sh test installs it): " + err.Error() + "\n" + string(out)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// runTool runs a test tool in dir; exit status 1 (tests failed, as planned) is fine.
func runTool(t *testing.T, dir string, stdout io.Writer, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "NO_COLOR=1", "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
}

// nodeInternals matches Node's own stack frames, whose lines change between Node versions.
var nodeInternals = regexp.MustCompile(`node:[a-z_/]+:\d+:\d+`)

// normalizeReal makes cases read from a tool's real output stable for a golden file:
// durations zeroed, the temporary directory named $TMP, Node's internal frames without lines.
func normalizeReal(cases []Case, dir string) []Case {
	out := make([]Case, len(cases))
	fix := func(s string) string {
		return nodeInternals.ReplaceAllString(strings.ReplaceAll(s, dir, "$TMP"), "node:…")
	}
	for i, c := range cases {
		c.Duration = 0
		c.Message, c.Output, c.File = fix(c.Message), fix(c.Output), fix(c.File)
		out[i] = c
	}
	return out
}

func TestJUnitSamples(t *testing.T) {
	for _, name := range []string{"jest.xml", "gotestsum.xml", "nextest.xml", "edge.xml", "truncated.xml",
		"garbage.txt", "html.xml", "broken.xml", "latin1.xml", "mismatched.xml"} {
		t.Run(name, func(t *testing.T) {
			cases, ws := readJUnitFile(t, filepath.Join("testdata", "junit", name))
			golden(t, filepath.Join("junit", strings.TrimSuffix(name, filepath.Ext(name))+".golden"), render(cases, ws))
		})
	}
}

// TestJUnitChunking reads every sample one byte at a time, and in uneven pieces, and expects
// what one read gives.
func TestJUnitChunking(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "junit", "*.xml"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		whole, ws := readJUnit(t, bytes.NewReader(data))
		want := render(whole, ws)
		for _, r := range []io.Reader{iotest.OneByteReader(bytes.NewReader(data)), iotest.HalfReader(bytes.NewReader(data))} {
			if got := render(readJUnit(t, r)); got != want {
				t.Errorf("%s read in pieces gives\n%s\nbut read whole\n%s", path, got, want)
			}
		}
	}
}

func TestJUnitDecisions(t *testing.T) {
	edge, _ := readJUnitFile(t, filepath.Join("testdata", "junit", "edge.xml"))
	nextest, _ := readJUnitFile(t, filepath.Join("testdata", "junit", "nextest.xml"))
	jest, _ := readJUnitFile(t, filepath.Join("testdata", "junit", "jest.xml"))
	tests := []struct {
		name string
		got  Case
		want Case
	}{
		{"nested suites join their names", caseNamed(t, edge, "outer/inner", "no time"),
			Case{Suite: "outer/inner", Name: "no time", Status: Passed}},
		{"a suite-level error is a suite case with the suite's output", caseNamed(t, edge, "outer", SuiteFailed),
			Case{Suite: "outer", Name: SuiteFailed, Status: Errored, Output: "collecting...",
				Message: "Traceback (most recent call last):\n  File \"app/conftest.py\", line 3, in <module>\nImportError: cannot import name 'db'"}},
		{"a case under the root takes the root's name", caseNamed(t, edge, "edge", "under the root"),
			Case{Suite: "edge", Name: "under the root", Status: Passed}},
		{"flaky: passed, with the failure it recovered from", caseNamed(t, nextest, "shop", "net::tests::fetches_prices"),
			Case{Suite: "shop", Name: "net::tests::fetches_prices", Status: Passed, Duration: 51e6,
				Message: "flaky: passed after 2 failed attempts\ntest failure: code=101\nthread 'net::tests::fetches_prices' panicked at src/net.rs:17:5:\nconnection refused (os error 111)",
				Output:  "running 1 test\ntest net::tests::fetches_prices ... ok\n", Attempts: 3}},
		{"jest-junit's classname repeats the name: the suite is the testsuite", caseNamed(t, jest, "Cart", "Cart totals with tax"),
			Case{Suite: "Cart", Name: "Cart totals with tax", Status: Failed, Duration: 13e6, File: "/home/dev/shop/src/cart.test.js", Line: 21,
				Message: "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 10.8\nReceived: 10\n    at Object.toBe (/home/dev/shop/src/cart.test.js:21:29)\n    at Promise.then.completed (/home/dev/shop/node_modules/jest-circus/build/utils.js:298:28)\n    at new Promise (<anonymous>)\n    at callAsyncCircusFn (/home/dev/shop/node_modules/jest-circus/build/utils.js:231:10)"}},
		{"the failing frame in the declared file replaces the declared line", caseNamed(t, edge, "com.example.CalcTest", "declared place"),
			Case{Suite: "com.example.CalcTest", Name: "declared place", Status: Failed, File: "src/test/java/com/example/CalcTest.java", Line: 42,
				Message: "java.lang.AssertionError: expected:<4> but was:<5>\n\tat org.junit.Assert.fail(Assert.java:89)\n\tat com.example.CalcTest.adds(CalcTest.java:42)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got\n%#v\nwant\n%#v", tt.got, tt.want)
			}
		})
	}
}

func TestJUnitPytest(t *testing.T) {
	needTestTool(t, "Debian's python3-pytest", "/usr/bin/python3", "-m", "pytest", "--version")
	for _, family := range []string{"xunit2", "xunit1"} {
		t.Run(family, func(t *testing.T) {
			dir := realTempDir(t)
			writeSample(t, filepath.Join(dir, "tests", "test_shop.py"), pytestSample)
			out := filepath.Join(dir, "report.xml")
			runTool(t, dir, io.Discard, "/usr/bin/python3", "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", dir,
				"-o", "junit_family="+family, "-o", "junit_logging=system-out", "--junitxml", out, "tests")
			cases, ws := readJUnitFile(t, out)
			golden(t, filepath.Join("junit", "pytest-"+family+".golden"), render(normalizeReal(cases, dir), ws))

			want := map[string]Status{"test_adds": Passed, "test_totals": Failed, "test_coupons": Skipped,
				"test_pays": Errored, "test_prints": Passed, "test_rounding": Skipped}
			for name, status := range want {
				suite := "tests.test_shop"
				if name == "test_prints" {
					suite += ".TestReceipt"
				}
				if c := caseNamed(t, cases, suite, name); c.Status != status {
					t.Errorf("%s is %s, want %s", name, c.Status, status)
				}
			}
			failed := caseNamed(t, cases, "tests.test_shop", "test_totals")
			if failed.File != "tests/test_shop.py" || failed.Line != 9 {
				t.Errorf("the failing assert is at %s:%d, want tests/test_shop.py:9", failed.File, failed.Line)
			}
			errored := caseNamed(t, cases, "tests.test_shop", "test_pays")
			if errored.File != "tests/test_shop.py" || errored.Line != 19 || !strings.Contains(errored.Message, "RuntimeError: no payment provider") {
				t.Errorf("the fixture's error: %s:%d %q", errored.File, errored.Line, errored.Message)
			}
			if prints := caseNamed(t, cases, "tests.test_shop.TestReceipt", "test_prints"); !strings.Contains(prints.Output, "receipt: 10.80") {
				t.Errorf("test_prints kept no output: %q", prints.Output)
			}
		})
	}
}

// pytestSample has its failing assert on line 9 and its fixture's raise on line 19.
const pytestSample = `import pytest


def test_adds():
    assert 1 + 1 == 2


def test_totals():
    assert round(10 * 1.08, 2) == 10


@pytest.mark.skip(reason="coupons are not done")
def test_coupons():
    pass


@pytest.fixture
def provider():
    raise RuntimeError("no payment provider")


def test_pays(provider):
    pass


class TestReceipt:
    def test_prints(self):
        print("receipt: 10.80")


@pytest.mark.xfail(reason="rounding bug #12")
def test_rounding():
    assert round(2.675, 2) == 2.68
`

// realTempDir is a temporary directory by its real path, the one tools print.
func realTempDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeSample(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nodeSample has its failing asserts on lines 9 and 24, and a test that fails while todo.
const nodeSample = `import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';

test('adds', () => {
  assert.equal(1 + 1, 2);
});

test('totals', () => {
  assert.equal(10 * 1.08, 10);
});

test('coupons', { skip: 'coupons are not done' }, () => {});

test('rounding', { todo: 'rounding bug' }, () => {
  assert.equal(2.675.toFixed(2), '2.68');
});

describe('cart', () => {
  it('holds items', () => {
    assert.ok(true);
  });
  describe('tax', () => {
    it('applies the rate', () => {
      assert.equal(Math.round(1000 * 1.08), 1000);
    });
  });
});
`

func TestJUnitNode(t *testing.T) {
	needTestTool(t, "Node.js 20 or newer", "node", "--version")
	dir := realTempDir(t)
	writeSample(t, filepath.Join(dir, "shop.test.mjs"), nodeSample)
	out := filepath.Join(dir, "report.xml")
	runTool(t, dir, io.Discard, "node", "--test", "--test-reporter=junit", "--test-reporter-destination="+out, "shop.test.mjs")
	cases, ws := readJUnitFile(t, out)
	golden(t, filepath.Join("junit", "node.golden"), render(normalizeReal(cases, dir), ws))

	totals := caseNamed(t, cases, "", "totals")
	if totals.Status != Failed || totals.File != filepath.Join(dir, "shop.test.mjs") || totals.Line != 9 {
		t.Errorf("totals: %s at %s:%d, want failed at shop.test.mjs:9", totals.Status, totals.File, totals.Line)
	}
	if c := caseNamed(t, cases, "", "rounding"); c.Status != Skipped || !strings.HasPrefix(c.Message, "todo: rounding bug") {
		t.Errorf("a failing todo test: %s %q", c.Status, c.Message)
	}
	if c := caseNamed(t, cases, "cart/tax", "applies the rate"); c.Status != Failed || c.Line != 24 {
		t.Errorf("the nested failure: %s at line %d", c.Status, c.Line)
	}
	if c := caseNamed(t, cases, "", "coupons"); c.Status != Skipped || c.Message != "coupons are not done" {
		t.Errorf("the skipped test: %s %q", c.Status, c.Message)
	}
}

// gotestsumPath finds gotestsum on PATH or where go install puts it.
func gotestsumPath() string {
	if path, err := exec.LookPath("gotestsum"); err == nil {
		return path
	}
	path := filepath.Join(build.Default.GOPATH, "bin", "gotestsum")
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// TestJUnitGotestsum runs gotestsum when it is here (CI does not install it; gotestsum.xml is
// the checked-in sample of its shape).
func TestJUnitGotestsum(t *testing.T) {
	tool := gotestsumPath()
	if tool == "" {
		t.Skip("gotestsum is not installed (go install gotest.tools/gotestsum@v1.13.0)")
	}
	if testing.Short() {
		t.Skip("builds a Go test binary")
	}
	dir := realTempDir(t)
	writeSample(t, filepath.Join(dir, "go.mod"), "module example.com/sample\n\ngo 1.22\n")
	writeSample(t, filepath.Join(dir, "sample_test.go"), `package sample

import "testing"

func TestPasses(t *testing.T) {}

func TestFails(t *testing.T) {
	t.Log("about to fail")
	t.Errorf("want %d, got %d", 1, 2)
}

func TestSkips(t *testing.T) { t.Skip("not here") }
`)
	out := filepath.Join(dir, "report.xml")
	runTool(t, dir, io.Discard, tool, "--format", "dots", "--junitfile", out, "--", "./...")
	cases, _ := readJUnitFile(t, out)
	want := map[string]Status{"TestPasses": Passed, "TestFails": Failed, "TestSkips": Skipped}
	for name, status := range want {
		if c := caseNamed(t, cases, "example.com/sample", name); c.Status != status {
			t.Errorf("%s is %s, want %s", name, c.Status, status)
		}
	}
	if c := caseNamed(t, cases, "example.com/sample", "TestFails"); c.File != "sample_test.go" || c.Line != 9 {
		t.Errorf("TestFails failed at %s:%d, want sample_test.go:9", c.File, c.Line)
	}
}

func TestJUnitUTF16(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-16"?><testsuite name="wide"><testcase classname="w" name="naïve ☺ 𝄞"><failure message="ß"/></testcase></testsuite>`
	units := utf16.Encode([]rune(doc))
	for _, bigEndian := range []bool{false, true} {
		data := []byte{0xFF, 0xFE}
		if bigEndian {
			data = []byte{0xFE, 0xFF}
		}
		for _, u := range units {
			if bigEndian {
				data = append(data, byte(u>>8), byte(u))
			} else {
				data = append(data, byte(u), byte(u>>8))
			}
		}
		cases, ws := readJUnit(t, iotest.OneByteReader(bytes.NewReader(data)))
		want := Case{Suite: "w", Name: "naïve ☺ 𝄞", Status: Failed, Message: "ß"}
		if len(cases) != 1 || cases[0] != want || len(ws) != 0 {
			t.Errorf("big endian %v: %s", bigEndian, render(cases, ws))
		}
	}
}

func TestJUnitTokenCap(t *testing.T) {
	huge := strings.Repeat("x", 300<<10)
	doc := `<testsuite name="s"><testcase classname="s" name="before"/><testcase classname="s" name="huge"><system-out>` +
		huge + `</system-out></testcase><testcase classname="s" name="after"/></testsuite>`
	var cases []Case
	ws, err := parseJUnit(strings.NewReader(doc), func(c Case) { cases = append(cases, c) }, 100<<10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[0].Name != "before" || cases[1].Name != "huge" || cases[1].Status != Errored ||
		len(cases[1].Output) > MaxOutput {
		t.Errorf("got %d cases: %.200s", len(cases), render(cases, nil))
	}
	want := []Warning{{Line: 1, Message: "a text or tag longer than 102400 bytes; the rest of the report is skipped"}}
	if !slices.Equal(ws, want) {
		t.Errorf("warnings %v, want %v", ws, want)
	}
}

func TestJUnitCaps(t *testing.T) {
	long := strings.Repeat("é", MaxOutput)
	var doc strings.Builder
	doc.WriteString(`<testsuite name="s"><testcase classname="s" name="loud"><failure message="m">`)
	doc.WriteString(long)
	doc.WriteString(`</failure>`)
	for range 20 {
		doc.WriteString(`<system-out><![CDATA[` + long + `]]></system-out><error message="again"/>`)
	}
	doc.WriteString(`</testcase></testsuite>`)
	cases, _ := readJUnit(t, strings.NewReader(doc.String()))
	if len(cases) != 1 {
		t.Fatalf("got %d cases", len(cases))
	}
	c := cases[0]
	if len(c.Message) > MaxMessage || len(c.Output) > MaxOutput || c.Status != Errored {
		t.Errorf("message %d bytes, output %d bytes, status %s", len(c.Message), len(c.Output), c.Status)
	}
	if want := Clip(strings.Repeat(long+"\n", 20)[:20*len(long)+19], MaxOutput); c.Output != want {
		t.Errorf("the output is not what Clip gives for the whole output: %d bytes, ends %q", len(c.Output), c.Output[max(0, len(c.Output)-40):])
	}
}

func TestCappedTextIsClip(t *testing.T) {
	for _, text := range []string{"", "short", strings.Repeat("ab", 50), strings.Repeat("é☺", 40), strings.Repeat("x", 19)} {
		for _, max := range []int{0, 1, 5, 10, 20, 30, 64} {
			c := cappedText{max: max}
			for i := 0; i < len(text); i += 7 {
				c.add([]byte(text[i:min(i+7, len(text))]))
			}
			if got, want := c.text(), Clip(text, max); got != want && !(len(text) <= max && strings.TrimSpace(want) == "") {
				t.Errorf("cappedText(%q, %d) = %q, Clip gives %q", text, max, got, want)
			}
		}
	}
}

func TestJUnitReaderFails(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(`<testsuite name="s"><testcase classname="s" name="read"/><testcase classname="s" name="cut"`), iotest.ErrReader(boom))
	var cases []Case
	_, err := ParseJUnit(r, func(c Case) { cases = append(cases, c) })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the reader's error", err)
	}
	if len(cases) != 1 || cases[0].Name != "read" {
		t.Errorf("the cases before the failure: %s", render(cases, nil))
	}
}

func TestJUnitEmptyReads(t *testing.T) {
	_, err := ParseJUnit(emptyReader{}, func(Case) {})
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("err = %v, want io.ErrNoProgress", err)
	}
}

// emptyReader reads nothing, forever.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]string{
		"0.25": "250ms", "1,234.5": "20m34.5s", "0,5": "500ms", "": "0s", "soon": "0s", "-1": "0s",
		"NaN": "0s", "+Inf": "0s", "1e300": "0s", " 2 ": "2s", "4294967297": "0s",
	} {
		if got := parseSeconds(in).String(); got != want {
			t.Errorf("parseSeconds(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFailureLocation(t *testing.T) {
	tests := []struct {
		text, want string // want: "file:line", "" for none
		file, hint string
	}{
		{text: "E   assert 2 == 3\n\ntests/test_x.py:12: AssertionError", want: "tests/test_x.py:12"},
		{text: "tests/test_x.py:5: in test_a\n    helper()\nlib/helpers.py:3: in helper\nlib/helpers.py:4: AssertionError", want: "lib/helpers.py:4"},
		{text: "tests/test_x.py:5: in test_a\nlib/helpers.py:4: AssertionError", file: "tests/test_x.py", want: "tests/test_x.py:5"},
		{text: "    at TestContext.<anonymous> (file:///home/me/my%20app/x.test.mjs:5:10)", want: "/home/me/my app/x.test.mjs:5"},
		{text: "at new Promise (<anonymous>)\nat node:internal/x:1:2\nat /p/node_modules/lib/a.js:3:4\nat /p/src/a.test.js:7:1", want: "/p/src/a.test.js:7"},
		{text: "thread 'main' panicked at src/main.rs:2:5:\nboom", want: "src/main.rs:2"},
		{text: "thread 'main' panicked at 'boom', src/main.rs:3:5", want: "src/main.rs:3"},
		{text: "    x_test.go:10: some log\n    x_test.go:11: want 1", want: "x_test.go:11"},
		{text: "at 12:30:45: the clock\nError:12: nothing\nhttp://host/x.js:3:4:", want: ""},
		{text: "at f (x.js:0:1)", want: ""},
		{text: "at org.junit.Assert.fail(Assert.java:89)\nat com.example.CalcTest.adds(CalcTest.java:42)", hint: "com.example.CalcTest", want: "CalcTest.java:42"},
		{text: "at org.junit.Assert.fail(Assert.java:89)", hint: "com.example.CalcTest", want: "Assert.java:89"},
	}
	for _, tt := range tests {
		file, line, ok := failureLocation(tt.text, tt.file, tt.hint)
		got := ""
		if ok {
			got = file + ":" + strconv.Itoa(line)
		}
		if got != tt.want {
			t.Errorf("failureLocation(%q, %q, %q) = %q, want %q", tt.text, tt.file, tt.hint, got, tt.want)
		}
	}
}

func TestAppendXMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain <a>&amp;</a>", "plain <a>&amp;</a>"},
		{"esc \x1b[0m \x07", "esc \uE01B[0m \uFFFD"},
		{"ref &#x1b; &#27; &#0; &#65; &#x263A;", "ref \uE01B \uE01B \uFFFD &#65; &#x263A;"},
		{"latin \xe9t\xe9", "latin été"},
		{"valid é ☺ 𝄞", "valid é ☺ 𝄞"},
		{"nonchar \uFFFE", "nonchar \uFFFD"},
		{"unfinished &#x1", "unfinished &#x1"},
		{"lone &", "lone &"},
	}
	for _, tt := range tests {
		var out []byte
		rest := []byte{}
		for i := 0; i < len(tt.in); i++ { // a byte at a time, keeping what is unfinished
			out, rest = appendXMLText(out, append(rest, tt.in[i]), false)
			rest = append([]byte(nil), rest...)
		}
		out, _ = appendXMLText(out, rest, true)
		if string(out) != tt.want {
			t.Errorf("appendXMLText(%q) = %q, want %q", tt.in, out, tt.want)
		}
	}
}

func TestWarningListCap(t *testing.T) {
	var l warningList
	for i := range maxWarnings + 5 {
		l.add(i+1, "w")
	}
	ws := l.list()
	if len(ws) != maxWarnings+1 || ws[maxWarnings].Message != "5 more warnings left out" {
		t.Errorf("got %d warnings, last %v", len(ws), ws[len(ws)-1])
	}
}

// ANSI colour codes in a report (raw ESC, which XML forbids, or &#x1b;) reach the output and
// the message as ESC, for the faces to render.
func TestJUnitKeepsANSIColours(t *testing.T) {
	report := "<testsuite name=\"s\"><testcase name=\"c\"><failure message=\"\x1b[31mred\x1b[0m\">body</failure>" +
		"<system-out>\x1b[33mwarn&#x1b;[0m done</system-out></testcase></testsuite>"
	var got []Case
	if _, err := ParseJUnit(strings.NewReader(report), func(c Case) { got = append(got, c) }); err != nil || len(got) != 1 {
		t.Fatalf("%v: %+v", err, got)
	}
	if got[0].Output != "\x1b[33mwarn\x1b[0m done" || !strings.HasPrefix(got[0].Message, "\x1b[31mred\x1b[0m") {
		t.Errorf("output %q, message %q", got[0].Output, got[0].Message)
	}
}
