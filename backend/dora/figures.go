package dora

import (
	"slices"
	"time"
)

// DeployFigures is one counted production deploy and what it contributes.
type DeployFigures struct {
	Deploy
	LeadMedian  time.Duration // median lead time of its commits; 0 when none counted
	LeadCommits int           // commits with a positive lead time
	FailedBy    []string      // why it is a failed change: "health gate", "incident #3", "rollback #45"
}

func deployFigures(d Deploy, failed []string) DeployFigures {
	f := DeployFigures{Deploy: d, FailedBy: failed}
	if !d.Succeeded {
		return f
	}
	if leads, _ := leads1(d); len(leads) > 0 {
		f.LeadMedian, f.LeadCommits = time.Duration(median(leads)), len(leads)
	}
	return f
}

// IncidentFigures is one incident counted for time to restore.
type IncidentFigures struct {
	Incident
	Restore time.Duration // from Start to Resolved
}

// restoredIncidents are the incidents detected in the period and resolved, newest first,
// and the number detected in the period and still open. A rollback of a deploy whose check
// went down is how that outage ended, not an outage of its own: only the check's counts.
func restoredIncidents(period Period, incidents []Incident) (restored []IncidentFigures, open int) {
	downs := map[int64]bool{}
	for _, in := range incidents {
		if in.Kind == "check_down" && in.DeployID != 0 {
			downs[in.DeployID] = true
		}
	}
	for _, in := range incidents {
		if !period.Contains(in.Detected) || (in.Kind == Rollback && downs[in.DeployID]) {
			continue
		}
		if in.Resolved.IsZero() {
			open++
			continue
		}
		restored = append(restored, IncidentFigures{Incident: in, Restore: in.Resolved.Sub(in.Start())})
	}
	slices.SortStableFunc(restored, func(a, b IncidentFigures) int { return b.Detected.Compare(a.Detected) })
	return restored, open
}
