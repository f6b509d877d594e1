package workbench

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/runner"
	"eightfold/backend/store"
)

// BenchmarkCollect100kCases feeds one step's 100,000 passing `go test -json` cases (500
// packages, run and pass events with an output line each, in 32 KiB writes as a pipe brings
// them) through the path a running step takes: the step's report filter, the parser, and the
// collector, which stores them in batches of 1,000 and announces the run's new counts after
// each batch (a run.updated that reads the run back with its test counts). "new": the
// project's first run, every test recorded for the first time; "known": the same tests again.
func BenchmarkCollect100kCases(b *testing.B) {
	stream := goTestStream(100_000)
	step := config.Step{Name: "test", Run: "go test -json ./...", Report: config.ReportGoTestJSON}
	collect := func(b *testing.B, p *Project) {
		r, err := p.store.CreateRun(context.Background(), store.NewRun{ProjectID: p.id, Trigger: TriggerManual,
			Steps: []store.NewStep{{Name: step.Name, Command: step.Run}}})
		if err != nil {
			b.Fatal(err)
		}
		coll := newTestCollector(p, r.ID, r.Steps[0].ID, 1, nil)
		rep := newStepReport(p.dir, step, coll)
		for rest := stream; len(rest) > 0; {
			n := min(len(rest), 32<<10)
			rep.filter(runner.Stdout, rest[:n])
			rest = rest[n:]
		}
		rep.finish(time.Now())
		if err := coll.Close(); err != nil {
			b.Fatal(err)
		}
		if got, _ := p.store.Run(context.Background(), r.ID); got.Tests.Total != 100_000 {
			b.Fatalf("%d cases stored, want 100,000", got.Tests.Total)
		}
	}
	report := func(b *testing.B, updates int) {
		b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
		b.ReportMetric(float64(updates)/float64(b.N), "updates/op")
	}
	b.Run("new", func(b *testing.B) {
		updates := 0
		for b.Loop() {
			b.StopTimer()
			p, rec := newProject(b, "")
			b.StartTimer()
			collect(b, p)
			updates += rec.count(TopicRunUpdated)
		}
		report(b, updates)
	})
	b.Run("known", func(b *testing.B) {
		p, rec := newProject(b, "")
		collect(b, p)
		before := rec.count(TopicRunUpdated)
		for b.Loop() {
			collect(b, p)
		}
		report(b, rec.count(TopicRunUpdated)-before)
	})
}

// goTestStream is test2json output for n passing tests spread over packages of 200.
func goTestStream(n int) []byte {
	var buf bytes.Buffer
	for i := range n {
		pkg := fmt.Sprintf("example.com/mod/pkg%03d", i/200)
		fmt.Fprintf(&buf, `{"Action":"run","Package":%q,"Test":"TestCase%06d"}`+"\n", pkg, i)
		fmt.Fprintf(&buf, `{"Action":"output","Package":%q,"Test":"TestCase%06d","Output":"=== RUN   TestCase%06d\n"}`+"\n", pkg, i, i)
		fmt.Fprintf(&buf, `{"Action":"pass","Package":%q,"Test":"TestCase%06d","Elapsed":0.01}`+"\n", pkg, i)
	}
	return buf.Bytes()
}
