package workbench

import (
	"context"
	"fmt"
	"time"

	"eightfold/backend/deploy"
	"eightfold/backend/store"
)

// deployFinished records what a finished deploy, promotion or rollback means for the
// incidents (see store.Incident for the rules) and tells the user when it failed. ctx is the
// deploy's: a deploy that failed because it was cancelled is nobody's incident.
func (p *Project) deployFinished(ctx context.Context, d DeployInfo) {
	bg := context.WithoutCancel(ctx)
	finished := parseMs(d.FinishedAt)
	switch {
	case d.Status == store.DeploySucceeded:
		p.deploySucceeded(bg, d, finished)
	case ctx.Err() != nil:
	default:
		p.notify(deployNotice(d))
		if d.Kind != "rollback" && releaseFailed(d.Steps) {
			in := store.Incident{ProjectID: p.id, DeployID: d.ID, Kind: store.IncidentDeployFailed, StartedMs: parseMs(d.StartedAt),
				Title: fmt.Sprintf("deploy #%d of %s to %s failed", d.ID, d.Version, d.Target)}
			if d.RolledBack || !switched(d.Steps) {
				in.ResolvedMs = finished
			}
			p.openIncident(bg, in)
		}
	}
}

// deploySucceeded resolves the target's open failed-deploy incidents and records a
// rollback against the deploy it rolled back.
func (p *Project) deploySucceeded(ctx context.Context, d DeployInfo, finished int64) {
	ids, err := p.store.ResolveDeployIncidents(ctx, p.id, d.Target, finished)
	if err == nil {
		for _, id := range ids {
			_, _ = p.incidentChanged(id, incidentResolved)
		}
	}
	if d.Kind != "rollback" {
		return
	}
	prev, ok, err := p.store.DeployBefore(ctx, p.id, d.Target, d.ID)
	if err != nil || !ok {
		return
	}
	p.openIncident(ctx, store.Incident{ProjectID: p.id, DeployID: prev.ID, Kind: store.IncidentRollback,
		StartedMs: prev.FinishedMs, ResolvedMs: finished,
		Title: fmt.Sprintf("%s rolled back from %s to %s", d.Target, prev.Version, d.Version)})
}

// releaseFailed reports a deploy whose release was started on the target and did not come
// up: its start command or its health gate failed.
func releaseFailed(steps []deploy.StepEvent) bool {
	for _, s := range steps {
		if (s.Name == deploy.StepStart || s.Name == deploy.StepHealth) && s.Status == deploy.StepFailed {
			return true
		}
	}
	return false
}

// switched reports a deploy that pointed current at its release at some point.
func switched(steps []deploy.StepEvent) bool {
	for _, s := range steps {
		if s.Name == deploy.StepSwitch && s.Status == deploy.StepPassed {
			return true
		}
	}
	return false
}

// parseMs reads an RFC 3339 time as Unix milliseconds; 0 for "" or a bad time.
func parseMs(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}
