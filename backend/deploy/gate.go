package deploy

import (
	"context"
	"fmt"
	"net"
	"strings"

	"eightfold/backend/health"
)

// startAndGate starts release name (current points at it) and waits for its health gate.
func (d *run) startAndGate(ctx context.Context, name string) bool {
	if d.spec.Start == "" {
		d.step(StepStart, StepSkipped, "no start command")
	} else {
		d.step(StepStart, StepRunning, d.spec.Start)
		if ok, why := d.command(ctx, StepStart, name, d.spec.Start); !ok {
			return d.fail(StepStart, "%s", why)
		}
		d.step(StepStart, StepPassed, "")
	}
	return d.gate(ctx)
}

// gate polls the health check until it passes or its deadline is over.
func (d *run) gate(ctx context.Context) bool {
	g := d.spec.Health
	if g == nil {
		d.step(StepHealth, StepSkipped, "no health check: the release counts as healthy once started")
		d.res.Healthy, d.res.HealthyAt = true, d.now()
		return true
	}
	d.step(StepHealth, StepRunning, g.Check.URL)
	attempts := 0
	last, err := health.Gate(ctx, d.check(), g.Interval, g.Deadline, func(r health.Result) {
		attempts++
		if !r.OK && d.rep != nil {
			d.rep.Output(StepHealth, fmt.Sprintf("attempt %d: %s", attempts, d.scrub.Scrub(r.Reason)))
		}
	})
	if err != nil {
		return d.fail(StepHealth, "unhealthy: %v", err)
	}
	d.res.Healthy, d.res.HealthyAt = true, d.now()
	d.step(StepHealth, StepPassed, fmt.Sprintf("status %d after %d attempt(s)", last.Status, attempts))
	return true
}

// rollback switches current back to the release it pointed to before, starts it again and
// collects the failed release's last log lines; the failed release is marked bad. A first
// deploy has nothing to go back to: current is removed, so that nothing points at a
// release that failed.
func (d *run) rollback(ctx context.Context) {
	d.res.Logs = d.collectLogs(ctx)
	d.markBad(d.res.Release)
	if d.res.Previous == "" {
		d.step(StepRollback, StepRunning, "no previous release: current is removed")
		d.h.RemoveAll(d.l.current())
		d.res.Current = ""
		d.step(StepRollback, StepPassed, "")
		return
	}
	d.step(StepRollback, StepRunning, "back to "+d.res.Previous)
	failure := d.res.Failure
	if !d.switchTo(d.res.Previous) {
		return
	}
	d.res.RolledBack = true
	if d.spec.Start != "" {
		if ok, why := d.command(context.WithoutCancel(ctx), StepRollback, d.res.Previous, d.spec.Start); !ok {
			d.fail(StepRollback, "the previous release is current again, but starting it failed: %s", why)
			return
		}
	}
	d.res.Failure = failure
	if g := d.spec.Health; g != nil {
		if _, err := health.Gate(context.WithoutCancel(ctx), d.check(), g.Interval, g.Deadline, nil); err != nil {
			d.step(StepRollback, StepFailed, "releases/"+d.res.Previous+" is current again, but it is not healthy either: "+d.scrub.Scrub(err.Error()))
			return
		}
	}
	d.step(StepRollback, StepPassed, "releases/"+d.res.Previous+" is current, started again and healthy")
}

// collectLogs runs the target's logs command, for the failure report.
func (d *run) collectLogs(ctx context.Context) string {
	if d.spec.Logs == "" {
		return ""
	}
	var b strings.Builder
	w := &lineWriter{scrub: d.scrub, line: func(s string) { b.WriteString(s); b.WriteByte('\n') }}
	d.h.Run(context.WithoutCancel(ctx), d.spec.Root, withEnv(d.l.envFile(d.res.Release), d.spec.Logs), w)
	w.Close()
	return b.String()
}

// markHealthy and markBad record a release's verdict in the target's state.
func (d *run) markHealthy(name string) { d.mark(name, true) }
func (d *run) markBad(name string)     { d.mark(name, false) }

func (d *run) mark(name string, healthy bool) {
	for i := range d.st.Releases {
		if d.st.Releases[i].Name == name {
			d.st.Releases[i].Healthy, d.st.Releases[i].Bad = healthy, !healthy
		}
	}
	if err := writeState(d.h, d.l, d.st); err != nil && d.rep != nil {
		d.rep.Output(StepHealth, fmt.Sprintf("could not record the verdict on %s: %v", d.h, err))
	}
}

// Dialer is a Host that can open connections from its side: an SSH host reaches the app's
// health URL (say http://127.0.0.1:8080/healthz) as the server itself does, through the
// SSH connection.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// check is the health check as it runs for this host: from the host's side when it can dial.
func (d *run) check() health.Check {
	c := d.spec.Health.Check
	if dl, ok := d.h.(Dialer); ok {
		c.Dial = dl.DialContext
	}
	return c
}
