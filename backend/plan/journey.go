package plan

import (
	"slices"
	"strconv"
	"time"
)

// Stage is where a card is in the loop; default columns are bound to stages.
type Stage string

// The stages, in the order automation moves a card through them. Canceled is outside the
// loop: only a person moves a card into it or out of it.
const (
	StagePlan       Stage = "plan"
	StageCode       Stage = "code"
	StageVerified   Stage = "verified"
	StageReleased   Stage = "released"
	StageStaging    Stage = "staging"
	StageProduction Stage = "production"
	StageCanceled   Stage = "canceled"
)

// Rank is a stage's place in the loop: 0 for Plan to 5 for Production, -1 for Canceled and
// for any stage this package does not know.
func (s Stage) Rank() int {
	switch s {
	case StagePlan:
		return 0
	case StageCode:
		return 1
	case StageVerified:
		return 2
	case StageReleased:
		return 3
	case StageStaging:
		return 4
	case StageProduction:
		return 5
	}
	return -1
}

// Card is what the reducer knows of a card. The caller stores it as it comes back from
// Reduce (it marshals to JSON) and passes it back with the next event; a new card is
// Card{Stage: StagePlan}, or the stage of the column it is created in.
type Card struct {
	// Stage is how far the card has come.
	Stage Stage `json:"stage"`
	// Column is the column a person last put the card in; 0 when it sits in the column
	// bound to Stage (automatic moves reset it).
	Column int64 `json:"column,omitempty"`
	// Failure is the last failure shown on the card ("run #12 failed", "staging deploy of
	// v1.4.0 failed"); "" when none.
	Failure string `json:"failure,omitempty"`
	// FailureOf is what failed, so that a later success of the same thing clears it:
	// "run", "deploy staging" or "deploy production"; "" when none.
	FailureOf string `json:"failureOf,omitempty"`
	// Commits are the SHAs of every commit linked to the card, in the order linked.
	Commits []string `json:"commits,omitempty"`
	// Closing are the SHAs of the linked commits that close the card, in the order linked.
	Closing []string `json:"closing,omitempty"`
	// Retired are the SHAs of the commits linked before a person sent the card back to
	// Plan or Code or canceled it: they no longer count for the card's progress.
	Retired []string `json:"retired,omitempty"`
	// Branches are the names of the branches linked to the card.
	Branches []string `json:"branches,omitempty"`
	// LastRun is the ID of the latest run of the card's commits that Reduce has applied, and
	// LastRunStarted when that run started, in Unix milliseconds: 0 when its event did not
	// say (cards stored before run events carried it). A run that does not come after it
	// (see Event.Started) is old news and changes nothing.
	LastRun        int64 `json:"lastRun,omitempty"`
	LastRunStarted int64 `json:"lastRunStarted,omitempty"`
}

// EventKind says what happened.
type EventKind string

// The kinds of event.
const (
	EventCommit  EventKind = "commit"  // a commit was linked to the card
	EventBranch  EventKind = "branch"  // a branch was linked to the card
	EventRun     EventKind = "run"     // a run finished
	EventRelease EventKind = "release" // a release was made
	EventDeploy  EventKind = "deploy"  // a deploy finished
	EventMove    EventKind = "move"    // a person moved the card
)

// Event is something that happened to or near a card.
type Event struct {
	Kind EventKind
	// At is when it happened; transitions carry it.
	At time.Time
	// Commit is the SHA of a commit event.
	Commit string
	// Ref is the branch name of a branch event.
	Ref string
	// Closing says the commit of a commit event closes the card.
	Closing bool
	// RunID, Started and Passed describe a run event. Run IDs are positive and grow with
	// each run recorded, which is not the order the runs ran in: a CI run of an older
	// commit, imported late, gets a higher ID than the local runs of newer ones. So runs
	// are ordered by when they started, ties by ID, and a run that does not come after the
	// card's last one is ignored: neither a slow old run that ends after a newer one nor a
	// CI run imported late can override it. When either start is unknown (the zero
	// Started, or a card stored without LastRunStarted) the IDs alone decide.
	RunID   int64
	Started time.Time
	Passed  bool
	// Contains lists, for run, release and deploy events, the card's commits (from
	// Card.Commits) that the run's commit, the release or the deployed version contains:
	// the commit itself or one of its ancestors. The caller computes ancestry with git;
	// SHAs the card does not know are ignored, so passing more is harmless.
	Contains []string
	// Version is what a release or deploy event made or shipped ("v1.4.0").
	Version string
	// Env is a deploy event's environment: "staging" or "production". Deploys to any other
	// environment are ignored: no stage is bound to them.
	Env string
	// OK says a deploy event succeeded.
	OK bool
	// To is the stage a move event's column is bound to; "" (or an unknown stage) for a
	// column bound to no stage.
	To Stage
	// ToColumn is the column a move event puts the card in. A reorder within a column is
	// not a move.
	ToColumn int64
	// By is who moved the card.
	By string
}

// Cause says why a card moved.
type Cause struct {
	// Kind is one of the Cause constants.
	Kind string
	// Ref names the cause: the user's name, a commit SHA, a branch name, a run ("#12"), a
	// release ("v1.4.0"), a deploy ("staging v1.4.0").
	Ref string
}

// The kinds of cause.
const (
	CauseUser    = "user"
	CauseCommit  = "commit"
	CauseBranch  = "branch"
	CauseRun     = "run"
	CauseRelease = "release"
	CauseDeploy  = "deploy"
)

// Transition is one move of a card.
type Transition struct {
	From, To Stage
	Cause    Cause
	At       time.Time
	// Column is the column a person moved the card to; 0 for an automatic move, which
	// puts the card in the column bound to To. A person's move to a column bound to no
	// stage is a transition with From == To.
	Column int64
}

// Reduce applies one event to a card and returns the card and the transitions it made
// (none or one). It is pure: same input, same output; it never changes c's slices.
//
// Automatic moves, each justified by the event:
//
//   - A commit or branch newly linked to the card (or a linked, not retired commit newly
//     marked as closing) moves it from Plan to Code. Links are recorded in any stage.
//   - A passing run that contains a closing commit moves it to Verified.
//   - A release that contains a closing commit moves it to Released, from Code too: the
//     release shows that the commit shipped, whether or not a run was recorded.
//   - A successful staging deploy of a version that contains a closing commit moves it to
//     Staging; a successful production deploy, to Production. Either may skip the stages
//     before it, for the same reason.
//
// Automation only moves a card forward, never backward, never into or out of Canceled, and
// only on closing commits that count: a closing commit linked before a person sent the card
// back to Plan or Code (or canceled it) is retired, so a later run or release that contains
// it does not undo that decision; a new closing commit does count. A passing run does not
// move a card without a closing commit. A card of an unknown stage is never moved by
// automation; the zero Stage counts as Plan.
//
// Failures: a failed run or deploy (to staging or production) that contains any of the
// card's current (not retired) commits never moves it, and sets Failure when the card has
// not reached the stage that event would have moved it to (Verified for a run, the
// environment's stage for a deploy); a failure that could not hold the card back (a failed
// staging deploy of a card in Production) is not shown. A later success of the same thing
// (a passing run; a successful deploy to the same environment) that contains a current
// commit clears it, and so does an automatic move to or past the failed thing's stage. A
// newer failure replaces an older one.
//
// Manual moves are always allowed, in any direction, to any column, and win: the card
// takes the stage of the target column; a column bound to no stage keeps the card's stage
// (and its progress), and the transition records the column. A move to Plan, Code or
// Canceled from another stage reopens the work: the card's linked commits are retired and
// Failure is cleared. Other manual moves leave Failure alone: dragging a card whose
// production deploy failed to Production does not hide that failure.
//
// Idempotent: the same event twice gives no second transition (a commit or branch already
// linked, a run not after the card's last run, a stage already reached, a move to where
// the card is).
func Reduce(c Card, e Event) (Card, []Transition) {
	if c.Stage == "" {
		c.Stage = StagePlan
	}
	switch e.Kind {
	case EventCommit:
		return c.linkCommit(e)
	case EventBranch:
		if e.Ref == "" || slices.Contains(c.Branches, e.Ref) {
			return c, nil
		}
		c.Branches = appendNew(c.Branches, e.Ref)
		return c.advance(StageCode, Cause{CauseBranch, e.Ref}, e.At)
	case EventRun:
		return c.run(e)
	case EventRelease:
		if !c.contains(e.Contains, true) {
			return c, nil
		}
		return c.advance(StageReleased, Cause{CauseRelease, e.Version}, e.At)
	case EventDeploy:
		return c.deploy(e)
	case EventMove:
		return c.move(e)
	}
	return c, nil
}

// linkCommit applies a commit event.
func (c Card) linkCommit(e Event) (Card, []Transition) {
	if e.Commit == "" {
		return c, nil
	}
	added := false
	if !slices.Contains(c.Commits, e.Commit) {
		c.Commits = appendNew(c.Commits, e.Commit)
		added = true
	}
	if e.Closing && !slices.Contains(c.Closing, e.Commit) {
		c.Closing = appendNew(c.Closing, e.Commit)
		added = added || !slices.Contains(c.Retired, e.Commit)
	}
	if !added {
		return c, nil
	}
	return c.advance(StageCode, Cause{CauseCommit, e.Commit}, e.At)
}

// run applies a run event.
func (c Card) run(e Event) (Card, []Transition) {
	if c.Stage.Rank() < 0 || !c.newerRun(e) || !c.contains(e.Contains, false) {
		return c, nil
	}
	c.LastRun, c.LastRunStarted = e.RunID, unixMs(e.Started)
	ref := "#" + strconv.FormatInt(e.RunID, 10)
	if !e.Passed {
		return c.fail("run", "run "+ref+" failed"), nil
	}
	if c.FailureOf == "run" {
		c.Failure, c.FailureOf = "", ""
	}
	if !c.contains(e.Contains, true) {
		return c, nil
	}
	return c.advance(StageVerified, Cause{CauseRun, ref}, e.At)
}

// newerRun reports whether run event e comes after the card's last run: it started later,
// or in the same millisecond with a higher ID; by ID alone when either start is unknown.
func (c Card) newerRun(e Event) bool {
	started := unixMs(e.Started)
	if e.RunID <= 0 || started == 0 || c.LastRunStarted == 0 || started == c.LastRunStarted {
		return e.RunID > c.LastRun
	}
	return started > c.LastRunStarted
}

// unixMs is t in Unix milliseconds; 0 for the zero time.
func unixMs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// deploy applies a deploy event.
func (c Card) deploy(e Event) (Card, []Transition) {
	if failureStage("deploy "+e.Env) == "" || c.Stage.Rank() < 0 || !c.contains(e.Contains, false) {
		return c, nil
	}
	what := "deploy " + e.Env
	if !e.OK {
		msg := e.Env + " deploy failed"
		if e.Version != "" {
			msg = e.Env + " deploy of " + e.Version + " failed"
		}
		return c.fail(what, msg), nil
	}
	if c.FailureOf == what {
		c.Failure, c.FailureOf = "", ""
	}
	if !c.contains(e.Contains, true) {
		return c, nil
	}
	ref := e.Env
	if e.Version != "" {
		ref += " " + e.Version
	}
	return c.advance(failureStage(what), Cause{CauseDeploy, ref}, e.At)
}

// move applies a person's move.
func (c Card) move(e Event) (Card, []Transition) {
	to := e.To
	if to.Rank() < 0 && to != StageCanceled {
		to = c.Stage
	}
	if to == c.Stage && e.ToColumn == c.Column {
		return c, nil
	}
	from := c.Stage
	if to != from && (to == StagePlan || to == StageCode || to == StageCanceled) {
		var retired []string
		for _, sha := range c.Commits {
			if !slices.Contains(c.Retired, sha) {
				retired = append(retired, sha)
			}
		}
		if len(retired) > 0 {
			c.Retired = append(slices.Clip(c.Retired), retired...)
		}
		c.Failure, c.FailureOf = "", ""
	}
	c.Stage, c.Column = to, e.ToColumn
	return c, []Transition{{From: from, To: to, Cause: Cause{CauseUser, e.By}, At: e.At, Column: e.ToColumn}}
}

// advance moves the card forward to stage to, if automation may: the card is in the loop
// and has not reached to yet. The move clears a failure it gets past.
func (c Card) advance(to Stage, cause Cause, at time.Time) (Card, []Transition) {
	if c.Stage.Rank() < 0 || to.Rank() <= c.Stage.Rank() {
		return c, nil
	}
	from := c.Stage
	c.Stage, c.Column = to, 0
	if s := failureStage(c.FailureOf); s != "" && s.Rank() <= to.Rank() {
		c.Failure, c.FailureOf = "", ""
	}
	return c, []Transition{{From: from, To: to, Cause: cause, At: at}}
}

// fail shows a failure of what unless the card has already reached the stage it blocks.
func (c Card) fail(what, msg string) Card {
	if c.Stage.Rank() < failureStage(what).Rank() {
		c.Failure, c.FailureOf = msg, what
	}
	return c
}

// failureStage returns the stage a failure of what holds a card back from; "" for
// anything else.
func failureStage(what string) Stage {
	switch what {
	case "run":
		return StageVerified
	case "deploy staging":
		return StageStaging
	case "deploy production":
		return StageProduction
	}
	return ""
}

// contains reports whether shas holds one of the card's current commits (closing ones
// only, when closing is set).
func (c Card) contains(shas []string, closing bool) bool {
	linked := c.Commits
	if closing {
		linked = c.Closing
	}
	for _, sha := range shas {
		if slices.Contains(linked, sha) && !slices.Contains(c.Retired, sha) {
			return true
		}
	}
	return false
}

// appendNew appends s to a copy of list, leaving list's backing array alone.
func appendNew(list []string, s string) []string {
	return append(slices.Clip(list), s)
}
