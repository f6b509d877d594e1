package testreport

import (
	"bytes"
	"fmt"
	"testing"
)

// benchCases is how many cases the generated reports hold.
const benchCases = 100_000

// junitBenchReport is a JUnit report of n cases in suites of 1,000, gotestsum-like: most
// pass, one in 50 fails with a message and output, one in 100 is skipped.
func junitBenchReport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"100000\">\n")
	for i := range n {
		if i%1000 == 0 {
			if i > 0 {
				b.WriteString("\t</testsuite>\n")
			}
			fmt.Fprintf(&b, "\t<testsuite name=\"example.com/shop/pkg%d\" tests=\"1000\" time=\"1.5\">\n", i/1000)
		}
		pkg := i / 1000
		switch {
		case i%50 == 1:
			fmt.Fprintf(&b, "\t\t<testcase classname=\"example.com/shop/pkg%d\" name=\"TestCase%d\" time=\"0.012\">\n"+
				"\t\t\t<failure message=\"Failed\" type=\"\">=== RUN   TestCase%d&#xA;    case_test.go:%d: got 1, want 2&#xA;--- FAIL: TestCase%d (0.01s)&#xA;</failure>\n"+
				"\t\t</testcase>\n", pkg, i, i, 10+i%90, i)
		case i%100 == 2:
			fmt.Fprintf(&b, "\t\t<testcase classname=\"example.com/shop/pkg%d\" name=\"TestCase%d\" time=\"0.000\">\n"+
				"\t\t\t<skipped message=\"not on this machine\"></skipped>\n\t\t</testcase>\n", pkg, i)
		default:
			fmt.Fprintf(&b, "\t\t<testcase classname=\"example.com/shop/pkg%d\" name=\"TestCase%d\" time=\"0.001\"></testcase>\n", pkg, i)
		}
	}
	b.WriteString("\t</testsuite>\n</testsuites>\n")
	return b.Bytes()
}

// tapBenchStream is a TAP 14 stream of n cases as Node's reporter writes it: each test point
// with a YAML block, one in 50 failing with an error and a stack, in subtests of 1,000.
func tapBenchStream(n int) []byte {
	var b bytes.Buffer
	b.WriteString("TAP version 13\n")
	for i := range n {
		if i%1000 == 0 {
			fmt.Fprintf(&b, "# Subtest: group %d\n", i/1000)
		}
		if i%50 == 1 {
			fmt.Fprintf(&b, "    # Subtest: case %d\n    not ok %d - case %d\n      ---\n      duration_ms: 1.25\n"+
				"      location: '/home/dev/shop/test/group.test.mjs:%d:3'\n      failureType: 'testCodeFailure'\n"+
				"      error: |-\n        Expected values to be strictly equal:\n\n        1 !== 2\n\n      code: 'ERR_ASSERTION'\n"+
				"      stack: |-\n        TestContext.<anonymous> (file:///home/dev/shop/test/group.test.mjs:%d:10)\n"+
				"        Test.runInAsyncScope (node:async_hooks:206:9)\n      ...\n", i, i%1000+1, i, 10+i%90, 11+i%90)
		} else {
			fmt.Fprintf(&b, "    # Subtest: case %d\n    ok %d - case %d\n      ---\n      duration_ms: 0.42\n      ...\n", i, i%1000+1, i)
		}
		if i%1000 == 999 || i == n-1 {
			fmt.Fprintf(&b, "    1..%d\nnot ok %d - group %d\n  ---\n  duration_ms: 512.5\n  type: 'suite'\n  ...\n", i%1000+1, i/1000+1, i/1000)
		}
	}
	fmt.Fprintf(&b, "1..%d\n", (n+999)/1000)
	return b.Bytes()
}

func BenchmarkJUnit(b *testing.B) {
	data := junitBenchReport(benchCases)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := ParseJUnit(bytes.NewReader(data), func(Case) { n++ }); err != nil || n != benchCases {
			b.Fatalf("%d cases, %v", n, err)
		}
	}
	b.ReportMetric(float64(benchCases)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

func BenchmarkTAP(b *testing.B) {
	data := tapBenchStream(benchCases)
	groups := (benchCases + 999) / 1000
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		p := NewTAP("bench", func(Case) { n++ })
		for rest := data; len(rest) > 0; { // in pipe-sized writes
			k := min(len(rest), 64<<10)
			p.Write(rest[:k])
			rest = rest[k:]
		}
		if ws := p.Close(); len(ws) != 0 || n != benchCases+groups {
			b.Fatalf("%d cases, warnings %v", n, ws)
		}
	}
	b.ReportMetric(float64(benchCases)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
