package monitor

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"eightfold/backend/health"
)

// Runner runs checks on their intervals with jitter, and reports every result to its Sink.
// Its methods are safe for concurrent use; Run must not be called twice at once.
type Runner struct {
	sink Sink

	mu      sync.Mutex
	checks  map[string]*entry
	ctx     context.Context // Run's context while it runs; nil otherwise
	wg      sync.WaitGroup  // the checks' goroutines
	loops   atomic.Int64    // check goroutines alive (for tests)
	probing atomic.Int64    // probes in flight (for tests)

	// started, when set (by tests and the benchmark, before Run), sees the start of every
	// probe with the time it was scheduled for.
	started func(name string, scheduled, at time.Time)
}

// entry is one check in a Runner: its settings, tracker and status, and its goroutine.
type entry struct {
	check   Check // guarded by Runner.mu (Set may swap in a new Dial)
	tracker *Tracker
	status  Status             // guarded by Runner.mu
	stop    context.CancelFunc // ends its goroutine; nil when none runs
}

// NewRunner returns a Runner with no checks that reports to sink (nil: results are only kept
// in Statuses).
func NewRunner(sink Sink) *Runner {
	return &Runner{sink: sink, checks: map[string]*entry{}}
}

// Set replaces the checks, while running or not: new ones start (first probe at a random
// offset within their interval), removed ones stop (a probe in flight is canceled), unchanged
// ones keep their tracker state and schedule. A check is unchanged when its name, interval,
// thresholds and conditions are; its Dial and RootCAs are taken from the new list. Zero
// fields take their defaults; of two checks with one name the last wins.
func (r *Runner) Set(checks []Check) {
	next := make(map[string]Check, len(checks))
	for _, c := range checks {
		next[c.Name] = c.withDefaults()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, e := range r.checks {
		if c, ok := next[name]; ok && e.check.sameSchedule(c) {
			e.check = c
			continue
		}
		if e.stop != nil {
			e.stop()
		}
		delete(r.checks, name)
	}
	for name, c := range next {
		if _, ok := r.checks[name]; ok {
			continue
		}
		e := &entry{check: c, tracker: NewTracker(c.FailureThreshold, c.SuccessThreshold), status: Status{State: Pending}}
		r.checks[name] = e
		if r.ctx != nil {
			r.start(e)
		}
	}
}

// Run runs the checks until ctx is done, then cancels the probes in flight and returns after
// every check's goroutine has ended. Results of canceled probes are not reported.
func (r *Runner) Run(ctx context.Context) {
	r.mu.Lock()
	r.ctx = ctx
	for _, e := range r.checks {
		r.start(e)
	}
	r.mu.Unlock()

	<-ctx.Done()

	r.mu.Lock()
	r.ctx = nil
	for _, e := range r.checks {
		if e.stop != nil {
			e.stop()
			e.stop = nil
		}
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// Statuses returns each check's status by name (PENDING with a zero Since before its first
// result).
func (r *Runner) Statuses() map[string]Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Status, len(r.checks))
	for name, e := range r.checks {
		out[name] = e.status
	}
	return out
}

// start starts e's goroutine under Run's context. r.mu is held.
func (r *Runner) start(e *entry) {
	ctx, stop := context.WithCancel(r.ctx)
	e.stop = stop
	interval := e.check.Interval
	r.wg.Add(1)
	r.loops.Add(1)
	go func() {
		defer r.wg.Done()
		defer r.loops.Add(-1)
		r.loop(ctx, e, interval, firstTick(time.Now(), interval))
	}()
}

// loop probes e at now+offset, then every interval from that schedule, skipping the ticks that
// a slow probe missed, until ctx ends.
func (r *Runner) loop(ctx context.Context, e *entry, interval time.Duration, next time.Time) {
	timer := time.NewTimer(time.Until(next))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		r.probe(ctx, e, next)
		now := time.Now()
		next = nextTick(next, now, interval)
		timer.Reset(next.Sub(now))
	}
}

// firstTick is a check's first probe time: at a random offset within interval from now, on
// a multiple of the slot (interval/20, at most 1 s) since the zero time, so that checks
// share wake-ups.
func firstTick(now time.Time, interval time.Duration) time.Time {
	slot := min(interval/20, time.Second)
	t := now.Add(rand.N(interval))
	if slot > 0 {
		if t = t.Truncate(slot); t.Before(now) {
			t = t.Add(slot)
		}
	}
	return t
}

// nextTick is the first tick of the schedule prev + k×interval (k ≥ 1) that is after now: the
// tick after prev, or, when a probe outlasted the interval, the next one it did not miss.
func nextTick(prev, now time.Time, interval time.Duration) time.Time {
	next := prev.Add(interval)
	if next.After(now) {
		return next
	}
	return next.Add((now.Sub(next)/interval + 1) * interval)
}

// probe makes one attempt of e's check and reports it, unless ctx ended during the attempt.
func (r *Runner) probe(ctx context.Context, e *entry, scheduled time.Time) {
	r.mu.Lock()
	c := e.check
	r.mu.Unlock()
	r.probing.Add(1)
	defer r.probing.Add(-1)
	if r.started != nil {
		r.started(c.Name, scheduled, time.Now())
	}
	res := health.Probe(ctx, c.Probe)
	if ctx.Err() != nil {
		return
	}
	st, tr := e.tracker.Observe(res, time.Now())
	if tr != nil {
		tr.Check = c.Name
	}
	r.mu.Lock()
	e.status = st
	r.mu.Unlock()
	if r.sink != nil {
		r.sink.Observed(c, res, st, tr)
	}
}
