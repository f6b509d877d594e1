package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"time"
)

// run is one deploy or rollback in progress on a host.
type run struct {
	h       Host
	l       layout
	spec    Spec
	rep     Reporter
	scrub   *Scrubber
	now     func() time.Time
	started time.Time // when it started: its lock's time, and what its Took counts from
	named   time.Time // the time its release is named after: started, or a rollout's start on every host
	st      targetState
	locked  bool
	port    int // the port the release being deployed listens on (EIGHTFOLD_PORT); 0: none known
	res     Result
}

// newRun prepares a deploy or rollback of spec on h.
func newRun(h Host, spec Spec, rep Reporter) *run {
	now := spec.Now
	if now == nil {
		now = time.Now
	}
	started := now()
	return &run{h: h, l: layout{root: spec.Root}, spec: spec, rep: rep, scrub: NewScrubber(slices.Collect(maps.Values(spec.Secrets))),
		now: now, started: started, named: started}
}

// step reports a step's state.
func (d *run) step(name, status, detail string) {
	if d.rep != nil {
		d.rep.Step(StepEvent{Name: name, Status: status, Detail: detail})
	}
}

// lock takes the target's lock for action.
func (d *run) lock(action string) error {
	d.step(StepLock, StepRunning, "")
	me := Holder{Who: d.spec.Who, Since: d.started, Version: d.spec.Version, Action: action, Token: newToken()}
	if err := lock(d.h, d.l, d.spec.Target, me, d.spec.ForceUnlock); err != nil {
		d.fail(StepLock, "%v", err)
		return err
	}
	d.locked, d.res.LockToken = true, me.Token
	if d.spec.ForceUnlock {
		d.audit(action, "forced-unlock", "the lock was removed by hand (--force-unlock)")
	}
	d.step(StepLock, StepPassed, "held by "+d.spec.Who)
	return nil
}

// finish writes the audit line and releases the lock, whatever happened before.
func (d *run) finish(action string) {
	result := "ok"
	if d.res.Failure != "" {
		result = "failed"
	}
	d.audit(action, result, d.res.Failure)
	d.unlock()
	d.res.Version, d.res.Commit = d.spec.Version, d.spec.Commit
}

// unlock releases the lock when this run holds it.
func (d *run) unlock() {
	if d.locked {
		d.step(StepUnlock, StepRunning, "")
		if err := unlock(d.h, d.l, d.res.LockToken); err != nil {
			d.res.LockLeft = !errors.Is(err, ErrLockTaken)
			d.warn(StepUnlock, "%v", err)
		} else {
			d.step(StepUnlock, StepPassed, "")
		}
		d.locked = false
	}
	d.res.Took = d.now().Sub(d.started)
}

// warn reports a step that failed after the release became current and healthy: the deploy
// still succeeded, and says what went wrong in its warnings.
func (d *run) warn(step, format string, args ...any) {
	msg := d.scrub.Scrub(fmt.Sprintf(format, args...))
	d.res.Warnings = append(d.res.Warnings, msg)
	d.step(step, StepFailed, msg)
}

// audit appends a line to the target's audit log; a failure to write it is reported, not
// fatal (the deploy record in Eightfold's database has the same facts).
func (d *run) audit(action, result, reason string) {
	line := AuditLine{At: d.now().UTC(), Who: d.spec.Who, Action: action, Version: d.spec.Version, Commit: d.spec.Commit,
		Release: d.res.Release, Previous: d.res.Previous, Result: result, Reason: reason,
		Switched: (action == ActionDeploy || action == ActionPromote) && !d.res.SwitchedAt.IsZero()}
	b, _ := json.Marshal(line)
	if err := d.h.AppendFile(d.l.audit(), append(b, '\n'), 0o644); err != nil && d.rep != nil {
		d.rep.Output(StepUnlock, fmt.Sprintf("could not append to %s: %v", d.l.audit(), err))
	}
}

// prepare reads the target's state and makes the new release's directory.
func (d *run) prepare() bool {
	st, err := readState(d.h, d.l)
	if err != nil {
		return d.fail(StepUpload, "%v", err)
	}
	d.st = st
	if d.res.Previous, err = currentRelease(d.h, d.l); err != nil {
		return d.fail(StepUpload, "%v", err)
	}
	d.res.Release = releaseName(d.named, d.spec.Version)
	d.port = d.releasePort()
	for _, dir := range []string{d.l.releases(), d.l.shared(), d.l.envDir(), d.l.uploadingDir()} {
		if err := d.h.MkdirAll(dir, 0o755); err != nil {
			return d.fail(StepUpload, "make %s on %s: %v", dir, d.h, err)
		}
	}
	// The marker says an upload is under way: if this deploy dies, the next one removes what
	// it left (prune).
	if err := d.h.WriteFile(d.l.uploading(d.res.Release), nil, 0o644); err != nil {
		return d.fail(StepUpload, "mark the upload on %s: %v", d.h, err)
	}
	if err := d.h.Mkdir(d.l.release(d.res.Release), 0o755); err != nil {
		return d.fail(StepUpload, "make %s on %s: %v", d.l.release(d.res.Release), d.h, err)
	}
	return true
}

// discard removes a release that never became current, and forgets it.
func (d *run) discard() {
	if d.res.Release == "" {
		return
	}
	d.h.RemoveAll(d.l.release(d.res.Release))
	d.h.RemoveAll(d.l.envFile(d.res.Release))
	d.h.RemoveAll(d.l.uploading(d.res.Release))
	if _, ok := d.st.find(d.res.Release); ok {
		d.st.Releases = slices.DeleteFunc(d.st.Releases, func(r Release) bool { return r.Name == d.res.Release })
		writeState(d.h, d.l, d.st)
	}
}

// vars are the variables of the commands run for release name.
func (d *run) vars(name string) map[string]string {
	vars := map[string]string{}
	maps.Copy(vars, d.spec.Env)
	maps.Copy(vars, d.spec.Secrets)
	vars["EIGHTFOLD_TARGET_PATH"] = d.spec.Root
	vars["EIGHTFOLD_RELEASE"] = d.l.release(name)
	vars["EIGHTFOLD_VERSION"] = d.spec.Version
	if port := d.port; port > 0 {
		vars["EIGHTFOLD_PORT"] = strconv.Itoa(port)
	}
	return vars
}

// command runs a command line for release name in the deploy root, its output to the
// reporter line by line (scrubbed); ok is false when it could not run or exited non-zero.
func (d *run) command(ctx context.Context, step, name, command string) (ok bool, why string) {
	w := &lineWriter{scrub: d.scrub, line: func(s string) {
		if d.rep != nil {
			d.rep.Output(step, s)
		}
	}}
	status, err := d.h.Run(ctx, d.spec.Root, withEnv(d.l.envFile(name), command), w)
	w.Close()
	switch {
	case err != nil:
		return false, fmt.Sprintf("%s on %s: %v", step, d.h, err)
	case status != 0:
		return false, fmt.Sprintf("%s exited with status %d", step, status)
	}
	return true, ""
}

// afterDeploy runs the after_deploy hook; its failure is a warning, not a failed deploy:
// the release is current and healthy by then.
func (d *run) afterDeploy(ctx context.Context) {
	if d.spec.AfterDeploy == "" {
		d.step(StepAfterDeploy, StepSkipped, "not configured")
		return
	}
	d.step(StepAfterDeploy, StepRunning, d.spec.AfterDeploy)
	if ok, why := d.command(ctx, StepAfterDeploy, d.res.Release, d.spec.AfterDeploy); !ok {
		d.warn(StepAfterDeploy, "%s (the release is current and healthy all the same)", why)
		return
	}
	d.step(StepAfterDeploy, StepPassed, "")
}

// hook runs a hook command, when there is one.
func (d *run) hook(ctx context.Context, step, command, name string) bool {
	if command == "" {
		d.step(step, StepSkipped, "not configured")
		return true
	}
	d.step(step, StepRunning, command)
	if ok, why := d.command(ctx, step, name, command); !ok {
		return d.fail(step, "%s", why)
	}
	d.step(step, StepPassed, "")
	return true
}

// switchTo points current at release name: a new symlink beside it, renamed over it, so
// that current is always either the old release or the new one. It first checks that this
// deploy still holds the lock (a --force-unlock elsewhere takes it away).
func (d *run) switchTo(name string) bool {
	d.step(StepSwitch, StepRunning, name)
	if err := holds(d.h, d.l, d.res.LockToken); err != nil {
		return d.fail(StepSwitch, "%v", err)
	}
	tmp := path.Join(d.spec.Root, ".current-"+name)
	d.h.RemoveAll(tmp)
	if err := d.h.Symlink(path.Join("releases", name), tmp); err != nil {
		return d.fail(StepSwitch, "make the link %s on %s: %v", tmp, d.h, err)
	}
	if err := d.h.Rename(tmp, d.l.current()); err != nil {
		d.h.RemoveAll(tmp)
		return d.fail(StepSwitch, "switch %s on %s: %v", d.l.current(), d.h, err)
	}
	d.res.Current, d.res.SwitchedAt = name, d.now()
	d.step(StepSwitch, StepPassed, "current → releases/"+name)
	return true
}
