package dora

import (
	"slices"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

var january = Period{From: at("2026-01-01 00:00"), To: at("2026-01-31 00:00")}

// craftedHistory is a month of production deploys and incidents; every answer in
// TestComputeOnCraftedHistory is worked out by hand in its comments.
func craftedHistory() ([]Deploy, []Incident) {
	deploys := []Deploy{
		{ID: 10, Target: "production", Kind: "deploy", Finished: at("2025-12-20 00:00"), Succeeded: true,
			Commits: []time.Time{at("2025-12-19 00:00")}}, // before the period
		{ID: 1, Target: "production", Kind: "deploy", Finished: at("2026-01-02 10:00"), Succeeded: true,
			Commits: []time.Time{at("2026-01-01 10:00"), at("2026-01-02 09:00"), at("2026-01-02 11:00")}}, // 24 h, 1 h, -1 h (ignored)
		{ID: 2, Target: "production", Kind: "promote", Finished: at("2026-01-10 12:00"), Succeeded: true,
			Commits: []time.Time{at("2026-01-10 10:00")}}, // 2 h
		{ID: 3, Target: "production", Kind: "deploy", Finished: at("2026-01-12 08:00"), Succeeded: false,
			Commits: []time.Time{at("2026-01-12 07:00")}}, // failed its gate: no lead time
		{ID: 4, Target: "production", Kind: "deploy", Finished: at("2026-01-20 00:00"), Succeeded: true,
			Commits: []time.Time{at("2026-01-19 00:00"), at("2026-01-13 00:00")}}, // 24 h, 168 h
		{ID: 5, Target: "production", Kind: Rollback, Finished: at("2026-01-20 06:00"), Succeeded: true}, // undoes 4
		{ID: 6, Target: "production", Kind: "deploy", Finished: at("2026-01-25 00:00"), Succeeded: true}, // no new commits
	}
	incidents := []Incident{
		{ID: 1, Kind: "check_down", Target: "production", DeployID: 2, Detected: at("2026-01-11 00:00"), Resolved: at("2026-01-11 02:00")},
		{ID: 2, Kind: "rollback", Target: "production", DeployID: 4, Detected: at("2026-01-20 00:00"), Resolved: at("2026-01-20 06:00")},
		{ID: 3, Kind: "check_down", Target: "production", DeployID: 6, Detected: at("2026-01-26 00:00"), Resolved: at("2026-01-26 12:00"),
			CauseDeployed: at("2026-01-25 00:00")}, // starts at the cause's deploy: 36 h
		{ID: 4, Kind: "check_down", Target: "production", Detected: at("2026-01-28 00:00")},                                   // open
		{ID: 5, Kind: "check_down", Target: "production", Detected: at("2025-12-30 00:00"), Resolved: at("2026-01-01 01:00")}, // before
	}
	return deploys, incidents
}

func TestComputeOnCraftedHistory(t *testing.T) {
	deploys, incidents := craftedHistory()
	r := Compute(january, deploys, incidents)

	// Frequency: 1, 2, 4 and 6 succeeded in January (3 failed its gate, 5 is a rollback):
	// 4 deploys on 4 days, 4 × 7 / 30 per week. The 4 whole weeks back from Jan 31 hold
	// deploy days 1 (25th), 1 (20th), 1 (10th), 0: median 1 → weekly.
	if f := r.Frequency; f.Deploys != 4 || f.DeployDays != 4 || !near(f.PerWeek, 28.0/30) || f.Band != BandWeekly {
		t.Errorf("frequency = %+v, want 4 deploys on 4 days, 0.933/week, weekly", f)
	}
	// Lead time: 24 h, 1 h, 2 h, 24 h, 168 h (the -1 h ignored; 3 failed) → median 24 h,
	// which is not below one day → one_week.
	if lt := r.LeadTime; lt.Median != 24*time.Hour || lt.Commits != 5 || lt.Ignored != 1 || lt.Band != BandOneWeek {
		t.Errorf("lead time = %+v, want median 24h over 5 commits, 1 ignored, one_week", lt)
	}
	// Change failure: 1, 2, 3, 4, 6 reached the switch; 2 (incident 1), 3 (its gate),
	// 4 (rolled back by 5) and 6 (incident 3) failed: 4/5.
	if cf := r.ChangeFailure; cf.Deploys != 5 || cf.Failed != 4 || !near(cf.Rate, 0.8) || cf.Band != "61-100%" {
		t.Errorf("change failure = %+v, want 4 of 5, 61-100%%", cf)
	}
	// Time to restore: incidents 1 (2 h), 2 (6 h) and 3 (36 h from the cause's deploy);
	// 4 is open, 5 was detected before the period → median 6 h, one_day.
	if rs := r.Restore; rs.Median != 6*time.Hour || rs.Incidents != 3 || rs.Open != 1 || rs.Band != BandOneDay {
		t.Errorf("restore = %+v, want median 6h over 3, 1 open, one_day", rs)
	}

	wantDeploys := map[int64]struct {
		lead     time.Duration
		commits  int
		failedBy []string
	}{
		6: {0, 0, []string{"incident #3"}},
		4: {96 * time.Hour, 2, []string{"rollback #5"}},
		3: {0, 0, []string{"health gate"}},
		2: {2 * time.Hour, 1, []string{"incident #1"}},
		1: {12*time.Hour + 30*time.Minute, 2, nil},
	}
	var order []int64
	for _, d := range r.Deploys {
		order = append(order, d.ID)
		w := wantDeploys[d.ID]
		if d.LeadMedian != w.lead || d.LeadCommits != w.commits || !slices.Equal(d.FailedBy, w.failedBy) {
			t.Errorf("deploy %d = lead %v over %d, failed by %q; want %v over %d, %q", d.ID, d.LeadMedian, d.LeadCommits, d.FailedBy, w.lead, w.commits, w.failedBy)
		}
	}
	if !slices.Equal(order, []int64{6, 4, 3, 2, 1}) {
		t.Errorf("deploys = %v, want 6 4 3 2 1 (newest first)", order)
	}
	var restored []int64
	for _, in := range r.Incidents {
		restored = append(restored, in.ID)
	}
	if !slices.Equal(restored, []int64{3, 2, 1}) || r.Incidents[0].Restore != 36*time.Hour {
		t.Errorf("incidents = %v (first restore %v), want 3 2 1 with 36h first", restored, r.Incidents[0].Restore)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestComputeWithNoDeploys(t *testing.T) {
	r := Compute(january, nil, nil)
	if r.Frequency.Deploys != 0 || r.Frequency.PerWeek != 0 || r.Frequency.Band != BandNone {
		t.Errorf("frequency = %+v", r.Frequency)
	}
	if r.LeadTime.Commits != 0 || r.LeadTime.Band != BandNone || r.ChangeFailure.Deploys != 0 ||
		r.ChangeFailure.Band != BandNone || r.Restore.Incidents != 0 || r.Restore.Band != BandNone {
		t.Errorf("report = %+v, want every key empty with band none", r)
	}
	if len(r.Deploys) != 0 || len(r.Incidents) != 0 {
		t.Errorf("drill-down = %v %v, want none", r.Deploys, r.Incidents)
	}
}

func TestComputeWithOneDeploy(t *testing.T) {
	week := Period{From: at("2026-01-24 00:00"), To: at("2026-01-31 00:00")}
	d := Deploy{ID: 7, Target: "production", Kind: "deploy", Finished: at("2026-01-30 12:00"), Succeeded: true,
		Commits: []time.Time{at("2026-01-30 11:00"), at("2026-01-30 08:00")}} // 1 h and 4 h
	r := Compute(week, []Deploy{d}, nil)
	// One deploy in one week: 1 deploy day in the only whole week → weekly, 1 per week.
	if r.Frequency.Deploys != 1 || !near(r.Frequency.PerWeek, 1) || r.Frequency.Band != BandWeekly {
		t.Errorf("frequency = %+v, want 1/week, weekly", r.Frequency)
	}
	if r.LeadTime.Median != 150*time.Minute || r.LeadTime.Band != BandOneDay {
		t.Errorf("lead time = %+v, want 2h30 (mean of 1 h and 4 h), one_day", r.LeadTime)
	}
	if r.ChangeFailure.Deploys != 1 || r.ChangeFailure.Failed != 0 || r.ChangeFailure.Band != "0-15%" {
		t.Errorf("change failure = %+v, want 0 of 1", r.ChangeFailure)
	}
}

func TestLeadTimesOfZeroOrLessAreIgnored(t *testing.T) {
	d := Deploy{ID: 1, Kind: "deploy", Finished: at("2026-01-05 00:00"), Succeeded: true,
		Commits: []time.Time{at("2026-01-05 00:00"), at("2026-01-06 00:00")}} // 0 and -24 h
	r := Compute(january, []Deploy{d}, nil)
	if r.LeadTime.Commits != 0 || r.LeadTime.Ignored != 2 || r.LeadTime.Band != BandNone || r.Deploys[0].LeadCommits != 0 {
		t.Errorf("lead time = %+v, deploy = %+v; want nothing counted, 2 ignored", r.LeadTime, r.Deploys[0])
	}
}

func TestRollbacksBlameTheChangeTheyUndo(t *testing.T) {
	deploys := []Deploy{
		{ID: 1, Target: "production", Kind: "deploy", Finished: at("2026-01-05 00:00"), Succeeded: true},
		{ID: 2, Target: "staging", Kind: "deploy", Finished: at("2026-01-05 01:00"), Succeeded: true},     // another target
		{ID: 3, Target: "production", Kind: "deploy", Finished: at("2026-01-05 02:00"), Succeeded: false}, // gate failed, switched back to 1
		{ID: 4, Target: "production", Kind: Rollback, Finished: at("2026-01-05 03:00"), Succeeded: true},  // undoes 1, not 3
		{ID: 5, Target: "production", Kind: Rollback, Finished: at("2026-01-05 04:00"), Succeeded: true},  // undoes what 4 restored: no change
		{ID: 6, Target: "production", Kind: "deploy", Finished: at("2026-01-06 00:00"), Succeeded: true},
		{ID: 7, Target: "production", Kind: Rollback, Finished: at("2026-01-06 01:00"), Succeeded: false}, // a failed rollback blames nothing
	}
	r := Compute(january, deploys, nil)
	got := map[int64][]string{}
	for _, d := range r.Deploys {
		got[d.ID] = d.FailedBy
	}
	want := map[int64][]string{1: {"rollback #4"}, 2: nil, 3: {"health gate"}, 6: nil}
	for id, w := range want {
		if !slices.Equal(got[id], w) {
			t.Errorf("deploy %d failed by %q, want %q", id, got[id], w)
		}
	}
	if len(r.Deploys) != 4 || r.ChangeFailure.Failed != 2 || r.ChangeFailure.Band != "46-60%" {
		t.Errorf("counted %d, failed %d (%s); want 4 counted, 2 failed, 46-60%%", len(r.Deploys), r.ChangeFailure.Failed, r.ChangeFailure.Band)
	}
}

func TestBands(t *testing.T) {
	const day = 24 * time.Hour
	durations := map[time.Duration]string{
		day - 1: BandOneDay, day: BandOneWeek, 7*day - 1: BandOneWeek, 7 * day: BandOneMonth,
		30 * day: BandSixMonths, 181 * day: BandSixMonths, 182 * day: BandOneYear,
	}
	for d, want := range durations {
		if got := durationBand(d); got != want {
			t.Errorf("durationBand(%v) = %s, want %s", d, got, want)
		}
	}
	rates := map[float64]string{0: "0-15%", 0.15: "0-15%", 0.16: "16-30%", 0.3: "16-30%", 0.45: "31-45%", 0.5: "46-60%", 0.61: "61-100%", 1: "61-100%"}
	for rate, want := range rates {
		if got := rateBand(rate); got != want {
			t.Errorf("rateBand(%v) = %s, want %s", rate, got, want)
		}
	}
}

func TestFrequencyBands(t *testing.T) {
	// Four whole weeks back from Jan 31 (Jan 3 to 30).
	daily := func(days ...int) []Deploy {
		var out []Deploy
		for i, d := range days {
			out = append(out, Deploy{ID: int64(i + 1), Kind: "deploy", Succeeded: true,
				Finished: at("2026-01-01 12:00").AddDate(0, 0, d-1)})
		}
		return out
	}
	cases := []struct {
		name string
		days []int
		want string
	}{
		// Deploy days per week (weeks from the end): 3, 3, 3, 0 → median 3.
		{"three days a week in three weeks", []int{28, 29, 30, 21, 22, 23, 14, 15, 16}, BandDaily},
		// 3, 3, 0, 0 → median 1.5: weekly.
		{"three days a week in two weeks", []int{28, 29, 30, 21, 22, 23}, BandWeekly},
		// 1, 0, 0, 0 → median 0; the one 30-day month has 1 day → monthly.
		{"once", []int{30}, BandMonthly},
		// Only on Jan 1 and 2: outside every whole week and the 30-day month (Jan 1 12:00 is
		// in it, Jan 1 is day 1): monthly too.
		{"first day", []int{1}, BandMonthly},
	}
	for _, c := range cases {
		if got := Compute(january, daily(c.days...), nil).Frequency.Band; got != c.want {
			t.Errorf("%s: band %s, want %s", c.name, got, c.want)
		}
	}
	// A 90-day period with deploys in one month only: the median 30-day month has none → yearly.
	quarter := Period{From: at("2025-11-02 00:00"), To: at("2026-01-31 00:00")}
	if got := Compute(quarter, daily(30), nil).Frequency.Band; got != BandYearly {
		t.Errorf("one deploy in 90 days: band %s, want yearly", got)
	}
}

// A deploy whose check went down and that was then rolled back has one outage: the check's.
func TestARolledBackOutageCountsOnce(t *testing.T) {
	incidents := []Incident{
		{ID: 1, Kind: "check_down", Target: "production", DeployID: 7, Detected: at("2026-01-10 10:00"), Resolved: at("2026-01-10 10:20")},
		{ID: 2, Kind: Rollback, Target: "production", DeployID: 7, Detected: at("2026-01-10 09:00"), Resolved: at("2026-01-10 10:15")},
		{ID: 3, Kind: Rollback, Target: "production", DeployID: 8, Detected: at("2026-01-12 09:00"), Resolved: at("2026-01-12 09:30")},
	}
	r := Compute(january, nil, incidents)
	var ids []int64
	for _, in := range r.Incidents {
		ids = append(ids, in.ID)
	}
	if !slices.Equal(ids, []int64{3, 1}) || r.Restore.Median != 25*time.Minute {
		t.Errorf("incidents %v, median %v; want 3 and 1 (the rollback of 7 left out), median 25m", ids, r.Restore.Median)
	}
}
