package testreport

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// readTAP feeds a TAP stream to the parser in pieces of at most chunk bytes (0: one write).
func readTAP(data []byte, chunk int) ([]Case, []Warning) {
	var cases []Case
	p := NewTAP("suite", func(c Case) { cases = append(cases, c) })
	if chunk <= 0 {
		chunk = len(data) + 1
	}
	for len(data) > 0 {
		n := min(chunk, len(data))
		if m, err := p.Write(data[:n]); m != n || err != nil {
			panic("Write took less than it was given")
		}
		data = data[n:]
	}
	return cases, p.Close()
}

// readTAPRandomly feeds a TAP stream in pieces of random sizes.
func readTAPRandomly(data []byte, seed uint64) ([]Case, []Warning) {
	var cases []Case
	p := NewTAP("suite", func(c Case) { cases = append(cases, c) })
	r := rand.New(rand.NewPCG(seed, 1))
	for len(data) > 0 {
		n := min(1+r.IntN(40), len(data))
		p.Write(data[:n])
		data = data[n:]
	}
	return cases, p.Close()
}

func TestTAPSamples(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "tap", "*.tap"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".tap")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := render(readTAP(data, 0))
			golden(t, filepath.Join("tap", name+".golden"), got)
			for _, chunk := range []int{1, 2, 3, 7} {
				if again := render(readTAP(data, chunk)); again != got {
					t.Errorf("in writes of %d bytes:\n%s\nin one write:\n%s", chunk, again, got)
				}
			}
			for seed := range uint64(5) {
				if again := render(readTAPRandomly(data, seed)); again != got {
					t.Errorf("in random writes (seed %d):\n%s\nin one write:\n%s", seed, again, got)
				}
			}
		})
	}
}

func TestTAPDecisions(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Case
	}{
		{"a failing todo test is skipped, with its reason", "not ok 1 - later # TODO not written\n1..1\n",
			[]Case{{Suite: "suite", Name: "later", Status: Skipped, Message: "todo: not written"}}},
		{"a passing todo test is skipped too", "ok 1 - later # todo\n1..1\n",
			[]Case{{Suite: "suite", Name: "later", Status: Skipped, Message: "todo"}}},
		{"skip is any case, skipped too", "ok 1 # Skipped: no GPU\n1..1\n",
			[]Case{{Suite: "suite", Name: "test 1", Status: Skipped, Message: "no GPU"}}},
		{"a subtest's cases are parent/child, then the parent",
			"# Subtest: outer\n    ok 1 - inner\n    1..1\nok 1 - outer\n1..1\n",
			[]Case{{Suite: "suite", Name: "outer/inner", Status: Passed}, {Suite: "suite", Name: "outer", Status: Passed}}},
		{"bail out stops the stream", "1..3\nok 1\nBail out! no disk\nnot ok 2\n",
			[]Case{{Suite: "suite", Name: "test 1", Status: Passed}, {Suite: "suite", Name: BailOut, Status: Errored, Message: "no disk"}}},
		{"the failing line of the stack beats the declaration",
			"not ok 1 - x\n  ---\n  location: '/p/a.test.mjs:3:1'\n  stack: |-\n    f (node:internal/x:1:1)\n    TestContext.<anonymous> (file:///p/a.test.mjs:5:9)\n  ...\n1..1\n",
			[]Case{{Suite: "suite", Name: "x", Status: Failed, File: "/p/a.test.mjs", Line: 5,
				Message: "f (node:internal/x:1:1)\nTestContext.<anonymous> (file:///p/a.test.mjs:5:9)"}}},
		{"an absurd duration is none", "ok 1 - x\n  ---\n  duration_ms: 1e14\n  ...\nok 2 - y\n  ---\n  duration_ms: -5\n  ...\n1..2\n",
			[]Case{{Suite: "suite", Name: "x", Status: Passed}, {Suite: "suite", Name: "y", Status: Passed}}},
		{"a duplicate name gets its number", "ok 1 - same\nok 2 - same\n1..2\n",
			[]Case{{Suite: "suite", Name: "same", Status: Passed}, {Suite: "suite", Name: "same #2", Status: Passed}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readTAP([]byte(tt.in), 0)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestTAPWarnings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ok 1\nok 2\n", "no plan (1..N) after 2 test points: the stream may be cut short"},
		{"", "no TAP in the stream: no test point and no plan"},
		{"just output\n", "no TAP in the stream: no test point and no plan"},
		{"1..3\nok 1\n", "the plan is 1..3 but 1 test point came: the stream may be cut short"},
		{"1..1\nok 1\nok 2\n", "2 test points came but the plan is 1..1"},
		{"1..0 # SKIP nothing to do\n", ""},
		{"ok 1\n" + strings.Repeat("x", tapMaxLine+10) + "\n1..1\n", "line 2: a line longer than 65536 bytes was cut"},
	}
	for _, tt := range tests {
		_, ws := readTAP([]byte(tt.in), 0)
		var got []string
		for _, w := range ws {
			got = append(got, w.String())
		}
		if strings.Join(got, "; ") != tt.want {
			t.Errorf("%.40q: warnings %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTAPClose(t *testing.T) {
	var cases []Case
	p := NewTAP("s", func(c Case) { cases = append(cases, c) })
	p.Write([]byte("1..2\nok 1 - a\n"))
	if len(cases) != 0 {
		t.Fatalf("a case was handed on before the line after it, which may be its YAML block")
	}
	p.Write([]byte("not ok 2 - no newline at the end"))
	if len(cases) != 0 {
		t.Fatalf("a case was handed on before the line after it was complete")
	}
	ws := p.Close()
	if len(cases) != 2 || cases[1].Name != "no newline at the end" || cases[1].Status != Failed || len(ws) != 0 {
		t.Errorf("after Close: %s", render(cases, ws))
	}
	if n, err := p.Write([]byte("ok 3\n")); n != 5 || err != nil || len(cases) != 2 {
		t.Errorf("Write after Close: %d, %v, %d cases", n, err, len(cases))
	}
	if again := p.Close(); !slices.Equal(again, ws) {
		t.Errorf("a second Close gives %v", again)
	}
}

func TestTAPCaps(t *testing.T) {
	var in bytes.Buffer
	in.WriteString("not ok 1 - loud\n  ---\n  message: |\n")
	for range 40000 {
		in.WriteString("    " + strings.Repeat("m", 60) + "\n")
	}
	in.WriteString("  ...\n")
	for range tapMaxDepth + 5 {
		in.WriteString(strings.Repeat("    ", tapMaxDepth+3) + "ok 1 - too deep\n")
	}
	in.WriteString("1..1\n")
	cases, ws := readTAP(in.Bytes(), 4096)
	if len(cases) != 1 || len(cases[0].Message) > MaxMessage || cases[0].Status != Failed {
		t.Fatalf("got %d cases: %.300s", len(cases), render(cases, nil))
	}
	want := []Warning{{Line: 40004, Message: "a YAML block longer than 1048576 bytes was cut"}}
	if !slices.Equal(ws, want) {
		t.Errorf("warnings %v, want %v", ws, want)
	}
}

func TestParseTAPPoint(t *testing.T) {
	tests := []struct {
		in   string
		want tapLine
	}{
		{"ok", tapLine{}},
		{"not ok 12", tapLine{notOK: true, number: 12}},
		{"ok 3 - name", tapLine{number: 3, desc: "name"}},
		{"ok - name", tapLine{desc: "name"}},
		{"ok 3name", tapLine{desc: "3name"}},
		{`ok 1 - a \# b \\ c # skip why not`, tapLine{number: 1, desc: `a # b \ c`, directive: "skip", reason: "why not"}},
		{"not ok 2 # TODO", tapLine{notOK: true, number: 2, directive: "todo"}},
		{"ok 4 - t # time=1.5s", tapLine{number: 4, desc: "t", duration: 1500 * time.Millisecond}},
		{"ok 5 - t # time=soon", tapLine{number: 5, desc: "t"}},
		{"ok 1234567890 - big", tapLine{desc: "1234567890 - big"}},
	}
	for _, tt := range tests {
		if got := parseTAPPoint(tt.in); got != tt.want {
			t.Errorf("parseTAPPoint(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, notPoint := range []string{"okay", "not okay", "ok1", "Ok 1", "nok 1"} {
		if isTAPPoint(notPoint) {
			t.Errorf("%q is taken for a test point", notPoint)
		}
	}
}

func TestParseTAPYAML(t *testing.T) {
	block := []string{
		"  plain: some value ",
		"  single: 'it''s'",
		`  double: "a\tb"`,
		"  literal: |-",
		"    line one",
		"",
		"      indented",
		"  folded: >",
		"    one",
		"    two",
		"",
		"    three",
		"  at:",
		"    file: x.js",
		"    line: 4",
		"  - a list item",
		"  not a pair",
		"  empty:",
	}
	want := map[string]string{
		"plain": "some value", "single": "it's", "double": "a\tb", "literal": "line one\n\n  indented",
		"folded": "one two\nthree", "at.file": "x.js", "at.line": "4",
	}
	got := parseTAPYAML(block)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %q", len(got), len(want), got)
	}
}

// nodeTAP runs Node's test runner with its TAP reporter, writing its output to the parser
// as it comes.
func TestTAPNode(t *testing.T) {
	needTestTool(t, "Node.js 20 or newer", "node", "--version")
	dir := realTempDir(t)
	writeSample(t, filepath.Join(dir, "shop.test.mjs"), nodeSample)
	var cases []Case
	p := NewTAP("node", func(c Case) { cases = append(cases, c) })
	runTool(t, dir, p, "node", "--test", "--test-reporter=tap", "shop.test.mjs")
	ws := p.Close()
	golden(t, filepath.Join("tap", "node.golden"), render(normalizeReal(cases, dir), ws))

	file := filepath.Join(dir, "shop.test.mjs")
	tests := []struct {
		name   string
		status Status
		line   int
	}{
		{"adds", Passed, 0}, {"totals", Failed, 9}, {"coupons", Skipped, 0}, {"rounding", Skipped, 15},
		{"cart/holds items", Passed, 0}, {"cart/tax/applies the rate", Failed, 24}, {"cart/tax", Failed, 22}, {"cart", Failed, 18},
	}
	for _, tt := range tests {
		c := caseNamed(t, cases, "node", tt.name)
		if c.Status != tt.status || c.Line != tt.line || tt.line > 0 && c.File != file {
			t.Errorf("%s: %s at %s:%d, want %s at line %d", tt.name, c.Status, c.File, c.Line, tt.status, tt.line)
		}
	}
	if c := caseNamed(t, cases, "node", "rounding"); !strings.HasPrefix(c.Message, "todo: rounding bug") {
		t.Errorf("the todo test's message: %q", c.Message)
	}
}
