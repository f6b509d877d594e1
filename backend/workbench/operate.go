package workbench

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	Name       string          `json:"name"`
	Kind       string          `json:"kind"` // ssh or local
	Host       string          `json:"host"` // "local" or user@host:port
	Path       string          `json:"path"`
	Production bool            `json:"production"`
	Running    *RunningInfo    `json:"running"`   // its last successful deploy, promotion or rollback; null: nothing yet
	Health     *CheckInfo      `json:"health"`    // the check "target:NAME" (its hosts' combined, with hosts); null: no health check
	Incidents  []IncidentBrief `json:"incidents"` // open, newest first
	Logs       string          `json:"logs"`      // the logs command, or the app log file followed; "" when there is none
	Start      string          `json:"start"`     // the start command; "": Restart is refused
	Stop       string          `json:"stop"`      // the stop command; "": Stop is refused
	Hosts      []OperateHost   `json:"hosts"`     // a target with hosts: each with what it runs and its health; [] for one host
}

// OperateHost is one host of a target with several, as the Operate view shows it.
type OperateHost struct {
	Host    string     `json:"host"`    // user@host:port (with :path when two hosts share the address)
	Path    string     `json:"path"`    // its deploy root
	Release string     `json:"release"` // the release directory current points to, as Eightfold's records say; "" when unknown or none
	Version string     `json:"version"` // its version
	Health  *CheckInfo `json:"health"`  // its check "target:NAME@HOST"; null: no health check, or not checked yet
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

// LockInfo is a target's deploy lock. For a target with hosts it is held when one host's
// is, and says the first such host's holder; Hosts has each host's lock.
type LockInfo struct {
	Held    bool       `json:"held"`
	Who     string     `json:"who"` // user@machine; "" when the lock has no holder file
	Since   string     `json:"since"`
	Action  string     `json:"action"` // deploy, rollback, restart, stop
	Version string     `json:"version"`
	Host    string     `json:"host"`  // the host whose lock this is; "" for a target with one host
	Hosts   []LockInfo `json:"hosts"` // a target with hosts: each host's lock, in their order; [] for one host
}

// OperateResult is how a restart or stop went.
type OperateResult struct {
	Target  string   `json:"target"`
	Action  string   `json:"action"` // restart or stop
	OK      bool     `json:"ok"`
	Release string   `json:"release"` // the release directory it ran for
	Version string   `json:"version"`
	Failure string   `json:"failure"` // why it failed ("start exited with status 1"); "" when OK
	Output  []string `json:"output"`  // the command's last lines, scrubbed ("[host] " before each for a target with hosts)
	TookMs  int64    `json:"took_ms"`
	// Hosts is how it went on each host of a target with hosts, in their order: done until
	// the first that failed, not run after it; [] for one host.
	Hosts []OperateHostResult `json:"hosts"`
}

// States of a host in a restart or stop of a target with hosts.
const (
	OperateDone   = "done"    // its command ran and succeeded
	OperateFailed = "failed"  // it could not be reached, its lock was held, or its command failed
	OperateNotRun = "not run" // an earlier host failed
)

// OperateHostResult is how a restart or stop went on one host of a target with hosts.
type OperateHostResult struct {
	Host    string `json:"host"`
	State   string `json:"state"`   // done, failed, not run
	Release string `json:"release"` // the release directory it ran for there
	Failure string `json:"failure"` // why it failed there; "" otherwise
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
		if t.Local {
			ot.Kind = "local"
		}
		if ot.Incidents == nil {
			ot.Incidents = []IncidentBrief{}
		}
		if c, ok := targetCheck(checks, name); ok {
			ot.Health = &c
		}
		if ot.Hosts, err = p.operateHosts(t, ot.Health); err != nil {
			return nil, err
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

// operateHosts are a target's hosts with what each runs and its health (among the
// target's combined health's hosts); [] for a target with one host.
func (p *Project) operateHosts(t config.Target, health *CheckInfo) ([]OperateHost, error) {
	hosts, err := p.targetHosts(t)
	if err != nil {
		return nil, err
	}
	out := make([]OperateHost, len(hosts))
	for i, h := range hosts {
		out[i] = OperateHost{Host: h.Host, Path: h.Path, Release: h.Release, Version: h.Version}
		if health == nil {
			continue
		}
		for _, c := range health.Hosts {
			if c.Name == "target:"+t.Name+"@"+h.Host {
				out[i].Health = &c
			}
		}
	}
	return out, nil
}

// lockTimeout bounds reading a lock: an ssh target that does not answer is reported, not
// waited for.
const lockTimeout = 15 * time.Second

// OperateLock reads a target's deploy lock: on this machine, or over SSH; for a target
// with hosts, every host's at once.
func (p *Project) OperateLock(target string) (LockInfo, error) {
	_, t, err := p.targetConfig(target)
	if err != nil {
		return LockInfo{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	if len(t.Hosts) == 0 {
		l, err := p.readLock(ctx, t, target)
		l.Hosts = []LockInfo{}
		return l, err
	}
	names, per := t.HostNames(), t.PerHost()
	locks, errs := make([]LockInfo, len(per)), make([]error, len(per))
	var wg sync.WaitGroup
	for i, ht := range per {
		wg.Go(func() {
			locks[i], errs[i] = p.readLock(ctx, ht, target+" on "+names[i])
			locks[i].Host, locks[i].Hosts = names[i], []LockInfo{}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return LockInfo{}, errorf(CodeConflict, "%v", err)
	}
	out := LockInfo{Hosts: locks}
	if i := slices.IndexFunc(locks, func(l LockInfo) bool { return l.Held }); i >= 0 {
		out = locks[i]
		out.Hosts = locks
	}
	return out, nil
}

// readLock reads the lock of a target with one host; where names it in errors.
func (p *Project) readLock(ctx context.Context, t config.Target, where string) (LockInfo, error) {
	h, err := p.connect(ctx, t)
	if err != nil {
		return LockInfo{}, errorf(CodeConflict, "cannot read the lock of %s: %v", where, err)
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
// file, under its lock) and waits for the outcome; a target with hosts is restarted host by
// host, each under its own lock, stopping at the first that fails. A production target
// needs confirm. A held lock is refused with its holder (on a target with hosts, when it
// stops the first host); a command that fails is an outcome, not an error.
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
	if len(t.Hosts) > 0 {
		return p.runOperateHosts(ctx, t, spec, action)
	}
	started, tail := p.now(), &outputTail{}
	res, err := p.operateHost(ctx, t, spec, action, t.Name, tail)
	var refused *Error
	if errors.As(err, &refused) {
		return OperateResult{}, err
	}
	if err == nil {
		p.targets.setStopped(t.Name, action == "stop") // a restart starts it again
	}
	out := p.operateResult(t.Name, action, spec.Version, started, tail, res.Warnings)
	out.OK, out.Release = err == nil, res.Release
	if err != nil {
		out.Failure = err.Error() // the engine's failures are scrubbed
	}
	return out, nil
}

// operateResult is the result of a restart or stop with its output and warnings, OK.
func (p *Project) operateResult(target, action, version string, started time.Time, tail *outputTail, warnings []string) OperateResult {
	out := OperateResult{Target: target, Action: action, OK: true, Version: version, Output: tail.lines(),
		TookMs: p.now().Sub(started).Milliseconds(), Hosts: []OperateHostResult{}}
	for _, w := range warnings {
		out.Output = append(out.Output, "warning: "+w)
	}
	return out
}

// operateHost connects to one host and runs the engine's restart or stop there; where
// names the host in a refusal. A refusal (the host cannot be reached, its lock is held)
// is an *Error; a command that failed is the engine's error.
func (p *Project) operateHost(ctx context.Context, t config.Target, spec deploy.Spec, action, where string, tail *outputTail) (deploy.Result, error) {
	h, err := p.connect(ctx, t)
	if err != nil {
		return deploy.Result{}, errorf(CodeConflict, "cannot reach %s: %v", where, err)
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
		return res, errorf(CodeConflict, "%v", err)
	}
	return res, err
}

// runOperateHosts runs a restart or stop on each host of a target in their order, with
// the host's own path and env, until one fails. When the first host refused (nothing ran
// anywhere) the refusal is the error; otherwise the result says which hosts were done.
func (p *Project) runOperateHosts(ctx context.Context, t config.Target, spec deploy.Spec, action string) (OperateResult, error) {
	started, tail := p.now(), &outputTail{}
	names := t.HostNames()
	hosts := make([]OperateHostResult, len(names))
	var warnings []string
	var failed error
	for i, ht := range t.PerHost() {
		hosts[i] = OperateHostResult{Host: names[i], State: OperateNotRun}
		if failed != nil {
			continue
		}
		s := spec
		s.Root, s.Env = ht.Path, ht.Env
		tail.setHost(names[i])
		res, err := p.operateHost(ctx, ht, s, action, names[i], tail)
		hosts[i].Release, hosts[i].State = res.Release, OperateDone
		for _, w := range res.Warnings {
			warnings = append(warnings, names[i]+": "+w)
		}
		if err != nil {
			var refused *Error
			if i == 0 && errors.As(err, &refused) {
				return OperateResult{}, errorf(CodeConflict, "%s: %v; nothing was run on any host", names[i], err)
			}
			hosts[i].State, hosts[i].Failure, failed = OperateFailed, err.Error(), err
		}
	}
	p.targets.setStopped(t.Name, action == "stop") // some host at least was restarted or stopped
	out := p.operateResult(t.Name, action, spec.Version, started, tail, warnings)
	out.Hosts, out.OK = hosts, failed == nil
	if failed != nil {
		out.Failure = hostsFailure(action, hosts)
	} else {
		out.Release = hosts[0].Release
	}
	return out, nil
}

// hostsFailure says where a restart or stop of a target with hosts failed, and which hosts
// it was done on and which it did not reach: "restart failed on b: …; done on a; not run on c".
func hostsFailure(action string, hosts []OperateHostResult) string {
	by := map[string][]string{}
	var why string
	for _, h := range hosts {
		by[h.State] = append(by[h.State], h.Host)
		if h.State == OperateFailed {
			why = h.Failure
		}
	}
	msg := fmt.Sprintf("%s failed on %s: %s", action, strings.Join(by[OperateFailed], ", "), why)
	if len(by[OperateDone]) == 0 {
		msg += "; done on no host"
	} else {
		msg += "; done on " + strings.Join(by[OperateDone], ", ")
	}
	if len(by[OperateNotRun]) > 0 {
		msg += "; not run on " + strings.Join(by[OperateNotRun], ", ")
	}
	return msg
}

// outputTailMax is how many of a restart's or stop's last lines it returns.
const outputTailMax = 50

// outputTail keeps the last lines a restart or stop printed, each after the host it ran on
// for a target with hosts.
type outputTail struct {
	mu   sync.Mutex
	out  []string
	host string // "" for a target with one host
}

// setHost labels the lines that follow with host.
func (o *outputTail) setHost(host string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.host = host
}

// Step ignores the engine's steps: the outcome says how it ended.
func (o *outputTail) Step(deploy.StepEvent) {}

// Output keeps a line (scrubbed by the engine).
func (o *outputTail) Output(step, line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out = append(o.out, hostLabel(o.host)+SafeText([]byte(line)))
	if len(o.out) > outputTailMax {
		o.out = o.out[len(o.out)-outputTailMax:]
	}
}

// hostLabel is what comes before a line of host: "[host] "; "" for a target with one host.
func hostLabel(host string) string {
	if host == "" {
		return ""
	}
	return "[" + host + "] "
}

func (o *outputTail) lines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string{}, o.out...)
}
