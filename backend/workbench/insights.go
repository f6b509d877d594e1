package workbench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// RunRef names another run.
type RunRef struct {
	ID        int64  `json:"id"`
	Commit    string `json:"commit"`
	Dirty     bool   `json:"dirty"`
	StartedAt string `json:"started_at"`
}

// CommitInfo is a commit in a list.
type CommitInfo struct {
	SHA     string `json:"sha"`
	Subject string `json:"subject"`
	Author  string `json:"author"`
	When    string `json:"when"` // RFC 3339
}

// ChangesInfo is what changed in the code between two runs.
type ChangesInfo struct {
	Commits     []CommitInfo `json:"commits"` // newest first
	MoreCommits int          `json:"more_commits"`
	// Files differ in content between the two runs' code: the commits' diff plus the
	// uncommitted changes of either run that the other run did not have.
	Files []string `json:"files"`
	// Note says what the lists cannot show: uncommitted changes that were not recorded, or why
	// git could not tell ("" when the lists are the whole story).
	Note string `json:"note"`
}

// RegressionInfo is a test that ran at least twice as long as its median.
type RegressionInfo struct {
	TestResultInfo
	MedianMs int64 `json:"median_ms"`
	Samples  int   `json:"samples"`
}

// RunInsights is what a run's tests say next to the runs before it.
type RunInsights struct {
	RunID int64 `json:"run_id"`
	// LastGreen and LastRed are the newest passed and failed runs before this one (nil: none).
	LastGreen *RunRef `json:"last_green"`
	LastRed   *RunRef `json:"last_red"`
	// NewlyFailing fail here and did not fail in LastGreen (every failure when there is none).
	NewlyFailing []TestResultInfo `json:"newly_failing"`
	// Fixed pass here and failed in LastRed.
	Fixed       []TestResultInfo `json:"fixed"`
	Slowest     []TestResultInfo `json:"slowest"` // at most slowestShown
	Regressions []RegressionInfo `json:"regressions"`
	// SinceGreen is what changed in the code since LastGreen (nil without one).
	SinceGreen *ChangesInfo `json:"since_green"`
}

// slowestShown is how many of a run's slowest tests its insights list.
const slowestShown = 10

// RunInsights compares a run's tests with the runs before it.
func (p *Project) RunInsights(runID int64) (RunInsights, error) {
	ctx := context.Background()
	run, err := p.GetRun(runID)
	if err != nil {
		return RunInsights{}, err
	}
	in := RunInsights{RunID: runID, NewlyFailing: []TestResultInfo{}, Fixed: []TestResultInfo{}, Regressions: []RegressionInfo{}}
	green, err := p.store.LastRunWith(ctx, p.id, runID, store.StatusPassed)
	if err != nil {
		return in, err
	}
	red, err := p.store.LastRunWith(ctx, p.id, runID, store.StatusFailed)
	if err != nil {
		return in, err
	}
	in.LastGreen, in.LastRed = runRef(green), runRef(red)
	newly, err := p.store.NewlyFailing(ctx, runID, green.ID)
	if err != nil {
		return in, err
	}
	in.NewlyFailing = resultInfos(newly)
	if red.ID != 0 {
		fixed, err := p.store.Fixed(ctx, runID, red.ID)
		if err != nil {
			return in, err
		}
		in.Fixed = resultInfos(fixed)
	}
	if in.Slowest, err = p.RunTests(runID, TestQuery{Slow: true, Limit: slowestShown}); err != nil {
		return in, err
	}
	regs, err := p.store.Regressions(ctx, runID)
	if err != nil {
		return in, err
	}
	for _, r := range regs {
		in.Regressions = append(in.Regressions, RegressionInfo{TestResultInfo: resultInfo(r.TestResult), MedianMs: r.MedianMs, Samples: r.Samples})
	}
	if green.ID != 0 {
		in.SinceGreen = p.changesBetween(green, run)
	}
	return in, nil
}

func runRef(r store.Run) *RunRef {
	if r.ID == 0 {
		return nil
	}
	return &RunRef{ID: r.ID, Commit: r.Commit, Dirty: r.Dirty, StartedAt: rfc3339(r.StartedMs)}
}

// changesBetween lists the commits from the green run's commit to the run's, and the files
// whose content differs between the two runs' work trees, uncommitted changes included.
func (p *Project) changesBetween(green store.Run, run RunInfo) *ChangesInfo {
	ch := &ChangesInfo{Commits: []CommitInfo{}, Files: []string{}}
	if green.Commit == "" || run.Commit == "" {
		ch.Note = "git state was not recorded for both runs"
		return ch
	}
	from, fromNote := p.snapshot(green.ID, green.Commit, green.Dirty)
	to, toNote := p.snapshot(run.ID, run.Commit, run.Dirty)
	ch.Note = joinNotes(fromNote, toNote)
	c, err := vcs.Between(p.dir, from, to)
	if err != nil {
		ch.Note = joinNotes(ch.Note, err.Error())
		return ch
	}
	for _, cm := range c.Commits {
		ch.Commits = append(ch.Commits, CommitInfo{SHA: cm.SHA, Subject: cm.Subject, Author: cm.Author, When: cm.When.UTC().Format(time.RFC3339)})
	}
	ch.MoreCommits, ch.Files = c.More, c.Files
	return ch
}

// joinNotes joins the notes that are not empty with "; ".
func joinNotes(notes ...string) string {
	return strings.Join(slices.DeleteFunc(notes, func(s string) bool { return s == "" }), "; ")
}

// snapshot is the code a run tested as recorded, and a note when its uncommitted changes
// were not all recorded.
func (p *Project) snapshot(runID int64, commit string, dirty bool) (vcs.Snapshot, string) {
	snap := vcs.Snapshot{Commit: commit}
	if !dirty {
		return snap, ""
	}
	u, err := p.store.RunUncommitted(context.Background(), runID)
	switch {
	case err != nil:
		return snap, fmt.Sprintf("the uncommitted changes of run #%d could not be read: %v", runID, err)
	case u.Count == 0:
		return snap, fmt.Sprintf("run #%d had uncommitted changes that were not recorded (it is older than this version of Eightfold)", runID)
	}
	snap.Uncommitted = u.Paths
	if u.Count > len(u.Paths) {
		return snap, fmt.Sprintf("run #%d had %d uncommitted paths; only the first %d by name are compared", runID, u.Count, len(u.Paths))
	}
	return snap, ""
}

// FlakyInfo is a flaky test with the evidence.
type FlakyInfo struct {
	TestID int64  `json:"test_id"`
	Suite  string `json:"suite"`
	Name   string `json:"name"`
	// Reasons: "passed-on-retry", "same-code" (failed and passed on the same tree), "flips"
	// (changed between passing and failing at least 3 times on committed code).
	Reasons  []string `json:"reasons"`
	Evidence []int64  `json:"evidence"` // run ids, oldest first
	Flips    int      `json:"flips"`
	Failures int      `json:"failures"`
	LastRun  int64    `json:"last_run"`
}

// FlakyTests lists the flaky tests of the project's newest runs (window ≤ 0: 50).
func (p *Project) FlakyTests(window int) ([]FlakyInfo, error) {
	fs, err := p.store.Flaky(context.Background(), p.id, window)
	out := make([]FlakyInfo, 0, len(fs))
	for _, f := range fs {
		out = append(out, FlakyInfo{TestID: f.TestID, Suite: f.Suite, Name: f.Name, Reasons: f.Reasons,
			Evidence: f.Evidence, Flips: f.Flips, Failures: f.Failures, LastRun: f.LastRun})
	}
	return out, err
}
