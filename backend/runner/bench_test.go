package runner

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkIngest measures reading a step's output into a sink that
// discards it: 100,000 lines of 100 bytes per operation.
func BenchmarkIngest(b *testing.B) {
	spec := Spec{
		Name:      "ingest",
		Command:   `yes "$(printf '%099d' 0)" | head -n 100000`,
		MaxOutput: -1,
	}
	b.SetBytes(100 * 100_000)
	var chunks int
	for b.Loop() {
		res := Run(b.Context(), spec, func(Chunk) { chunks++ })
		if res.Status != Passed || res.OutputBytes != 100*100_000 {
			b.Fatalf("got %v with %d bytes", res.Status, res.OutputBytes)
		}
	}
	b.ReportMetric(float64(chunks)/float64(b.N), "chunks/op")
}

// BenchmarkSpawnToCommand measures the floor of watch mode's latency: from calling Run to
// `date +%s%N` (the command bench/watch-latency.sh uses) running inside `sh -c`. It reports
// the median in ms-to-date.
func BenchmarkSpawnToCommand(b *testing.B) {
	marker := filepath.Join(b.TempDir(), "marker")
	spec := Spec{Name: "spawn", Command: "date +%s%N >> " + marker}
	var lags []float64
	for b.Loop() {
		before := time.Now().UnixNano()
		if res := Run(b.Context(), spec, func(Chunk) {}); res.Status != Passed {
			b.Fatalf("got %v: %v", res.Status, res.Err)
		}
		lines := strings.Fields(readFile(b, marker))
		ran, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		lags = append(lags, float64(ran-before)/1e6)
	}
	slices.Sort(lags)
	b.ReportMetric(lags[len(lags)/2], "ms-to-date")
}

func readFile(b *testing.B, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}
