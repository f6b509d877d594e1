package workbench

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
)

// The card's journey: backend/plan's reducer (imported as journey) decides, this file feeds
// it events and stores what it decides. Every change to a card's journey state (scans, runs, releases, deploys,
// links and moves by hand) happens under Project.journeyMu, so that reading a card's state,
// reducing and writing it back never interleave. A card's stored stage and column are the
// truth of where it is: the state is reconciled with them whenever it is loaded.

// journeyEvent is an event for one card, and the link to record when it changes the card.
type journeyEvent struct {
	journey.Event
	link *store.Link
}

// announceMax is how many changed cards are announced one by one; beyond it, a single
// board.changed with what "board" asks the faces to reload the board.
const announceMax = 20

// journeyState returns a card's reducer state, reconciled with where the card is.
func journeyState(c store.JourneyCard, cols map[int64]store.Column) (journey.Card, error) {
	var st journey.Card
	if c.Journey != "" {
		if err := json.Unmarshal([]byte(c.Journey), &st); err != nil {
			return st, fmt.Errorf("the journey state of card %d does not load: %w", c.Number, err)
		}
	}
	st.Stage = journey.Stage(c.Stage)
	if st.Stage == "" {
		st.Stage = journey.StagePlan // as Reduce counts it
	}
	st.Column = 0
	if cols[c.ColumnID].Stage != c.Stage {
		st.Column = c.ColumnID // a column bound to no stage (or to another one)
	}
	return st, nil
}

// marshalState turns a reducer state into what the store keeps.
func marshalState(st journey.Card) string {
	b, _ := json.Marshal(st) // plain strings, numbers and string slices: it cannot fail
	return string(b)
}

// columnsByID indexes a board's columns, and says which stages a column is bound to.
func columnsByID(b store.Board) (map[int64]store.Column, map[journey.Stage]bool) {
	cols := map[int64]store.Column{}
	bound := map[journey.Stage]bool{}
	for _, c := range b.Columns {
		cols[c.ID] = c
		if c.Stage != "" {
			bound[journey.Stage(c.Stage)] = true
		}
	}
	return cols, bound
}

// reduceCard applies a card's events in order. It returns the update to store, or ok false
// when nothing changed. A transition to a stage no column is bound to is dropped: the card
// stays where it is, in its stage, and nothing is logged. Events are dated no earlier than
// the card entered its column (a linked commit may be older) and no later than now.
func reduceCard(c store.JourneyCard, st journey.Card, events []journeyEvent, bound map[journey.Stage]bool, now time.Time) (store.JourneyUpdate, bool) {
	u := store.JourneyUpdate{CardID: c.ID}
	entered := time.UnixMilli(c.EnteredMs)
	changed := false
	for _, e := range events {
		if e.At.Before(entered) {
			e.At = entered
		}
		if e.At.After(now) {
			e.At = now
		}
		next, ts := journey.Reduce(st, e.Event)
		if reflect.DeepEqual(next, st) {
			continue
		}
		changed = true
		if e.link != nil {
			u.Links = append(u.Links, *e.link)
		}
		for _, t := range ts {
			if !bound[t.To] {
				next.Stage, next.Column = st.Stage, st.Column
				continue
			}
			ref := t.Cause.Ref
			if t.Cause.Kind == journey.CauseRun {
				ref = strconv.FormatInt(e.RunID, 10) // the store names a run by its id
			}
			u.Moves = append(u.Moves, store.JourneyMove{Stage: string(t.To), CauseKind: t.Cause.Kind, CauseRef: ref, AtMs: t.At.UnixMilli()})
			entered = t.At
		}
		st = next
	}
	u.Journey, u.Failure = marshalState(st), st.Failure
	return u, changed
}

// applyEvents reduces the events of each card (keyed by card id; cards holds them all),
// stores what changed together with the scanned commits, and announces the changed cards.
// It returns how many cards changed. The caller holds journeyMu.
func (p *Project) applyEvents(ctx context.Context, cards []store.JourneyCard, events map[int64][]journeyEvent, scanned []string) (int, error) {
	var updates []store.JourneyUpdate
	if len(events) > 0 {
		meta, err := p.boardMeta()
		if err != nil {
			return 0, err
		}
		cols, bound := columnsByID(meta)
		now := p.now()
		for _, c := range cards {
			evs := events[c.ID]
			if len(evs) == 0 {
				continue
			}
			st, err := journeyState(c, cols)
			if err != nil {
				return 0, err
			}
			if u, ok := reduceCard(c, st, evs, bound, now); ok {
				updates = append(updates, u)
			}
		}
	}
	if len(updates) == 0 && len(scanned) == 0 {
		return 0, nil
	}
	if _, err := p.store.ApplyJourney(ctx, p.id, updates, scanned); err != nil {
		return 0, err
	}
	p.announceCards(updates)
	return len(updates), nil
}

// announceCards emits board.changed for each changed card, or once for the whole board
// when many changed.
func (p *Project) announceCards(updates []store.JourneyUpdate) {
	if len(updates) > announceMax {
		p.changed("board", nil)
		return
	}
	for _, u := range updates {
		p.announceCard(u.CardID)
	}
}

// currentCommits are the card's linked commits that still count for its progress.
func currentCommits(st journey.Card) []string {
	var out []string
	for _, sha := range st.Commits {
		if !slices.Contains(st.Retired, sha) {
			out = append(out, sha)
		}
	}
	return out
}
