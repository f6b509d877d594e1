package monitor

import (
	"time"

	"eightfold/backend/health"
)

// Tracker applies the failure and success thresholds to a check's results, Gatus-style. It is
// pure: no clock (the caller passes the time of each result) and no goroutines; it is not safe
// for concurrent use.
//
// The state starts PENDING. From PENDING the first threshold reached decides (SuccessThreshold
// consecutive successes → UP, FailureThreshold consecutive failures → DOWN); from UP,
// FailureThreshold consecutive failures → DOWN; from DOWN, SuccessThreshold consecutive
// successes → UP. A failure resets the count of successes and a success the count of
// failures, so a check that flaps (fail, ok, fail, ok) never changes state.
type Tracker struct {
	failureThreshold, successThreshold int
	st                                 Status
}

// NewTracker returns a tracker in state PENDING. A threshold ≤ 0 takes its default
// (DefaultFailureThreshold, DefaultSuccessThreshold).
func NewTracker(failureThreshold, successThreshold int) *Tracker {
	if failureThreshold <= 0 {
		failureThreshold = DefaultFailureThreshold
	}
	if successThreshold <= 0 {
		successThreshold = DefaultSuccessThreshold
	}
	return &Tracker{failureThreshold: failureThreshold, successThreshold: successThreshold, st: Status{State: Pending}}
}

// Status is the state after the last observation (PENDING, with a zero Since, before any).
func (t *Tracker) Status() Status { return t.st }

// Observe records the result r, obtained at at, and returns the new status and the transition
// it caused, nil when the state did not change. The Transition's Check is left empty for the
// caller to fill. PENDING's Since is the time of the first observation.
func (t *Tracker) Observe(r health.Result, at time.Time) (Status, *Transition) {
	st := &t.st
	if st.Since.IsZero() {
		st.Since = at
	}
	if r.OK {
		st.Successes++
		st.Failures = 0
	} else {
		st.Failures++
		st.Successes = 0
	}
	st.Last = r

	to := st.State
	switch {
	case st.State != Up && r.OK && st.Successes >= t.successThreshold:
		to = Up
	case st.State != Down && !r.OK && st.Failures >= t.failureThreshold:
		to = Down
	}
	if to == st.State {
		return *st, nil
	}
	tr := &Transition{From: st.State, To: to, At: at}
	if to == Down {
		tr.Reason = r.Reason
	}
	st.State, st.Since = to, at
	return *st, tr
}
