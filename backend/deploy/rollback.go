package deploy

import (
	"context"
	"fmt"
)

// Rollback switches the target back to an earlier release: to (a release name), or when
// to is "", the newest healthy release deployed before the current one (a second rollback
// goes further back, never forward again). It is gated like a deploy:
// the release is started and must pass the health check, or current goes back to where it
// was. spec needs Target, Root, Who, Start, Logs, Health and the secrets (to scrub); its
// Version and Commit are taken from the release chosen. The Result's Release is the
// release rolled back to.
func Rollback(ctx context.Context, h Host, spec Spec, to string, r Reporter) (Result, error) {
	d := newRun(h, spec, r)
	if err := d.lock("rollback"); err != nil {
		return d.res, err
	}
	d.rollbackSteps(ctx, to)
	d.finish("rollback")
	return d.outcome()
}

// rollbackSteps chooses the release, switches to it, starts it and gates it.
func (d *run) rollbackSteps(ctx context.Context, to string) {
	st, err := readState(d.h, d.l)
	if err != nil {
		d.fail(StepSwitch, "%v", err)
		return
	}
	d.st = st
	if d.res.Previous, err = currentRelease(d.h, d.l); err != nil {
		d.fail(StepSwitch, "%v", err)
		return
	}
	target, ok := d.st.find(to)
	if to == "" {
		target, ok = d.st.healthyBefore(d.res.Previous)
	}
	if !ok {
		d.fail(StepSwitch, "%s", noRollbackTarget(d.spec.Target, to))
		return
	}
	d.res.Release, d.spec.Version, d.spec.Commit = target.Name, target.Version, target.Commit
	if d.blueGreen() {
		d.rollbackBlueGreen(ctx, target)
		return
	}
	// The env file is written again: the secrets and env as they are now, not as they were
	// when the release was first deployed (a revoked secret must not come back).
	d.port = d.livePort()
	if err := d.h.WriteFile(d.l.envFile(target.Name), envFile(d.vars(target.Name)), 0o600); err != nil {
		d.fail(StepSwitch, "write the env file of releases/%s on %s: %v", target.Name, d.h, err)
		return
	}
	if !d.switchTo(target.Name) {
		return
	}
	if !d.startAndGate(ctx, target.Name) {
		d.rollback(ctx) // back to what was current; the release tried is marked bad
		return
	}
	d.markHealthy(target.Name)
}

// noRollbackTarget says why there is nothing to roll back to.
func noRollbackTarget(target, to string) string {
	if to != "" {
		return fmt.Sprintf("%s has no release %s (it may have been pruned)", target, to)
	}
	return fmt.Sprintf("%s has no earlier healthy release to roll back to", target)
}
