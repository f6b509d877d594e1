package monitor

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"eightfold/backend/health"
)

// BenchmarkRunner500Checks runs 500 checks at a 10 s interval against one loopback httptest
// server for 30 s (EIGHTFOLD_CHECKS_SECONDS, EIGHTFOLD_CHECKS, EIGHTFOLD_CHECKS_INTERVAL
// override: seconds, count, a Go duration; EIGHTFOLD_CHECKS_URL replaces the httptest server
// with a server in another process, whose paths /0, /1, … must answer 200 "ok") and reports:
//
//	cpu-%core     CPU time of this process (user + system, getrusage) over wall time, as % of
//	              one core. With the in-process httptest server it includes the server's side
//	              of every request; with EIGHTFOLD_CHECKS_URL it is the runner's alone.
//	drift-max-ms  the latest a probe started after the time it was scheduled for
//	drift-p99-ms  the 99th percentile of the same
//	anchor-ms     the latest a probe started after first + k×interval, where first is the
//	              time its check's first probe was scheduled for (k ≥ 1, the nearest tick):
//	              drift that accumulates would make this grow with the run's length
//	probes        probes started (a failed probe is an error of the benchmark)
//
// Run it once per measurement: go test -run '^$' -bench Runner500 -benchtime 1x
// ./backend/monitor/ (bench/checks-cpu.sh does). Nothing is asserted.
func BenchmarkRunner500Checks(b *testing.B) {
	seconds := envInt(b, "EIGHTFOLD_CHECKS_SECONDS", 30)
	n := envInt(b, "EIGHTFOLD_CHECKS", 500)
	interval := 10 * time.Second
	if v := os.Getenv("EIGHTFOLD_CHECKS_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("EIGHTFOLD_CHECKS_INTERVAL: %v", err)
		}
		interval = d
	}
	base := os.Getenv("EIGHTFOLD_CHECKS_URL")
	if base == "" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
		defer srv.Close()
		base = srv.URL
	}

	for range b.N {
		var (
			mu     sync.Mutex
			drifts []time.Duration
			first  = map[string]time.Time{}
			anchor time.Duration
		)
		sink := &failureCount{}
		r := NewRunner(sink)
		r.started = func(name string, scheduled, at time.Time) {
			mu.Lock()
			drifts = append(drifts, at.Sub(scheduled))
			if f, ok := first[name]; !ok {
				first[name] = scheduled
			} else {
				k := (at.Sub(f) + interval/2) / interval
				anchor = max(anchor, at.Sub(f.Add(k*interval)))
			}
			mu.Unlock()
		}
		checks := make([]Check, n)
		for i := range checks {
			checks[i] = Check{Name: fmt.Sprintf("check:%d", i), Interval: interval,
				Probe: health.Check{URL: fmt.Sprintf("%s/%d", base, i), Body: "ok", MaxTime: time.Second}}
		}
		r.Set(checks)

		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
		cpu0, wall0 := cpuTime(b), time.Now()
		r.Run(ctx)
		cpu, wall := cpuTime(b)-cpu0, time.Since(wall0)
		cancel()

		slices.Sort(drifts)
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%core")
		if len(drifts) > 0 {
			b.ReportMetric(float64(drifts[len(drifts)-1].Microseconds())/1000, "drift-max-ms")
			b.ReportMetric(float64(drifts[len(drifts)*99/100].Microseconds())/1000, "drift-p99-ms")
		}
		b.ReportMetric(float64(anchor.Microseconds())/1000, "anchor-ms")
		b.ReportMetric(float64(len(drifts)), "probes")
		if f := sink.failures.Load(); f > 0 {
			b.Errorf("%d probes failed; the last: %s", f, sink.last.Load())
		}
	}
}

// failureCount is a Sink that counts failed probes and keeps the last one's reason.
type failureCount struct {
	failures atomic.Int64
	last     atomic.Value
}

func (f *failureCount) Observed(_ Check, r health.Result, _ Status, _ *Transition) {
	if !r.OK {
		f.failures.Add(1)
		f.last.Store(r.Reason)
	}
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// envInt is the positive integer in the environment variable name, else def.
func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
