package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"eightfold/backend/store"
)

// trendsT records a crafted history straight into a project's store.
type trendsT struct {
	t   *testing.T
	p   *Project
	ctx context.Context
}

func trendAt(s string) time.Time {
	v, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return v
}

// trendStep is a step of a crafted run: how long it took, how it ended ("" : skipped), and
// the status of the test TestA it reported ("": none).
type trendStep struct {
	name, status string
	ms           int64
	testA        string
}

// run records a run that finished at end with the given status and steps, on tree.
func (h *trendsT) run(end time.Time, status, tree string, steps ...trendStep) int64 {
	h.t.Helper()
	s := h.p.store
	nr := store.NewRun{ProjectID: h.p.id, Trigger: "manual", StartedMs: end.Add(-time.Minute).UnixMilli()}
	for _, st := range steps {
		nr.Steps = append(nr.Steps, store.NewStep{Name: st.name, Command: "true"})
	}
	r, err := s.CreateRun(h.ctx, nr)
	trendMust(h.t, err)
	trendMust(h.t, s.SetRunGit(h.ctx, r.ID, store.GitState{Commit: "c0ffee", Tree: tree}))
	start := end.Add(-time.Minute).UnixMilli()
	for i, st := range steps {
		if st.status == "" {
			continue
		}
		trendMust(h.t, s.StartStep(h.ctx, r.Steps[i].ID, start, store.ProcessGroup{}))
		trendMust(h.t, s.FinishStep(h.ctx, r.Steps[i].ID, store.StepEnd{Status: st.status, FinishedMs: start + st.ms}))
		if st.testA != "" {
			trendMust(h.t, s.AddTestResults(h.ctx, h.p.id, r.ID, r.Steps[i].ID,
				[]store.TestResult{{Suite: "pkg", Name: "TestA", Status: st.testA, Attempts: 1, DurationMs: 5}}))
		}
		start += st.ms
	}
	trendMust(h.t, s.FinishRun(h.ctx, r.ID, store.RunEnd{Status: status, FinishedMs: end.UnixMilli()}))
	return r.ID
}

// deploy records a deploy to target that ended at end with status ("running": not ended).
func (h *trendsT) deploy(target, kind, status string, end time.Time) int64 {
	h.t.Helper()
	s := h.p.store
	d := store.Deploy{ProjectID: h.p.id, Target: target, Kind: kind, Version: "1.0.0", StartedMs: end.Add(-time.Minute).UnixMilli()}
	id, err := s.CreateDeploy(h.ctx, d)
	trendMust(h.t, err)
	if status != store.DeployRunning {
		d.ID, d.Status, d.FinishedMs, d.Steps, d.Warnings = id, status, end.UnixMilli(), "[]", "[]"
		trendMust(h.t, s.UpdateDeploy(h.ctx, d))
	}
	return id
}

// results records one result of the check per ok value, a minute apart from first.
func (h *trendsT) results(check string, first time.Time, oks ...bool) {
	h.t.Helper()
	id, err := h.p.store.EnsureCheck(h.ctx, h.p.id, check, "http://127.0.0.1/healthz")
	trendMust(h.t, err)
	var rs []store.CheckResult
	for i, ok := range oks {
		rs = append(rs, store.CheckResult{CheckID: id, AtMs: first.Add(time.Duration(i) * time.Minute).UnixMilli(), OK: ok, Status: 200})
	}
	trendMust(h.t, h.p.store.AddCheckResults(h.ctx, rs))
}

func trendMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func trendMs(v int64) *int64       { return &v }
func trendRate(v float64) *float64 { return &v }

// The dashboard's trends over a crafted week, every figure worked out by hand: the period
// is 2026-03-14 to 2026-03-20 (today, a Friday), ISO weeks 11 and 12.
func TestTrendsOnACraftedHistory(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	p.now = func() time.Time { return trendAt("2026-03-20 12:00") }
	h := &trendsT{t: t, p: p, ctx: context.Background()}
	const ok, failed = store.StatusPassed, store.StatusFailed
	build := func(ms int64) trendStep { return trendStep{name: "build", status: ok, ms: ms} }
	// "unit" is a test step because it reports tests; "integration-tests" because of its name.
	unit := func(ms int64, testA string) trendStep {
		return trendStep{name: "unit", status: ok, ms: ms, testA: testA}
	}

	h.run(trendAt("2026-03-13 23:59"), ok, "t0", build(9000), unit(9000, ok)) // the day before the period
	r1 := h.run(trendAt("2026-03-18 09:00"), ok, "t1", build(1000), unit(4000, ok))
	r2 := h.run(trendAt("2026-03-18 10:00"), failed, "t1", trendStep{name: "build", status: failed, ms: 3000}, unit(2000, store.TestFailed))
	h.run(trendAt("2026-03-18 11:00"), store.StatusCancelled, "t2", build(500), trendStep{name: "unit"}) // left out
	r4 := h.run(trendAt("2026-03-19 00:00"), ok, "t3", build(2000), unit(1000, ok), trendStep{name: "integration-tests", status: ok, ms: 500})
	r5 := h.run(trendAt("2026-03-19 08:00"), store.StatusTimeout, "t4", trendStep{name: "build", status: store.StatusTimeout, ms: 4000}, trendStep{name: "unit"})
	r6 := h.run(trendAt("2026-03-19 23:59"), ok, "t5", build(6000), unit(3000, ok))

	h.deploy("staging", "deploy", store.DeploySucceeded, trendAt("2026-03-10 12:00")) // before the period
	d2 := h.deploy("staging", "deploy", store.DeploySucceeded, trendAt("2026-03-15 12:00"))
	d3 := h.deploy("production", "promote", store.DeployFailed, trendAt("2026-03-16 00:30"))
	d4 := h.deploy("production", "promote", store.DeploySucceeded, trendAt("2026-03-17 12:00"))
	h.deploy("staging", "deploy", store.DeployRunning, trendAt("2026-03-20 11:00"))
	d6 := h.deploy("staging", "rollback", store.DeploySucceeded, trendAt("2026-03-19 12:00"))

	h.results("target:staging", trendAt("2026-03-19 10:00"), true, false, true)
	h.results("target:staging", trendAt("2026-03-20 10:00"), true)
	h.results("check:web", trendAt("2026-03-18 10:00"), false)
	h.results("check:old", trendAt("2026-03-05 10:00"), true) // no result in the period: left out

	got, err := p.Trends(7)
	trendMust(t, err)
	if got.Days != 7 || got.From != "2026-03-14T00:00:00.000Z" || got.To != "2026-03-21T00:00:00.000Z" || len(got.Daily) != 7 {
		t.Fatalf("period %d %s %s, %d days", got.Days, got.From, got.To, len(got.Daily))
	}
	for i, d := range got.Daily {
		if want := trendAt("2026-03-14 00:00").AddDate(0, 0, i).Format(time.DateOnly); d.Day != want {
			t.Errorf("day %d is %s, want %s", i, d.Day, want)
		}
		if i != 4 && i != 5 && (len(d.Runs) != 0 || d.PassRate != nil || d.Build.MedianMs != nil || len(d.Flaky) != 0) {
			t.Errorf("%s should be empty: %+v", d.Day, d)
		}
	}
	runIDs := func(d TrendDay) []int64 {
		var ids []int64
		for _, r := range d.Runs {
			ids = append(ids, r.ID)
		}
		return ids
	}
	mar18, mar19 := got.Daily[4], got.Daily[5]
	checkDay(t, mar18, []int64{r1, r2}, 1, trendRate(0.5),
		DurationStats{MedianMs: trendMs(2000), P90Ms: trendMs(3000), Runs: 2}, DurationStats{MedianMs: trendMs(3000), P90Ms: trendMs(4000), Runs: 2}, runIDs)
	checkDay(t, mar19, []int64{r4, r5, r6}, 2, trendRate(2.0/3),
		DurationStats{MedianMs: trendMs(4000), P90Ms: trendMs(6000), Runs: 3}, DurationStats{MedianMs: trendMs(2250), P90Ms: trendMs(3000), Runs: 2}, runIDs)
	if r := mar19.Runs[1]; r.TestMs != nil || r.BuildMs == nil || *r.BuildMs != 4000 {
		t.Errorf("the timed-out run without a test step: %+v", r)
	}
	// TestA passed and failed on tree t1 (runs 1 and 2): flaky on the 18th, not on the 19th.
	if want := []FlakyOnDay{{TestID: mar18.Flaky[0].TestID, Suite: "pkg", Name: "TestA", Runs: []int64{r1, r2}}}; !reflect.DeepEqual(mar18.Flaky, want) {
		t.Errorf("flaky on the 18th: %+v, want %+v", mar18.Flaky, want)
	}
	if len(mar19.Flaky) != 0 {
		t.Errorf("flaky on the 19th: %+v", mar19.Flaky)
	}

	if !reflect.DeepEqual(got.Targets, []string{"production", "staging"}) {
		t.Errorf("targets %v", got.Targets)
	}
	weekly := map[string][]string{}
	for _, w := range got.Weeks {
		for _, tw := range w.Targets {
			line := tw.Target + " " + strconv.Itoa(tw.Succeeded) + "/" + strconv.Itoa(tw.Failed)
			for _, d := range tw.Deploys {
				line += " #" + strconv.FormatInt(d.ID, 10) + ":" + d.Kind
			}
			weekly[w.Week+" "+w.Start] = append(weekly[w.Week+" "+w.Start], line)
		}
	}
	wantWeeks := map[string][]string{
		"2026-W11 2026-03-09": {"production 0/0", "staging 1/0 #" + strconv.FormatInt(d2, 10) + ":deploy"},
		"2026-W12 2026-03-16": {"production 1/1 #" + strconv.FormatInt(d3, 10) + ":promote #" + strconv.FormatInt(d4, 10) + ":promote", "staging 1/0 #" + strconv.FormatInt(d6, 10) + ":rollback"},
	}
	if len(got.Weeks) != 2 || !reflect.DeepEqual(weekly, wantWeeks) {
		t.Errorf("weeks %v, want %v", weekly, wantWeeks)
	}

	if len(got.Uptime) != 2 || got.Uptime[0].Check != "target:staging" || got.Uptime[1].Check != "check:web" {
		t.Fatalf("uptime of %+v", got.Uptime)
	}
	staging := got.Uptime[0]
	if staging.Kind != "target" || staging.Name != "staging" || *staging.Uptime != 0.75 || len(staging.Days) != 7 {
		t.Errorf("staging uptime %+v", staging)
	}
	if d := staging.Days[5]; d.Day != "2026-03-19" || d.Total != 3 || d.OK != 2 || *d.Uptime != 2.0/3 {
		t.Errorf("staging on the 19th %+v", d)
	}
	if d := staging.Days[6]; d.Total != 1 || *d.Uptime != 1 || staging.Days[0].Uptime != nil {
		t.Errorf("staging today %+v, first day %+v", d, staging.Days[0])
	}
	if web := got.Uptime[1]; *web.Uptime != 0 || *web.Days[4].Uptime != 0 {
		t.Errorf("web uptime %+v", web)
	}
}

func checkDay(t *testing.T, d TrendDay, runs []int64, passed int, pass *float64, build, test DurationStats, ids func(TrendDay) []int64) {
	t.Helper()
	if got := ids(d); !reflect.DeepEqual(got, runs) {
		t.Errorf("%s: runs %v, want %v", d.Day, got, runs)
	}
	if d.Passed != passed || d.PassRate == nil || *d.PassRate != *pass {
		t.Errorf("%s: passed %d, rate %v, want %d, %v", d.Day, d.Passed, d.PassRate, passed, *pass)
	}
	if !reflect.DeepEqual(d.Build, build) {
		t.Errorf("%s: build %s, want %s", d.Day, statsText(d.Build), statsText(build))
	}
	if !reflect.DeepEqual(d.Test, test) {
		t.Errorf("%s: test %s, want %s", d.Day, statsText(d.Test), statsText(test))
	}
}

func statsText(s DurationStats) string { b, _ := json.Marshal(s); return string(b) }

// An empty project has empty days, no weeks' targets and no uptime; the JSON has lists, not nulls.
func TestTrendsOfNothing(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	p.now = func() time.Time { return trendAt("2026-01-01 00:00") } // a Thursday: ISO week 2026-W01
	got, err := p.Trends(30)
	trendMust(t, err)
	if len(got.Daily) != 30 || got.Daily[29].Day != "2026-01-01" || got.Daily[0].Day != "2025-12-03" {
		t.Fatalf("days %d, from %s", len(got.Daily), got.Daily[0].Day)
	}
	if first, last := got.Weeks[0], got.Weeks[len(got.Weeks)-1]; first.Week != "2025-W49" || first.Start != "2025-12-01" || last.Week != "2026-W01" || len(got.Weeks) != 5 {
		t.Errorf("weeks %+v", got.Weeks)
	}
	b, _ := json.Marshal(got)
	var raw map[string]any
	trendMust(t, json.Unmarshal(b, &raw))
	for _, k := range []string{"targets", "uptime"} {
		if _, isList := raw[k].([]any); !isList {
			t.Errorf("%s is %v, want a list", k, raw[k])
		}
	}
	day := raw["daily"].([]any)[0].(map[string]any)
	if _, isList := day["runs"].([]any); !isList || day["pass_rate"] != nil {
		t.Errorf("an empty day %v", day)
	}
}

func TestTrendsRejectsOtherPeriods(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	for _, days := range []int{0, -7, 14, 365} {
		_, err := p.Trends(days)
		var e *Error
		if !errors.As(err, &e) || e.Code() != CodeBadRequest {
			t.Errorf("Trends(%d): %v, want a bad_request", days, err)
		}
	}
}

// The 90th percentile is the nearest rank: the ⌈0.9·n⌉-th smallest.
func TestDurationStats(t *testing.T) {
	seq := func(n int64) []int64 {
		var xs []int64
		for i := n; i >= 1; i-- { // out of order on purpose
			xs = append(xs, i*100)
		}
		return xs
	}
	for _, c := range []struct {
		xs       []int64
		med, p90 int64
	}{
		{[]int64{700}, 700, 700},
		{seq(10), 550, 900},
		{seq(11), 600, 1000},
		{seq(20), 1050, 1800},
		{[]int64{5, 1, 1000}, 5, 1000},
	} {
		got := durationStats(c.xs)
		if *got.MedianMs != c.med || *got.P90Ms != c.p90 || got.Runs != len(c.xs) {
			t.Errorf("%v: %s, want median %d, p90 %d", c.xs, statsText(got), c.med, c.p90)
		}
	}
	if got := durationStats(nil); got.MedianMs != nil || got.P90Ms != nil || got.Runs != 0 {
		t.Errorf("no samples: %s", statsText(got))
	}
}
