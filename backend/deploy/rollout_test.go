package deploy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eightfold/backend/sshx"
)

// fleet is a target on several hosts: each a real sshd on loopback with its own deploy root
// and app port (they share this machine), as a target's per-host path and env would say.
type fleet struct {
	t     testing.TB
	hosts []*sshSite
}

func newFleet(t testing.TB, n int) *fleet {
	t.Helper()
	f := &fleet{t: t}
	for range n {
		f.hosts = append(f.hosts, newSSHSite(t))
	}
	return f
}

// name is host i's name in the rollout.
func (f *fleet) name(i int) string { return f.hosts[i].srv.Target().String() }

// rollout is a rollout of version to the hosts of only (all when empty), with change
// applied to each host's spec.
func (f *fleet) rollout(version string, parallel int, change func(i int, s *Spec), only ...int) Rollout {
	r := Rollout{Parallel: parallel}
	for i, h := range f.hosts {
		if len(only) > 0 && !slices.Contains(only, i) {
			continue
		}
		spec := h.spec(version)
		spec.Stop = `kill "$(cat app.pid)"`
		if change != nil {
			change(i, &spec)
		}
		r.Sites = append(r.Sites, Site{Name: f.name(i), Spec: spec, Connect: func(ctx context.Context) (Host, error) { return h.dial(), nil }})
	}
	return r
}

// deployAll deploys version to the hosts of only (all when empty) and expects success.
func (f *fleet) deployAll(version string, only ...int) RolloutResult {
	f.t.Helper()
	rec := &recorder{}
	res, err := DeployAll(context.Background(), f.rollout(version, 1, nil, only...), rec)
	if err != nil {
		f.t.Fatalf("deploying %s: %v\n%s", version, err, rec.text())
	}
	return res
}

// serving is what each host's app answers.
func (f *fleet) serving() []string {
	var out []string
	for _, h := range f.hosts {
		out = append(out, h.serving())
	}
	return out
}

// states are the hosts' states in a rollout's result.
func states(res RolloutResult) []string {
	var out []string
	for _, h := range res.Hosts {
		out = append(out, h.State)
	}
	return out
}

// noLocks checks that no host's lock is left.
func (f *fleet) noLocks() {
	f.t.Helper()
	for i, h := range f.hosts {
		if _, err := os.Stat(filepath.Join(h.root, ".eightfold", "lock")); !errors.Is(err, os.ErrNotExist) {
			f.t.Errorf("host %d's lock is still there: %v", i+1, err)
		}
	}
}

// snapshot is what a host's deploy root holds that a deploy would change: its releases,
// current, its state and audit log, and the upload markers.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	entries, _ := os.ReadDir(filepath.Join(root, "releases"))
	for _, e := range entries {
		b.WriteString("release " + e.Name() + "\n")
	}
	cur, _ := os.Readlink(filepath.Join(root, "current"))
	b.WriteString("current " + cur + "\n")
	for _, f := range []string{".eightfold/state.json", ".eightfold/audit.log"} {
		data, _ := os.ReadFile(filepath.Join(root, f))
		b.WriteString(f + ":\n" + string(data))
	}
	marks, _ := os.ReadDir(filepath.Join(root, ".eightfold", "uploading"))
	for _, m := range marks {
		b.WriteString("uploading " + m.Name() + "\n")
	}
	return b.String()
}

// The rolling deploy of the issue: the second host's health check fails, so the first is
// rolled back, the third never touched, and all three serve the old version; every lock
// is released.
func TestRolloutSecondHostFailsOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	old := f.deployAll("1.0.0")
	if got := f.serving(); !slices.Equal(got, []string{"1.0.0", "1.0.0", "1.0.0"}) || old.Release == "" {
		t.Fatalf("the first rollout: %+v; serving %q", old, got)
	}
	third := snapshot(t, f.hosts[2].root)

	rec := &recorder{}
	r := f.rollout("2.0.0", 1, func(i int, s *Spec) {
		if i == 1 {
			s.Env["APP_HEALTH"] = "fail" // this host's configuration breaks the new release
			s.Health.Deadline = 2 * time.Second
		}
	})
	res, err := DeployAll(context.Background(), r, rec)
	var failed *RolloutFailed
	if !errors.As(err, &failed) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	if got := states(res); !slices.Equal(got, []string{HostRolledBack, HostFailed, HostUntouched}) {
		t.Fatalf("states %q\n%s", got, rec.text())
	}
	if got := f.serving(); !slices.Equal(got, []string{"1.0.0", "1.0.0", "1.0.0"}) {
		t.Errorf("serving %q after the failed rollout", got)
	}
	for i := range 2 {
		if cur := f.hosts[i].current(); cur != "releases/"+old.Release {
			t.Errorf("host %d: current %s, want the old release %s", i+1, cur, old.Release)
		}
	}
	if after := snapshot(t, f.hosts[2].root); after != third {
		t.Errorf("the third host was touched:\nbefore:\n%s\nafter:\n%s", third, after)
	}
	f.noLocks()

	h1, h2 := res.Hosts[0], res.Hosts[1]
	if h1.Previous != old.Release || h1.PreviousVersion != "1.0.0" || h1.Release != res.Release || h1.Current != old.Release || h1.Version != "2.0.0" {
		t.Errorf("host 1: %+v", h1)
	}
	if !strings.Contains(h2.Failure, "unhealthy") || h2.Current != old.Release || !h2.Result.RolledBack {
		t.Errorf("host 2: %+v", h2)
	}
	for _, want := range []string{f.name(1) + ": unhealthy", "switched back to what they ran before: " + f.name(0), "not touched: " + f.name(2)} {
		if !strings.Contains(res.Failure, want) {
			t.Errorf("the failure %q does not say %q", res.Failure, want)
		}
	}
	// The steps carry their host: the second host's gate failed, the first one's rollback passed.
	var h2Health, h1Rollback bool
	for _, e := range rec.steps {
		h2Health = h2Health || e.Host == f.name(1) && e.Name == StepHealth && e.Status == StepFailed
		h1Rollback = h1Rollback || e.Host == f.name(0) && e.Name == StepRollback && e.Status == StepPassed
		if e.Host == f.name(2) && e.Name != StepLock && e.Name != StepUnlock {
			t.Errorf("the untouched host reported %+v", e)
		}
	}
	if !h2Health || !h1Rollback {
		t.Errorf("host-tagged steps: second host's failed gate %v, first host's rollback %v\n%s", h2Health, h1Rollback, rec.text())
	}
	audit, _ := os.ReadFile(filepath.Join(f.hosts[0].root, ".eightfold", "audit.log"))
	if !strings.Contains(string(audit), `"action":"rollback"`) || !strings.Contains(string(audit), "another host of the rollout failed") {
		t.Errorf("the first host's audit log:\n%s", audit)
	}
}

// parallel: 2 deploys the hosts in waves of two: the third starts once the first two ended.
func TestRolloutInWavesOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	rec := &recorder{}
	res, err := DeployAll(context.Background(), f.rollout("1.0.0", 2, nil), rec)
	if err != nil || !slices.Equal(states(res), []string{HostDeployed, HostDeployed, HostDeployed}) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	if got := f.serving(); !slices.Equal(got, []string{"1.0.0", "1.0.0", "1.0.0"}) {
		t.Errorf("serving %q", got)
	}
	for i, h := range f.hosts {
		if h.current() != "releases/"+res.Release || res.Hosts[i].Current != res.Release || res.Hosts[i].Previous != "" {
			t.Errorf("host %d: current %s, result %+v", i+1, h.current(), res.Hosts[i])
		}
	}
	// Order, not timing: the third host's upload comes after both others' last deploy step.
	first := func(host int, step string) int {
		return slices.IndexFunc(rec.steps, func(e StepEvent) bool { return e.Host == f.name(host) && e.Name == step })
	}
	thirdUpload := first(2, StepUpload)
	for host := range 2 {
		pruned := lastIndex(rec.steps, func(e StepEvent) bool { return e.Host == f.name(host) && e.Name == StepPrune })
		if pruned < 0 || thirdUpload < pruned {
			t.Errorf("host 3 uploaded (event %d) before host %d ended (event %d)", thirdUpload, host+1, pruned)
		}
		// Each host's time is its own: the third's starts once the first wave ended, and the
		// release keeps one name on every host (checked above).
		if h, third := res.Hosts[host], res.Hosts[2]; h.Started.IsZero() || third.Started.Before(h.Started.Add(h.Took)) {
			t.Errorf("host 3 started at %v, before host %d ended (%v + %v)", third.Started, host+1, h.Started, h.Took)
		}
	}
	f.noLocks()
}

// lastIndex is the index of the last event that matches, or -1.
func lastIndex(events []StepEvent, match func(StepEvent) bool) int {
	for i := len(events) - 1; i >= 0; i-- {
		if match(events[i]) {
			return i
		}
	}
	return -1
}

// A lock held on the third host stops the rollout before any upload: the first two hosts'
// locks are released, nothing else changes on them, and the error names the host and its
// holder.
func TestRolloutStopsOnAHeldLockOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	f.deployAll("1.0.0")
	holder := Holder{Who: "bob@ci", Since: time.Now().Add(-time.Minute), Version: "0.9.0", Action: "deploy", Token: "bob"}
	if err := lock(LocalHost{}, layout{root: f.hosts[2].root}, "staging", holder, false); err != nil {
		t.Fatal(err)
	}
	before := []string{snapshot(t, f.hosts[0].root), snapshot(t, f.hosts[1].root)}
	rec := &recorder{}
	res, err := DeployAll(context.Background(), f.rollout("2.0.0", 2, nil), rec)
	var refused *HostError
	var held *LockHeldError
	if !errors.As(err, &refused) || refused.Host != f.name(2) || !errors.As(err, &held) || held.Holder.Who != "bob@ci" {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	for _, want := range []string{f.name(2) + ": staging is locked by bob@ci", "nothing was uploaded to any host",
		"the locks taken on " + f.name(0) + ", " + f.name(1) + " were released"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not say %q", err, want)
		}
	}
	if !slices.Equal(states(res), []string{HostUntouched, HostUntouched, HostUntouched}) {
		t.Errorf("states %q", states(res))
	}
	for i := range 2 {
		if after := snapshot(t, f.hosts[i].root); after != before[i] {
			t.Errorf("host %d changed:\nbefore:\n%s\nafter:\n%s", i+1, before[i], after)
		}
		if _, err := os.Stat(filepath.Join(f.hosts[i].root, ".eightfold", "lock")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("host %d's lock is still held: %v", i+1, err)
		}
	}
	if h, err := readHolder(LocalHost{}, layout{root: f.hosts[2].root}); err != nil || h.Who != "bob@ci" {
		t.Errorf("bob's lock on host 3: %+v, %v", h, err)
	}
	if got := f.serving(); !slices.Equal(got, []string{"1.0.0", "1.0.0", "1.0.0"}) {
		t.Errorf("serving %q", got)
	}
}

// A multi-host rollback goes to the newest release healthy on every host before the
// current one, skipping one that a host lacks; with none, it names the hosts lacking the
// newest candidate and changes nothing.
func TestRollbackAllPicksAReleaseOnEveryHostOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	f.deployAll("1.0.0", 0, 1) // the third host joins later
	f.deployAll("2.0.0")

	rec := &recorder{}
	_, err := RollbackAll(context.Background(), f.rollout("", 1, nil), rec)
	if err == nil || !strings.Contains(err.Error(), "1.0.0, the newest on "+f.name(0)+", is missing or not healthy on "+f.name(2)) {
		t.Fatalf("a rollback with no release on every host: %v\n%s", err, rec.text())
	}
	if got := f.serving(); !slices.Equal(got, []string{"2.0.0", "2.0.0", "2.0.0"}) {
		t.Errorf("serving %q after a refused rollback", got)
	}
	f.noLocks()

	f.deployAll("2.5.0", 0, 1) // the third host misses this one
	f.deployAll("3.0.0")
	rec = &recorder{}
	res, err := RollbackAll(context.Background(), f.rollout("", 2, nil), rec)
	if err != nil || res.Version != "2.0.0" || !slices.Equal(states(res), []string{HostDeployed, HostDeployed, HostDeployed}) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	if got := f.serving(); !slices.Equal(got, []string{"2.0.0", "2.0.0", "2.0.0"}) {
		t.Errorf("serving %q after the rollback", got)
	}
	for i, h := range res.Hosts {
		if h.Version != "2.0.0" || h.PreviousVersion != "3.0.0" || f.hosts[i].current() != "releases/"+h.Release {
			t.Errorf("host %d: %+v, current %s", i+1, h, f.hosts[i].current())
		}
	}
	f.noLocks()
}

// A first deploy that fails on the second host leaves no host running the new release:
// the first had nothing before, so its app is stopped and current removed; the third has
// no release at all.
func TestRolloutFirstDeployFailsOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	rec := &recorder{}
	res, err := DeployAll(context.Background(), f.rollout("1.0.0", 1, func(i int, s *Spec) {
		if i == 1 {
			s.Env["APP_HEALTH"] = "fail"
			s.Health.Deadline = 2 * time.Second
		}
	}), rec)
	if err == nil || !slices.Equal(states(res), []string{HostRolledBack, HostFailed, HostUntouched}) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	for i, h := range f.hosts {
		if _, err := os.Lstat(filepath.Join(h.root, "current")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("host %d has a current: %v", i+1, err)
		}
		if got := h.serving(); !strings.HasPrefix(got, "error:") {
			t.Errorf("host %d still serves %q", i+1, got)
		}
	}
	if _, err := os.Stat(filepath.Join(f.hosts[2].root, "releases")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the third host got a releases directory: %v", err)
	}
	if h := res.Hosts[0]; h.Current != "" || h.Previous != "" {
		t.Errorf("host 1: %+v", h)
	}
	if !strings.Contains(rec.text(), "it ran nothing before this rollout: its app was stopped and current removed") {
		t.Errorf("the withdrawal is not reported:\n%s", rec.text())
	}
	f.noLocks()
}

// A first deploy that fails on the second host, where no stop command works, does not
// claim the hosts were withdrawn: both are failed, saying their app may still be running,
// with a failed rollback in their audit logs.
func TestRolloutFirstDeployWithdrawStopFailsOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	rec := &recorder{}
	res, err := DeployAll(context.Background(), f.rollout("1.0.0", 1, func(i int, s *Spec) {
		s.Stop = "echo cannot stop; exit 1"
		if i == 1 {
			s.Env["APP_HEALTH"] = "fail"
			s.Health.Deadline = 2 * time.Second
		}
	}), rec)
	if err == nil || !slices.Equal(states(res), []string{HostFailed, HostFailed, HostUntouched}) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	for i := range 2 {
		h := res.Hosts[i]
		if !strings.Contains(h.Failure, "its app may still be running: stop exited with status 1") || h.Current != "" {
			t.Errorf("host %d: %+v", i+1, h)
		}
		if !strings.Contains(res.Failure, h.Host+": ") {
			t.Errorf("the failure %q does not name host %d", res.Failure, i+1)
		}
		audit, _ := os.ReadFile(filepath.Join(f.hosts[i].root, ".eightfold", "audit.log"))
		if !strings.Contains(string(audit), `"action":"rollback"`) || !strings.Contains(string(audit), `"result":"failed","reason":"current was removed on`) {
			t.Errorf("host %d's audit log:\n%s", i+1, audit)
		}
	}
	if strings.Contains(rec.text(), "its app was stopped") {
		t.Errorf("a withdrawal claims the app was stopped:\n%s", rec.text())
	}
	f.noLocks()
}

// A rollout cancelled on its second host switches the first back and releases every lock.
func TestRolloutCancelledOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	old := f.deployAll("1.0.0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{}
	res, err := DeployAll(ctx, f.rollout("2.0.0", 1, func(i int, s *Spec) {
		if i == 1 {
			s.BeforeSwitch = "sleep 30"
		}
	}), &onStep{recorder: rec, host: f.name(1), step: StepBeforeSwitch, do: cancel})
	if err == nil || !slices.Equal(states(res), []string{HostRolledBack, HostFailed, HostUntouched}) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	for i, h := range f.hosts {
		if h.current() != "releases/"+old.Release {
			t.Errorf("host %d: current %s", i+1, h.current())
		}
	}
	if got := f.serving(); !slices.Equal(got, []string{"1.0.0", "1.0.0", "1.0.0"}) {
		t.Errorf("serving %q", got)
	}
	f.noLocks()
}

// A panic while the hosts are locked (here: connecting to the third) still releases the
// locks taken on the first two.
func TestRolloutReleasesTheLocksOnAPanicOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	r := f.rollout("1.0.0", 1, nil)
	r.Sites[2].Connect = func(context.Context) (Host, error) { panic("a bug while connecting") }
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		DeployAll(context.Background(), r, &recorder{})
	}()
	f.noLocks()
}

// A host whose connection died while a later host deployed is connected again for its
// switch back: it ends on the release it ran before, its lock released.
func TestRolloutRevertsOverANewConnectionOverSSH(t *testing.T) {
	f := newFleet(t, 3)
	old := f.deployAll("1.0.0")
	r := f.rollout("2.0.0", 1, func(i int, s *Spec) {
		if i == 1 {
			s.Env["APP_HEALTH"] = "fail"
			s.Health.Deadline = 2 * time.Second
		}
	})
	for i := range r.Sites {
		h := f.hosts[i]
		r.Sites[i].Connect = func(ctx context.Context) (Host, error) { return sshx.Dial(ctx, h.srv.Target(), h.trust) }
	}
	rec := &recorder{}
	kill := &onStep{recorder: rec, host: f.name(1), step: StepHealth, do: f.hosts[0].srv.KillConnections}
	res, err := DeployAll(context.Background(), r, kill)
	if err == nil || !slices.Equal(states(res), []string{HostRolledBack, HostFailed, HostUntouched}) {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	if cur := f.hosts[0].current(); cur != "releases/"+old.Release {
		t.Errorf("host 1: current %s, want %s", cur, old.Release)
	}
	if got := f.serving(); !slices.Equal(got, []string{"1.0.0", "1.0.0", "1.0.0"}) {
		t.Errorf("serving %q", got)
	}
	f.noLocks()
}

// onStep is a recorder that calls do once, when a host's step starts.
type onStep struct {
	*recorder
	host, step string
	do         func()
	once       sync.Once
}

func (o *onStep) Step(e StepEvent) {
	o.recorder.Step(e)
	if e.Host == o.host && e.Name == o.step && e.Status == StepRunning {
		o.once.Do(o.do)
	}
}
