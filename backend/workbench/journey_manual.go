package workbench

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// moveByHand moves a card by hand, through the reducer: a move to another column is a move
// event (a move back to Plan or Code, or to Canceled, retires the card's commits so that a
// later run of them does not push it forward again, and clears its failure). The state
// before the move is kept on the transition, for UndoMove, and who moved it in its cause
// (see mover). A reorder within a column is no move and leaves the journey alone.
func (p *Project) moveByHand(id, columnID, before, after int64) (store.Card, error) {
	who := p.mover()
	p.journeyMu.Lock()
	defer p.journeyMu.Unlock()
	ctx := context.Background()
	m := store.Move{ProjectID: p.id, CardID: id, ColumnID: columnID, Before: before, After: after,
		CauseKind: store.CauseUser, CauseRef: who, AtMs: p.nowMs()}
	jc, err := p.store.JourneyCard(ctx, p.id, id)
	if err != nil {
		return store.Card{}, err
	}
	meta, err := p.boardMeta()
	if err != nil {
		return store.Card{}, err
	}
	cols, _ := columnsByID(meta)
	if to, ok := cols[columnID]; ok && columnID != jc.ColumnID {
		st, err := journeyState(jc, cols)
		if err != nil {
			return store.Card{}, err
		}
		e := journey.Event{Kind: journey.EventMove, At: time.UnixMilli(m.AtMs), To: journey.Stage(to.Stage), ToColumn: columnID, By: who}
		if to.Stage != "" {
			e.ToColumn = 0 // the card sits in the column bound to its stage
		}
		next, _ := journey.Reduce(st, e)
		m.Journey = &store.JourneyChange{Before: marshalState(st), After: marshalState(next), Failure: next.Failure}
	}
	c, _, err := p.store.MoveCard(ctx, m)
	return c, err
}

// mover names the person who moves cards by hand: git's identity in the project's
// repository, "Ann Lee <ann@example.com>" (the one its release tags are made with), else
// user@machine, as deploys name who deployed.
func (p *Project) mover() string {
	repo, err := vcs.OpenRepo(p.dir)
	if err != nil {
		return whoAmI()
	}
	defer repo.Close()
	sig, err := repo.Identity()
	if err != nil {
		return whoAmI()
	}
	return sig.Name + " <" + sig.Email + ">"
}

// undoMove undoes the newest move by hand and restores the card's journey state from before
// that move: the commits the move retired count again, and the failure it cleared shows
// again unless a newer one replaced it. What was linked since (commits, branches, runs)
// stays.
func (p *Project) undoMove() (store.Card, error) {
	p.journeyMu.Lock()
	defer p.journeyMu.Unlock()
	ctx := context.Background()
	c, undo, err := p.store.UndoMove(ctx, p.id, p.nowMs())
	if err != nil {
		return c, err
	}
	undone, err := strconv.ParseInt(undo.CauseRef, 10, 64)
	if err != nil {
		return c, fmt.Errorf("undo of card #%d: transition %q: %w", c.Number, undo.CauseRef, err)
	}
	before, err := p.store.JourneyBefore(ctx, p.id, undone)
	if err != nil || before == "" {
		return c, err // a move made before journeys were kept: nothing to restore
	}
	var old journey.Card
	if err := json.Unmarshal([]byte(before), &old); err != nil {
		return c, fmt.Errorf("the journey state of card #%d before its move does not load: %w", c.Number, err)
	}
	jc, err := p.store.JourneyCard(ctx, p.id, c.ID)
	if err != nil {
		return c, err
	}
	meta, err := p.boardMeta()
	if err != nil {
		return c, err
	}
	cols, _ := columnsByID(meta)
	st, err := journeyState(jc, cols)
	if err != nil {
		return c, err
	}
	st.Retired = old.Retired
	if st.Failure == "" {
		st.Failure, st.FailureOf = old.Failure, old.FailureOf
	}
	if err := p.store.SetJourney(ctx, p.id, c.ID, marshalState(st), st.Failure); err != nil {
		return c, err
	}
	return p.store.Card(ctx, p.id, c.ID)
}

// linkCommitEvent applies a commit linked by hand (closing) to the card's journey, now: a
// card in Plan moves to Code. It returns how many cards changed (and were announced).
func (p *Project) linkCommitEvent(cardID int64, sha string) (int, error) {
	p.journeyMu.Lock()
	defer p.journeyMu.Unlock()
	ctx := context.Background()
	jc, err := p.store.JourneyCard(ctx, p.id, cardID)
	if err != nil {
		return 0, err
	}
	e := journeyEvent{Event: journey.Event{Kind: journey.EventCommit, At: p.now(), Commit: sha, Closing: true}}
	return p.applyEvents(ctx, []store.JourneyCard{jc}, map[int64][]journeyEvent{cardID: {e}}, nil)
}
