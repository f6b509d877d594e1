package workbench

import (
	"context"

	"eightfold/backend/store"
)

// TestResultInfo is one test's result in a run.
type TestResultInfo struct {
	ID         int64  `json:"id"`
	RunID      int64  `json:"run_id"`
	StepID     int64  `json:"step_id"`
	TestID     int64  `json:"test_id"`
	Suite      string `json:"suite"`
	Name       string `json:"name"`
	Status     string `json:"status"` // passed, failed, skipped or errored
	DurationMs int64  `json:"duration_ms"`
	Attempts   int    `json:"attempts"`
	Flaky      bool   `json:"flaky"` // passed only on a retry
	Message    string `json:"message"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	// FlakyHistory is why the test's history up to this run calls it flaky; nil when it does
	// not. Only RunTests looks: in other lists it is nil.
	FlakyHistory *FlakyHistory `json:"flaky_history"`
}

// FlakyHistory is why a test is flaky (see FlakyInfo): its reasons, the runs that show them,
// and its pass/fail changes on committed code.
type FlakyHistory struct {
	Reasons  []string `json:"reasons"`
	Evidence []int64  `json:"evidence"`
	Flips    int      `json:"flips"`
}

// TestQuery filters a run's tests; the zero value lists them all by suite and name.
type TestQuery struct {
	Failed bool   `json:"failed"` // failed or errored only
	Flaky  bool   `json:"flaky"`  // flaky only: passed on a retry here, or flaky by its history
	Slow   bool   `json:"slow"`   // slowest first
	Name   string `json:"name"`   // substring of the suite or name, any case
	Limit  int    `json:"limit"`  // ≤ 0: all
}

// TestOutcomeInfo is one result in a test's history.
type TestOutcomeInfo struct {
	RunID      int64  `json:"run_id"`
	ResultID   int64  `json:"result_id"`
	Status     string `json:"status"`
	DurationMs int64  `json:"duration_ms"`
	Flaky      bool   `json:"flaky"`
	Commit     string `json:"commit"`
	StartedAt  string `json:"started_at"`
}

// TestDetail is one result with its output and the test's history.
type TestDetail struct {
	Result TestResultInfo `json:"result"`
	Output string         `json:"output"`
	// History is the test's newest outcomes, newest first, up to this result's run.
	History []TestOutcomeInfo `json:"history"`
	// LastPassedRun is the newest run, up to this result's, that the test passed in (0: never);
	// FailingSince the first run of the failures this result belongs to (0: it is not a
	// failure). Runs after this result's do not count.
	LastPassedRun int64 `json:"last_passed_run"`
	FailingSince  int64 `json:"failing_since"`
	// MedianMs is the median duration of the passing results in History (0: none).
	MedianMs int64 `json:"median_ms"`
}

// historyLength is how many outcomes a test's detail shows.
const historyLength = 30

// RunTests lists a run's test results, each with what the test's history up to the run says
// of its flakiness.
func (p *Project) RunTests(runID int64, q TestQuery) ([]TestResultInfo, error) {
	if _, err := p.GetRun(runID); err != nil {
		return nil, err
	}
	ctx := context.Background()
	f := store.TestFilter{Failed: q.Failed, Name: q.Name, Limit: q.Limit, BySlowest: q.Slow}
	if q.Flaky {
		f.Limit = 0 // the flaky ones are picked below, once their history is known
	}
	rs, err := p.store.RunTests(ctx, runID, f)
	if err != nil {
		return nil, err
	}
	flaky, err := p.store.RunFlaky(ctx, p.id, runID, 0)
	if err != nil {
		return nil, err
	}
	out := make([]TestResultInfo, 0, len(rs))
	for _, r := range rs {
		info := resultInfo(r)
		if ft, ok := flaky[r.TestID]; ok {
			info.FlakyHistory = &FlakyHistory{Reasons: ft.Reasons, Evidence: ft.Evidence, Flips: ft.Flips}
		}
		if q.Flaky && !info.Flaky && info.FlakyHistory == nil {
			continue
		}
		if out = append(out, info); q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// TestDetail returns one test result with its output and its test's history.
func (p *Project) TestDetail(resultID int64) (TestDetail, error) {
	ctx := context.Background()
	if err := p.ownResult(resultID); err != nil {
		return TestDetail{}, err
	}
	r, err := p.store.TestResultDetail(ctx, resultID)
	if err != nil {
		return TestDetail{}, err
	}
	h, err := p.store.History(ctx, r.TestID, r.RunID, historyLength)
	if err != nil {
		return TestDetail{}, err
	}
	d := TestDetail{Result: resultInfo(r), Output: r.Output, History: []TestOutcomeInfo{},
		LastPassedRun: h.LastPassedRun, FailingSince: h.FailingSince}
	var passing []int64
	for _, o := range h.Outcomes {
		d.History = append(d.History, TestOutcomeInfo{RunID: o.RunID, ResultID: o.ResultID, Status: o.Status,
			DurationMs: o.DurationMs, Flaky: o.Status == store.TestPassed && o.Attempts > 1, Commit: o.Commit,
			StartedAt: rfc3339(o.StartedMs)})
		if o.Status == store.TestPassed {
			passing = append(passing, o.DurationMs)
		}
	}
	if len(passing) > 0 {
		d.MedianMs = store.Median(passing)
	}
	return d, nil
}

func (p *Project) ownResult(resultID int64) error {
	projectID, err := p.store.ResultProject(context.Background(), resultID)
	if err != nil {
		return errorf(CodeNotFound, "test result %d does not exist", resultID)
	}
	if projectID != p.id {
		return errorf(CodeNotFound, "test result %d is not in project %s", resultID, p.dir)
	}
	return nil
}

func resultInfos(rs []store.TestResult) []TestResultInfo {
	out := make([]TestResultInfo, 0, len(rs))
	for _, r := range rs {
		out = append(out, resultInfo(r))
	}
	return out
}

func resultInfo(r store.TestResult) TestResultInfo {
	return TestResultInfo{ID: r.ID, RunID: r.RunID, StepID: r.StepID, TestID: r.TestID, Suite: r.Suite, Name: r.Name,
		Status: r.Status, DurationMs: r.DurationMs, Attempts: r.Attempts, Flaky: r.Flaky(), Message: r.Message,
		File: r.File, Line: r.Line}
}
