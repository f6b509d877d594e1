package deploy

import (
	"context"
	"fmt"
)

// Rollback switches the target back to an earlier release: to (a release name), or when
// to is "", the newest healthy release before the current one. It is gated like a deploy:
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
		target, ok = d.st.lastHealthy(d.res.Previous)
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
	if !d.switchTo(target.Name) {
		return
	}
	if !d.startAndGate(ctx, target.Name) {
		d.rollback(ctx) // back to what was current; the release tried is marked bad
		return
	}
	d.markHealthy(target.Name)
}

func noRollbackTarget(target, to string) string {
	if to != "" {
		return fmt.Sprintf("%s has no release %s (it may have been pruned)", target, to)
	}
	return fmt.Sprintf("%s has no earlier healthy release to roll back to", target)
}
