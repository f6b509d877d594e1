package monitor

import (
	"testing"
	"time"

	"eightfold/backend/health"
)

var (
	ok   = health.Result{OK: true, Status: 200}
	fail = health.Result{Status: 503, Reason: "status 503, want 200"}
)

// TestTracker feeds sequences of results to a 3/2 tracker and checks each step's state and
// transition.
func TestTracker(t *testing.T) {
	type step struct {
		r    health.Result
		want State
		tr   string // "" for no transition, else "FROM→TO"
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"pending to up after 2 successes", []step{
			{ok, Pending, ""}, {ok, Up, "PENDING→UP"}, {ok, Up, ""},
		}},
		{"pending to down after 3 failures", []step{
			{fail, Pending, ""}, {fail, Pending, ""}, {fail, Down, "PENDING→DOWN"}, {fail, Down, ""},
		}},
		{"up to down only after 3 consecutive failures", []step{
			{ok, Pending, ""}, {ok, Up, "PENDING→UP"},
			{fail, Up, ""}, {fail, Up, ""}, {fail, Down, "UP→DOWN"},
		}},
		{"a success in between resets the failures", []step{
			{ok, Pending, ""}, {ok, Up, "PENDING→UP"},
			{fail, Up, ""}, {fail, Up, ""}, {ok, Up, ""}, {fail, Up, ""}, {fail, Up, ""}, {fail, Down, "UP→DOWN"},
		}},
		{"flapping never goes down", []step{
			{ok, Pending, ""}, {ok, Up, "PENDING→UP"},
			{fail, Up, ""}, {ok, Up, ""}, {fail, Up, ""}, {ok, Up, ""}, {fail, Up, ""}, {ok, Up, ""},
		}},
		{"flapping from pending decides nothing", []step{
			{fail, Pending, ""}, {ok, Pending, ""}, {fail, Pending, ""}, {ok, Pending, ""},
		}},
		{"down to up after 2 successes, a failure resets them", []step{
			{fail, Pending, ""}, {fail, Pending, ""}, {fail, Down, "PENDING→DOWN"},
			{ok, Down, ""}, {fail, Down, ""}, {ok, Down, ""}, {ok, Up, "DOWN→UP"},
		}},
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tk := NewTracker(3, 2)
			since := time.Time{}
			for i, s := range tc.steps {
				at := t0.Add(time.Duration(i) * time.Second)
				st, tr := tk.Observe(s.r, at)
				if st.State != s.want {
					t.Fatalf("step %d: state %s, want %s", i, st.State, s.want)
				}
				got := ""
				if tr != nil {
					got = string(tr.From) + "→" + string(tr.To)
					if !tr.At.Equal(at) {
						t.Errorf("step %d: transition at %v, want %v", i, tr.At, at)
					}
					wantReason := ""
					if tr.To == Down {
						wantReason = s.r.Reason
					}
					if tr.Reason != wantReason {
						t.Errorf("step %d: reason %q, want %q", i, tr.Reason, wantReason)
					}
					since = at
				}
				if got != s.tr {
					t.Fatalf("step %d: transition %q, want %q", i, got, s.tr)
				}
				if i == 0 && tr == nil {
					since = at // PENDING since the first observation
				}
				if !st.Since.Equal(since) {
					t.Errorf("step %d: since %v, want %v", i, st.Since, since)
				}
				if st.Last != s.r {
					t.Errorf("step %d: last %+v, want %+v", i, st.Last, s.r)
				}
				if (s.r.OK && (st.Successes == 0 || st.Failures != 0)) || (!s.r.OK && (st.Failures == 0 || st.Successes != 0)) {
					t.Errorf("step %d: %d successes, %d failures after OK=%v", i, st.Successes, st.Failures, s.r.OK)
				}
			}
		})
	}
}

// TestTrackerDefaults: thresholds ≤ 0 take the defaults 3 and 2.
func TestTrackerDefaults(t *testing.T) {
	tk := NewTracker(0, -1)
	if st := tk.Status(); st.State != Pending {
		t.Fatalf("new tracker: %s, want PENDING", st.State)
	}
	at := time.Unix(0, 0)
	for i, want := range []State{Pending, Pending, Down} {
		if st, _ := tk.Observe(fail, at); st.State != want {
			t.Fatalf("failure %d: %s, want %s", i+1, st.State, want)
		}
	}
	for i, want := range []State{Down, Up} {
		if st, _ := tk.Observe(ok, at); st.State != want {
			t.Fatalf("success %d: %s, want %s", i+1, st.State, want)
		}
	}
}

// TestNextTick: the schedule does not drift and skips the ticks a slow probe missed.
func TestNextTick(t *testing.T) {
	t0 := time.Unix(1000, 0)
	s := time.Second
	cases := []struct {
		now  time.Duration // after t0
		want time.Duration // after t0
	}{
		{100 * time.Millisecond, s},      // quick probe: the next tick
		{999 * time.Millisecond, s},      // just in time
		{s, 2 * s},                       // exactly on the tick: it is missed
		{2500 * time.Millisecond, 3 * s}, // two ticks missed
		{10*s + time.Nanosecond, 11 * s}, // many
	}
	for _, c := range cases {
		if got := nextTick(t0, t0.Add(c.now), s); !got.Equal(t0.Add(c.want)) {
			t.Errorf("now t0+%v: next t0+%v, want t0+%v", c.now, got.Sub(t0), c.want)
		}
	}
}

// TestFirstTick: the first probe is within the interval from now, on a slot boundary.
func TestFirstTick(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	for _, c := range []struct{ interval, slot time.Duration }{
		{10 * time.Second, 500 * time.Millisecond},
		{30 * time.Second, time.Second},
		{time.Hour, time.Second},
		{20 * time.Millisecond, time.Millisecond},
	} {
		for range 200 {
			got := firstTick(now, c.interval)
			if got.Before(now) || got.Sub(now) > c.interval || !got.Equal(got.Truncate(c.slot)) {
				t.Fatalf("interval %v: first tick now+%v, want within the interval on a %v slot", c.interval, got.Sub(now), c.slot)
			}
		}
	}
}
