package runner

import "testing"

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
