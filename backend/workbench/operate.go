package workbench

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
	"eightfold/backend/store"
)

// OperateTarget is a deploy target as the Operate view shows it: what runs, how healthy it
// is, its open incidents, where its logs come from and what its buttons can do.
type OperateTarget struct {
	Name       string           `json:"name"`
	Kind       string           `json:"kind"` // ssh or local
	Host       string           `json:"host"` // "local" or user@host:port
	Path       string           `json:"path"`
	Production bool             `json:"production"`
	Running    *RunningInfo     `json:"running"`   // its last successful deploy, promotion or rollback; null: nothing yet
	Health     *CheckInfo       `json:"health"`    // the check "target:NAME" (its hosts' combined, with hosts); null: no health check
	Incidents  []IncidentBrief  `json:"incidents"` // open, newest first
	Logs       string           `json:"logs"`      // the logs command, or the app log file followed; "" when there is none
	Start      string           `json:"start"`     // the start command; "": Restart is refused
	Stop       string           `json:"stop"`      // the stop command; "": Stop is refused
	Hosts      []TargetHostInfo `json:"hosts"`     // a target with hosts: each with what it runs, as in Targets; [] for one host
	// Unavailable says why restart, stop, logs and the lock are not offered (a target with
	// hosts); "" when they are.
	Unavailable string `json:"unavailable"`
}

// RunningInfo is what a target runs: the deploy that put it there.
type RunningInfo struct {
	DeployID int64  `json:"deploy_id"`
	Kind     string `json:"kind"` // deploy, promote, rollback
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Who      string `json:"who"`
	Since    string `json:"since"` // when that deploy ended
}

// IncidentBrief is an open incident of a target, in short.
type IncidentBrief struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"` // check_down, deploy_failed, rollback
	Title     string `json:"title"`
	StartedAt string `json:"started_at"`
}

// LockInfo is a target's deploy lock.
type LockInfo struct {
	Held    bool   `json:"held"`
	Who     string `json:"who"` // user@machine; "" when the lock has no holder file
	Since   string `json:"since"`
	Action  string `json:"action"` // deploy, rollback, restart, stop
	Version string `json:"version"`
}

// OperateResult is how a restart or stop went.
type OperateResult struct {
	Target  string   `json:"target"`
	Action  string   `json:"action"` // restart or stop
	OK      bool     `json:"ok"`
	Release string   `json:"release"` // the release directory it ran for
	Version string   `json:"version"`
	Failure string   `json:"failure"` // why it failed ("start exited with status 1"); "" when OK
	Output  []string `json:"output"`  // the command's last lines, scrubbed
	TookMs  int64    `json:"took_ms"`
}

// Operate lists the targets of eightfold.yaml in its order, as the Operate view shows them.
func (p *Project) Operate() ([]OperateTarget, error) {
	cfg, err := config.Load(p.dir)
	if err != nil {
		return nil, errorf(CodeConflict, "%v", err)
	}
	checks, err := p.Checks()
	if err != nil {
		return nil, err
	}
	incidents, err := p.openIncidents(cfg)
	if err != nil {
		return nil, err
	}
	out := make([]OperateTarget, 0, len(cfg.TargetOrder))
	for _, name := range cfg.TargetOrder {
		t := cfg.Targets[name]
		ot := OperateTarget{Name: name, Kind: "ssh", Host: hostsLabel(t), Path: t.Path, Production: t.Production,
			Incidents: incidents[name], Logs: logsSource(t), Start: t.Start, Stop: t.Stop}
		if err := oneHost(t); err != nil {
			ot.Unavailable = err.Error()
		}
		if ot.Hosts, err = p.targetHosts(t); err != nil {
			return nil, err
		}
		if t.Local {
			ot.Kind = "local"
		}
		if ot.Incidents == nil {
			ot.Incidents = []IncidentBrief{}
		}
		if c, ok := targetCheck(checks, name); ok {
			ot.Health = &c
		}
		if ot.Running, err = p.running(name); err != nil {
			return nil, err
		}
		out = append(out, ot)
	}
	return out, nil
}

// running is what a target runs, from its last successful deploy; nil when nothing.
func (p *Project) running(target string) (*RunningInfo, error) {
	d, ok, err := p.store.CurrentDeploy(context.Background(), p.id, target)
	if err != nil || !ok {
		return nil, err
	}
	return &RunningInfo{DeployID: d.ID, Kind: d.Kind, Version: d.Version, Commit: d.Commit, Who: d.Who, Since: rfc3339(d.FinishedMs)}, nil
}

// openIncidents are the open incidents by target: those of its checks ("target:NAME", or
// one per host), and those about one of its deploys.
func (p *Project) openIncidents(cfg *config.Config) (map[string][]IncidentBrief, error) {
	ctx := context.Background()
	all, err := p.store.Incidents(ctx, p.id, 0, 0)
	if err != nil {
		return nil, err
	}
	byCheck := map[int64]string{}
	for _, name := range cfg.TargetOrder {
		if cfg.Targets[name].Health == nil {
			continue
		}
		for _, check := range targetCheckNames(cfg.Targets[name]) {
			id, found, err := p.store.FindCheck(ctx, p.id, check)
			if err != nil {
				return nil, err
			}
			if found {
				byCheck[id] = name
			}
		}
	}
	out := map[string][]IncidentBrief{}
	for _, in := range all {
		if !in.Open() {
			continue
		}
		target, ok := byCheck[in.CheckID]
		if !ok && in.DeployID != 0 {
			d, err := p.store.GetDeploy(ctx, p.id, in.DeployID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			target = d.Target
		}
		if target != "" {
			out[target] = append(out[target], IncidentBrief{ID: in.ID, Kind: in.Kind, Title: in.Title, StartedAt: rfc3339(in.StartedMs)})
		}
	}
	return out, nil
}

// oneHost refuses what the Operate view does on one host (restart, stop, logs, reading the
// lock) for a target with several hosts.
func oneHost(t config.Target) error {
	if len(t.Hosts) == 0 {
		return nil
	}
	return errorf(CodeConflict, "%s has %d hosts (%s): restart, stop, logs and the lock work on targets with one host only; deploy again to restart every host, one after another, or run the command on each host over ssh",
		t.Name, len(t.Hosts), strings.Join(t.HostNames(), ", "))
}

// lockTimeout bounds reading a lock: an ssh target that does not answer is reported, not
// waited for.
const lockTimeout = 15 * time.Second

// OperateLock reads a target's deploy lock: on this machine, or over SSH.
func (p *Project) OperateLock(target string) (LockInfo, error) {
	_, t, err := p.targetConfig(target)
	if err != nil {
		return LockInfo{}, err
	}
	if err := oneHost(t); err != nil {
		return LockInfo{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	h, err := p.connect(ctx, t)
	if err != nil {
		return LockInfo{}, errorf(CodeConflict, "cannot read the lock of %s: %v", target, err)
	}
	defer h.Close()
	holder, held, err := deploy.ReadLock(h, t.Path)
	if err != nil {
		return LockInfo{}, errorf(CodeConflict, "%v", err)
	}
	if !held {
		return LockInfo{}, nil
	}
	return LockInfo{Held: true, Who: holder.Who, Since: rfc3339(holder.Since.UnixMilli()), Action: holder.Action, Version: holder.Version}, nil
}

// RestartTarget runs a target's start command again for its current release (with its env
// file, under its lock) and waits for the outcome. A production target needs confirm. A
// held lock is refused with its holder; a command that fails is an outcome, not an error.
func (p *Project) RestartTarget(target string, confirm bool) (OperateResult, error) {
	return p.operateTarget(target, "restart", confirm)
}

// StopTarget runs a target's stop command for its current release, like RestartTarget.
func (p *Project) StopTarget(target string, confirm bool) (OperateResult, error) {
	return p.operateTarget(target, "stop", confirm)
}

// operateTarget runs a restart or a stop.
func (p *Project) operateTarget(target, action string, confirm bool) (OperateResult, error) {
	_, t, err := p.targetConfig(target)
	if err != nil {
		return OperateResult{}, err
	}
	if err := oneHost(t); err != nil {
		return OperateResult{}, err
	}
	command, key := t.Start, "start"
	if action == "stop" {
		command, key = t.Stop, "stop"
	}
	if command == "" {
		return OperateResult{}, errorf(CodeConflict, "%s has no %s command: add %s: to the target in eightfold.yaml", target, key, key)
	}
	if t.Production && !confirm {
		return OperateResult{}, errorf(CodeConflict, "%s is production: confirm the %s", target, action)
	}
	secrets, err := readSecrets(t)
	if err != nil {
		return OperateResult{}, err
	}
	spec := deploy.Spec{Target: t.Name, Root: t.Path, Who: whoAmI(), Start: t.Start, Stop: t.Stop, Env: t.Env, Secrets: secrets, Now: p.now}
	if cur, err := p.running(t.Name); err != nil {
		return OperateResult{}, err
	} else if cur != nil {
		spec.Version, spec.Commit = cur.Version, cur.Commit
	}
	_, ctx, done, err := p.startJob(action)
	if err != nil {
		return OperateResult{}, err
	}
	defer done()
	return p.runOperate(ctx, t, spec, action)
}

// runOperate connects and runs the engine's restart or stop.
func (p *Project) runOperate(ctx context.Context, t config.Target, spec deploy.Spec, action string) (OperateResult, error) {
	started := p.now()
	tail := &outputTail{}
	h, err := p.connect(ctx, t)
	if err != nil {
		return OperateResult{}, errorf(CodeConflict, "cannot reach %s: %v", t.Name, err)
	}
	run := deploy.Restart
	if action == "stop" {
		run = deploy.Stop
	}
	res, err := run(ctx, h, spec, tail)
	h.Close()
	p.unlockAfterDrop(ctx, t, &res)
	var held *deploy.LockHeldError
	if errors.As(err, &held) {
		return OperateResult{}, errorf(CodeConflict, "%v", err)
	}
	if err == nil {
		p.targets.setStopped(t.Name, action == "stop") // a restart starts it again
	}
	out := OperateResult{Target: t.Name, Action: action, OK: err == nil, Release: res.Release, Version: spec.Version,
		Output: tail.lines(), TookMs: p.now().Sub(started).Milliseconds()}
	if err != nil {
		out.Failure = err.Error() // the engine's failures are scrubbed
	}
	for _, w := range res.Warnings {
		out.Output = append(out.Output, "warning: "+w)
	}
	return out, nil
}

// outputTailMax is how many of a restart's or stop's last lines it returns.
const outputTailMax = 50

// outputTail keeps the last lines a restart or stop printed.
type outputTail struct {
	mu  sync.Mutex
	out []string
}

// Step ignores the engine's steps: the outcome says how it ended.
func (o *outputTail) Step(deploy.StepEvent) {}

// Output keeps a line (scrubbed by the engine).
func (o *outputTail) Output(step, line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out = append(o.out, SafeText([]byte(line)))
	if len(o.out) > outputTailMax {
		o.out = o.out[len(o.out)-outputTailMax:]
	}
}

func (o *outputTail) lines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string{}, o.out...)
}
