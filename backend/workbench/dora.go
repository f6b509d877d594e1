package workbench

import (
	"context"
	"fmt"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/dora"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// DoraReport is the four DORA keys of the production targets over the last Days days,
// each with its band, its definition and what it was computed from (docs/api.md).
type DoraReport struct {
	Days          int                `json:"days"`
	From          string             `json:"from"`
	To            string             `json:"to"`
	Targets       []string           `json:"targets"` // the production targets counted
	Frequency     DoraFrequency      `json:"frequency"`
	LeadTime      DoraLeadTime       `json:"lead_time"`
	ChangeFailure DoraChangeFailure  `json:"change_failure"`
	Restore       DoraRestore        `json:"restore"`
	Deploys       []DoraDeployInfo   `json:"deploys"`   // every production deploy counted, newest first
	Incidents     []DoraIncidentInfo `json:"incidents"` // every incident counted for time to restore, newest first
}

// DoraFrequency is the deployment frequency.
type DoraFrequency struct {
	Deploys    int     `json:"deploys"`
	DeployDays int     `json:"deploy_days"`
	PerWeek    float64 `json:"per_week"`
	Band       string  `json:"band"` // daily, weekly, monthly, yearly, none
	Definition string  `json:"definition"`
}

// DoraLeadTime is the lead time for changes.
type DoraLeadTime struct {
	MedianMs   *int64 `json:"median_ms"` // null when no commit was counted
	Commits    int    `json:"commits"`
	Ignored    int    `json:"ignored"` // commits with a lead time of zero or less
	Band       string `json:"band"`    // one_day, one_week, one_month, six_months, one_year, none
	Definition string `json:"definition"`
}

// DoraChangeFailure is the change failure rate.
type DoraChangeFailure struct {
	Rate       *float64 `json:"rate"` // null when nothing was deployed
	Failed     int      `json:"failed"`
	Deploys    int      `json:"deploys"`
	Band       string   `json:"band"` // 0-15%, 16-30%, 31-45%, 46-60%, 61-100%, none
	Definition string   `json:"definition"`
}

// DoraRestore is the time to restore service.
type DoraRestore struct {
	MedianMs   *int64 `json:"median_ms"` // null when no incident was resolved
	Incidents  int    `json:"incidents"`
	Open       int    `json:"open"` // detected in the period and still open: not counted
	Band       string `json:"band"`
	Definition string `json:"definition"`
}

// DoraDeployInfo is a production deploy counted, with its lead time and why it failed.
type DoraDeployInfo struct {
	ID           int64    `json:"id"`
	Target       string   `json:"target"`
	Kind         string   `json:"kind"`
	Version      string   `json:"version"`
	Commit       string   `json:"commit"`
	Finished     string   `json:"finished"`
	Status       string   `json:"status"` // succeeded, failed (after its switch)
	Commits      int      `json:"commits"`
	LeadMedianMs *int64   `json:"lead_median_ms"`
	Failed       bool     `json:"failed"`
	FailedBy     []string `json:"failed_by"` // "health gate", "incident #3", "rollback #45"
}

// DoraIncidentInfo is an incident counted for time to restore.
type DoraIncidentInfo struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Target    string `json:"target"`
	Started   string `json:"started"` // the earlier of detection and its cause's deploy
	Resolved  string `json:"resolved"`
	RestoreMs int64  `json:"restore_ms"`
	DeployID  int64  `json:"deploy_id"`
}

// MaxDoraDays is the longest period Dora computes over.
const MaxDoraDays = 3650

// Dora computes the four keys over the last days days (7, 30 and 90 are offered).
func (p *Project) Dora(days int) (DoraReport, error) {
	if days < 1 || days > MaxDoraDays {
		return DoraReport{}, errorf(CodeBadRequest, "a DORA period of %d days: use 1 to %d (7, 30 or 90 are usual)", days, MaxDoraDays)
	}
	cfg, err := config.Load(p.dir)
	if err != nil {
		return DoraReport{}, errorf(CodeConflict, "%v", err)
	}
	targets := productionTargets(cfg)
	ctx := context.Background()
	unrecorded, err := p.recordDeployCommits(ctx, targets)
	if err != nil {
		return DoraReport{}, err
	}
	to := time.Now()
	period := dora.Period{From: to.Add(-time.Duration(days) * 24 * time.Hour), To: to}
	deploys, err := p.store.ChangeDeploys(ctx, p.id, targets, period.From.UnixMilli(), period.To.UnixMilli())
	if err != nil {
		return DoraReport{}, err
	}
	incidents, err := p.store.IncidentsOf(ctx, p.id, targets, period.From.UnixMilli(), period.To.UnixMilli())
	if err != nil {
		return DoraReport{}, err
	}
	r := dora.Compute(period, doraDeploys(deploys, unrecorded), doraIncidents(incidents))
	return doraReport(days, period, targets, r), nil
}

// productionTargets are the config's production targets, in file order.
func productionTargets(cfg *config.Config) []string {
	out := []string{}
	for _, name := range cfg.TargetOrder {
		if cfg.Targets[name].Production {
			out = append(out, name)
		}
	}
	return out
}

// recordDeployCommits works out, for every successful deploy to targets that has none
// recorded yet, the commits it brought first: those since the target's previous successful
// deploy, or for the first, since the release before its own (all history when there is
// none). It stores them; a read-only store (a command run while the workbench is open)
// cannot, so they are returned instead, to be used in memory. A deploy whose commit git no
// longer has (a rewritten history) gets none.
func (p *Project) recordDeployCommits(ctx context.Context, targets []string) (map[int64][]store.DeployCommit, error) {
	pending, err := p.store.DeploysWithoutCommits(ctx, p.id, targets, maxPendingDeploys)
	if err != nil || len(pending) == 0 {
		return nil, err
	}
	repo, err := vcs.OpenRepo(p.dir)
	if err != nil {
		return nil, errorf(CodeConflict, "read the commits of the production deploys: %v", err)
	}
	defer repo.Close()
	out := make(map[int64][]store.DeployCommit, len(pending))
	for _, d := range pending {
		commits, err := p.commitsOf(ctx, repo, d)
		if err != nil {
			return nil, err
		}
		if p.store.ReadOnly() {
			out[d.ID] = commits
		} else if err := p.store.SetDeployCommits(ctx, d.ID, commits); err != nil {
			return nil, fmt.Errorf("record the commits of deploy %d: %w", d.ID, err)
		}
	}
	return out, nil
}

// maxPendingDeploys bounds the deploys whose commits one call works out.
const maxPendingDeploys = 10_000

// commitsOf lists the commits deploy d brought to its target first.
func (p *Project) commitsOf(ctx context.Context, repo *vcs.Repo, d store.PendingCommitDeploy) ([]store.DeployCommit, error) {
	since := d.Previous
	if since == "" && d.ReleaseID != 0 {
		prev, err := p.store.PreviousReleaseCommit(ctx, p.id, d.ReleaseID)
		if err != nil {
			return nil, err
		}
		since = prev
	}
	if d.Commit == "" || since == d.Commit {
		return nil, nil
	}
	log, err := repo.Range(d.Commit, since)
	if err != nil {
		return nil, nil // the commit is gone from this repository
	}
	commits := make([]store.DeployCommit, len(log))
	for i, c := range log {
		commits[i] = store.DeployCommit{SHA: c.SHA, CommittedMs: c.When.UnixMilli()}
	}
	return commits, nil
}

// doraDeploys are the deploys as package dora takes them, with their commits: recorded, or
// worked out now when the store could not keep them.
func doraDeploys(ds []store.ChangeDeploy, unrecorded map[int64][]store.DeployCommit) []dora.Deploy {
	out := make([]dora.Deploy, len(ds))
	for i, d := range ds {
		out[i] = dora.Deploy{ID: d.ID, Target: d.Target, Kind: d.Kind, Version: d.Version, Commit: d.Commit,
			Finished: time.UnixMilli(d.FinishedMs), Succeeded: d.Succeeded}
		for _, ms := range d.CommitsMs {
			out[i].Commits = append(out[i].Commits, time.UnixMilli(ms))
		}
		for _, c := range unrecorded[d.ID] {
			out[i].Commits = append(out[i].Commits, time.UnixMilli(c.CommittedMs))
		}
	}
	return out
}

func doraIncidents(is []store.DoraIncident) []dora.Incident {
	out := make([]dora.Incident, len(is))
	for i, in := range is {
		out[i] = dora.Incident{ID: in.ID, Kind: in.Kind, Title: in.Title, Target: in.Target, DeployID: in.DeployID,
			Detected: time.UnixMilli(in.StartedMs)}
		if in.ResolvedMs != 0 {
			out[i].Resolved = time.UnixMilli(in.ResolvedMs)
		}
		if in.CauseDeployedMs != 0 {
			out[i].CauseDeployed = time.UnixMilli(in.CauseDeployedMs)
		}
	}
	return out
}

// optionalMs is d in whole milliseconds, or nil when there is no figure.
func optionalMs(d time.Duration, ok bool) *int64 {
	if !ok {
		return nil
	}
	ms := d.Milliseconds()
	return &ms
}

func doraReport(days int, period dora.Period, targets []string, r dora.Report) DoraReport {
	out := DoraReport{Days: days, From: rfc3339(period.From.UnixMilli()), To: rfc3339(period.To.UnixMilli()), Targets: targets,
		Frequency: DoraFrequency{Deploys: r.Frequency.Deploys, DeployDays: r.Frequency.DeployDays, PerWeek: r.Frequency.PerWeek,
			Band: r.Frequency.Band, Definition: dora.FrequencyDefinition},
		LeadTime: DoraLeadTime{MedianMs: optionalMs(r.LeadTime.Median, r.LeadTime.Commits > 0), Commits: r.LeadTime.Commits,
			Ignored: r.LeadTime.Ignored, Band: r.LeadTime.Band, Definition: dora.LeadTimeDefinition},
		ChangeFailure: DoraChangeFailure{Failed: r.ChangeFailure.Failed, Deploys: r.ChangeFailure.Deploys,
			Band: r.ChangeFailure.Band, Definition: dora.ChangeFailureDefinition},
		Restore: DoraRestore{MedianMs: optionalMs(r.Restore.Median, r.Restore.Incidents > 0), Incidents: r.Restore.Incidents,
			Open: r.Restore.Open, Band: r.Restore.Band, Definition: dora.RestoreDefinition},
		Deploys: []DoraDeployInfo{}, Incidents: []DoraIncidentInfo{},
	}
	if r.ChangeFailure.Deploys > 0 {
		rate := r.ChangeFailure.Rate
		out.ChangeFailure.Rate = &rate
	}
	for _, d := range r.Deploys {
		out.Deploys = append(out.Deploys, doraDeployInfo(d))
	}
	for _, in := range r.Incidents {
		out.Incidents = append(out.Incidents, DoraIncidentInfo{ID: in.ID, Kind: in.Kind, Title: in.Title, Target: in.Target,
			Started: rfc3339(in.Start().UnixMilli()), Resolved: rfc3339(in.Resolved.UnixMilli()),
			RestoreMs: in.Restore.Milliseconds(), DeployID: in.DeployID})
	}
	return out
}

func doraDeployInfo(d dora.DeployFigures) DoraDeployInfo {
	info := DoraDeployInfo{ID: d.ID, Target: d.Target, Kind: d.Kind, Version: d.Version, Commit: d.Commit,
		Finished: rfc3339(d.Finished.UnixMilli()), Status: store.DeploySucceeded, Commits: len(d.Commits),
		LeadMedianMs: optionalMs(d.LeadMedian, d.LeadCommits > 0), Failed: len(d.FailedBy) > 0, FailedBy: d.FailedBy}
	if !d.Succeeded {
		info.Status = store.DeployFailed
	}
	if info.FailedBy == nil {
		info.FailedBy = []string{}
	}
	return info
}
