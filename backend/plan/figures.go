package plan

import (
	"slices"
	"time"
)

// CardFigures are the times of one card. Durations are never negative; a transition dated
// before the card was created counts as at its creation (a linked commit may be older than
// its card).
type CardFigures struct {
	// Age is the time since the card was created.
	Age time.Duration
	// InColumn is the time since the card's last transition (of any kind, a move between
	// two columns of one stage included), or since its creation when it has none.
	InColumn time.Duration
	// Started says the card has reached Code or any stage after it; StartedAt is when it
	// first did (zero when not Started).
	Started   bool
	StartedAt time.Time
	// Delivered says the card has reached Production; DeliveredAt is when it first did
	// (zero when not Delivered). A card sent back afterwards stays delivered.
	Delivered   bool
	DeliveredAt time.Time
	// Lead is the lead time, from creation to DeliveredAt; Cycle the cycle time, from
	// StartedAt to DeliveredAt. Both are 0 when the card is not Delivered.
	Lead, Cycle time.Duration
}

// CardTimes computes a card's figures from its creation time and its transitions (in any
// order) at time now.
func CardTimes(created time.Time, transitions []Transition, now time.Time) CardFigures {
	var f CardFigures
	last := created
	for _, t := range transitions {
		at := t.At
		if at.Before(created) {
			at = created
		}
		if !at.Before(last) {
			last = at
		}
		if t.To.Rank() >= StageCode.Rank() && (!f.Started || at.Before(f.StartedAt)) {
			f.Started, f.StartedAt = true, at
		}
		if t.To == StageProduction && (!f.Delivered || at.Before(f.DeliveredAt)) {
			f.Delivered, f.DeliveredAt = true, at
		}
	}
	f.Age = since(created, now)
	f.InColumn = since(last, now)
	if f.Delivered {
		f.Lead = f.DeliveredAt.Sub(created)
		f.Cycle = f.DeliveredAt.Sub(f.StartedAt)
	}
	return f
}

// since returns now - t, or 0 when t is after now.
func since(t, now time.Time) time.Duration {
	return max(now.Sub(t), 0)
}

// CardTimeline is what BoardTimes needs of a card: when it was created and its transitions.
type CardTimeline struct {
	Created     time.Time
	Transitions []Transition
}

// WeekThroughput is the number of cards delivered in one ISO week.
type WeekThroughput struct {
	// Year and Week are the ISO 8601 year and week number (1 to 53).
	Year, Week int
	// Start is the week's Monday at 00:00 in now's location.
	Start time.Time
	// Cards is how many cards first reached Production that week.
	Cards int
}

// BoardFigures are the figures of a board over a window of weeks.
type BoardFigures struct {
	// Weeks is the throughput of each week of the window, oldest first; the last is the
	// current week, up to now.
	Weeks []WeekThroughput
	// Delivered is how many cards first reached Production in the window.
	Delivered int
	// MedianCycle is the median cycle time of those cards (the mean of the two middle
	// ones for an even count); 0 when there are none.
	MedianCycle time.Duration
}

// maxWeeks bounds the window of BoardTimes to ten years.
const maxWeeks = 520

// BoardTimes computes a board's throughput over the last weeks ISO weeks (the current one
// included; Monday to Sunday in now's location) and the median cycle time of the cards
// delivered in that window. A card counts once, in the week it first reached Production
// (as CardTimes dates it); deliveries after now are ignored. weeks < 1 gives empty figures;
// weeks above 520 count as 520.
func BoardTimes(cards []CardTimeline, now time.Time, weeks int) BoardFigures {
	if weeks < 1 {
		return BoardFigures{}
	}
	weeks = min(weeks, maxWeeks)
	y, m, d := now.Date()
	monday := d - (int(now.Weekday())+6)%7
	first := time.Date(y, m, monday-7*(weeks-1), 0, 0, 0, 0, now.Location())
	out := BoardFigures{Weeks: make([]WeekThroughput, weeks)}
	for i := range out.Weeks {
		start := time.Date(y, m, monday-7*(weeks-1-i), 0, 0, 0, 0, now.Location())
		wy, wk := start.ISOWeek()
		out.Weeks[i] = WeekThroughput{Year: wy, Week: wk, Start: start}
	}
	var cycles []time.Duration
	for _, c := range cards {
		f := CardTimes(c.Created, c.Transitions, now)
		if !f.Delivered || f.DeliveredAt.Before(first) || f.DeliveredAt.After(now) {
			continue
		}
		i := int((dayNumber(f.DeliveredAt.In(now.Location())) - dayNumber(first)) / 7)
		out.Weeks[i].Cards++
		cycles = append(cycles, f.Cycle)
	}
	out.Delivered = len(cycles)
	if n := len(cycles); n > 0 {
		slices.Sort(cycles)
		out.MedianCycle = cycles[n/2]
		if n%2 == 0 {
			a := cycles[n/2-1]
			out.MedianCycle = a + (cycles[n/2]-a)/2
		}
	}
	return out
}

// dayNumber returns the number of t's calendar day (in t's location) counted from
// 1970-01-01, so that whole days compare without daylight saving time in the way.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
