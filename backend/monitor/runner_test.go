package monitor

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"eightfold/backend/health"
)

// The modes of a flipServer.
const (
	healthy int32 = iota // 200 "ok"
	slow                 // sleeps past the check's MaxTime or Timeout, then 200 "ok"
	broken               // 503
)

// flipServer is a real loopback HTTP server that a test flips between healthy, slow and
// broken. It counts requests per path and the most that were ever in flight per path.
type flipServer struct {
	*httptest.Server
	mode  atomic.Int32
	sleep time.Duration // of slow

	mu       sync.Mutex
	hits     map[string]int
	inFlight map[string]int
	maxIn    map[string]int
}

func newFlipServer(t *testing.T, sleep time.Duration) *flipServer {
	t.Helper()
	s := &flipServer{sleep: sleep, hits: map[string]int{}, inFlight: map[string]int{}, maxIn: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *flipServer) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	s.mu.Lock()
	s.hits[p]++
	s.inFlight[p]++
	s.maxIn[p] = max(s.maxIn[p], s.inFlight[p])
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight[p]--
		s.mu.Unlock()
	}()
	switch s.mode.Load() {
	case slow:
		select {
		case <-time.After(s.sleep):
		case <-r.Context().Done():
			return
		}
	case broken:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "broken")
		return
	}
	fmt.Fprint(w, "ok")
}

func (s *flipServer) count(path string) (hits, maxInFlight int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path], s.maxIn[path]
}

// observation is one call of the recorder's Observed.
type observation struct {
	check string
	r     health.Result
	st    Status
	tr    *Transition
}

// recorder is a Sink that keeps every observation.
type recorder struct {
	mu  sync.Mutex
	obs []observation
}

func (rec *recorder) Observed(c Check, r health.Result, st Status, tr *Transition) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.obs = append(rec.obs, observation{c.Name, r, st, tr})
}

// transitions are check's transitions so far, as "FROM→TO".
func (rec *recorder) transitions(check string) []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, o := range rec.obs {
		if o.check == check && o.tr != nil {
			out = append(out, string(o.tr.From)+"→"+string(o.tr.To))
		}
	}
	return out
}

// results is the number of results of check so far.
func (rec *recorder) results(check string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := 0
	for _, o := range rec.obs {
		if o.check == check {
			n++
		}
	}
	return n
}

// waitFor waits (generously) until cond holds, else fails the test with what.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitTransitions waits until check has made n transitions and returns them.
func waitTransitions(t *testing.T, rec *recorder, check string, n int) []string {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d transitions of %s", n, check), func() bool { return len(rec.transitions(check)) >= n })
	return rec.transitions(check)
}

// run starts r.Run and returns a func that cancels it and waits for it to return.
func run(t *testing.T, r *Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(stop)
	return stop
}

func check(name, url string) Check {
	return Check{Name: name, Probe: health.Check{URL: url, Body: "ok", MaxTime: 150 * time.Millisecond, Timeout: 2 * time.Second},
		Interval: 20 * time.Millisecond}
}

// TestRunnerFlips flips the server healthy → broken → slow → healthy and checks the
// transitions, in order: PENDING→UP, UP→DOWN (with the 503 as reason, after 3 failures),
// DOWN→UP only after the server is healthy again.
func TestRunnerFlips(t *testing.T) {
	srv := newFlipServer(t, 400*time.Millisecond)
	rec := &recorder{}
	r := NewRunner(rec)
	r.Set([]Check{check("target:staging", srv.URL+"/healthz")})
	run(t, r)

	if got := waitTransitions(t, rec, "target:staging", 1); !slices.Equal(got, []string{"PENDING→UP"}) {
		t.Fatalf("transitions %v, want [PENDING→UP]", got)
	}
	srv.mode.Store(broken)
	got := waitTransitions(t, rec, "target:staging", 2)
	if !slices.Equal(got, []string{"PENDING→UP", "UP→DOWN"}) {
		t.Fatalf("transitions %v, want [PENDING→UP UP→DOWN]", got)
	}
	rec.mu.Lock()
	var down observation
	for _, o := range rec.obs {
		if o.tr != nil && o.tr.To == Down {
			down = o
		}
	}
	rec.mu.Unlock()
	if down.tr.Check != "target:staging" || down.tr.Reason != "status 503, want 200" || down.st.Failures != 3 {
		t.Errorf("DOWN: %+v after %d failures, want reason %q after 3", down.tr, down.st.Failures, "status 503, want 200")
	}

	// Slow is still a failure (over MaxTime): several results, no transition.
	srv.mode.Store(slow)
	n := rec.results("target:staging")
	waitFor(t, "3 slow results", func() bool { return rec.results("target:staging") >= n+3 })
	if got := rec.transitions("target:staging"); len(got) != 2 {
		t.Fatalf("slow server: transitions %v, want still [PENDING→UP UP→DOWN]", got)
	}
	if st := r.Statuses()["target:staging"]; st.State != Down || !strings.Contains(st.Last.Reason, "over 150ms") {
		t.Errorf("slow server: status %s, last reason %q, want DOWN and over 150ms", st.State, st.Last.Reason)
	}

	srv.mode.Store(healthy)
	got = waitTransitions(t, rec, "target:staging", 3)
	if !slices.Equal(got, []string{"PENDING→UP", "UP→DOWN", "DOWN→UP"}) {
		t.Fatalf("transitions %v, want [PENDING→UP UP→DOWN DOWN→UP]", got)
	}
	if st := r.Statuses()["target:staging"]; st.State != Up || st.Successes < 2 {
		t.Errorf("status %+v, want UP after 2 successes", st)
	}
}

// TestRunnerNoPileUp: probes that outlast the interval (slow server, 20 ms interval) never
// overlap for one check, and a probe timeout is a failure that takes the check DOWN.
func TestRunnerNoPileUp(t *testing.T) {
	srv := newFlipServer(t, 5*time.Second)
	srv.mode.Store(slow)
	rec := &recorder{}
	r := NewRunner(rec)
	c := check("check:slow", srv.URL+"/slow")
	c.Probe.MaxTime, c.Probe.Timeout = 0, 100*time.Millisecond
	r.Set([]Check{c})
	run(t, r)

	got := waitTransitions(t, rec, "check:slow", 1)
	if !slices.Equal(got, []string{"PENDING→DOWN"}) {
		t.Fatalf("transitions %v, want [PENDING→DOWN]", got)
	}
	if st := r.Statuses()["check:slow"]; !strings.Contains(st.Last.Reason, "timeout") {
		t.Errorf("last reason %q, want a timeout", st.Last.Reason)
	}
	waitFor(t, "5 slow probes", func() bool { return rec.results("check:slow") >= 5 })
	if hits, maxIn := srv.count("/slow"); maxIn != 1 {
		t.Errorf("%d requests, at most %d at once; want 1 at once", hits, maxIn)
	}
}

// TestRunnerSet adds, removes, keeps and changes checks while running.
func TestRunnerSet(t *testing.T) {
	srv := newFlipServer(t, time.Second)
	rec := &recorder{}
	r := NewRunner(rec)
	a, b := check("check:a", srv.URL+"/a"), check("check:b", srv.URL+"/b")
	r.Set([]Check{a, b})
	stop := run(t, r)
	waitTransitions(t, rec, "check:a", 1)
	waitTransitions(t, rec, "check:b", 1)
	upA := r.Statuses()["check:a"].Since

	// Keep a (with a new Dial: still unchanged, the Dial used from its next probe), remove b,
	// add c.
	c := check("check:c", srv.URL+"/c")
	a2 := a
	var dials atomic.Int32
	a2.Probe.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	r.Set([]Check{a2, c})
	hitsB, _ := srv.count("/b")
	if got := waitTransitions(t, rec, "check:c", 1); !slices.Equal(got, []string{"PENDING→UP"}) {
		t.Fatalf("c: transitions %v, want [PENDING→UP]", got)
	}
	// c needed 2 probes after b was removed; b made at most the one that was in flight.
	if hits, _ := srv.count("/b"); hits > hitsB+1 {
		t.Errorf("b removed, yet probed %d more times", hits-hitsB)
	}
	st := r.Statuses()
	if _, ok := st["check:b"]; ok {
		t.Errorf("statuses still have the removed check:b")
	}
	if st["check:a"].State != Up || !st["check:a"].Since.Equal(upA) || len(rec.transitions("check:a")) != 1 {
		t.Errorf("a kept: %+v, transitions %v; want UP since %v, one transition", st["check:a"], rec.transitions("check:a"), upA)
	}
	waitFor(t, "a's new Dial used", func() bool { return dials.Load() > 0 })
	waitFor(t, "2 check goroutines", func() bool { return r.loops.Load() == 2 })

	// A changed check (new URL) starts again from PENDING.
	a3 := check("check:a", srv.URL+"/a3")
	r.Set([]Check{a3, c})
	waitFor(t, "a3 probed", func() bool { h, _ := srv.count("/a3"); return h > 0 })
	if got := waitTransitions(t, rec, "check:a", 2); got[1] != "PENDING→UP" {
		t.Fatalf("changed a: transitions %v, want a second PENDING→UP", got)
	}

	// Set to nothing: every goroutine ends while Run goes on.
	r.Set(nil)
	waitFor(t, "no check goroutines", func() bool { return r.loops.Load() == 0 })
	if len(r.Statuses()) != 0 {
		t.Errorf("statuses after Set(nil): %v", r.Statuses())
	}
	stop()
}

// TestRunnerCancel: canceling Run's context ends it with probes in flight, with no goroutine
// left and no result of a canceled probe reported.
func TestRunnerCancel(t *testing.T) {
	srv := newFlipServer(t, 10*time.Second)
	srv.mode.Store(slow)
	base := runtime.NumGoroutine()

	rec := &recorder{}
	r := NewRunner(rec)
	var checks []Check
	for i := range 50 {
		c := check(fmt.Sprintf("check:%d", i), fmt.Sprintf("%s/%d", srv.URL, i))
		c.Probe.MaxTime, c.Probe.Timeout = 0, time.Minute
		checks = append(checks, c)
	}
	r.Set(checks)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	waitFor(t, "50 probes in flight", func() bool { return r.probing.Load() == 50 })
	cancel()
	<-done
	if l, p := r.loops.Load(), r.probing.Load(); l != 0 || p != 0 {
		t.Fatalf("after Run: %d check goroutines, %d probes; want 0", l, p)
	}
	if n := len(rec.obs); n != 0 {
		t.Errorf("%d results reported of canceled probes", n)
	}
	// The server's handlers end when they see the closed connections; allow for a few
	// goroutines of the runtime and the test framework.
	waitFor(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= base+2 })
	for _, st := range r.Statuses() {
		if st.State != Pending {
			t.Errorf("status %s, want PENDING", st.State)
		}
	}
}
