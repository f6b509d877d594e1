package plan

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// tr is a transition to stage to at at (the From stage plays no part in the figures).
func tr(to Stage, at time.Time) Transition {
	return Transition{To: to, At: at, Cause: Cause{Kind: CauseUser, Ref: "ada"}}
}

func TestCardTimes(t *testing.T) {
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := func(n float64) time.Time { return created.Add(time.Duration(n * float64(time.Hour))) }
	now := h(240)
	journey := []Transition{tr(StageCode, h(2)), tr(StageVerified, h(26)), tr(StageReleased, h(50)), tr(StageStaging, h(74)), tr(StageProduction, h(98))}
	for _, tc := range []struct {
		name        string
		transitions []Transition
		now         time.Time
		want        CardFigures
	}{
		{"no transitions", nil, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 240 * time.Hour}},
		{"in Code", []Transition{tr(StageCode, h(1))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 239 * time.Hour, Started: true, StartedAt: h(1)}},
		{"around the loop", journey, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 142 * time.Hour, Started: true, StartedAt: h(2), Delivered: true, DeliveredAt: h(98), Lead: 98 * time.Hour, Cycle: 96 * time.Hour}},
		{"around the loop, out of order", []Transition{journey[4], journey[1], journey[3], journey[0], journey[2]}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 142 * time.Hour, Started: true, StartedAt: h(2), Delivered: true, DeliveredAt: h(98), Lead: 98 * time.Hour, Cycle: 96 * time.Hour}},
		{"from Plan to Production by hand", []Transition{tr(StageProduction, h(5))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 235 * time.Hour, Started: true, StartedAt: h(5), Delivered: true, DeliveredAt: h(5), Lead: 5 * time.Hour}},
		{"sent back after delivery", []Transition{tr(StageCode, h(1)), tr(StageProduction, h(10)), tr(StageCode, h(20)), tr(StageProduction, h(30))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 210 * time.Hour, Started: true, StartedAt: h(1), Delivered: true, DeliveredAt: h(10), Lead: 10 * time.Hour, Cycle: 9 * time.Hour}},
		{"started by a commit older than the card", []Transition{tr(StageCode, h(-48)), tr(StageProduction, h(24))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 216 * time.Hour, Started: true, StartedAt: created, Delivered: true, DeliveredAt: h(24), Lead: 24 * time.Hour, Cycle: 24 * time.Hour}},
		{"a move between columns of one stage", []Transition{tr(StageCode, h(1)), tr(StageCode, h(5))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 235 * time.Hour, Started: true, StartedAt: h(1)}},
		{"canceled is not started", []Transition{tr(StageCanceled, h(1))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 239 * time.Hour}},
		{"back to Plan", []Transition{tr(StageCode, h(1)), tr(StagePlan, h(3))}, now,
			CardFigures{Age: 240 * time.Hour, InColumn: 237 * time.Hour, Started: true, StartedAt: h(1)}},
		{"now before the card", nil, h(-1),
			CardFigures{}},
		{"now before the last transition", []Transition{tr(StageCode, h(5))}, h(4),
			CardFigures{Age: 4 * time.Hour, Started: true, StartedAt: h(5)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CardTimes(created, tc.transitions, tc.now); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got: %+v\nwant: %+v", got, tc.want)
			}
		})
	}
}

// delivered is a card created a week before it starts, started at start and delivered at
// done (no delivery when done is zero).
func delivered(start, done time.Time) CardTimeline {
	c := CardTimeline{Created: start.Add(-7 * 24 * time.Hour), Transitions: []Transition{tr(StageCode, start)}}
	if !done.IsZero() {
		c.Transitions = append(c.Transitions, tr(StageVerified, done), tr(StageProduction, done))
	}
	return c
}

// weeks renders throughput as "2026-W10 03-02 +0000: 1".
func weeks(ws []WeekThroughput) []string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprintf("%d-W%02d %s: %d", w.Year, w.Week, w.Start.Format("01-02 -0700"), w.Cards))
	}
	return out
}

func TestBoardTimes(t *testing.T) {
	utc := func(mon time.Month, day, hour, min int) time.Time {
		return time.Date(2026, mon, day, hour, min, 0, 0, time.UTC)
	}
	board := []CardTimeline{
		delivered(utc(3, 2, 10, 0), utc(3, 3, 10, 0)),   // week 10, cycle 24h
		delivered(utc(3, 9, 0, 0), utc(3, 15, 23, 59)),  // Sunday of week 11, cycle 6d23h59m
		delivered(utc(3, 16, 0, 0), utc(3, 16, 0, 0)),   // Monday 00:00 of week 12, cycle 0
		delivered(utc(3, 1, 0, 0), utc(3, 1, 23, 0)),    // week 9, before the window
		delivered(utc(3, 17, 0, 0), utc(3, 18, 13, 0)),  // after now
		delivered(utc(3, 10, 0, 0), time.Time{}),        // not delivered
		delivered(utc(3, 10, 12, 0), utc(3, 12, 12, 0)), // week 11, cycle 48h
	}
	now := utc(3, 18, 12, 0) // Wednesday of week 12
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cards  []CardTimeline
		now    time.Time
		weeks  int
		want   []string
		done   int
		median time.Duration
	}{
		{"three weeks, even count", board, now, 3,
			[]string{"2026-W10 03-02 +0000: 1", "2026-W11 03-09 +0000: 2", "2026-W12 03-16 +0000: 1"}, 4, 36 * time.Hour},
		{"two weeks, odd count", board, now, 2,
			[]string{"2026-W11 03-09 +0000: 2", "2026-W12 03-16 +0000: 1"}, 3, 48 * time.Hour},
		{"this week", board, now, 1,
			[]string{"2026-W12 03-16 +0000: 1"}, 1, 0},
		{"no cards", nil, now, 2,
			[]string{"2026-W11 03-09 +0000: 0", "2026-W12 03-16 +0000: 0"}, 0, 0},
		{"no weeks", board, now, 0, nil, 0, 0},
		{"negative weeks", board, now, -3, nil, 0, 0},
		{"across a year with 53 weeks", []CardTimeline{delivered(utc(12, 28, 8, 0), utc(12, 31, 8, 0))}, time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC), 2,
			[]string{"2026-W53 12-28 +0000: 1", "2027-W01 01-04 +0000: 0"}, 1, 72 * time.Hour},
		{"across the start of summer time", []CardTimeline{
			delivered(utc(3, 25, 0, 0), utc(3, 29, 21, 30)), // Sunday 23:30 in Berlin
			delivered(utc(3, 25, 0, 0), utc(3, 29, 22, 30)), // Monday 00:30 in Berlin
		}, time.Date(2026, 3, 31, 12, 0, 0, 0, berlin), 2,
			[]string{"2026-W13 03-23 +0100: 1", "2026-W14 03-30 +0200: 1"}, 2, 4*24*time.Hour + 22*time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := BoardTimes(tc.cards, tc.now, tc.weeks)
			if w := weeks(got.Weeks); !reflect.DeepEqual(w, tc.want) {
				t.Errorf("weeks\n got: %q\nwant: %q", w, tc.want)
			}
			if got.Delivered != tc.done || got.MedianCycle != tc.median {
				t.Errorf("delivered %d, median cycle %v; want %d, %v", got.Delivered, got.MedianCycle, tc.done, tc.median)
			}
		})
	}
	if n := len(BoardTimes(nil, now, 1_000_000).Weeks); n != maxWeeks {
		t.Errorf("a million weeks gives %d weeks, want %d", n, maxWeeks)
	}
}
