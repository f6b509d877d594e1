package workbench

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"eightfold/backend/store"
)

// Trends is what the Monitor dashboard draws over a period of whole UTC days ending today:
// per day the build and test time, the pass rate and the flaky tests; per ISO week the
// deploys of each target; per health check its uptime each day. Every figure carries the
// ids of the runs, deploys or tests behind it.
type Trends struct {
	Days  int          `json:"days"`
	From  string       `json:"from"` // RFC 3339: the start of the first day
	To    string       `json:"to"`   // RFC 3339: the end of today, exclusive
	Daily []TrendDay   `json:"daily"`
	Weeks []DeployWeek `json:"weeks"`
	// Targets are the targets with a deploy that ended in the period, by name: every week
	// lists each of them.
	Targets []string      `json:"targets"`
	Uptime  []CheckUptime `json:"uptime"` // the checks with a result in the period, targets first
}

// TrendDay is one UTC day of the trends.
type TrendDay struct {
	Day string `json:"day"` // YYYY-MM-DD
	// Runs are the runs that finished that day and count: passed, failed, timed out or in
	// error. Cancelled and interrupted runs say nothing about the code and are left out.
	Runs     []TrendRunInfo `json:"runs"`
	Passed   int            `json:"passed"`
	PassRate *float64       `json:"pass_rate"` // passed / len(runs); null without runs
	Build    DurationStats  `json:"build"`
	Test     DurationStats  `json:"test"`
	// Flaky are the tests that a run of that day shows to be flaky, judged over the runs of
	// the period (by id, from its first to its last) by the rules of the flaky tests view.
	Flaky []FlakyOnDay `json:"flaky"`
}

// TrendRunInfo is a run behind a day's figures.
type TrendRunInfo struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	FinishedAt string `json:"finished_at"`
	BuildMs    *int64 `json:"build_ms"` // its build steps' time; null when none ran to an end
	TestMs     *int64 `json:"test_ms"`  // its test steps' time; null when none ran to an end
}

// DurationStats are the median and 90th percentile (nearest rank) of the day's runs' build
// or test time; null when no run timed such a step.
type DurationStats struct {
	MedianMs *int64 `json:"median_ms"`
	P90Ms    *int64 `json:"p90_ms"`
	Runs     int    `json:"runs"` // how many runs the figures are of
}

// FlakyOnDay is a flaky test and the runs of one day that show it.
type FlakyOnDay struct {
	TestID int64   `json:"test_id"`
	Suite  string  `json:"suite"`
	Name   string  `json:"name"`
	Runs   []int64 `json:"runs"`
}

// DeployWeek is one ISO week of deploys.
type DeployWeek struct {
	Week    string       `json:"week"`  // "2026-W12"
	Start   string       `json:"start"` // its Monday, YYYY-MM-DD
	Targets []TargetWeek `json:"targets"`
}

// TargetWeek is what one target's deploys, promotions and rollbacks did in a week.
type TargetWeek struct {
	Target    string      `json:"target"`
	Succeeded int         `json:"succeeded"`
	Failed    int         `json:"failed"`
	Deploys   []DeployRef `json:"deploys"` // oldest first
}

// DeployRef is a deploy behind a week's bars.
type DeployRef struct {
	ID         int64  `json:"id"`
	Target     string `json:"target"`
	Kind       string `json:"kind"`
	Version    string `json:"version"`
	Status     string `json:"status"`
	FinishedAt string `json:"finished_at"`
}

// CheckUptime is a health check's uptime over the period and each day of it.
type CheckUptime struct {
	Check  string      `json:"check"` // "target:staging", "check:api"
	Kind   string      `json:"kind"`  // "target" or "check"
	Name   string      `json:"name"`  // "staging", "api"
	URL    string      `json:"url"`
	Uptime *float64    `json:"uptime"` // over the period
	Days   []UptimeBar `json:"days"`   // oldest first, one per day of the period
}

// UptimeBar is a check's day: its results and the share that passed (null: no result).
type UptimeBar struct {
	Day    string   `json:"day"`
	Total  int64    `json:"total"`
	OK     int64    `json:"ok"`
	Uptime *float64 `json:"uptime"`
}

// TrendPeriods are the periods, in days, the dashboard offers.
var TrendPeriods = []int{7, 30, 90}

// Trends computes the dashboard's trends over the last days UTC days (7, 30 or 90),
// today included.
func (p *Project) Trends(days int) (Trends, error) {
	if !slices.Contains(TrendPeriods, days) {
		return Trends{}, errorf(CodeBadRequest, "trends over %d days: choose 7, 30 or 90", days)
	}
	ctx := context.Background()
	y, m, d := p.now().UTC().Date()
	from := time.Date(y, m, d-days+1, 0, 0, 0, 0, time.UTC)
	to := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	t := Trends{Days: days, From: rfc3339(from.UnixMilli()), To: rfc3339(to.UnixMilli())}
	var err error
	if t.Daily, err = p.dailyTrends(ctx, from, days); err != nil {
		return t, err
	}
	if t.Weeks, t.Targets, err = p.deployWeeks(ctx, from, to); err != nil {
		return t, err
	}
	t.Uptime, err = p.uptimes(ctx, days, to.Add(-time.Millisecond))
	return t, err
}

// dailyTrends fills each day with its runs, their time and pass rate, and its flaky tests.
func (p *Project) dailyTrends(ctx context.Context, from time.Time, days int) ([]TrendDay, error) {
	to := from.AddDate(0, 0, days)
	runs, err := p.store.TrendRuns(ctx, p.id, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	out := make([]TrendDay, days)
	for i := range out {
		out[i] = TrendDay{Day: from.AddDate(0, 0, i).Format(time.DateOnly), Runs: []TrendRunInfo{}, Flaky: []FlakyOnDay{}}
	}
	dayOf := map[int64]int{} // run id → day index, for every finished run of the period
	for _, r := range runs {
		i := dayIndex(from, r.FinishedMs)
		dayOf[r.ID] = i
		if countsInTrends(r.Status) {
			out[i].Runs = append(out[i].Runs, trendRunInfo(r))
		}
	}
	for i := range out {
		out[i].summarise()
	}
	if len(runs) == 0 {
		return out, nil
	}
	first, last := runs[0].ID, runs[0].ID
	for _, r := range runs {
		first, last = min(first, r.ID), max(last, r.ID)
	}
	flaky, err := p.store.FlakyAmong(ctx, p.id, first, last)
	if err != nil {
		return nil, err
	}
	for _, f := range flaky {
		addFlaky(out, dayOf, f)
	}
	for i := range out {
		slices.SortFunc(out[i].Flaky, func(a, b FlakyOnDay) int {
			return cmp.Or(strings.Compare(a.Suite, b.Suite), strings.Compare(a.Name, b.Name))
		})
	}
	return out, nil
}

// dayIndex is the index of the UTC day of atMs in a period starting at from.
func dayIndex(from time.Time, atMs int64) int {
	return int((atMs - from.UnixMilli()) / (24 * time.Hour).Milliseconds())
}

// countsInTrends reports whether a run's outcome says something about the code.
func countsInTrends(status string) bool {
	switch status {
	case store.StatusPassed, store.StatusFailed, store.StatusTimeout, store.StatusError:
		return true
	}
	return false
}

func trendRunInfo(r store.TrendRun) TrendRunInfo {
	info := TrendRunInfo{ID: r.ID, Status: r.Status, FinishedAt: rfc3339(r.FinishedMs)}
	if r.BuildSteps > 0 {
		info.BuildMs = &r.BuildMs
	}
	if r.TestSteps > 0 {
		info.TestMs = &r.TestMs
	}
	return info
}

// summarise computes the day's pass rate and duration figures from its runs.
func (d *TrendDay) summarise() {
	var build, test []int64
	for _, r := range d.Runs {
		if r.Status == store.StatusPassed {
			d.Passed++
		}
		if r.BuildMs != nil {
			build = append(build, *r.BuildMs)
		}
		if r.TestMs != nil {
			test = append(test, *r.TestMs)
		}
	}
	if len(d.Runs) > 0 {
		rate := float64(d.Passed) / float64(len(d.Runs))
		d.PassRate = &rate
	}
	d.Build, d.Test = durationStats(build), durationStats(test)
}

// durationStats is the median (store.Median) and the nearest-rank 90th percentile of xs.
func durationStats(xs []int64) DurationStats {
	if len(xs) == 0 {
		return DurationStats{}
	}
	med := store.Median(xs)
	sorted := slices.Sorted(slices.Values(xs))
	p90 := sorted[(len(sorted)*9+9)/10-1] // the ⌈0.9·n⌉-th smallest
	return DurationStats{MedianMs: &med, P90Ms: &p90, Runs: len(xs)}
}

// addFlaky lists a flaky test on each day that one of its evidence runs finished.
func addFlaky(days []TrendDay, dayOf map[int64]int, f store.FlakyTest) {
	byDay := map[int][]int64{}
	for _, run := range f.Evidence {
		if i, ok := dayOf[run]; ok {
			byDay[i] = append(byDay[i], run)
		}
	}
	for i, runs := range byDay {
		days[i].Flaky = append(days[i].Flaky, FlakyOnDay{TestID: f.TestID, Suite: f.Suite, Name: f.Name, Runs: runs})
	}
}

// deployWeeks groups the deploys that ended in [from, to) by ISO week and target.
func (p *Project) deployWeeks(ctx context.Context, from, to time.Time) ([]DeployWeek, []string, error) {
	ds, err := p.store.DeployOutcomes(ctx, p.id, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, nil, err
	}
	targets := []string{}
	for _, d := range ds {
		if !slices.Contains(targets, d.Target) {
			targets = append(targets, d.Target)
		}
	}
	slices.Sort(targets)
	var weeks []DeployWeek
	for monday := isoMonday(from); monday.Before(to); monday = monday.AddDate(0, 0, 7) {
		y, w := monday.ISOWeek()
		wk := DeployWeek{Week: fmt.Sprintf("%d-W%02d", y, w), Start: monday.Format(time.DateOnly), Targets: make([]TargetWeek, len(targets))}
		for i, name := range targets {
			wk.Targets[i] = TargetWeek{Target: name, Deploys: []DeployRef{}}
		}
		weeks = append(weeks, wk)
	}
	first := isoMonday(from)
	for _, d := range ds {
		wk := &weeks[int(time.UnixMilli(d.FinishedMs).UTC().Sub(first)/(7*24*time.Hour))]
		tw := &wk.Targets[slices.Index(targets, d.Target)]
		if d.Status == store.DeploySucceeded {
			tw.Succeeded++
		} else {
			tw.Failed++
		}
		tw.Deploys = append(tw.Deploys, DeployRef{ID: d.ID, Target: d.Target, Kind: d.Kind, Version: d.Version,
			Status: d.Status, FinishedAt: rfc3339(d.FinishedMs)})
	}
	return weeks, targets, nil
}

// isoMonday is the start of the ISO week (Monday, UTC) that t falls in.
func isoMonday(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	back := (int(t.UTC().Weekday()) + 6) % 7 // days since Monday
	return time.Date(y, m, d-back, 0, 0, 0, 0, time.UTC)
}

// uptimes is each recorded check's uptime per day up to the day of last; checks without a
// result in the period are left out.
func (p *Project) uptimes(ctx context.Context, days int, last time.Time) ([]CheckUptime, error) {
	checks, err := p.store.Checks(ctx, p.id)
	if err != nil {
		return nil, err
	}
	out := []CheckUptime{}
	for _, c := range checks {
		kind, name, _ := strings.Cut(c.Name, ":")
		u := CheckUptime{Check: c.Name, Kind: kind, Name: name, URL: c.URL}
		stored, err := p.store.Uptime(ctx, c.ID, days, last)
		if err != nil {
			return nil, err
		}
		var total, ok int64
		for _, d := range stored {
			u.Days = append(u.Days, UptimeBar{Day: d.Day, Total: d.Total, OK: d.OK, Uptime: share(d.OK, d.Total)})
			total, ok = total+d.Total, ok+d.OK
		}
		if total > 0 {
			u.Uptime = share(ok, total)
			out = append(out, u)
		}
	}
	// Targets first, then checks: stored names sort "check:" before "target:".
	slices.SortStableFunc(out, func(a, b CheckUptime) int { return strings.Compare(b.Kind, a.Kind) })
	return out, nil
}

// share is ok/total, or nil when total is 0.
func share(ok, total int64) *float64 {
	if total == 0 {
		return nil
	}
	v := float64(ok) / float64(total)
	return &v
}
