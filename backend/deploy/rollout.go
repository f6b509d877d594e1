package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// A target on several hosts is deployed as a rollout. The lock is taken on every host, in
// their order, before anything is uploaded anywhere; then the hosts are deployed one after
// another (or Parallel at a time: a wave), each with the whole deploy of Deploy and its own
// health gate. The first failure stops the rollout once its wave has ended: no further host
// starts, and every host this rollout switched is switched back to the release it ran
// before, started and gated again, so that all hosts end on one version. Hosts it did not
// reach are never touched: no upload, no release directory, current unchanged; their lock
// was only taken and released. The locks are released on every host at the end, whatever
// happened.

// Site is one host of a rollout.
type Site struct {
	Name string // the host for people, such as deploy@10.0.0.1:22: it tags the host's step events and output
	// Spec is the deploy on this host, as for Deploy and Rollback: its own Root, Env and
	// Health; the same Target, Version, Commit, Artifacts and commands on every host.
	Spec Spec
	// Connect opens the host; the rollout closes it at the end.
	Connect func(context.Context) (Host, error)
}

// Rollout is a deploy or rollback of one target on several hosts.
type Rollout struct {
	Sites    []Site // in the order the hosts are locked and deployed
	Parallel int    // hosts deployed at once (a wave); < 2: one after another
}

// States of a host in a rollout. Running is the only one that is not final.
const (
	HostUntouched  = "untouched"   // the rollout did not reach it: no upload, no release, current unchanged
	HostRunning    = "running"     // its deploy (or rollback) is under way
	HostDeployed   = "deployed"    // the rollout's release is current there, started and healthy
	HostFailed     = "failed"      // its own deploy failed; see Failure and Current for where it was left
	HostRolledBack = "rolled back" // it was deployed, then switched back to the release it ran before, because another host failed
)

// HostResult is how a rollout went on one host.
type HostResult struct {
	Host            string        // Site.Name
	State           string        // one of the Host… states
	Release         string        // the release directory the rollout made (or chose, for a rollback) there
	Version         string        // the version of Release
	Previous        string        // what current pointed to before the rollout; "" for a first deploy
	PreviousVersion string        // the version of Previous
	Current         string        // what current points to now; "" when nothing does
	Failure         string        // why it failed, or why it could not be switched back
	Started         time.Time     // when its own deploy (or rollback) started; zero while untouched
	Took            time.Duration // its deploy from Started, plus its switch back (not the wait between them)
	Result          Result        // its own deploy's (or rollback's) result
}

// RolloutResult is how a rollout ended.
type RolloutResult struct {
	Hosts   []HostResult // in the order of Rollout.Sites
	Version string       // what was deployed (or, for a rollback, rolled back to)
	Commit  string
	Release string // the release directory: the same name on every host for a deploy
	Failure string // what went wrong, host by host; "" when every host is on the release
	Took    time.Duration
}

// RolloutFailed is the error of a rollout that ran and failed: Result says where each host
// was left.
type RolloutFailed struct{ Result RolloutResult }

func (e *RolloutFailed) Error() string { return e.Result.Failure }

// HostError is what stopped a rollout before anything was uploaded: a host that could not
// be reached, or whose lock is held (a *LockHeldError inside). The locks taken on the hosts
// before it were released.
type HostError struct {
	Host     string   // the host
	Released []string // the hosts whose lock was taken, then released
	Err      error
}

func (e *HostError) Error() string {
	msg := fmt.Sprintf("%s: %v; nothing was uploaded to any host", e.Host, e.Err)
	if len(e.Released) > 0 {
		msg += " (the locks taken on " + strings.Join(e.Released, ", ") + " were released)"
	}
	return msg
}

func (e *HostError) Unwrap() error { return e.Err }

// RolloutReporter is a Reporter that also follows the hosts' states: Hosts is called with
// all of them whenever one changes.
type RolloutReporter interface {
	Reporter
	Hosts([]HostResult)
}

// DeployAll deploys a release to every host of r (see the comment at the top of this file).
// The error is a *HostError when a host could not be reached or locked (nothing was
// uploaded anywhere), a *RolloutFailed when the rollout ran and failed.
func DeployAll(ctx context.Context, r Rollout, rep Reporter) (RolloutResult, error) {
	ro := newRollout(r, rep)
	action := ActionDeploy
	if len(r.Sites) > 0 {
		ro.res.Version, ro.res.Commit = r.Sites[0].Spec.Version, r.Sites[0].Spec.Commit
		ro.res.Release = releaseName(ro.started, ro.res.Version)
		action = r.Sites[0].Spec.action()
	}
	return ro.run(ctx, action, func(ctx context.Context, _ int, d *run) { d.deploy(ctx) }, func() error { return nil })
}

// RollbackAll rolls every host of r back to the newest release that is healthy on every
// host and was deployed there before its current one: host by host (or Parallel at a time),
// each started and gated as Rollback does; a failure switches the hosts already rolled back
// forward again, to where they were. When no release is healthy on every host, it says so,
// naming the hosts that lack the newest candidate, and changes nothing.
func RollbackAll(ctx context.Context, r Rollout, rep Reporter) (RolloutResult, error) {
	ro := newRollout(r, rep)
	var to []string
	choose := func() (err error) {
		to, err = ro.chooseRollback()
		return err
	}
	return ro.run(ctx, "rollback", func(ctx context.Context, i int, d *run) { d.rollbackSteps(ctx, to[i]) }, choose)
}

// rollout is a rollout in progress.
type rollout struct {
	plan    Rollout
	rep     Reporter
	runs    []*run // nil until the host is connected
	started time.Time

	mu  sync.Mutex
	res RolloutResult
}

// newRollout prepares a rollout; every host starts untouched.
func newRollout(r Rollout, rep Reporter) *rollout {
	ro := &rollout{plan: r, rep: rep, runs: make([]*run, len(r.Sites)), started: time.Now()}
	if len(r.Sites) > 0 && r.Sites[0].Spec.Now != nil {
		ro.started = r.Sites[0].Spec.Now()
	}
	for _, s := range r.Sites {
		ro.res.Hosts = append(ro.res.Hosts, HostResult{Host: s.Name, State: HostUntouched})
	}
	return ro
}

// run locks every host, lets choose decide (it may refuse: then nothing changes), rolls op
// out and releases the locks, whatever happened.
func (ro *rollout) run(ctx context.Context, action string, op func(context.Context, int, *run), choose func() error) (RolloutResult, error) {
	if len(ro.plan.Sites) == 0 {
		return ro.res, errNoSites
	}
	if err := ro.locked(ctx, action, op, choose); err != nil {
		ro.res.Failure = err.Error()
		return ro.res, err
	}
	return ro.outcome()
}

// locked is run's work under the hosts' locks: they are released when it returns, even
// by a panic.
func (ro *rollout) locked(ctx context.Context, action string, op func(context.Context, int, *run), choose func() error) error {
	ro.report()
	defer ro.release()
	if err := ro.lockAll(ctx, action); err != nil {
		return err
	}
	if err := choose(); err != nil {
		ro.res.Failure = err.Error()
		return &RolloutFailed{Result: ro.res}
	}
	ro.roll(ctx, action, op)
	return nil
}

// hostReporter tags a host's events with its name.
type hostReporter struct {
	rep  Reporter
	host string
}

func (r hostReporter) Step(e StepEvent) { e.Host = r.host; r.rep.Step(e) }

func (r hostReporter) Output(step, line string) { r.rep.Output(r.host+" "+step, line) }

// reporter is the reporter of a host's run.
func (ro *rollout) reporter(host string) Reporter {
	if ro.rep == nil {
		return nil
	}
	return hostReporter{rep: ro.rep, host: host}
}

// report hands the hosts' states to a RolloutReporter.
func (ro *rollout) report() {
	rr, ok := ro.rep.(RolloutReporter)
	if !ok {
		return
	}
	ro.mu.Lock()
	hosts := append([]HostResult(nil), ro.res.Hosts...)
	ro.mu.Unlock()
	rr.Hosts(hosts)
}

// lockAll connects to the hosts and takes their locks, in order; the first host that cannot
// be reached or locked stops it.
func (ro *rollout) lockAll(ctx context.Context, action string) error {
	for i, s := range ro.plan.Sites {
		h, err := s.Connect(ctx)
		if err != nil {
			return ro.refused(i, err)
		}
		d := newRun(h, s.Spec, ro.reporter(s.Name))
		d.named = ro.started // one release name on every host
		ro.runs[i] = d
		if err := d.lock(action); err != nil {
			return ro.refused(i, err)
		}
	}
	return nil
}

// refused is the error of host i that could not be reached or locked.
func (ro *rollout) refused(i int, err error) error {
	var locked []string
	for j := range i {
		locked = append(locked, ro.plan.Sites[j].Name)
	}
	ro.res.Hosts[i].Failure = err.Error()
	return &HostError{Host: ro.plan.Sites[i].Name, Released: locked, Err: err}
}

// release unlocks and closes every host that was connected.
func (ro *rollout) release() {
	for i, d := range ro.runs {
		if d == nil {
			continue
		}
		d.unlock()
		ro.mu.Lock()
		ro.res.Hosts[i].Result.LockLeft, ro.res.Hosts[i].Result.LockToken = d.res.LockLeft, d.res.LockToken
		ro.res.Hosts[i].Result.Warnings = d.res.Warnings
		ro.mu.Unlock()
		d.h.Close()
	}
	ro.res.Took = time.Since(ro.started)
	ro.report()
}

// roll runs op on the hosts wave by wave, in their order. A failure (or a cancel) stops it
// after its wave, and the hosts op switched are switched back.
func (ro *rollout) roll(ctx context.Context, action string, op func(context.Context, int, *run)) {
	n, size := len(ro.runs), max(ro.plan.Parallel, 1)
	stopped := false
	for start := 0; start < n && !stopped; start += size {
		if ctx.Err() != nil {
			break // cancelled between two waves: the next one does not start
		}
		var wg sync.WaitGroup
		for i := start; i < min(start+size, n); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ro.step(ctx, i, action, op)
			}()
		}
		wg.Wait()
		stopped = ro.anyFailed()
	}
	if stopped || ctx.Err() != nil {
		ro.revertAll(ctx)
	}
}

// step runs op on host i and records how it ended, with the host's audit line.
func (ro *rollout) step(ctx context.Context, i int, action string, op func(context.Context, int, *run)) {
	d := ro.runs[i]
	d.started = d.now() // its Took is its own, not the wait for the hosts before it
	ro.setHost(i, func(h *HostResult) { h.State, h.Started = HostRunning, d.started })
	op(ctx, i, d)
	result := "ok"
	if d.res.Failure != "" {
		result = "failed"
	}
	d.audit(action, result, d.res.Failure)
	d.res.Version, d.res.Commit = d.spec.Version, d.spec.Commit
	ro.setHost(i, func(h *HostResult) {
		h.State = HostDeployed
		if d.res.Failure != "" {
			h.State, h.Failure = HostFailed, d.res.Failure
		}
		h.Release, h.Version, h.Previous, h.Current = d.res.Release, d.spec.Version, d.res.Previous, d.currentOr(d.res.Previous)
		if prev, ok := d.st.find(d.res.Previous); ok {
			h.PreviousVersion = prev.Version
		}
		h.Took, h.Result = d.now().Sub(d.started), d.res
	})
}

// setHost changes host i's result and reports the hosts.
func (ro *rollout) setHost(i int, change func(*HostResult)) {
	ro.mu.Lock()
	change(&ro.res.Hosts[i])
	ro.mu.Unlock()
	ro.report()
}

// anyFailed reports whether a host failed.
func (ro *rollout) anyFailed() bool {
	ro.mu.Lock()
	defer ro.mu.Unlock()
	for _, h := range ro.res.Hosts {
		if h.State == HostFailed {
			return true
		}
	}
	return false
}

// revertAll switches every host this rollout switched back to the release it ran before,
// wave by wave; a cancelled rollout is still put back.
func (ro *rollout) revertAll(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	var switched []int
	for i, h := range ro.res.Hosts {
		d := ro.runs[i]
		switch {
		case h.State == HostDeployed:
			switched = append(switched, i)
		case h.State == HostFailed && d.res.Previous == "" && !d.res.SwitchedAt.IsZero():
			ro.withdrawFailed(ctx, i)
		}
	}
	size := max(ro.plan.Parallel, 1)
	for start := 0; start < len(switched); start += size {
		var wg sync.WaitGroup
		for _, i := range switched[start:min(start+size, len(switched))] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ro.revert(ctx, i)
			}()
		}
		wg.Wait()
	}
}

// withdrawFailed stops the app of host i, whose own first deploy failed after its release
// started (its deploy removed current), so that no host runs the release; a stop that fails
// is added to the host's failure: its app may still be running.
func (ro *rollout) withdrawFailed(ctx context.Context, i int) {
	ro.reconnect(ctx, i)
	d, back := ro.runs[i], ro.again(i)
	back.withdraw(ctx, d.res.Release)
	if back.res.Failure == "" {
		back.audit("rollback", "ok", "its first deploy failed: its app was stopped")
		back.step(StepRollback, StepPassed, withdrawn)
		return
	}
	back.audit("rollback", "failed", back.res.Failure)
	ro.setHost(i, func(h *HostResult) { h.Failure += "; " + back.res.Failure })
}

// reconnect opens host i again when its connection died while the other hosts deployed
// (its deploy root cannot be read over it), so that its switch back, and the release of its
// lock, run over a live one. When it cannot connect, the switch back fails saying why.
func (ro *rollout) reconnect(ctx context.Context, i int) {
	d := ro.runs[i]
	if _, err := d.h.Stat(d.spec.Root); err == nil {
		return
	}
	h, err := ro.plan.Sites[i].Connect(ctx)
	if err != nil {
		return
	}
	d.h.Close()
	d.h = h
}

// withdrawn says how a host that ran nothing before the rollout was put back.
const withdrawn = "it ran nothing before this rollout: its app was stopped and current removed"

// revert switches host i back to the release it ran before the rollout, started and gated
// again as a rollback is; a host that ran nothing before (a first deploy) is withdrawn.
func (ro *rollout) revert(ctx context.Context, i int) {
	ro.reconnect(ctx, i)
	d := ro.runs[i]
	begun := d.now()
	back := ro.again(i)
	back.step(StepRollback, StepRunning, "another host failed: back to what ran before")
	why := "another host of the rollout failed"
	if d.res.Previous == "" {
		back.withdraw(ctx, d.res.Current)
	} else {
		back.rollbackSteps(ctx, d.res.Previous)
	}
	result := "ok"
	if back.res.Failure != "" {
		result, why = "failed", back.res.Failure
	}
	back.audit("rollback", result, why)
	back.locked = false // the rollout's own run releases the lock
	state, failure, current := HostRolledBack, "", back.res.Current
	switch {
	case back.res.Failure != "":
		state, failure, current = HostFailed, "it was deployed, but switching it back failed: "+back.res.Failure, back.currentOr(d.res.Current)
		back.step(StepRollback, StepFailed, back.res.Failure)
	case d.res.Previous == "":
		back.step(StepRollback, StepPassed, withdrawn)
	default:
		back.step(StepRollback, StepPassed, "releases/"+d.res.Previous+" is current again, started and healthy")
	}
	ro.setHost(i, func(h *HostResult) {
		h.State, h.Failure, h.Current = state, failure, current
		h.Took += d.now().Sub(begun) // its deploy and its switch back, not the wait between them
	})
}

// again is a new run on host i, under the lock the rollout holds there, with its steps
// reported as progress of a rollback step.
func (ro *rollout) again(i int) *run {
	d := ro.runs[i]
	back := newRun(d.h, d.spec, revertReporter{ro.reporter(ro.plan.Sites[i].Name)})
	back.locked, back.res.LockToken = true, d.res.LockToken
	return back
}

// currentOr is what current points to after this run: before, unless it switched.
func (d *run) currentOr(before string) string {
	if d.res.SwitchedAt.IsZero() {
		return before
	}
	return d.res.Current
}

// revertReporter reports the steps of a rollout's rollback on a host as progress of its
// rollback step, so that they do not stand for the deploy's own steps: the rollback step's
// last event says how it ended.
type revertReporter struct{ rep Reporter }

func (r revertReporter) Step(e StepEvent) {
	if r.rep == nil {
		return
	}
	if e.Name != StepRollback {
		e.Detail, e.Status = strings.TrimSuffix(e.Name+": "+e.Detail, ": "), StepRunning
	}
	e.Name = StepRollback
	r.rep.Step(e)
}

func (r revertReporter) Output(step, line string) {
	if r.rep != nil {
		r.rep.Output(StepRollback, line)
	}
}

// withdraw takes the release this rollout made current off a host that ran nothing before
// (a first deploy): there is nothing to go back to, so its app is stopped (the stop command)
// and current removed: the host runs nothing, like the hosts the rollout did not reach. A
// stop that fails (or no stop command) fails the withdrawal: its app may still be running.
func (d *run) withdraw(ctx context.Context, name string) {
	stopped := d.stopRelease(ctx, name, "the release of this rollout")
	if err := d.h.RemoveAll(d.l.current()); err != nil {
		d.fail(StepRollback, "current still points at releases/%s and could not be removed on %s: %v", name, d.h, err)
		return
	}
	d.res.Current, d.res.SwitchedAt = "", d.now()
	if stopped != "" {
		d.fail(StepRollback, "current was removed on %s, but its app may still be running: %s", d.h, stopped)
	}
}

// chooseRollback finds the release each host goes back to: the newest version that is
// healthy on every host in a release deployed there before its current one (the first
// host's order decides "newest").
func (ro *rollout) chooseRollback() ([]string, error) {
	before := make([][]Release, len(ro.runs))
	for i, d := range ro.runs {
		st, err := readState(d.h, d.l)
		if err != nil {
			return nil, err
		}
		cur, err := currentRelease(d.h, d.l)
		if err != nil {
			return nil, err
		}
		before[i] = st.healthyBeforeAll(cur)
	}
	target, first := ro.plan.Sites[0].Spec.Target, ro.plan.Sites[0].Name
	if len(before[0]) == 0 {
		return nil, fmt.Errorf("%s has no earlier healthy release on %s: nothing to roll back to on every host", target, first)
	}
	var newestMissing []string
	for k, r := range before[0] {
		names, missing := []string{r.Name}, []string(nil)
		for i := 1; i < len(before); i++ {
			if m, ok := newestOf(before[i], r.Version); ok {
				names = append(names, m.Name)
			} else {
				missing = append(missing, ro.plan.Sites[i].Name)
			}
		}
		if len(missing) == 0 {
			ro.res.Version, ro.res.Commit, ro.res.Release = r.Version, r.Commit, r.Name
			return names, nil
		}
		if k == 0 {
			newestMissing = missing
		}
	}
	return nil, fmt.Errorf("no release of %s is healthy on every host before its current one: %s, the newest on %s, is missing or not healthy on %s; roll back those hosts one by one, or deploy the version you want",
		target, before[0][0].Version, first, strings.Join(newestMissing, ", "))
}

// newestOf returns the first release of version in rs.
func newestOf(rs []Release, version string) (Release, bool) {
	for _, r := range rs {
		if r.Version == version {
			return r, true
		}
	}
	return Release{}, false
}

// healthyBeforeAll lists the healthy releases deployed before name (all of them when name
// is not in the state), newest first.
func (st targetState) healthyBeforeAll(name string) []Release {
	end := len(st.Releases)
	for i, r := range st.Releases {
		if r.Name == name {
			end = i
		}
	}
	var out []Release
	for i := end - 1; i >= 0; i-- {
		if r := st.Releases[i]; r.Healthy && !r.Bad {
			out = append(out, r)
		}
	}
	return out
}

// outcome is the rollout's return: its result, with the failure worded host by host, and
// a *RolloutFailed when a host is not on the release.
func (ro *rollout) outcome() (RolloutResult, error) {
	ro.mu.Lock()
	defer ro.mu.Unlock()
	var failed, back, untouched []string
	for _, h := range ro.res.Hosts {
		switch h.State {
		case HostFailed:
			failed = append(failed, h.Host+": "+h.Failure)
		case HostRolledBack:
			back = append(back, h.Host)
		case HostUntouched:
			untouched = append(untouched, h.Host)
		}
	}
	if len(failed) == 0 && len(back) == 0 && len(untouched) == 0 {
		return ro.res, nil
	}
	parts := failed
	if len(failed) == 0 {
		parts = []string{"the rollout was cancelled"}
	}
	if len(back) > 0 {
		parts = append(parts, "switched back to what they ran before: "+strings.Join(back, ", "))
	}
	if len(untouched) > 0 {
		parts = append(parts, "not touched: "+strings.Join(untouched, ", "))
	}
	ro.res.Failure = strings.Join(parts, "; ")
	return ro.res, &RolloutFailed{Result: ro.res}
}

// errNoSites refuses a rollout without hosts.
var errNoSites = errors.New("a rollout needs at least one host")
