// Package monitor runs health checks on their intervals and turns their results into states
// (PENDING, UP, DOWN) with Gatus-style failure and success thresholds, so that one bad probe
// does not flap a check DOWN. Tracker is the pure state machine; Runner is the scheduler that
// probes (with backend/health) and reports every result to a Sink.
//
// Scheduling:
//
//   - Jitter: each check's first probe is at a random offset within its interval, so 500 checks
//     configured at once spread over the interval instead of firing together. The offset is
//     rounded to a slot of interval/20 (at most 1 s) on the wall clock, so that the checks in
//     one slot share a wake-up: 20 wake-ups per interval instead of one per check.
//   - No drift: after the first probe, probe k is scheduled at first + k×Interval, measured from
//     the schedule and not from the end of the previous probe.
//   - No pile-up: a check's probes run one at a time. A probe that outlasts its interval makes
//     the check skip the ticks it missed; the next probe is at the next tick of the schedule.
//
// One goroutine per check, not a timer heap. Each check's goroutine sleeps on its own timer
// and probes synchronously, which is what makes overlap impossible without bookkeeping; it ends
// when the check is removed or Run's context ends. A heap needs one scheduler goroutine, a new
// goroutine per probe (a slow probe must not hold up the others) and a busy flag per check.
// Both were measured (before slots) with 500 checks at a 10 s interval, i.e. 50 probes a
// second, 20 s per run, on a 2-core VM, as CPU time in % of one core:
//
//	                                        goroutine per check   timer heap
//	scheduling alone (probes of a bad URL)  1.4–1.6               3.0–5.2
//	HTTP, server in another process         6.6–8.0               6.8–8.1
//
// With real probes the difference is noise: the cost is the probe (a new TCP connection and
// transport each, as backend/health requires; socket, connect and write syscalls lead the
// profile). Without them the heap costs more, as each probe's new goroutine wakes the runtime's
// scheduler once more (the same process with no checks: 0.01). What did matter is the number
// of wake-ups: with the slots above, the same benchmark (in-process httptest server, its side
// included) went from 6.2–8.4 to about 2 (100 ms slots: 2.9–4.6), at the cost of probes in one
// slot starting a few milliseconds apart. BenchmarkRunner500Checks (bench/checks-cpu.sh) gives
// the current figures.
package monitor

import (
	"time"

	"eightfold/backend/health"
)

// State of a check.
type State string

// The states of a check.
const (
	Pending State = "PENDING" // no threshold reached yet
	Up      State = "UP"      // SuccessThreshold consecutive successes
	Down    State = "DOWN"    // FailureThreshold consecutive failures
)

// Defaults of a Check's zero fields.
const (
	DefaultInterval         = 30 * time.Second
	DefaultFailureThreshold = 3
	DefaultSuccessThreshold = 2
)

// Check is one health check to run on an interval.
type Check struct {
	Name             string        // unique: "target:staging" for a deploy target's check, "check:<name>" for checks: from the config
	Probe            health.Check  // its URL and conditions (Dial set for ssh targets by the caller)
	Interval         time.Duration // 0 → DefaultInterval
	FailureThreshold int           // consecutive failures before DOWN; 0 → DefaultFailureThreshold
	SuccessThreshold int           // consecutive successes before UP; 0 → DefaultSuccessThreshold
}

// withDefaults is c with its zero fields set to their defaults.
func (c Check) withDefaults() Check {
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.FailureThreshold <= 0 {
		c.FailureThreshold = DefaultFailureThreshold
	}
	if c.SuccessThreshold <= 0 {
		c.SuccessThreshold = DefaultSuccessThreshold
	}
	return c
}

// sameSchedule reports whether c and d (both with defaults) are the same check for Set: same
// name, interval, thresholds and conditions. Dial and RootCAs are not compared (a func cannot
// be); the newer check's are used from its next probe.
func (c Check) sameSchedule(d Check) bool {
	p, q := c.Probe, d.Probe
	return c.Name == d.Name && c.Interval == d.Interval && c.FailureThreshold == d.FailureThreshold &&
		c.SuccessThreshold == d.SuccessThreshold && p.URL == q.URL && p.Status == q.Status &&
		p.Body == q.Body && p.JSONField == q.JSONField && p.JSONEquals == q.JSONEquals &&
		p.MaxTime == q.MaxTime && p.Timeout == q.Timeout
}

// Status is a check's state after an observation.
type Status struct {
	State     State
	Since     time.Time // when it entered State
	Failures  int       // consecutive failures, up to and including Last
	Successes int       // consecutive successes, up to and including Last
	Last      health.Result
}

// Transition is a change of state: PENDING→UP, UP→DOWN, DOWN→UP, PENDING→DOWN.
type Transition struct {
	Check    string // the check's Name
	From, To State
	At       time.Time
	Reason   string // the last result's reason when going DOWN; "" otherwise
}

// Sink receives every result of a Runner. Observed is called from the checks' goroutines,
// concurrently for different checks and in order for one check; it should return quickly (a
// slow sink delays that check's next probe, never another check's).
type Sink interface {
	Observed(check Check, r health.Result, st Status, tr *Transition)
}
