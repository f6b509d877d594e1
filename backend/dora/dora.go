// Package dora computes the four DORA keys (deployment frequency, lead time for changes,
// change failure rate and time to restore) from a project's own deploy and incident records,
// with the bands of Google's Four Keys. It is pure: the caller reads the records, this
// package only counts.
package dora

import (
	"slices"
	"time"
)

// Deploy is a deploy, promotion or rollback of one of the production targets.
type Deploy struct {
	ID       int64
	Target   string
	Kind     string // deploy, promote, rollback
	Version  string
	Commit   string
	Finished time.Time
	// Succeeded is false for a deploy that failed after its switch (its health gate
	// failed); deploys that failed before the switch never reached production and are not
	// passed in.
	Succeeded bool
	// Commits are the committer times of the commits this deploy brought to its target
	// first (those since the target's previous successful deploy).
	Commits []time.Time
}

// Rollback is the kind of a deploy that went back to an earlier release.
const Rollback = "rollback"

// Incident is something that went wrong on a production target.
type Incident struct {
	ID       int64
	Kind     string
	Title    string
	Target   string
	DeployID int64 // the deploy it is about or that preceded it; 0 when none
	Detected time.Time
	Resolved time.Time // zero while open
	// CauseDeployed is when its root-cause commit first reached production; zero when no
	// root cause is known. The incident starts at the earlier of this and Detected.
	CauseDeployed time.Time
}

// countsAgainstDeploy reports whether an incident of this kind marks its deploy as a failed
// change on its own: a check that went down. Rollbacks and failed health gates are read from
// the deploys themselves.
func (in Incident) countsAgainstDeploy() bool { return in.Kind == "check_down" }

// Start is when the incident began: detection, or earlier when its cause was deployed before.
func (in Incident) Start() time.Time {
	if !in.CauseDeployed.IsZero() && in.CauseDeployed.Before(in.Detected) {
		return in.CauseDeployed
	}
	return in.Detected
}

// Period is the half-open interval [From, To) the figures are computed over.
type Period struct {
	From, To time.Time
}

// Contains reports whether t is in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Days is the period's length in whole days (at least 1).
func (p Period) Days() int { return max(1, int(p.To.Sub(p.From)/(24*time.Hour))) }

// Report holds the four keys over a period, and what each was computed from.
type Report struct {
	Frequency     Frequency
	LeadTime      LeadTime
	ChangeFailure ChangeFailure
	Restore       Restore
	Deploys       []DeployFigures   // every production deploy counted, newest first
	Incidents     []IncidentFigures // every incident counted for time to restore, newest first
}

// Compute computes the four keys over period from the production targets' deploys (in any
// order; rollbacks included) and incidents.
func Compute(period Period, deploys []Deploy, incidents []Incident) Report {
	counted := changes(period, deploys)
	failures := failedBy(counted, deploys, incidents)
	figures := make([]DeployFigures, len(counted))
	for i, d := range counted {
		figures[i] = deployFigures(d, failures[d.ID])
	}
	restored, open := restoredIncidents(period, incidents)
	return Report{
		Frequency:     frequency(period, counted),
		LeadTime:      leadTime(counted),
		ChangeFailure: changeFailure(figures),
		Restore:       restore(restored, open),
		Deploys:       figures,
		Incidents:     restored,
	}
}

// changes are the deploys and promotions (not rollbacks) that finished in the period and
// reached production, newest first.
func changes(period Period, deploys []Deploy) []Deploy {
	var out []Deploy
	for _, d := range deploys {
		if d.Kind != Rollback && period.Contains(d.Finished) {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b Deploy) int { return b.Finished.Compare(a.Finished) })
	return out
}

// median is the median of xs (the mean of the middle two for an even count); it sorts xs.
func median[T ~int | ~int64](xs []T) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return (float64(xs[n/2-1]) + float64(xs[n/2])) / 2
}
