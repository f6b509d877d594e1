package plan

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

// ms is t as Card.LastRunStarted holds it.
func ms(t time.Time) int64 { return t.UnixMilli() }

// moves renders transitions as "code→verified run #7", adding "@column" for a manual move.
func moves(ts []Transition) string {
	var parts []string
	for _, t := range ts {
		s := fmt.Sprintf("%s→%s %s %s", t.From, t.To, t.Cause.Kind, t.Cause.Ref)
		if t.Column != 0 {
			s += fmt.Sprintf(" @%d", t.Column)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// s is shorthand for a list of SHAs.
func s(shas ...string) []string { return shas }

func TestReduce(t *testing.T) {
	const (
		runFail     = "run #7 failed"
		stagingFail = "staging deploy of v1.4.0 failed"
	)
	ab := Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b")} // a mentions, b closes
	for _, tc := range []struct {
		name  string
		card  Card
		event Event
		want  Card
		moves string
	}{
		// Commits.
		{"first commit moves Plan to Code", Card{Stage: StagePlan}, Event{Kind: EventCommit, Commit: "a"},
			Card{Stage: StageCode, Commits: s("a")}, "plan→code commit a"},
		{"first closing commit moves Plan to Code", Card{Stage: StagePlan}, Event{Kind: EventCommit, Commit: "a", Closing: true},
			Card{Stage: StageCode, Commits: s("a"), Closing: s("a")}, "plan→code commit a"},
		{"the zero stage is Plan", Card{}, Event{Kind: EventCommit, Commit: "a"},
			Card{Stage: StageCode, Commits: s("a")}, "plan→code commit a"},
		{"a commit on a card placed by hand keeps its column", Card{Stage: StageCode, Column: 4}, Event{Kind: EventCommit, Commit: "a"},
			Card{Stage: StageCode, Column: 4, Commits: s("a")}, ""},
		{"another commit in Code is only linked", Card{Stage: StageCode, Commits: s("a")}, Event{Kind: EventCommit, Commit: "b", Closing: true},
			Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b")}, ""},
		{"the same commit twice", Card{Stage: StageCode, Commits: s("a")}, Event{Kind: EventCommit, Commit: "a"},
			Card{Stage: StageCode, Commits: s("a")}, ""},
		{"a linked commit marked closing later", Card{Stage: StageCode, Commits: s("a")}, Event{Kind: EventCommit, Commit: "a", Closing: true},
			Card{Stage: StageCode, Commits: s("a"), Closing: s("a")}, ""},
		{"a new commit after a manual move back to Plan", Card{Stage: StagePlan, Commits: s("a"), Retired: s("a")}, Event{Kind: EventCommit, Commit: "b"},
			Card{Stage: StageCode, Commits: s("a", "b"), Retired: s("a")}, "plan→code commit b"},
		{"a retired commit scanned again", Card{Stage: StagePlan, Commits: s("a"), Closing: s("a"), Retired: s("a")}, Event{Kind: EventCommit, Commit: "a", Closing: true},
			Card{Stage: StagePlan, Commits: s("a"), Closing: s("a"), Retired: s("a")}, ""},
		{"a retired commit marked closing later", Card{Stage: StagePlan, Commits: s("a"), Retired: s("a")}, Event{Kind: EventCommit, Commit: "a", Closing: true},
			Card{Stage: StagePlan, Commits: s("a"), Closing: s("a"), Retired: s("a")}, ""},
		{"a commit on a canceled card is linked only", Card{Stage: StageCanceled}, Event{Kind: EventCommit, Commit: "a", Closing: true},
			Card{Stage: StageCanceled, Commits: s("a"), Closing: s("a")}, ""},
		{"a commit on a verified card is linked only", Card{Stage: StageVerified, Commits: s("a"), Closing: s("a")}, Event{Kind: EventCommit, Commit: "b", Closing: true},
			Card{Stage: StageVerified, Commits: s("a", "b"), Closing: s("a", "b")}, ""},
		{"a commit on a card of an unknown stage is linked only", Card{Stage: "review"}, Event{Kind: EventCommit, Commit: "a"},
			Card{Stage: "review", Commits: s("a")}, ""},
		{"a commit event without a SHA", Card{Stage: StagePlan}, Event{Kind: EventCommit, Closing: true},
			Card{Stage: StagePlan}, ""},

		// Branches.
		{"first branch moves Plan to Code", Card{Stage: StagePlan}, Event{Kind: EventBranch, Ref: "12-login"},
			Card{Stage: StageCode, Branches: s("12-login")}, "plan→code branch 12-login"},
		{"the same branch twice", Card{Stage: StageCode, Branches: s("12-login")}, Event{Kind: EventBranch, Ref: "12-login"},
			Card{Stage: StageCode, Branches: s("12-login")}, ""},
		{"a branch on a card in Code is linked only", Card{Stage: StageCode, Commits: s("a")}, Event{Kind: EventBranch, Ref: "fix/12"},
			Card{Stage: StageCode, Commits: s("a"), Branches: s("fix/12")}, ""},
		{"a branch on a canceled card is linked only", Card{Stage: StageCanceled}, Event{Kind: EventBranch, Ref: "fix/12"},
			Card{Stage: StageCanceled, Branches: s("fix/12")}, ""},
		{"a branch event without a name", Card{Stage: StagePlan}, Event{Kind: EventBranch},
			Card{Stage: StagePlan}, ""},

		// Runs.
		{"a passing run with a closing commit verifies", ab, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("a", "b")},
			Card{Stage: StageVerified, Commits: s("a", "b"), Closing: s("b"), LastRun: 7}, "code→verified run #7"},
		{"a passing run of a manually placed card", Card{Stage: StageCode, Column: 9, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 7}, "code→verified run #7"},
		{"a passing run without the closing commit", ab, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("a")},
			Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b"), LastRun: 7}, ""},
		{"a passing run of a card with no closing commit", Card{Stage: StageCode, Commits: s("a")}, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("a")},
			Card{Stage: StageCode, Commits: s("a"), LastRun: 7}, ""},
		{"a run of other commits", ab, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("z")},
			ab, ""},
		{"a failing run shows the failure", ab, Event{Kind: EventRun, RunID: 7, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b"), LastRun: 7, Failure: runFail, FailureOf: "run"}, ""},
		{"a failing run of mentioning commits shows the failure", ab, Event{Kind: EventRun, RunID: 7, Contains: s("a")},
			Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b"), LastRun: 7, Failure: runFail, FailureOf: "run"}, ""},
		{"a later passing run clears the failure and verifies",
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, Failure: runFail, FailureOf: "run"},
			Event{Kind: EventRun, RunID: 8, Passed: true, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 8}, "code→verified run #8"},
		{"a later passing run without the closing commit clears the failure",
			Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b"), LastRun: 7, Failure: runFail, FailureOf: "run"},
			Event{Kind: EventRun, RunID: 8, Passed: true, Contains: s("a")},
			Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("b"), LastRun: 8}, ""},
		{"a passing run leaves a deploy failure",
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), LastRun: 7, Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventRun, RunID: 9, Passed: true, Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), LastRun: 9, Failure: stagingFail, FailureOf: "deploy staging"}, ""},
		{"a failing run replaces a deploy failure",
			Card{Stage: StageCode, Commits: s("a"), Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventRun, RunID: 7, Contains: s("a")},
			Card{Stage: StageCode, Commits: s("a"), LastRun: 7, Failure: runFail, FailureOf: "run"}, ""},
		{"an older run is ignored", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8}, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8}, ""},
		{"the same run twice", Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 7}, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 7}, ""},
		{"a run without an ID", Card{Stage: StageCode, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRun, Passed: true, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b")}, ""},
		{"a failing run of a verified card shows nothing", Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 7}, Event{Kind: EventRun, RunID: 8, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 8}, ""},
		{"a run of a canceled card", Card{Stage: StageCanceled, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("b")},
			Card{Stage: StageCanceled, Commits: s("b"), Closing: s("b")}, ""},
		{"a run of retired commits only", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), Retired: s("b")}, Event{Kind: EventRun, RunID: 7, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), Retired: s("b")}, ""},
		{"a run with a new closing commit after a reopen", Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("a", "b"), Retired: s("a")},
			Event{Kind: EventRun, RunID: 7, Passed: true, Contains: s("a", "b")},
			Card{Stage: StageVerified, Commits: s("a", "b"), Closing: s("a", "b"), Retired: s("a"), LastRun: 7}, "code→verified run #7"},

		// Runs in the order they started, not the order they were recorded.
		{"a run that started before the last one is ignored, whatever its ID",
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, LastRunStarted: ms(t1), Failure: runFail, FailureOf: "run"},
			Event{Kind: EventRun, RunID: 8, Started: t0, Passed: true, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, LastRunStarted: ms(t1), Failure: runFail, FailureOf: "run"}, ""},
		{"a run that started after the last one counts, whatever its ID",
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8, LastRunStarted: ms(t0)},
			Event{Kind: EventRun, RunID: 7, Started: t1, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, LastRunStarted: ms(t1), Failure: runFail, FailureOf: "run"}, ""},
		{"of runs started in the same millisecond the higher ID is the newer",
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, LastRunStarted: ms(t0)},
			Event{Kind: EventRun, RunID: 8, Started: t0.Add(time.Microsecond), Passed: true, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 8, LastRunStarted: ms(t0)}, "code→verified run #8"},
		{"the same run twice, with its start", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, LastRunStarted: ms(t0)},
			Event{Kind: EventRun, RunID: 7, Started: t0, Passed: true, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, LastRunStarted: ms(t0)}, ""},
		{"a card stored without a start orders by ID: an older one is ignored", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8},
			Event{Kind: EventRun, RunID: 7, Started: t1, Passed: true, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8}, ""},
		{"a card stored without a start orders by ID: a newer one counts and keeps its start", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8},
			Event{Kind: EventRun, RunID: 9, Started: t0, Passed: true, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 9, LastRunStarted: ms(t0)}, "code→verified run #9"},
		{"a run of unknown start orders by ID", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8, LastRunStarted: ms(t1)},
			Event{Kind: EventRun, RunID: 9, Passed: true, Contains: s("b")},
			Card{Stage: StageVerified, Commits: s("b"), Closing: s("b"), LastRun: 9}, "code→verified run #9"},
		{"a run without an ID, with a start", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8, LastRunStarted: ms(t0)},
			Event{Kind: EventRun, Started: t1, Passed: true, Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 8, LastRunStarted: ms(t0)}, ""},

		// Releases.
		{"a release with a closing commit", Card{Stage: StageVerified, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, "verified→released release v1.4.0"},
		{"a release moves a card from Code", ab, Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("a", "b")},
			Card{Stage: StageReleased, Commits: s("a", "b"), Closing: s("b")}, "code→released release v1.4.0"},
		{"a release without a closing commit", ab, Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("a")},
			ab, ""},
		{"a release of a staged card", Card{Stage: StageStaging, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRelease, Version: "v1.5.0", Contains: s("b")},
			Card{Stage: StageStaging, Commits: s("b"), Closing: s("b")}, ""},
		{"the same release twice", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, ""},
		{"a release gets past a run failure", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), LastRun: 7, Failure: runFail, FailureOf: "run"},
			Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), LastRun: 7}, "code→released release v1.4.0"},
		{"a release of a canceled card", Card{Stage: StageCanceled, Commits: s("b"), Closing: s("b")}, Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageCanceled, Commits: s("b"), Closing: s("b")}, ""},
		{"a release of retired commits", Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), Retired: s("b")}, Event{Kind: EventRelease, Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageCode, Commits: s("b"), Closing: s("b"), Retired: s("b")}, ""},

		// Deploys.
		{"a staging deploy", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", OK: true, Contains: s("b")},
			Card{Stage: StageStaging, Commits: s("b"), Closing: s("b")}, "released→staging deploy staging v1.4.0"},
		{"a production deploy", Card{Stage: StageStaging, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "production", Version: "v1.4.0", OK: true, Contains: s("b")},
			Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, "staging→production deploy production v1.4.0"},
		{"a production deploy from Verified", Card{Stage: StageVerified, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "production", Version: "v1.4.0", OK: true, Contains: s("b")},
			Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, "verified→production deploy production v1.4.0"},
		{"a staging deploy without a closing commit", ab, Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", OK: true, Contains: s("a")},
			ab, ""},
		{"a failed staging deploy", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: stagingFail, FailureOf: "deploy staging"}, ""},
		{"a failed production deploy of a staged card", Card{Stage: StageStaging, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "production", Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageStaging, Commits: s("b"), Closing: s("b"), Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"}, ""},
		{"a failed staging deploy of a card in production", Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "staging", Version: "v1.5.0", Contains: s("b")},
			Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, ""},
		{"a failed deploy without a version", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "staging", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: "staging deploy failed", FailureOf: "deploy staging"}, ""},
		{"the same failed deploy twice", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: stagingFail, FailureOf: "deploy staging"}, ""},
		{"a later staging deploy clears its failure", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.1", OK: true, Contains: s("b")},
			Card{Stage: StageStaging, Commits: s("b"), Closing: s("b")}, "released→staging deploy staging v1.4.1"},
		{"a staging deploy without a closing commit clears its failure", Card{Stage: StageCode, Commits: s("a"), Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.1", OK: true, Contains: s("a")},
			Card{Stage: StageCode, Commits: s("a")}, ""},
		{"a staging deploy leaves a production failure", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"},
			Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.1", OK: true, Contains: s("b")},
			Card{Stage: StageStaging, Commits: s("b"), Closing: s("b"), Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"}, "released→staging deploy staging v1.4.1"},
		{"a production deploy gets past a staging failure", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b"), Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventDeploy, Env: "production", Version: "v1.4.0", OK: true, Contains: s("b")},
			Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, "released→production deploy production v1.4.0"},
		{"a staging deploy of a card in production", Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "staging", Version: "v1.5.0", OK: true, Contains: s("b")},
			Card{Stage: StageProduction, Commits: s("b"), Closing: s("b")}, ""},
		{"a deploy to another environment", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "qa", Version: "v1.4.0", Contains: s("b")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, ""},
		{"a deploy of other commits", Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", Contains: s("z")},
			Card{Stage: StageReleased, Commits: s("b"), Closing: s("b")}, ""},
		{"a deploy of a canceled card", Card{Stage: StageCanceled, Commits: s("b"), Closing: s("b")}, Event{Kind: EventDeploy, Env: "production", Version: "v1.4.0", OK: true, Contains: s("b")},
			Card{Stage: StageCanceled, Commits: s("b"), Closing: s("b")}, ""},

		// Manual moves.
		{"a move forward", Card{Stage: StagePlan}, Event{Kind: EventMove, To: StageVerified, ToColumn: 3, By: "ada"},
			Card{Stage: StageVerified, Column: 3}, "plan→verified user ada @3"},
		{"a move back to Staging keeps the progress and the failure",
			Card{Stage: StageProduction, Commits: s("b"), Closing: s("b"), Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"},
			Event{Kind: EventMove, To: StageStaging, ToColumn: 5, By: "ada"},
			Card{Stage: StageStaging, Column: 5, Commits: s("b"), Closing: s("b"), Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"}, "production→staging user ada @5"},
		{"a move back to Code reopens the work", Card{Stage: StageVerified, Commits: s("a", "b"), Closing: s("b"), Retired: s("a"), LastRun: 7, Failure: stagingFail, FailureOf: "deploy staging"},
			Event{Kind: EventMove, To: StageCode, ToColumn: 2, By: "ada"},
			Card{Stage: StageCode, Column: 2, Commits: s("a", "b"), Closing: s("b"), Retired: s("a", "b"), LastRun: 7}, "verified→code user ada @2"},
		{"a move back to Plan reopens the work", ab, Event{Kind: EventMove, To: StagePlan, ToColumn: 1, By: "bob"},
			Card{Stage: StagePlan, Column: 1, Commits: s("a", "b"), Closing: s("b"), Retired: s("a", "b")}, "code→plan user bob @1"},
		{"canceling reopens the work", ab, Event{Kind: EventMove, To: StageCanceled, ToColumn: 7, By: "bob"},
			Card{Stage: StageCanceled, Column: 7, Commits: s("a", "b"), Closing: s("b"), Retired: s("a", "b")}, "code→canceled user bob @7"},
		{"a move out of Canceled", Card{Stage: StageCanceled, Column: 7}, Event{Kind: EventMove, To: StageReleased, ToColumn: 4, By: "bob"},
			Card{Stage: StageReleased, Column: 4}, "canceled→released user bob @4"},
		{"a move to Production keeps the failure", Card{Stage: StageStaging, Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"},
			Event{Kind: EventMove, To: StageProduction, ToColumn: 6, By: "ada"},
			Card{Stage: StageProduction, Column: 6, Failure: "production deploy of v1.4.0 failed", FailureOf: "deploy production"}, "staging→production user ada @6"},
		{"a move to a column bound to no stage", ab, Event{Kind: EventMove, ToColumn: 9, By: "ada"},
			Card{Stage: StageCode, Column: 9, Commits: s("a", "b"), Closing: s("b")}, "code→code user ada @9"},
		{"a move to an unknown stage", ab, Event{Kind: EventMove, To: "review", ToColumn: 9, By: "ada"},
			Card{Stage: StageCode, Column: 9, Commits: s("a", "b"), Closing: s("b")}, "code→code user ada @9"},
		{"a move to the stage's own column", Card{Stage: StageCode, Column: 9, Commits: s("b"), Closing: s("b")}, Event{Kind: EventMove, To: StageCode, ToColumn: 2, By: "ada"},
			Card{Stage: StageCode, Column: 2, Commits: s("b"), Closing: s("b")}, "code→code user ada @2"},
		{"the same move twice", Card{Stage: StageVerified, Column: 3}, Event{Kind: EventMove, To: StageVerified, ToColumn: 3, By: "ada"},
			Card{Stage: StageVerified, Column: 3}, ""},

		// Anything else.
		{"an unknown event", ab, Event{Kind: "tweet"}, ab, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.event.At = t0
			before := clone(tc.card)
			got, ts := Reduce(tc.card, tc.event)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("card\n got: %+v\nwant: %+v", got, tc.want)
			}
			if m := moves(ts); m != tc.moves {
				t.Errorf("transitions\n got: %s\nwant: %s", m, tc.moves)
			}
			for _, tr := range ts {
				if !tr.At.Equal(t0) {
					t.Errorf("transition at %v, want the event's time", tr.At)
				}
			}
			if !reflect.DeepEqual(tc.card, before) {
				t.Errorf("Reduce changed its input: %+v, was %+v", tc.card, before)
			}
			again, ts2 := Reduce(got, tc.event)
			if len(ts2) > 0 || !reflect.DeepEqual(again, got) {
				t.Errorf("the same event twice: %s, card %+v", moves(ts2), again)
			}
		})
	}
}

// clone copies a card deeply.
func clone(c Card) Card {
	c.Commits, c.Closing, c.Retired, c.Branches = slices.Clone(c.Commits), slices.Clone(c.Closing), slices.Clone(c.Retired), slices.Clone(c.Branches)
	return c
}

// TestReduceSharesNoSlices reduces one card with spare capacity in its slices twice, with
// different events: neither result may see the other's appends.
func TestReduceSharesNoSlices(t *testing.T) {
	c := Card{Stage: StageCode, Commits: make([]string, 1, 8), Closing: make([]string, 1, 8), Retired: make([]string, 0, 8), Branches: make([]string, 1, 8)}
	c.Commits[0], c.Closing[0], c.Branches[0] = "a", "a", "x"
	one, _ := Reduce(c, Event{Kind: EventCommit, Commit: "b", Closing: true})
	two, _ := Reduce(c, Event{Kind: EventCommit, Commit: "c", Closing: true})
	b1, _ := Reduce(c, Event{Kind: EventBranch, Ref: "y"})
	b2, _ := Reduce(c, Event{Kind: EventBranch, Ref: "z"})
	m1, _ := Reduce(one, Event{Kind: EventMove, To: StagePlan, ToColumn: 1})
	m2, _ := Reduce(two, Event{Kind: EventMove, To: StagePlan, ToColumn: 1})
	for _, check := range []struct {
		got  []string
		want []string
	}{
		{one.Commits, s("a", "b")}, {one.Closing, s("a", "b")}, {two.Commits, s("a", "c")}, {two.Closing, s("a", "c")},
		{b1.Branches, s("x", "y")}, {b2.Branches, s("x", "z")}, {m1.Retired, s("a", "b")}, {m2.Retired, s("a", "c")},
		{c.Commits, s("a")}, {c.Retired, s()},
	} {
		if !slices.Equal(check.got, check.want) {
			t.Errorf("got %q, want %q", check.got, check.want)
		}
	}
}

// TestReduceJourney follows one card around the loop, with the failures on its way.
func TestReduceJourney(t *testing.T) {
	events := []Event{
		{Kind: EventBranch, Ref: "12-login"},
		{Kind: EventCommit, Commit: "a"},
		{Kind: EventRun, RunID: 1, Passed: true, Contains: s("a")},
		{Kind: EventCommit, Commit: "b", Closing: true},
		{Kind: EventRun, RunID: 2, Contains: s("a", "b")},
		{Kind: EventRun, RunID: 3, Passed: true, Contains: s("a", "b")},
		{Kind: EventRelease, Version: "v1.4.0", Contains: s("a", "b")},
		{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", Contains: s("a", "b")},
		{Kind: EventDeploy, Env: "staging", Version: "v1.4.0", OK: true, Contains: s("a", "b")},
		{Kind: EventDeploy, Env: "production", Version: "v1.4.0", OK: true, Contains: s("a", "b")},
	}
	wantFailure := []string{"", "", "", "", "run #2 failed", "", "", "staging deploy of v1.4.0 failed", "", ""}
	c := Card{Stage: StagePlan}
	var all []Transition
	for i, e := range events {
		e.At = t0.Add(time.Duration(i) * time.Hour)
		var ts []Transition
		c, ts = Reduce(c, e)
		all = append(all, ts...)
		if c.Failure != wantFailure[i] {
			t.Errorf("after event %d (%s): failure %q, want %q", i, e.Kind, c.Failure, wantFailure[i])
		}
	}
	want := "plan→code branch 12-login; code→verified run #3; verified→released release v1.4.0; " +
		"released→staging deploy staging v1.4.0; staging→production deploy production v1.4.0"
	if got := moves(all); got != want {
		t.Errorf("journey\n got: %s\nwant: %s", got, want)
	}
	if c.Stage != StageProduction {
		t.Errorf("ends in %s", c.Stage)
	}
}

// TestReduceCIRunImportedLate imports a CI run of an older commit after a newer local run:
// recorded later, it has the higher ID, but it started earlier and does not override the
// local run's failure. A run that started later does.
func TestReduceCIRunImportedLate(t *testing.T) {
	c := Card{Stage: StageCode, Commits: s("a", "b"), Closing: s("a")} // a closes; b came after it
	steps := []struct {
		e           Event
		moves, fail string
	}{
		{Event{Kind: EventRun, RunID: 5, Started: t1, Contains: s("a", "b")}, "", "run #5 failed"},
		{Event{Kind: EventRun, RunID: 6, Started: t0, Passed: true, Contains: s("a")}, "", "run #5 failed"},
		{Event{Kind: EventRun, RunID: 7, Started: t1.Add(time.Minute), Passed: true, Contains: s("a", "b")}, "code→verified run #7", ""},
	}
	for i, st := range steps {
		var ts []Transition
		c, ts = Reduce(c, st.e)
		if got := moves(ts); got != st.moves || c.Failure != st.fail {
			t.Errorf("step %d (run #%d): moves %q, failure %q; want %q, %q", i, st.e.RunID, got, c.Failure, st.moves, st.fail)
		}
	}
}

// TestCardJSON loads a card stored before run events carried their start: its runs are
// ordered by ID until one with a start is applied, which the stored card keeps.
func TestCardJSON(t *testing.T) {
	var c Card
	if err := json.Unmarshal([]byte(`{"stage":"code","commits":["b"],"closing":["b"],"lastRun":8}`), &c); err != nil {
		t.Fatal(err)
	}
	if next, _ := Reduce(c, Event{Kind: EventRun, RunID: 7, Started: t1, Passed: true, Contains: s("b")}); !reflect.DeepEqual(next, c) {
		t.Errorf("an older run changed a stored card: %+v", next)
	}
	c, _ = Reduce(c, Event{Kind: EventRun, RunID: 9, Started: t0, Passed: true, Contains: s("b")})
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"stage":"verified","commits":["b"],"closing":["b"],"lastRun":9,"lastRunStarted":%d}`, ms(t0))
	if string(b) != want {
		t.Errorf("stored as %s\nwant %s", b, want)
	}
}

// TestReduceManualMoveWins sends a verified card back to Code by hand: the runs that follow
// contain its old closing commit and must not verify it again; a new closing commit does.
func TestReduceManualMoveWins(t *testing.T) {
	c := Card{Stage: StageVerified, Commits: s("a"), Closing: s("a"), LastRun: 3}
	steps := []struct {
		e    Event
		want string
	}{
		{Event{Kind: EventMove, To: StageCode, ToColumn: 2, By: "ada"}, "verified→code user ada @2"},
		{Event{Kind: EventRun, RunID: 4, Passed: true, Contains: s("a")}, ""},
		{Event{Kind: EventRelease, Version: "v2.0.0", Contains: s("a")}, ""},
		{Event{Kind: EventCommit, Commit: "a", Closing: true}, ""},
		{Event{Kind: EventCommit, Commit: "c", Closing: true}, ""},
		{Event{Kind: EventRun, RunID: 5, Passed: true, Contains: s("a", "c")}, "code→verified run #5"},
	}
	for i, st := range steps {
		var ts []Transition
		c, ts = Reduce(c, st.e)
		if got := moves(ts); got != st.want {
			t.Errorf("step %d (%s): %q, want %q", i, st.e.Kind, got, st.want)
		}
	}
}

// TestReduceNeverBackward feeds random sequences of events: automatic events never move a
// card backward, into or out of Canceled, and every transition starts where the card was.
// Manual moves are mixed in to reach every state; any event applied twice in a row gives
// nothing the second time.
func TestReduceNeverBackward(t *testing.T) {
	shas := []string{"a", "b", "c", "d"}
	stages := []Stage{StagePlan, StageCode, StageVerified, StageReleased, StageStaging, StageProduction, StageCanceled, ""}
	pick := func(r *rand.Rand) []string {
		var out []string
		for _, sha := range shas {
			if r.IntN(2) == 0 {
				out = append(out, sha)
			}
		}
		return out
	}
	reached := map[Stage]int{} // automatic transitions by target, to show the sequences get somewhere
	for seed := range uint64(500) {
		r := rand.New(rand.NewPCG(seed, 7))
		c := Card{Stage: StagePlan}
		var run int64
		for step := range 60 {
			var e Event
			switch r.IntN(11) {
			case 0:
				e = Event{Kind: EventCommit, Commit: shas[r.IntN(len(shas))], Closing: r.IntN(2) == 0}
			case 1:
				e = Event{Kind: EventBranch, Ref: fmt.Sprintf("b%d", r.IntN(3))}
			case 2, 3:
				run += int64(r.IntN(3)) // sometimes an old or repeated run
				e = Event{Kind: EventRun, RunID: run, Passed: r.IntN(3) > 0, Contains: pick(r)}
				if r.IntN(2) == 0 { // sometimes started at a time that is not in the IDs' order
					e.Started = t0.Add(time.Duration(r.IntN(60)) * time.Minute)
				}
			case 4:
				e = Event{Kind: EventRelease, Version: fmt.Sprintf("v1.%d.0", r.IntN(5)), Contains: pick(r)}
			case 5, 6:
				e = Event{Kind: EventDeploy, Env: []string{"staging", "production", "qa"}[r.IntN(3)], Version: "v1.0.0", OK: r.IntN(3) > 0, Contains: pick(r)}
			case 7:
				e = Event{Kind: EventMove, To: stages[r.IntN(len(stages))], ToColumn: int64(r.IntN(10)), By: "ada"}
			default:
				e = Event{Kind: EventCommit, Commit: fmt.Sprintf("n%d", step), Closing: r.IntN(2) == 0}
			}
			e.At = t0.Add(time.Duration(step) * time.Minute)
			before := c
			next, ts := Reduce(c, e)
			if len(ts) > 1 {
				t.Fatalf("seed %d step %d: %d transitions", seed, step, len(ts))
			}
			for _, tr := range ts {
				if tr.From != before.Stage || tr.To != next.Stage {
					t.Fatalf("seed %d step %d: %s does not go from %s to %s", seed, step, moves(ts), before.Stage, next.Stage)
				}
				if e.Kind == EventMove {
					continue
				}
				if tr.From.Rank() < 0 || tr.To.Rank() <= tr.From.Rank() {
					t.Fatalf("seed %d step %d: %s moves %s", seed, step, e.Kind, moves(ts))
				}
				reached[tr.To]++
			}
			if e.Kind != EventMove && len(ts) == 0 && next.Stage != before.Stage {
				t.Fatalf("seed %d step %d: stage %s → %s without a transition", seed, step, before.Stage, next.Stage)
			}
			if next.Failure != "" && failureStage(next.FailureOf) == "" {
				t.Fatalf("seed %d step %d: failure %q of %q", seed, step, next.Failure, next.FailureOf)
			}
			newFailure := next.Failure != "" && next.Failure != before.Failure
			if (newFailure || e.Kind != EventMove && len(ts) > 0 && next.Failure != "") && next.Stage.Rank() >= failureStage(next.FailureOf).Rank() {
				t.Fatalf("seed %d step %d: failure %q shown on a %s card", seed, step, next.Failure, next.Stage)
			}
			again, ts2 := Reduce(next, e)
			if len(ts2) > 0 || !reflect.DeepEqual(again, next) {
				t.Fatalf("seed %d step %d: %s twice gives %s", seed, step, e.Kind, moves(ts2))
			}
			c = next
		}
	}
	t.Logf("automatic transitions by target: %v", reached)
	for _, st := range []Stage{StageCode, StageVerified, StageReleased, StageStaging, StageProduction} {
		if reached[st] < 50 {
			t.Errorf("automation reached %s only %d times: %v", st, reached[st], reached)
		}
	}
}
