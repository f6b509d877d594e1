package workbench

import (
	"context"
	"errors"
	"maps"
	"slices"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
	"eightfold/backend/store"
)

// TargetInfo is a deploy target of eightfold.yaml with what it runs.
type TargetInfo struct {
	Name        string           `json:"name"`
	Kind        string           `json:"kind"`     // ssh or local
	Host        string           `json:"host"`     // "local" or user@host:port; for a target with several hosts, them joined with ", "
	Parallel    int              `json:"parallel"` // a target with several hosts: how many are deployed at once
	Hosts       []TargetHostInfo `json:"hosts"`    // a target with several hosts: each with what it runs; [] else
	Path        string           `json:"path"`
	Production  bool             `json:"production"`
	PromoteFrom string           `json:"promote_from"`
	HealthURL   string           `json:"health_url"`
	Current     *DeployInfo      `json:"current"` // its last successful deploy: what it runs; null: nothing yet
	Last        *DeployInfo      `json:"last"`    // its newest deploy, whatever its outcome
}

// Targets lists the targets of eightfold.yaml in the order it lists them.
func (p *Project) Targets() ([]TargetInfo, error) {
	cfg, err := config.Load(p.dir)
	if err != nil {
		return nil, errorf(CodeConflict, "%v", err)
	}
	out := make([]TargetInfo, 0, len(cfg.TargetOrder))
	for _, name := range cfg.TargetOrder {
		t := cfg.Targets[name]
		ti := TargetInfo{Name: name, Kind: "ssh", Host: hostsLabel(t), Path: t.Path, Production: t.Production, PromoteFrom: t.PromoteFrom,
			Parallel: max(t.Parallel, 1)}
		if t.Local {
			ti.Kind = "local"
		}
		if t.Health != nil {
			ti.HealthURL = t.Health.URL
		}
		if ti.Current, ti.Last, err = p.targetDeploys(name); err != nil {
			return nil, err
		}
		if ti.Hosts, err = p.targetHosts(t); err != nil {
			return nil, err
		}
		out = append(out, ti)
	}
	return out, nil
}

// targetDeploys returns a target's current (last successful) and newest deploys.
func (p *Project) targetDeploys(target string) (current, last *DeployInfo, err error) {
	ctx := context.Background()
	if d, ok, err := p.store.CurrentDeploy(ctx, p.id, target); err != nil {
		return nil, nil, err
	} else if ok {
		info := deployInfo(d)
		current = &info
	}
	ds, err := p.store.Deploys(ctx, p.id, target, 1)
	if err != nil || len(ds) == 0 {
		return current, nil, err
	}
	info := deployInfo(ds[0])
	return current, &info, nil
}

// Deploys lists deploys, newest first: of target only unless it is ""; limit ≤ 0 means 50.
func (p *Project) Deploys(target string, limit int) ([]DeployInfo, error) {
	ds, err := p.store.Deploys(context.Background(), p.id, target, limit)
	if err != nil {
		return nil, err
	}
	out := make([]DeployInfo, 0, len(ds))
	for _, d := range ds {
		out = append(out, deployInfo(d))
	}
	return out, nil
}

// GetDeploy returns one deploy with its steps and log.
func (p *Project) GetDeploy(id int64) (DeployInfo, error) {
	d, err := p.store.GetDeploy(context.Background(), p.id, id)
	if errors.Is(err, store.ErrNotFound) {
		return DeployInfo{}, errorf(CodeNotFound, "deploy %d does not exist", id)
	}
	return deployInfo(d), err
}

// Promote deploys to target to the exact release that is healthy on from: the same
// artifacts, by sha256. It waits for the outcome.
func (p *Project) Promote(ctx context.Context, from, to string, confirm, forceUnlock bool) (DeployInfo, error) {
	dp, err := p.planPromote(from, to, confirm, forceUnlock)
	if err != nil {
		return DeployInfo{}, err
	}
	return p.runDeploy(ctx, dp)
}

// StartPromote starts a promotion and returns its record at once.
func (p *Project) StartPromote(from, to string, confirm, forceUnlock bool) (DeployInfo, error) {
	dp, err := p.planPromote(from, to, confirm, forceUnlock)
	if err != nil {
		return DeployInfo{}, err
	}
	return p.inBackground(dp.job, func(ctx context.Context) { p.runDeploy(ctx, dp) })
}

// inBackground runs fn for a deploy job that was recorded, and returns the job's record.
// Closing the project (or CancelDeploy) cancels it; a project that is closing starts none.
func (p *Project) inBackground(job *deployJob, fn func(context.Context)) (DeployInfo, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		info := job.finish(deploy.Result{}, errors.New("the project closed before the deploy started"), p.now())
		return info, errorf(CodeConflict, "the project %s is closing", p.dir)
	}
	ctx, cancel := context.WithCancel(context.Background())
	id, info := job.rec.ID, deployInfo(job.rec) // read before the job's goroutine writes it
	p.deploys[id] = backgroundDeploy{cancel: cancel, target: job.rec.Target}
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		defer func() {
			p.mu.Lock()
			delete(p.deploys, id)
			p.mu.Unlock()
			cancel()
		}()
		fn(ctx)
	}()
	return info, nil
}

// CancelDeploy cancels a deploy going in the background: it stops where it is, switches
// back if it had switched, and releases the lock.
func (p *Project) CancelDeploy(id int64) error {
	p.mu.Lock()
	d, ok := p.deploys[id]
	p.mu.Unlock()
	if !ok {
		return errorf(CodeConflict, "deploy %d is not going", id)
	}
	d.cancel()
	return nil
}

// backgroundDeploy is a deploy going in the background: how to cancel it, and its target.
type backgroundDeploy struct {
	cancel context.CancelFunc
	target string
}

// closeUnlessDeploying starts closing the project, so that it starts no more deploys, runs
// or jobs, unless a deploy is going in the background: then nothing changes and the error
// (a conflict) names the oldest such deploy. Close finishes what it starts.
func (p *Project) closeUnlessDeploying() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.deploys) > 0 {
		id := slices.Min(slices.Collect(maps.Keys(p.deploys)))
		return errorf(CodeConflict, "%s is deploying to %s (deploy #%d): wait for it to end or cancel it first",
			p.name, p.deploys[id].target, id)
	}
	p.closed = true
	return nil
}

// planPromote checks a promotion and records it.
func (p *Project) planPromote(from, to string, confirm, forceUnlock bool) (*deployPlan, error) {
	_, t, err := p.targetConfig(to)
	if err != nil {
		return nil, err
	}
	if t.PromoteFrom != "" && t.PromoteFrom != from {
		return nil, errorf(CodeConflict, "%s takes its releases from %s (promote_from), not from %s", to, t.PromoteFrom, from)
	}
	if _, _, err := p.targetConfig(from); err != nil {
		return nil, err
	}
	cur, ok, err := p.store.CurrentDeploy(context.Background(), p.id, from)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(CodeConflict, "%s has no healthy release to promote: deploy to it first", from)
	}
	if cur.ReleaseID == 0 {
		return nil, errorf(CodeConflict, "%s runs %s, a build of HEAD that was never released: release it, deploy the release to %s, then promote", from, cur.Version, from)
	}
	return p.planDeploy(DeployOptions{Target: to, Release: cur.Version, Confirm: confirm, ForceUnlock: forceUnlock, releaseID: cur.ReleaseID}, "promote")
}

// rollbackOn runs the engine's rollback on the target's host (or hosts) and records the
// outcome, with the record of the release rolled back to.
func (p *Project) rollbackOn(ctx context.Context, rp *rollbackPlan) (DeployInfo, error) {
	withRelease := func(version string) {
		if r, rerr := p.store.ReleaseByVersion(context.Background(), p.id, version); rerr == nil {
			rp.job.mu.Lock()
			rp.job.rec.ReleaseID = r.ID
			rp.job.mu.Unlock()
		}
	}
	if rp.rollout != nil {
		res, _, err := p.runRollout(ctx, rp.job, rp.target, rp.rollout, deploy.RollbackAll)
		withRelease(res.Version)
		return rp.job.save(), err
	}
	h, err := p.connect(ctx, rp.target)
	var res deploy.Result
	if err == nil {
		res, err = deploy.Rollback(ctx, h, rp.spec, "", rp.job)
		h.Close()
	}
	rp.job.mu.Lock()
	rp.job.rec.Version, rp.job.rec.Commit = res.Version, res.Commit
	rp.job.mu.Unlock()
	withRelease(res.Version)
	info := rp.job.finish(res, err, p.now())
	return info, err
}

// rollbackPlan is a rollback ready to run (on every host of a target with several).
type rollbackPlan struct {
	job     *deployJob
	spec    deploy.Spec
	target  config.Target
	rollout *deploy.Rollout
}

// Rollback switches a target back to its previous healthy release, health-gated like a
// deploy, and waits for the outcome.
func (p *Project) Rollback(ctx context.Context, target string, confirm, forceUnlock bool) (DeployInfo, error) {
	rp, err := p.planRollback(target, confirm, forceUnlock)
	if err != nil {
		return DeployInfo{}, err
	}
	return p.runRollback(ctx, rp)
}

// StartRollback starts a rollback and returns its record at once.
func (p *Project) StartRollback(target string, confirm, forceUnlock bool) (DeployInfo, error) {
	rp, err := p.planRollback(target, confirm, forceUnlock)
	if err != nil {
		return DeployInfo{}, err
	}
	return p.inBackground(rp.job, func(ctx context.Context) { p.runRollback(ctx, rp) })
}

// planRollback checks a rollback and records it.
func (p *Project) planRollback(target string, confirm, forceUnlock bool) (*rollbackPlan, error) {
	_, t, err := p.targetConfig(target)
	if err != nil {
		return nil, err
	}
	if t.Production && !confirm {
		return nil, errorf(CodeConflict, "%s is production: confirm the rollback", target)
	}
	secrets, err := readSecrets(t)
	if err != nil {
		return nil, err
	}
	spec := deploy.Spec{Target: t.Name, Root: t.Path, Who: whoAmI(), Start: t.Start, Stop: t.Stop, Logs: t.Logs, Env: t.Env, Secrets: secrets,
		Keep: t.Keep, CandidatePort: t.CandidatePort, ForceUnlock: forceUnlock, Now: p.now, Health: gate(t.PerHost()[0])}
	rec := store.Deploy{ProjectID: p.id, Target: t.Name, Kind: "rollback", Who: spec.Who, Host: hostsLabel(t),
		Status: store.DeployRunning, StartedMs: p.nowMs(), Steps: "[]"}
	if rec.ID, err = p.store.CreateDeploy(context.Background(), rec); err != nil {
		return nil, err
	}
	job := &deployJob{p: p, rec: rec, scrub: deploy.NewScrubber(slices.Collect(maps.Values(secrets)))}
	job.save()
	rp := &rollbackPlan{job: job, spec: spec, target: t}
	if len(t.Hosts) > 0 {
		rp.rollout = p.rollout(t, spec)
	}
	return rp, nil
}

// runRollback connects, runs the engine's rollback and records the outcome.
func (p *Project) runRollback(ctx context.Context, rp *rollbackPlan) (DeployInfo, error) {
	defer p.targets.deployStarted(rp.target.Name, rp.job.rec.ID)()
	info, err := p.rollbackOn(ctx, rp)
	if err == nil {
		p.targets.setStopped(rp.target.Name, false)
	}
	p.deployFinished(ctx, info)
	if err != nil {
		return info, errorf(CodeConflict, "%s", info.Failure)
	}
	return info, nil
}
