package workbench

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"time"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// afterRun brings the board up to date once a run has finished: it scans the commits (the
// run may have built new ones), then applies the run's verdict to the cards whose commits
// the run's commit contains, and links the run to each of them not yet delivered. A run of
// a dirty tree ran HEAD's history plus changes, so it contains HEAD's history. Only passed,
// failed and timed-out runs are verdicts: a cancelled run, or one that could not start,
// says nothing about the code. A passed run narrowed to the affected Go packages (watch
// mode) verifies nothing, since it did not test everything; its failure shows all the same.
// The event carries when the run started, which orders it among the card's runs: a CI run
// of an older commit, imported late, does not override a newer local run, yet is linked,
// and its link is dated at its start, so that it sorts into place on the card's timeline.
func (p *Project) afterRun(r RunInfo) {
	p.scanQuietly()
	if r.Commit == "" {
		return
	}
	var passed bool
	switch r.Status {
	case store.StatusPassed:
		if r.Scope != nil {
			return
		}
		passed = true
	case store.StatusFailed, store.StatusTimeout:
	default:
		return
	}
	now := p.now()
	at := now
	started, err := time.Parse(time.RFC3339, r.StartedAt) // unknown: the zero time (ordered by ID), linked now
	if err == nil {
		at = started
	}
	_, _ = p.applyContaining(r.Commit, journey.Event{Kind: journey.EventRun, At: now, RunID: r.ID, Started: started, Passed: passed},
		store.Link{Kind: store.LinkRun, Ref: runCause(r.ID), Title: r.Status, AtMs: at.UnixMilli()})
}

// applyContaining applies a run, release or deploy event of commit sha to the cards it
// concerns, and records link on each card it changed. It finds which of each card's
// current commits (linked and not retired) sha contains, and fills the event's Contains
// with them. A card the event could not change even if sha contained all its commits
// (a card past the event's stage, or with no current commit) is left out of the ancestry
// walk and gets no link: a later run does not pile links onto a card long delivered. The
// exception is a run that started before the card's last run (a CI run of an older
// commit, imported late): it changes nothing, yet it is on the card's timeline (see
// lateRun).
//
// Runs call it as they finish; releases and deploys are to call it the same way (a
// release event with its Version, a deploy event with its Env, Version and OK). It
// returns how many cards changed.
func (p *Project) applyContaining(sha string, e journey.Event, link store.Link) (int, error) {
	p.journeyMu.Lock()
	defer p.journeyMu.Unlock()
	ctx := context.Background()
	cards, err := p.store.JourneyCards(ctx, p.id)
	if err != nil || len(cards) == 0 {
		return 0, err
	}
	meta, err := p.boardMeta()
	if err != nil {
		return 0, err
	}
	cols, _ := columnsByID(meta)
	var concerned []store.JourneyCard
	var late []lateLink
	var targets []string
	for _, c := range cards {
		st, err := journeyState(c, cols)
		if err != nil {
			return 0, err
		}
		current := currentCommits(st)
		switch {
		case len(current) == 0:
			continue
		case couldChange(st, e, current):
			concerned = append(concerned, c)
		case lateRun(st, e):
			late = append(late, lateLink{current: current,
				update: store.JourneyUpdate{CardID: c.ID, Journey: c.Journey, Failure: c.Failure, Links: []store.Link{link}}})
		default:
			continue
		}
		targets = append(targets, current...)
	}
	if len(concerned)+len(late) == 0 {
		return 0, nil
	}
	repo, err := vcs.OpenRepo(p.dir)
	if errors.Is(err, vcs.ErrNotRepository) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer repo.Close()
	if e.Contains, err = repo.Contains(sha, targets); err != nil || len(e.Contains) == 0 {
		return 0, err
	}
	events := map[int64][]journeyEvent{}
	for _, c := range concerned {
		events[c.ID] = []journeyEvent{{Event: e, link: &link}}
	}
	n, err := p.applyEvents(ctx, concerned, events, nil)
	if err != nil {
		return n, err
	}
	return n, p.linkLate(ctx, late, e.Contains)
}

// lateLink is a card that a run is too late to change, and the update that links the run
// to it, leaving its state and failure as they are.
type lateLink struct {
	current []string // the card's current commits
	update  store.JourneyUpdate
}

// lateRun reports whether run event e, which cannot change the card, is still to be linked
// to it: the card is in the loop and not delivered, like a card a run can change, and its
// last run is another run, which started after e's (Reduce ignores a run that does not
// come after the card's last one). Linking the same run twice adds one link: a card's
// links are unique by kind and ref.
func lateRun(st journey.Card, e journey.Event) bool {
	return e.Kind == journey.EventRun && st.Stage.Rank() >= 0 && st.Stage != journey.StageProduction && st.LastRun != e.RunID
}

// linkLate records the late run's link on each card whose current commits the run's
// commit contains (contains), and announces them. The caller holds journeyMu.
func (p *Project) linkLate(ctx context.Context, late []lateLink, contains []string) error {
	var updates []store.JourneyUpdate
	for _, l := range late {
		if slices.ContainsFunc(l.current, func(sha string) bool { return slices.Contains(contains, sha) }) {
			updates = append(updates, l.update)
		}
	}
	if len(updates) == 0 {
		return nil
	}
	if _, err := p.store.ApplyJourney(ctx, p.id, updates, nil); err != nil {
		return err
	}
	p.announceCards(updates)
	return nil
}

// couldChange reports whether event e would change a card's state if its commit contained
// every one of the card's current commits. Containing fewer can only do less, so a card
// for which this is false need not be walked for. A run that would only be noted as the
// card's last run counts until the card is delivered: so every run of its commits is
// linked, with its status, even one that does not move it (a card its commits only
// mention, a card past Verified), and a delivered card gets no more.
func couldChange(st journey.Card, e journey.Event, current []string) bool {
	e.Contains = current
	next, _ := journey.Reduce(st, e)
	if st.Stage == journey.StageProduction {
		next.LastRun, next.LastRunStarted = st.LastRun, st.LastRunStarted
	}
	return !reflect.DeepEqual(next, st)
}
