package dora

import (
	"fmt"
	"slices"
	"time"
)

// Bands of deployment frequency, as Four Keys names them; BandNone when nothing was deployed.
const (
	BandDaily   = "daily"
	BandWeekly  = "weekly"
	BandMonthly = "monthly"
	BandYearly  = "yearly"
	BandNone    = "none"
)

// Bands of lead time and time to restore: the figure is below one day, one week, one month
// (30 days), six months (182 days), or more (one year).
const (
	BandOneDay    = "one_day"
	BandOneWeek   = "one_week"
	BandOneMonth  = "one_month"
	BandSixMonths = "six_months"
	BandOneYear   = "one_year"
)

// The definitions shown beside each figure.
const (
	FrequencyDefinition = "Successful deploys and promotions to a production target per week in the period. " +
		"Band (as Four Keys): daily when the median week of the period has deploys on 3 days or more, weekly when " +
		"it has one, monthly when the median 30 days have one, else yearly."
	LeadTimeDefinition = "Median time from commit (committer time) to its first successful production deploy, over " +
		"every commit each deploy in the period brought (those since the target's previous deploy; values of zero " +
		"or less, from clock skew or rewritten dates, are ignored)."
	ChangeFailureDefinition = "Production deploys in the period that failed their health gate after the switch, " +
		"were followed by a health check going DOWN while they were current, or were rolled back, divided by every " +
		"production deploy that reached the switch."
	RestoreDefinition = "Median duration of the resolved incidents of production targets detected in the period: " +
		"from the earlier of detection and the deploy of the incident's root-cause commit, to resolution."
)

// Frequency is how often production is deployed.
type Frequency struct {
	Deploys    int     // successful deploys and promotions in the period
	DeployDays int     // distinct UTC days with one
	PerWeek    float64 // Deploys per 7 days of the period
	Band       string
}

func frequency(period Period, counted []Deploy) Frequency {
	days := map[string]bool{}
	var ok []time.Time
	for _, d := range counted {
		if d.Succeeded {
			ok = append(ok, d.Finished)
			days[d.Finished.UTC().Format(time.DateOnly)] = true
		}
	}
	f := Frequency{Deploys: len(ok), DeployDays: len(days), PerWeek: float64(len(ok)) * 7 / float64(period.Days())}
	f.Band = frequencyBand(period, ok)
	return f
}

// frequencyBand is Four Keys' band: the median number of days with a deploy in the whole
// weeks (then 30-day months) that end with the period.
func frequencyBand(period Period, deployed []time.Time) string {
	switch {
	case len(deployed) == 0:
		return BandNone
	case medianDaysPer(period, deployed, 7) >= 3:
		return BandDaily
	case medianDaysPer(period, deployed, 7) >= 1:
		return BandWeekly
	case medianDaysPer(period, deployed, 30) >= 1:
		return BandMonthly
	}
	return BandYearly
}

// medianDaysPer splits the period, from its end back, into whole buckets of size days (at
// least one bucket) and returns the median count of distinct days with a deploy per bucket.
func medianDaysPer(period Period, deployed []time.Time, size int) float64 {
	buckets := max(1, period.Days()/size)
	days := make([]map[string]bool, buckets)
	span := time.Duration(size) * 24 * time.Hour
	for _, t := range deployed {
		i := int(period.To.Sub(t) / span)
		if i >= 0 && i < buckets {
			if days[i] == nil {
				days[i] = map[string]bool{}
			}
			days[i][t.UTC().Format(time.DateOnly)] = true
		}
	}
	counts := make([]int, buckets)
	for i, d := range days {
		counts[i] = len(d)
	}
	return median(counts)
}

// LeadTime is how long commits take to reach production.
type LeadTime struct {
	Median  time.Duration // 0 when Commits is 0
	Commits int           // commits counted
	Ignored int           // commits left out for a lead time of zero or less
	Band    string
}

func leadTime(counted []Deploy) LeadTime {
	var leads []time.Duration
	ignored := 0
	for _, d := range counted {
		if !d.Succeeded {
			continue
		}
		l, n := leads1(d)
		leads, ignored = append(leads, l...), ignored+n
	}
	lt := LeadTime{Commits: len(leads), Ignored: ignored, Band: BandNone}
	if len(leads) > 0 {
		lt.Median = time.Duration(median(leads))
		lt.Band = durationBand(lt.Median)
	}
	return lt
}

// leads1 are the positive lead times of one deploy's commits, and how many were not.
func leads1(d Deploy) (leads []time.Duration, ignored int) {
	for _, c := range d.Commits {
		if l := d.Finished.Sub(c); l > 0 {
			leads = append(leads, l)
		} else {
			ignored++
		}
	}
	return leads, ignored
}

// durationBand is the band of a lead time or time to restore.
func durationBand(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < day:
		return BandOneDay
	case d < 7*day:
		return BandOneWeek
	case d < 30*day:
		return BandOneMonth
	case d < 182*day:
		return BandSixMonths
	}
	return BandOneYear
}

// ChangeFailure is the share of production deploys that failed.
type ChangeFailure struct {
	Deploys int     // production deploys that reached the switch
	Failed  int     // of which failed
	Rate    float64 // Failed / Deploys; meaningless when Deploys is 0
	Band    string  // "0-15%" … "61-100%", or BandNone
}

func changeFailure(figures []DeployFigures) ChangeFailure {
	cf := ChangeFailure{Deploys: len(figures), Band: BandNone}
	for _, f := range figures {
		if len(f.FailedBy) > 0 {
			cf.Failed++
		}
	}
	if cf.Deploys > 0 {
		cf.Rate = float64(cf.Failed) / float64(cf.Deploys)
		cf.Band = rateBand(cf.Rate)
	}
	return cf
}

// rateBands are Four Keys' change failure bands, by their highest rate.
var rateBands = []struct {
	top  float64
	band string
}{{0.15, "0-15%"}, {0.30, "16-30%"}, {0.45, "31-45%"}, {0.60, "46-60%"}, {1, "61-100%"}}

// rateBand is the change failure band of rate.
func rateBand(rate float64) string {
	for _, b := range rateBands {
		if rate <= b.top+1e-9 {
			return b.band
		}
	}
	return rateBands[len(rateBands)-1].band
}

// failedBy says, per counted deploy id, why it is a failed change.
func failedBy(counted, all []Deploy, incidents []Incident) map[int64][]string {
	ids := map[int64]bool{}
	out := map[int64][]string{}
	for _, d := range counted {
		ids[d.ID] = true
		if !d.Succeeded {
			out[d.ID] = append(out[d.ID], "health gate")
		}
	}
	for _, in := range incidents {
		if in.countsAgainstDeploy() && ids[in.DeployID] {
			out[in.DeployID] = append(out[in.DeployID], fmt.Sprintf("incident #%d", in.ID))
		}
	}
	for r, blamed := range rolledBack(all) {
		if ids[blamed] {
			out[blamed] = append(out[blamed], fmt.Sprintf("rollback #%d", r))
		}
	}
	return out
}

// rolledBack maps each successful rollback to the deploy it undid: the newest successful
// deploy or promotion of its target before it. A failed deploy was already switched back by
// its gate and is skipped; a rollback before it means it undoes a release an earlier
// rollback restored, which blames no new change.
func rolledBack(all []Deploy) map[int64]int64 {
	byTarget := map[string][]Deploy{}
	for _, d := range all {
		if d.Succeeded || d.Kind == Rollback {
			byTarget[d.Target] = append(byTarget[d.Target], d)
		}
	}
	out := map[int64]int64{}
	for _, ds := range byTarget {
		slices.SortStableFunc(ds, func(a, b Deploy) int { return a.Finished.Compare(b.Finished) })
		var current *Deploy // the newest successful change or rollback so far
		for i := range ds {
			d := &ds[i]
			if d.Kind == Rollback && d.Succeeded && current != nil && current.Kind != Rollback {
				out[d.ID] = current.ID
			}
			if d.Succeeded {
				current = d
			}
		}
	}
	return out
}

// Restore is how long production takes to recover.
type Restore struct {
	Median    time.Duration // 0 when Incidents is 0
	Incidents int           // resolved incidents counted
	Open      int           // incidents detected in the period and still open (not counted)
	Band      string
}

func restore(restored []IncidentFigures, open int) Restore {
	r := Restore{Incidents: len(restored), Open: open, Band: BandNone}
	if len(restored) == 0 {
		return r
	}
	durations := make([]time.Duration, len(restored))
	for i, in := range restored {
		durations[i] = in.Restore
	}
	r.Median = time.Duration(median(durations))
	r.Band = durationBand(r.Median)
	return r
}
