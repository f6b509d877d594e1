package deploy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
)

// ReadLock reads who holds the deploy lock of the target at root; held is false when
// nobody does. A lock without its holder file (a deploy died between taking it and writing
// it) has an empty Who and the lock's own time as Since. The holder's token is left out.
func ReadLock(h Host, root string) (holder Holder, held bool, err error) {
	l := layout{root: root}
	info, err := h.Stat(l.lock())
	if errors.Is(err, fs.ErrNotExist) {
		return Holder{}, false, nil
	}
	if err != nil {
		return Holder{}, false, fmt.Errorf("read the lock %s on %s: %w", l.lock(), h, err)
	}
	holder, _ = readHolder(h, l) // a missing or torn holder file: held by someone unknown
	if holder.Since.IsZero() {
		holder.Since = info.ModTime()
	}
	holder.Token = ""
	return holder, true, nil
}

// Restart runs the target's start command again for the release current points to, as a
// deploy starts a release (in Root, with the release's env file sourced; on this machine
// with its output to AppLog), under the target's lock and without switching anything or
// waiting for the health check. spec needs Target, Root, Who, Start and the secrets (to
// scrub); its Version and Commit name what runs, for the lock and the audit log. The error
// is a *LockHeldError when the lock is held, a *Failed when the command failed or there is
// no release to start.
func Restart(ctx context.Context, h Host, spec Spec, rep Reporter) (Result, error) {
	return operate(ctx, h, spec, rep, "restart")
}

// Stop runs the target's stop command for the release current points to, like Restart.
func Stop(ctx context.Context, h Host, spec Spec, rep Reporter) (Result, error) {
	return operate(ctx, h, spec, rep, "stop")
}

// operate runs a restart or a stop under the lock and writes its audit line.
func operate(ctx context.Context, h Host, spec Spec, rep Reporter, action string) (Result, error) {
	d := newRun(h, spec, rep)
	if err := d.lock(action); err != nil {
		return d.res, err
	}
	d.operate(ctx, action)
	d.finish(action)
	return d.outcome()
}

// operate finds the current release and runs the action's command for it.
func (d *run) operate(ctx context.Context, action string) {
	step, command := StepStart, d.spec.Start
	if action == "stop" {
		step, command = StepStop, d.spec.Stop
	}
	if command == "" {
		d.fail(step, "%s has no %s command in eightfold.yaml", d.spec.Target, step)
		return
	}
	name, err := currentRelease(d.h, d.l)
	if err == nil && name == "" {
		err = fmt.Errorf("nothing is deployed to %s yet: deploy a release first", d.spec.Target)
	}
	if err != nil {
		d.fail(step, "%v", err)
		return
	}
	d.res.Release, d.res.Current = name, name
	d.step(step, StepRunning, command)
	ok, why := false, ""
	if action == "stop" {
		ok, why = d.command(ctx, step, name, command)
	} else {
		ok, why = d.start(ctx, step, name)
	}
	if !ok {
		d.fail(step, "%s", why)
		return
	}
	d.step(step, StepPassed, "releases/"+name)
}

// FollowLogs runs the target's logs command (spec.Logs) in Root, with the current release's
// env file sourced when there is one; a target on this machine without one follows AppLog
// instead, from its last tail lines. Each line of output goes to line, scrubbed of spec's
// secrets as a deploy's output is. It returns when the command ends (its exit status) or
// ctx does; err is for what kept it from running, such as a dropped connection.
func FollowLogs(ctx context.Context, h Host, spec Spec, tail int, line func(string)) (status int, err error) {
	command := spec.Logs
	if command == "" {
		if _, local := h.(LocalHost); !local {
			return -1, fmt.Errorf("%s has no logs command in eightfold.yaml (such as journalctl -u app -f -n 200)", spec.Target)
		}
		command = "exec tail -n " + strconv.Itoa(tail) + " -F -- " + shellQuote(AppLog(spec.Root))
	} else {
		l := layout{root: spec.Root}
		name, err := currentRelease(h, l)
		if err != nil {
			return -1, err
		}
		if name != "" {
			command = withEnv(l.envFile(name), command)
		}
	}
	w := &lineWriter{scrub: NewScrubber(slices.Collect(maps.Values(spec.Secrets))), line: line}
	defer w.Close()
	return h.Run(ctx, spec.Root, command, w)
}
