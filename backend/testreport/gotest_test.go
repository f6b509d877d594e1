package testreport

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fixture module: every kind of package `go test -json` reports on. Lines marked with a
// "// line:" comment are looked up by the tests.
var gtFixture = map[string]string{
	"pass/pass_test.go": `package pass

import "testing"

func TestOK(t *testing.T) { t.Log("hello") }

func TestSkip(t *testing.T) { t.Skip("needs a GPU") } // line:skip

var aLogged, bLogged = make(chan struct{}), make(chan struct{})

// TestParA and TestParB run in parallel; their logs interleave: a1, b1, a2.
func TestParA(t *testing.T) {
	t.Parallel()
	t.Log("a1")
	close(aLogged)
	<-bLogged
	t.Log("a2")
}

func TestParB(t *testing.T) {
	t.Parallel()
	<-aLogged
	t.Log("b1")
	close(bLogged)
}
`,
	"fail/fail_test.go": `package fail

import (
	"fmt"
	"testing"
)

func TestBad(t *testing.T) {
	fmt.Println("printed, not a message")
	t.Errorf("want %d, got %d", 3, 4) // line:errorf
}

func TestMultiline(t *testing.T) {
	t.Error("first line\nsecond line") // line:multiline
}

func TestTable(t *testing.T) {
	for _, name := range []string{"one", "two"} {
		t.Run(name, func(t *testing.T) {
			if name == "two" {
				t.Fatal("two is wrong") // line:fatal
			}
		})
	}
}

// TestPanic runs last: it ends the test binary.
func TestPanic(t *testing.T) {
	var m map[string]int
	m["x"] = 1 // line:panic
}
`,
	"build/build.go": `package build

func F() int { return undefinedName } // line:undefined
`,
	"build/build_test.go": `package build

import "testing"

func TestF(t *testing.T) { F() }
`,
	"usesbuild/uses_test.go": `package usesbuild

import (
	"testing"

	"example.com/fixture/build"
)

func TestUses(t *testing.T) { build.F() }
`,
	"tmain/tmain_test.go": `package tmain

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	panic("setup broke") // line:tmain
	os.Exit(m.Run())
}

func TestNever(t *testing.T) {}
`,
	"tmexit/tmexit_test.go": `package tmexit

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	m.Run()
	fmt.Println("leaving with 3")
	os.Exit(3)
}

func TestFine(t *testing.T) {}
`,
	"exit/exit_test.go": `package exit

import (
	"os"
	"testing"
)

func TestExit(t *testing.T) {
	t.Log("bye") // line:bye
	os.Exit(3)
}
`,
	"notests/notests.go": `package notests

func G() {}
`,
	"timeout/timeout_test.go": `package timeout

import (
	"testing"
	"time"
)

func TestSlow(t *testing.T) {
	t.Log("sleeping")
	time.Sleep(time.Hour) // line:sleep
}
`,
	"bench/bench_test.go": `package bench

import "testing"

func BenchmarkPlain(b *testing.B) {
	for b.Loop() {
	}
}

func BenchmarkLog(b *testing.B) {
	b.Log("logging")
	for b.Loop() {
	}
}

func BenchmarkSub(b *testing.B) {
	b.Run("a", func(b *testing.B) {
		for b.Loop() {
		}
	})
}

func BenchmarkFail(b *testing.B) { b.Fatal("nope") }

func BenchmarkSkip(b *testing.B) { b.Skip("not here") }
`,
}

// gtMainPackages are the fixture's packages run together (timeout and bench run apart).
var gtMainPackages = []string{"./pass", "./fail", "./build", "./usesbuild", "./tmain", "./tmexit", "./exit", "./notests"}

// gtLine is the line of the fixture file that carries the comment "// line:<mark>".
func gtLine(t *testing.T, file, mark string) int {
	t.Helper()
	for i, line := range strings.Split(gtFixture[file], "\n") {
		if strings.HasSuffix(line, "// line:"+mark) {
			return i + 1
		}
	}
	t.Fatalf("no line:%s in %s", mark, file)
	return 0
}

// gtModule writes the fixture module into a temporary directory.
func gtModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	gtGo(t, dir, "mod", "init", "example.com/fixture")
	for name, src := range gtFixture {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// gtGo runs the go command in dir and returns its standard output; a failing exit status (tests
// that fail) is expected.
func gtGo(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, failed := errors.AsType[*exec.ExitError](err); err != nil && !failed {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// gtParse feeds stream to a new parser in chunks of 1 to maxChunk bytes (seeded, so runs
// repeat) and returns what it reported.
func gtParse(stream []byte, maxChunk int, seed uint64) (cases []Case, warnings []Warning, text string) {
	var b strings.Builder
	p := NewGoTest(func(c Case) { cases = append(cases, c) }, func(s string) { b.WriteString(s) })
	r := rand.New(rand.NewPCG(seed, 1))
	for rest := stream; len(rest) > 0; {
		n := min(len(rest), 1+r.IntN(maxChunk))
		if w, err := p.Write(rest[:n]); w != n || err != nil {
			panic(fmt.Sprintf("Write(%d bytes) = %d, %v", n, w, err))
		}
		rest = rest[n:]
	}
	warnings = p.Close()
	return cases, warnings, b.String()
}

// gtStable makes cases from a real run comparable from run to run: durations zeroed, the
// temporary directory named $TMP, timings, benchmark figures and goroutine dumps cut out,
// and cases sorted by suite and name (parallel tests and packages finish in any order).
func gtStable(cases []Case, tmp string) []Case {
	out := slices.Clone(cases)
	for i := range out {
		c := &out[i]
		c.Duration = 0
		c.File = strings.ReplaceAll(c.File, tmp, "$TMP")
		c.Message = gtStableText(c.Message, tmp)
		c.Output = gtStableText(c.Output, tmp)
	}
	slices.SortStableFunc(out, func(a, b Case) int {
		return cmp.Or(cmp.Compare(a.Suite, b.Suite), cmp.Compare(a.Name, b.Name))
	})
	return out
}

var (
	gtGoroutines = regexp.MustCompile(`(?s)\ngoroutine \d+ \[.*`)
	gtTimes      = regexp.MustCompile(`\(\d+(\.\d+)?s\)|\t\d+\.\d+s\n`)
	gtBenchLine  = regexp.MustCompile(`(?m)^(Benchmark\S*?)(-\d+)? *\t.*$`)
)

func gtStableText(s, tmp string) string {
	s = strings.ReplaceAll(s, tmp, "$TMP")
	s = gtGoroutines.ReplaceAllString(s, "\n[goroutine dump cut]\n")
	s = gtTimes.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "(") {
			return "(T)"
		}
		return "\tT\n"
	})
	return gtBenchLine.ReplaceAllString(s, "$1-N\t[result]")
}

// gtByName indexes cases by suite (its last element) and name: "fail TestBad".
func gtByName(t *testing.T, cases []Case) map[string]Case {
	t.Helper()
	m := map[string]Case{}
	for _, c := range cases {
		key := filepath.Base(c.Suite) + " " + c.Name
		if _, dup := m[key]; dup {
			t.Errorf("two cases %q", key)
		}
		m[key] = c
	}
	return m
}

// TestGoTestRealOutput runs the real `go test -json` on the fixture module and reads its output.
func TestGoTestRealOutput(t *testing.T) {
	dir := gtModule(t)
	stream := gtGo(t, dir, append([]string{"test", "-json", "-count=1"}, gtMainPackages...)...)

	t.Run("golden", func(t *testing.T) {
		cases, warnings, _ := gtParse(stream, 64, 1)
		golden(t, "gotest/module.golden", render(gtStable(cases, dir), warnings))
	})
	t.Run("fields", func(t *testing.T) {
		cases, warnings, _ := gtParse(stream, 64, 2)
		if len(warnings) > 0 {
			t.Errorf("warnings: %v", warnings)
		}
		gtCheckFields(t, dir, gtByName(t, cases))
		gtCheckOrder(t, cases)
	})
	t.Run("text", func(t *testing.T) {
		_, _, text := gtParse(stream, 64, 3)
		if want := gtTextOf(t, stream); text != want {
			t.Errorf("onText differs from the events' Output:\n%s", text)
		}
		for _, want := range []string{
			"=== RUN   TestOK\n", "    pass_test.go:5: hello\n", "--- FAIL: TestBad (", "ok  \texample.com/fixture/pass\t",
			"# example.com/fixture/build\n", "build/build.go:3:23: undefined: undefinedName\n",
			"FAIL\texample.com/fixture/build [build failed]\n", "?   \texample.com/fixture/notests\t[no test files]\n",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("onText lacks %q", want)
			}
		}
	})
	t.Run("chunking", func(t *testing.T) {
		whole, wholeWarnings, wholeText := gtParse(stream, len(stream), 4)
		bytewise, byteWarnings, byteText := gtParse(stream, 1, 5)
		if render(whole, wholeWarnings) != render(bytewise, byteWarnings) || wholeText != byteText {
			t.Error("one write and 1-byte writes give different results")
		}
	})
	t.Run("truncated", func(t *testing.T) {
		cut := gtCutInside(t, gtOnlyPackage(stream, "example.com/fixture/fail"), "--- FAIL: TestBad")
		cases, warnings, _ := gtParse(cut, 64, 6)
		golden(t, "gotest/truncated.golden", render(gtStable(cases, dir), warnings))
		bad := gtByName(t, cases)["fail TestBad"]
		if bad.Status != Errored || !strings.HasPrefix(bad.Message, gtNoteCut) || !strings.Contains(bad.Message, "want 3, got 4") {
			t.Errorf("TestBad cut short = %+v", bad)
		}
		if len(warnings) != 2 {
			t.Errorf("want a warning for the cut line and one for the package, got %v", warnings)
		}
	})
}

// gtCheckFields checks the cases of the fixture's main run one field at a time.
func gtCheckFields(t *testing.T, dir string, got map[string]Case) {
	t.Helper()
	errorf := gtLine(t, "fail/fail_test.go", "errorf")
	want := map[string]Case{
		"pass TestOK":   {Status: Passed},
		"pass TestSkip": {Status: Skipped, Message: fmt.Sprintf("pass_test.go:%d: needs a GPU", gtLine(t, "pass/pass_test.go", "skip")), File: "pass_test.go", Line: gtLine(t, "pass/pass_test.go", "skip")},
		"pass TestParA": {Status: Passed},
		"pass TestParB": {Status: Passed},
		"fail TestBad":  {Status: Failed, Message: fmt.Sprintf("fail_test.go:%d: want 3, got 4", errorf), File: "fail_test.go", Line: errorf},
		"fail TestMultiline": {Status: Failed, Message: fmt.Sprintf("fail_test.go:%d: first line\n    second line", gtLine(t, "fail/fail_test.go", "multiline")),
			File: "fail_test.go", Line: gtLine(t, "fail/fail_test.go", "multiline")},
		"fail TestTable/one": {Status: Passed},
		"fail TestTable/two": {Status: Failed, Message: fmt.Sprintf("fail_test.go:%d: two is wrong", gtLine(t, "fail/fail_test.go", "fatal")), File: "fail_test.go", Line: gtLine(t, "fail/fail_test.go", "fatal")},
		"fail TestTable":     {Status: Failed, Message: "failed subtests: TestTable/two"},
		"fail TestPanic": {Status: Failed, Message: "panic: assignment to entry in nil map [recovered, repanicked]",
			File: filepath.Join(dir, "fail/fail_test.go"), Line: gtLine(t, "fail/fail_test.go", "panic")},
		"build " + BuildFailed:     {Status: Errored, Message: "build/build.go:3:23: undefined: undefinedName", File: "build/build.go", Line: gtLine(t, "build/build.go", "undefined")},
		"usesbuild " + BuildFailed: {Status: Errored, Message: "build/build.go:3:23: undefined: undefinedName", File: "build/build.go", Line: gtLine(t, "build/build.go", "undefined")},
		"tmain " + SuiteFailed:     {Status: Errored, Message: gtNoteSuite + "\npanic: setup broke", File: filepath.Join(dir, "tmain/tmain_test.go"), Line: gtLine(t, "tmain/tmain_test.go", "tmain")},
		"tmexit TestFine":          {Status: Passed},
		"tmexit " + SuiteFailed:    {Status: Errored, Message: gtNoteSuite + "\nleaving with 3"},
		"exit TestExit": {Status: Errored, Message: fmt.Sprintf("%s\nexit_test.go:%d: bye", gtNoteExited, gtLine(t, "exit/exit_test.go", "bye")),
			File: "exit_test.go", Line: gtLine(t, "exit/exit_test.go", "bye")},
	}
	for key, w := range want {
		c, ok := got[key]
		if !ok {
			t.Errorf("no case %s", key)
			continue
		}
		if c.Status != w.Status || c.Message != w.Message || c.File != w.File || c.Line != w.Line {
			t.Errorf("%s = %s %q at %s:%d; want %s %q at %s:%d", key, c.Status, c.Message, c.File, c.Line, w.Status, w.Message, w.File, w.Line)
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected case %s", key) // notests is no case, nor tmain's TestNever
		}
	}
	if a, b := got["pass TestParA"].Output, got["pass TestParB"].Output; !strings.Contains(a, "a1") || !strings.Contains(a, "a2") || strings.Contains(a, "b1") || !strings.Contains(b, "b1") || strings.Contains(b, "a1") {
		t.Errorf("parallel output mixed up:\nA:\n%s\nB:\n%s", a, b)
	}
	if out := got["fail TestBad"].Output; !strings.Contains(out, "printed, not a message\n") || !strings.HasPrefix(out, "=== RUN   TestBad\n") {
		t.Errorf("TestBad output = %q", out)
	}
	if out := got["tmain "+SuiteFailed].Output; !strings.HasPrefix(out, "panic: setup broke\n") || !strings.Contains(out, "FAIL\texample.com/fixture/tmain") {
		t.Errorf("TestMain's panic output = %q", out)
	}
}

// gtCheckOrder checks that a subtest's case comes before its parent's, as their results do.
func gtCheckOrder(t *testing.T, cases []Case) {
	t.Helper()
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.Name
	}
	if i, j := slices.Index(names, "TestTable/two"), slices.Index(names, "TestTable"); i < 0 || j < i {
		t.Errorf("cases in order %v", names)
	}
}

// gtTextOf is the text a person reads in a stream, decoded with encoding/json.
func gtTextOf(t *testing.T, stream []byte) string {
	t.Helper()
	var b strings.Builder
	for line := range bytes.Lines(stream) {
		var e struct{ Action, Output string }
		if json.Unmarshal(line, &e) == nil && e.Action != "" {
			b.WriteString(e.Output)
		} else {
			b.Write(line)
		}
	}
	return b.String()
}

var gtTime = regexp.MustCompile(`"Time":"[^"]*",`)

// gtOnlyPackage keeps the lines of a stream that are about one package, without their Time
// (as test2json writes cached results), so that a warning quoting one is the same every run.
func gtOnlyPackage(stream []byte, pkg string) []byte {
	var b bytes.Buffer
	for line := range bytes.Lines(stream) {
		if bytes.Contains(line, []byte(`"Package":"`+pkg+`"`)) {
			b.Write(gtTime.ReplaceAll(line, nil))
		}
	}
	return b.Bytes()
}

// gtCutInside cuts a stream in the middle of the first line that holds mark.
func gtCutInside(t *testing.T, stream []byte, mark string) []byte {
	t.Helper()
	i := bytes.Index(stream, []byte(mark))
	if i < 0 {
		t.Fatalf("no %q in the stream", mark)
	}
	return stream[:i+len(mark)/2]
}

// TestGoTestTimeout reads a test binary that -timeout stopped: the running test is errored
// with the timeout's panic.
func TestGoTestTimeout(t *testing.T) {
	dir := gtModule(t)
	stream := gtGo(t, dir, "test", "-json", "-count=1", "-timeout=1s", "./timeout")
	cases, warnings, _ := gtParse(stream, 64, 7)
	golden(t, "gotest/timeout.golden", render(gtStable(cases, dir), warnings))
	if len(cases) != 1 {
		t.Fatalf("cases: %+v", cases)
	}
	c := cases[0]
	if c.Status != Errored || !strings.HasPrefix(c.Message, gtNoteExited) || !strings.Contains(c.Message, "panic: test timed out after 1s") ||
		c.File != filepath.Join(dir, "timeout/timeout_test.go") || c.Line != gtLine(t, "timeout/timeout_test.go", "sleep") {
		t.Errorf("timed out test = %+v", c)
	}
}

// TestGoTestBenchmarks reads `go test -json -bench`: Go 1.26 sends no result event for a
// benchmark that passes, and puts -count repeats outside the benchmark.
func TestGoTestBenchmarks(t *testing.T) {
	dir := gtModule(t)
	stream := gtGo(t, dir, "test", "-json", "-count=2", "-run=^$", "-bench=.", "-benchtime=1x", "./bench")
	cases, warnings, _ := gtParse(stream, 64, 8)
	golden(t, "gotest/bench.golden", render(gtStable(cases, dir), warnings))
	got := gtByName(t, cases)
	for name, want := range map[string]Status{
		"BenchmarkPlain": Passed, "BenchmarkLog": Passed, "BenchmarkSub": Passed, "BenchmarkSub/a": Passed,
		"BenchmarkFail": Failed, "BenchmarkSkip": Skipped,
	} {
		if c := got["bench "+name]; c.Status != want {
			t.Errorf("%s = %+v, want %s", name, c, want)
		}
	}
	if out := got["bench BenchmarkPlain"].Output; strings.Count(out, "ns/op") != 2 {
		t.Errorf("BenchmarkPlain's output lacks its 2 result lines:\n%s", out)
	}
	if len(cases) != 6 || len(warnings) > 0 {
		t.Errorf("cases %d, warnings %v", len(cases), warnings)
	}
}

// TestGoTestCached reads a run replayed from the test cache: the same cases, their durations
// being the cached run's.
func TestGoTestCached(t *testing.T) {
	dir := gtModule(t)
	first, _, _ := gtParse(gtGo(t, dir, "test", "-json", "./pass"), 64, 9)
	again := gtGo(t, dir, "test", "-json", "./pass")
	if !bytes.Contains(again, []byte("(cached)")) {
		t.Fatalf("the second run was not cached:\n%s", again)
	}
	cached, warnings, _ := gtParse(again, 64, 10)
	if a, b := render(gtStable(first, dir), nil), render(gtStable(cached, dir), warnings); a != b {
		t.Errorf("cached run reads differently:\n%s\nfirst:\n%s", b, a)
	}
}

// TestGoTestGarbage feeds lines that are not events, broken events and odd ones.
func TestGoTestGarbage(t *testing.T) {
	stream := strings.Join([]string{
		`go: downloading example.com/dep v1.0.0`,
		``,
		`{"Action":"start","Package":"p"}`,
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:3: caf\u00e9 \u003cb\u003e \ud83d\ude00\n"}`,
		`{broken`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"bad utf-8: ` + "\xff\xfe" + `\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestA","Elapsed":"soon"}`,
		`{"Time":"2026-01-02T03:04:05Z","Package":"p"}`,
		`{"action":"fail","package":"p","test":"TestA","elapsed":0.5}`,
		`{"Action":"skip","Package":"p","Test":"TestNeverRun","Elapsed":-3}`,
		`{"Action":"pass","Package":"p","Test":"TestForever","Elapsed":1e300}`,
		`{"Action":"output","Package":"p","Test":"TestGone","Output":"late output\n"}`,
		`{"Action":"attr","Package":"p","Test":"TestA","Key":"k","Value":"v"}`,
		"\x00\x01binary\xff",
		`{"Action":"output","Package":"p","Output":"windows line\r\n"}` + "\r",
		`{"Action":"pass","Package":"p","Elapsed":1e999}`,
		`{"Action":"pass","Package":"p","Elapsed":2}`,
		`not the end`,
	}, "\n")
	cases, warnings, text := gtParse([]byte(stream), 7, 11)
	golden(t, "gotest/garbage.golden", render(cases, warnings))
	for _, want := range []string{"go: downloading example.com/dep v1.0.0\n", "\n\n", "{broken\n", "\x00\x01binary\xff\n", "café <b> 😀", "bad utf-8: \uFFFD\uFFFD", "windows line\r\n", "not the end"} {
		if !strings.Contains(text, want) {
			t.Errorf("onText lacks %q:\n%q", want, text)
		}
	}
}

// TestGoTestLongLine skips a line over 1 MiB, with a warning, and reads on.
func TestGoTestLongLine(t *testing.T) {
	long := `{"Action":"output","Package":"p","Output":"` + strings.Repeat("x", gtMaxLine) + `"}`
	stream := long + "\n" + `{"Action":"skip","Package":"p","Test":"TestAfter"}` + "\n"
	var cases []Case
	p := NewGoTest(func(c Case) { cases = append(cases, c) }, nil)
	for i := 0; i < len(stream); i += 4096 {
		p.Write([]byte(stream[i:min(len(stream), i+4096)]))
		if held := cap(p.(*gtParser).pending); held > 2*gtMaxLine {
			t.Fatalf("holding %d bytes", held)
		}
	}
	warnings := p.Close()
	if len(cases) != 1 || cases[0].Name != "TestAfter" || len(warnings) != 2 || warnings[0].Line != 1 {
		t.Errorf("cases %+v, warnings %v", cases, warnings)
	}
}

// TestGoTestCaps keeps a test's output and message within MaxOutput and MaxMessage.
func TestGoTestCaps(t *testing.T) {
	var stream bytes.Buffer
	var output strings.Builder
	enc := json.NewEncoder(&stream)
	enc.Encode(map[string]string{"Action": "run", "Package": "p", "Test": "TestBig"})
	for i := range 3000 {
		line := fmt.Sprintf("    big_test.go:%d: é %s\n", i+1, strings.Repeat("é", i%50))
		output.WriteString(line)
		enc.Encode(map[string]string{"Action": "output", "Package": "p", "Test": "TestBig", "Output": line})
	}
	enc.Encode(map[string]string{"Action": "fail", "Package": "p", "Test": "TestBig"})
	cases, _, _ := gtParse(stream.Bytes(), 100, 12)
	c := cases[0]
	if c.Output != Clip(output.String(), MaxOutput) {
		t.Errorf("output is not clipped as Clip does: %d bytes, ends %q", len(c.Output), c.Output[len(c.Output)-40:])
	}
	if len(c.Message) > MaxMessage || !utf8.ValidString(c.Message) || !strings.HasPrefix(c.Message, "big_test.go:1: é \n") || c.File != "big_test.go" || c.Line != 1 {
		t.Errorf("message %d bytes at %s:%d: %q…", len(c.Message), c.File, c.Line, c.Message[:40])
	}
}

// TestGoTestTextClip cuts as Clip does, though only the head of the text is kept.
func TestGoTestTextClip(t *testing.T) {
	for _, s := range []string{"", "short", strings.Repeat("é", 5000), strings.Repeat("ab", 5000), strings.Repeat("😀", 3000)} {
		for _, limit := range []int{3, 10, 100, 4096} {
			text := gtText{limit: limit}
			for chunk := range slices.Chunk([]byte(s), 7) {
				text.add(string(chunk))
			}
			if got, want := text.text(), Clip(s, limit); got != want {
				t.Errorf("limit %d: got %q, want %q", limit, got, want)
			}
		}
	}
}

// TestGoTestEdges reads hand-written streams for what a real run rarely shows.
func TestGoTestEdges(t *testing.T) {
	tests := []struct {
		name, stream, want string
	}{{
		name: "output cut between tests",
		stream: `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.25}
`,
		want: "passed | p | TestA | 250ms\nwarning: the output ended before the result of package p\n",
	}, {
		name: "build failed, its package's result cut",
		stream: `{"ImportPath":"q [q.test]","Action":"build-output","Output":"# q\n"}
{"ImportPath":"q [q.test]","Action":"build-output","Output":"./x.go:1:2: bad\n"}
{"ImportPath":"q [q.test]","Action":"build-fail"}`,
		want: "errored | q | [build failed] | x.go:1\n  message:\n    ./x.go:1:2: bad\n  output:\n    # q\n    ./x.go:1:2: bad\n" +
			"warning: the output ended before the result of package q, which did not build\n",
	}, {
		name: "build failed before Go 1.24: errors on stderr",
		stream: `{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q","Elapsed":0}
`,
		want: "errored | q | [build failed]\n  message:\n    " + gtNoteBuild + "\n  output:\n    FAIL\tq [build failed]\n",
	}, {
		name: "benchmark repeats and the next benchmark",
		stream: `{"Action":"run","Package":"p","Test":"BenchmarkA"}
{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"BenchmarkA\n"}
{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"BenchmarkA \t"}
{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"  5\t 10 ns/op\n"}
{"Action":"output","Package":"p","Output":"BenchmarkA \t  5\t 12 ns/op\n"}
{"Action":"run","Package":"p","Test":"BenchmarkB"}
`,
		want: "passed | p | BenchmarkA\n  output:\n    BenchmarkA\n    BenchmarkA \t  5\t 10 ns/op\n    BenchmarkA \t  5\t 12 ns/op\n" +
			"errored | p | BenchmarkB\n  message:\n    " + gtNoteCut + "\n" +
			"warning: the output ended before the result of BenchmarkB in package p\n",
	}, {
		name: "a sub-benchmark last in a failing package",
		stream: `{"Action":"run","Package":"p","Test":"BenchmarkA"}
{"Action":"run","Package":"p","Test":"BenchmarkA/x"}
{"Action":"output","Package":"p","Test":"BenchmarkA/x","Output":"BenchmarkA/x-8 \t 1\t 3 ns/op\n"}
{"Action":"output","Package":"p","Output":"exit status 1\n"}
{"Action":"fail","Package":"p"}
`,
		want: "passed | p | BenchmarkA/x\n  output:\n    BenchmarkA/x-8 \t 1\t 3 ns/op\n" +
			"passed | p | BenchmarkA\n" +
			"errored | p | [suite failed]\n  message:\n    " + gtNoteSuite + "\n    exit status 1\n  output:\n    exit status 1\n",
	}, {
		name: "many tests cut short",
		stream: `{"Action":"run","Package":"p","Test":"T1"}
{"Action":"run","Package":"p","Test":"T2"}
{"Action":"run","Package":"p","Test":"T3"}
{"Action":"run","Package":"p","Test":"T4"}
{"Action":"run","Package":"p","Test":"T5"}
{"Action":"run","Package":"p","Test":"T6"}
{"Action":"run","Package":"p","Test":"T7"}
`,
		want: "errored | p | T1\n  message:\n    " + gtNoteCut + "\n" + "errored | p | T2\n  message:\n    " + gtNoteCut + "\n" +
			"errored | p | T3\n  message:\n    " + gtNoteCut + "\n" + "errored | p | T4\n  message:\n    " + gtNoteCut + "\n" +
			"errored | p | T5\n  message:\n    " + gtNoteCut + "\n" + "errored | p | T6\n  message:\n    " + gtNoteCut + "\n" +
			"errored | p | T7\n  message:\n    " + gtNoteCut + "\n" +
			"warning: the output ended before the result of T1, T2, T3, T4, T5, and 2 more in package p\n",
	}, {
		name: "a subtest with a slash in its own name",
		stream: `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestA/x/y"}
{"Action":"fail","Package":"p","Test":"TestA/x/y"}
{"Action":"fail","Package":"p","Test":"TestA"}
{"Action":"fail","Package":"p"}
`,
		want: "failed | p | TestA/x/y\nfailed | p | TestA\n  message:\n    failed subtests: TestA/x/y\n",
	}, {
		name:   "a last line without newline",
		stream: `{"Action":"skip","Package":"p","Test":"TestA"}`,
		want:   "skipped | p | TestA\nwarning: the output ended before the result of package p\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, warnings, _ := gtParse([]byte(tt.stream), 5, 13)
			if got := render(cases, warnings); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestGoTestDecoder reads tricky lines as encoding/json does.
func TestGoTestDecoder(t *testing.T) {
	for _, line := range []string{
		`{"Action":"output","Output":"tab\tquote\" slash\/ \\ \b\f\r\n \u00e9\u003c"}`,
		`{"Action":"output","Output":"pair \ud83d\ude00 lone \ud800 end"}`,
		`{"Action":"pass","Elapsed":1e999}`, `{"Action":"pass","Elapsed":-0.5E+2}`, `{"Action":"pass","Elapsed":01}`,
		`{"Action":"pass","Elapsed":"1"}`, `{"Action":"pass","Elapsed":null}`, `{"Action":5}`, `{"Action":null}`,
		`{"action":"pass"}`, `{"Action":"pass","ACTION":"fail"}`, `{"Action":"pass","Action":"fail"}`,
		`{"Action":"pass","Tes` + "\u017f" + `t":"TestA"}`, `{"Action":"pass","Extra":{"a":[1,2]}}`,
		`{"Action":"pass","Extra":true,"More":false,"N":-1.5e3}`, `{"Action":"pass",}`, `{"Action":"pass"} x`,
		`{"Action":"pass"}  `, ` { "Action" : "pass" , "Test" : "T" } `, `{"Action":"` + "\xff" + `"}`,
		`{"Action":"a` + "\x01" + `"}`, `{"Action":"\x"}`, `{"Action":"\u12"}`, `{}`, `{`, `{"Action"`, `{"Action":`,
		`{"Action":"pass","Elapsed":1.}`, `{"Action":"pass","Elapsed":-}`, `{"Action":"pass","Elapsed":1e}`,
	} {
		var d gtDecoder
		got, gotOK := d.decode([]byte(line))
		want, wantOK := gtDecodeSlow([]byte(line))
		wantOK = wantOK && len(want.Action) > 0
		if gotOK != wantOK || gotOK && !gtSameEvent(got, want) {
			t.Errorf("%s: got %v %+v, encoding/json %v %+v", line, gotOK, got, wantOK, want)
		}
	}
}

// gtSameEvent compares two events field by field.
func gtSameEvent(a, b gtEvent) bool {
	return bytes.Equal(a.Action, b.Action) && bytes.Equal(a.Package, b.Package) && bytes.Equal(a.Test, b.Test) &&
		bytes.Equal(a.Output, b.Output) && bytes.Equal(a.FailedBuild, b.FailedBuild) &&
		bytes.Equal(a.ImportPath, b.ImportPath) && (a.Elapsed == b.Elapsed || a.Elapsed != a.Elapsed && b.Elapsed != b.Elapsed)
}
