package testreport

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// gtSeed is a real `go test -json` stream (Go 1.26) with every kind of event, shortened.
const gtSeed = `{"ImportPath":"example.com/m/build [example.com/m/build.test]","Action":"build-output","Output":"# example.com/m/build [example.com/m/build.test]\n"}
{"ImportPath":"example.com/m/build [example.com/m/build.test]","Action":"build-output","Output":"build/build.go:3:23: undefined: undefinedName\n"}
{"ImportPath":"example.com/m/build [example.com/m/build.test]","Action":"build-fail"}
{"Time":"2026-11-26T01:39:13.619786327Z","Action":"start","Package":"example.com/m/build"}
{"Time":"2026-11-26T01:39:13.619801996Z","Action":"output","Package":"example.com/m/build","Output":"FAIL\texample.com/m/build [build failed]\n"}
{"Time":"2026-11-26T01:39:13.619832343Z","Action":"fail","Package":"example.com/m/build","Elapsed":0,"FailedBuild":"example.com/m/build [example.com/m/build.test]"}
{"Time":"2026-11-26T01:39:14.340902432Z","Action":"start","Package":"example.com/m/fail"}
{"Time":"2026-11-26T01:39:14.35702535Z","Action":"run","Package":"example.com/m/fail","Test":"TestBad"}
{"Time":"2026-11-26T01:39:14.357069463Z","Action":"output","Package":"example.com/m/fail","Test":"TestBad","Output":"=== RUN   TestBad\n"}
{"Time":"2026-11-26T01:39:14.357103779Z","Action":"output","Package":"example.com/m/fail","Test":"TestBad","Output":"    fail_test.go:10: want 3, got 4\n"}
{"Time":"2026-11-26T01:39:14.35711498Z","Action":"output","Package":"example.com/m/fail","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}
{"Time":"2026-11-26T01:39:14.357119257Z","Action":"fail","Package":"example.com/m/fail","Test":"TestBad","Elapsed":0}
{"Time":"2026-11-26T01:39:14.357125159Z","Action":"run","Package":"example.com/m/fail","Test":"TestTable"}
{"Time":"2026-11-26T01:39:14.357132473Z","Action":"run","Package":"example.com/m/fail","Test":"TestTable/two"}
{"Time":"2026-11-26T01:39:14.357214869Z","Action":"output","Package":"example.com/m/fail","Test":"TestTable/two","Output":"    fail_test.go:17: two is wrong\n"}
{"Time":"2026-11-26T01:39:14.357228464Z","Action":"fail","Package":"example.com/m/fail","Test":"TestTable/two","Elapsed":0}
{"Time":"2026-11-26T01:39:14.357236179Z","Action":"fail","Package":"example.com/m/fail","Test":"TestTable","Elapsed":0}
{"Time":"2026-11-26T01:39:14.357239996Z","Action":"run","Package":"example.com/m/fail","Test":"TestPanic"}
{"Time":"2026-11-26T01:39:14.359397566Z","Action":"output","Package":"example.com/m/fail","Test":"TestPanic","Output":"panic: assignment to entry in nil map [recovered, repanicked]\n"}
{"Time":"2026-11-26T01:39:14.359702703Z","Action":"output","Package":"example.com/m/fail","Test":"TestPanic","Output":"\n"}
{"Time":"2026-11-26T01:39:14.359711459Z","Action":"output","Package":"example.com/m/fail","Test":"TestPanic","Output":"goroutine 9 [running]:\n"}
{"Time":"2026-11-26T01:39:14.35978596Z","Action":"output","Package":"example.com/m/fail","Test":"TestPanic","Output":"\t/tmp/gt/fail/fail_test.go:25 +0x28\n"}
{"Time":"2026-11-26T01:39:14.361349016Z","Action":"fail","Package":"example.com/m/fail","Test":"TestPanic","Elapsed":0}
{"Time":"2026-11-26T01:39:14.361401234Z","Action":"fail","Package":"example.com/m/fail","Elapsed":0.021}
{"Time":"2026-11-26T01:39:14.57442934Z","Action":"run","Package":"example.com/m/pass","Test":"TestPar1"}
{"Time":"2026-11-26T01:39:14.574744837Z","Action":"pause","Package":"example.com/m/pass","Test":"TestPar1"}
{"Time":"2026-11-26T01:39:14.57501064Z","Action":"cont","Package":"example.com/m/pass","Test":"TestPar1"}
{"Time":"2026-11-26T01:39:14.574404754Z","Action":"skip","Package":"example.com/m/pass","Test":"TestSkip","Elapsed":0}
{"Time":"2026-11-26T01:39:14.575440062Z","Action":"pass","Package":"example.com/m/pass","Test":"TestPar1","Elapsed":0}
{"Time":"2026-11-26T01:39:14.902921624Z","Action":"output","Package":"example.com/m/tmain","Output":"panic: setup broke\n"}
{"Time":"2026-11-26T01:39:14.905012718Z","Action":"fail","Package":"example.com/m/tmain","Elapsed":0.013}
{"Time":"2026-11-26T01:40:00.826317944Z","Action":"run","Package":"example.com/m/bench","Test":"BenchmarkX"}
{"Time":"2026-11-26T01:40:00.828095395Z","Action":"output","Package":"example.com/m/bench","Test":"BenchmarkX","Output":"BenchmarkX-2      \t"}
{"Time":"2026-11-26T01:40:00.828500481Z","Action":"output","Package":"example.com/m/bench","Test":"BenchmarkX","Output":"     100\t         9.920 ns/op\n"}
{"Time":"2026-11-26T01:40:00.706724381Z","Action":"output","Package":"example.com/m/bench","Output":"BenchmarkX-2     \t     100\t         5.210 ns/op\n"}
{"Time":"2026-11-26T01:40:00.829080969Z","Action":"run","Package":"example.com/m/bench","Test":"BenchmarkLog"}
{"Time":"2026-11-26T01:39:14.361378362Z","Action":"output","Package":"example.com/m/notests","Output":"?   \texample.com/m/notests\t[no test files]\n"}
{"Time":"2026-11-26T01:39:14.362951306Z","Action":"skip","Package":"example.com/m/notests","Elapsed":0}
`

// FuzzGoTest feeds any bytes to the parser: it must not panic or hang, its cases must be
// well formed and within the caps, and its fast decoder must read lines as encoding/json does.
// Run: go test ./backend/testreport -run '^$' -fuzz FuzzGoTest -fuzztime 3m
func FuzzGoTest(f *testing.F) {
	f.Add(gtSeed)
	for line := range strings.Lines(gtSeed) {
		f.Add(line)
		f.Add(line[:len(line)/2])
	}
	for _, seed := range []string{
		"", "\n", "{", "{}\n", "plain text\r\n{\"Action\":\"run\",\"Test\":\"T\"}",
		`{"Action":"output","Output":"\ud83d\ude00 \u00e9 \ud800 \\ \/"}`, `{"action":"PASS","Elapsed":1e999}`,
		`{"Action":"pass","Test":"T","Elapsed":9.3e9}`, // once a negative Duration
		`{"Action":"run","Test":"A/b/c"}` + "\n" + `{"Action":"fail","Test":"A/b/c"}` + "\n" + `{"Action":"fail"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, stream string) {
		whole, wholeWarnings := gtFuzzParse(t, stream, len(stream)+1)
		small, smallWarnings := gtFuzzParse(t, stream, 1+len(stream)%5)
		if a, b := render(whole, wholeWarnings), render(small, smallWarnings); a != b {
			t.Errorf("chunking changes the result:\n%s\n---\n%s", a, b)
		}
		var d gtDecoder
		for line := range strings.Lines(stream) {
			line = strings.TrimSuffix(line, "\n")
			got, gotOK := d.decode([]byte(line))
			want, wantOK := gtDecodeSlow([]byte(line))
			if wantOK = wantOK && len(want.Action) > 0; gotOK != wantOK || gotOK && !gtSameEvent(got, want) {
				t.Errorf("%q: decoded %v %+v, encoding/json %v %+v", line, gotOK, got, wantOK, want)
			}
		}
	})
}

// gtFuzzParse parses stream in chunks of the given size and checks each case.
func gtFuzzParse(t *testing.T, stream string, chunk int) ([]Case, []Warning) {
	var cases []Case
	p := NewGoTest(func(c Case) {
		switch {
		case c.Status != Passed && c.Status != Failed && c.Status != Skipped && c.Status != Errored:
			t.Errorf("status %q", c.Status)
		case c.Suite == "" && c.Name == "":
			t.Errorf("a case with neither suite nor name: %+v", c)
		case len(c.Output) > MaxOutput || len(c.Message) > MaxMessage:
			t.Errorf("output %d bytes, message %d bytes", len(c.Output), len(c.Message))
		case !utf8.ValidString(c.Output) || !utf8.ValidString(c.Message):
			t.Errorf("invalid UTF-8: %+v", c)
		case c.Line < 0 || c.Duration < 0:
			t.Errorf("line %d, duration %v", c.Line, c.Duration)
		}
		cases = append(cases, c)
	}, func(string) {})
	for rest := stream; rest != ""; {
		n := min(chunk, len(rest))
		p.Write([]byte(rest[:n]))
		rest = rest[n:]
	}
	return cases, p.Close()
}
