package workbench

import (
	"context"
	"time"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
)

// figureWeeks is how many weeks the board's throughput covers, the current one included.
const figureWeeks = 8

// CardFigures are a card's times, from its transitions (moves that were undone and
// reorders within a column left out). Durations are in milliseconds.
type CardFigures struct {
	AgeMs int64 `json:"age_ms"` // since it was created
	// TimeInColumnMs is the time since its last move (or its creation).
	TimeInColumnMs int64 `json:"time_in_column_ms"`
	// Started says it has reached Code or a later stage; StartedAt is when it first did
	// (RFC 3339; "" when not started).
	Started   bool   `json:"started"`
	StartedAt string `json:"started_at"`
	// Delivered says it has reached Production; DeliveredAt is when it first did ("" when
	// not delivered). A card sent back afterwards stays delivered.
	Delivered   bool   `json:"delivered"`
	DeliveredAt string `json:"delivered_at"`
	// LeadTimeMs runs from creation to delivery, CycleTimeMs from the first Code to
	// delivery; both null until delivered.
	LeadTimeMs  *int64 `json:"lead_time_ms"`
	CycleTimeMs *int64 `json:"cycle_time_ms"`
}

// BoardFigures are the board's delivery figures over the last weeks.
type BoardFigures struct {
	// Weeks are the throughput of the last 8 ISO weeks (Monday to Sunday, local time),
	// oldest first; the last is the current week, so far.
	Weeks []WeekFigure `json:"weeks"`
	// Delivered is how many cards first reached Production in those weeks.
	Delivered int `json:"delivered"`
	// MedianCycleTimeMs is the median cycle time of those cards; null when there are none.
	MedianCycleTimeMs *int64 `json:"median_cycle_time_ms"`
}

// WeekFigure is the throughput of one ISO week.
type WeekFigure struct {
	Year  int    `json:"year"`  // the ISO year
	Week  int    `json:"week"`  // the ISO week, 1 to 53
	Start string `json:"start"` // its Monday, YYYY-MM-DD
	Cards int    `json:"cards"` // cards that first reached Production that week
}

// moves turns stored transitions into the reducer's, for the figures: moves undone and
// reorders within a column are left out.
func moves(ts []store.Transition) []journey.Transition {
	out := make([]journey.Transition, 0, len(ts))
	for _, t := range ts {
		if t.UndoneBy != 0 || (t.FromColumn == t.ToColumn && t.FromStage == t.ToStage && t.FromColumn != 0) {
			continue
		}
		out = append(out, journey.Transition{From: journey.Stage(t.FromStage), To: journey.Stage(t.ToStage), At: time.UnixMilli(t.AtMs)})
	}
	return out
}

// cardFigures computes a card's figures at now.
func cardFigures(createdMs int64, ts []store.Transition, now time.Time) CardFigures {
	f := journey.CardTimes(time.UnixMilli(createdMs), moves(ts), now)
	out := CardFigures{AgeMs: f.Age.Milliseconds(), TimeInColumnMs: f.InColumn.Milliseconds(), Started: f.Started, Delivered: f.Delivered}
	if f.Started {
		out.StartedAt = f.StartedAt.UTC().Format(time.RFC3339)
	}
	if f.Delivered {
		out.DeliveredAt = f.DeliveredAt.UTC().Format(time.RFC3339)
		lead, cycle := f.Lead.Milliseconds(), f.Cycle.Milliseconds()
		out.LeadTimeMs, out.CycleTimeMs = &lead, &cycle
	}
	return out
}

// boardFigures computes the board's figures at now from its deliveries.
func boardFigures(deliveries []store.Delivery, now time.Time) BoardFigures {
	cards := make([]journey.CardTimeline, 0, len(deliveries))
	for _, d := range deliveries {
		cards = append(cards, journey.CardTimeline{Created: time.UnixMilli(d.CreatedMs), Transitions: []journey.Transition{
			{To: journey.StageCode, At: time.UnixMilli(d.StartedMs)},
			{To: journey.StageProduction, At: time.UnixMilli(d.DeliveredMs)},
		}})
	}
	f := journey.BoardTimes(cards, now, figureWeeks)
	out := BoardFigures{Weeks: make([]WeekFigure, 0, len(f.Weeks)), Delivered: f.Delivered}
	for _, w := range f.Weeks {
		out.Weeks = append(out.Weeks, WeekFigure{Year: w.Year, Week: w.Week, Start: w.Start.Format(time.DateOnly), Cards: w.Cards})
	}
	if f.Delivered > 0 {
		ms := f.MedianCycle.Milliseconds()
		out.MedianCycleTimeMs = &ms
	}
	return out
}

// deliveries loads the cards delivered in the figures' window at now (a week more, for
// the time zone's sake: BoardTimes keeps to the window), each with its first start and
// delivery: the two moves that BoardTimes needs of a card.
func (p *Project) deliveries(now time.Time) ([]store.Delivery, error) {
	var started []string
	for _, s := range Stages {
		if journey.Stage(s).Rank() >= journey.StageCode.Rank() && journey.Stage(s) != journey.StageProduction {
			started = append(started, s)
		}
	}
	since := now.AddDate(0, 0, -7*(figureWeeks+1))
	return p.store.Deliveries(context.Background(), p.id, started, string(journey.StageProduction), since.UnixMilli())
}
