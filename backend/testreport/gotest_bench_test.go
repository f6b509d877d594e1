package testreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// BenchmarkGoTest parses a generated but realistic stream of 200,000 events: packages whose
// tests run, log and pass (one in ten fails, with subtests), as `go test -json ./...` writes it.
// Run: go test ./backend/testreport -run '^$' -bench GoTest -count 5
func BenchmarkGoTest(b *testing.B) {
	stream, events := gtBenchStream(200_000)
	b.SetBytes(int64(len(stream)))
	b.ResetTimer()
	for b.Loop() {
		p := NewGoTest(func(Case) {}, func(string) {})
		for chunk := stream; len(chunk) > 0; {
			n := min(len(chunk), 32<<10) // as a pipe delivers it
			p.Write(chunk[:n])
			chunk = chunk[n:]
		}
		p.Close()
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// gtBenchStream writes at least n events of packages of 50 tests each; it returns the stream and
// its number of events.
func gtBenchStream(n int) ([]byte, int) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	events := 0
	emit := func(action, pkg, test, output string, elapsed float64) {
		clock = clock.Add(37 * time.Microsecond)
		e := struct {
			Time    time.Time
			Action  string
			Package string
			Test    string   `json:",omitempty"`
			Elapsed *float64 `json:",omitempty"`
			Output  string   `json:",omitempty"`
		}{Time: clock, Action: action, Package: pkg, Test: test, Output: output}
		if action == "pass" || action == "fail" {
			e.Elapsed = &elapsed
		}
		enc.Encode(e)
		events++
	}
	for p := 0; events < n; p++ {
		pkg := fmt.Sprintf("example.com/project/internal/pkg%03d", p)
		emit("start", pkg, "", "", 0)
		for i := range 50 {
			test := fmt.Sprintf("TestSomething%02d", i)
			emit("run", pkg, test, "", 0)
			emit("output", pkg, test, "=== RUN   "+test+"\n", 0)
			emit("output", pkg, test, fmt.Sprintf("    thing_test.go:%d: checking %d items\n", 10+i, i*7), 0)
			if i%10 == 9 {
				sub := test + "/case_two"
				emit("run", pkg, sub, "", 0)
				emit("output", pkg, sub, "=== RUN   "+sub+"\n", 0)
				emit("output", pkg, sub, fmt.Sprintf("    thing_test.go:%d: got \"a\", want \"b\"\n", 40+i), 0)
				emit("output", pkg, sub, "--- FAIL: "+sub+" (0.00s)\n", 0)
				emit("fail", pkg, sub, "", 0)
				emit("output", pkg, test, "--- FAIL: "+test+" (0.01s)\n", 0)
				emit("fail", pkg, test, "", 0.01)
				continue
			}
			emit("output", pkg, test, "--- PASS: "+test+" (0.00s)\n", 0)
			emit("pass", pkg, test, "", 0)
		}
		emit("output", pkg, "", "FAIL\n", 0)
		emit("output", pkg, "", "FAIL\t"+pkg+"\t0.123s\n", 0)
		emit("fail", pkg, "", "", 0.123)
	}
	return buf.Bytes(), events
}
