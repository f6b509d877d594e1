package deploy

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"eightfold/backend/health"
)

// startAndGate starts release name (current points at it) and waits for its health gate.
func (d *run) startAndGate(ctx context.Context, name string) bool {
	if d.spec.Start == "" {
		d.step(StepStart, StepSkipped, "no start command")
	} else {
		d.step(StepStart, StepRunning, d.spec.Start)
		if ok, why := d.start(ctx, StepStart, name); !ok {
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

// rollback switches current back to the release it pointed to before (or, when that one
// had failed its own gate, the newest healthy one before the failed release), starts it
// again and gates it, and keeps the failed release's last log lines; the failed release is
// marked bad. With nothing healthy to go back to, current is removed: nothing points at a
// release that failed.
func (d *run) rollback(ctx context.Context) {
	ctx = context.WithoutCancel(ctx) // a cancelled deploy still puts the target back
	d.res.Logs = d.collectLogs(ctx)
	d.markBad(d.res.Release)
	back := d.res.Previous
	if r, ok := d.st.find(back); back != "" && ok && (r.Bad || !r.Healthy) {
		back = ""
		if r, ok := d.st.healthyBefore(d.res.Release); ok {
			back = r.Name
		}
	}
	if back == "" {
		d.step(StepRollback, StepRunning, "no healthy release to go back to: current is removed")
		if err := d.h.RemoveAll(d.l.current()); err != nil {
			d.alsoFail(StepRollback, "current still points at releases/%s, which failed its gate, and could not be removed: %v", d.res.Release, err)
			return
		}
		d.res.Current = ""
		d.step(StepRollback, StepPassed, "current removed")
		return
	}
	d.step(StepRollback, StepRunning, "back to "+back)
	if !d.switchTo(back) {
		d.alsoFail(StepRollback, "current still points at releases/%s, which failed its gate: run `eightfold rollback %s` once %s answers", d.res.Release, d.spec.Target, d.h)
		return
	}
	d.res.RolledBack = true
	if d.spec.Start != "" {
		if ok, why := d.start(ctx, StepRollback, back); !ok {
			d.alsoFail(StepRollback, "releases/%s is current again, but starting it failed: %s", back, why)
			return
		}
	}
	if g := d.spec.Health; g != nil {
		if _, err := health.Gate(ctx, d.check(), g.Interval, g.Deadline, nil); err != nil {
			d.alsoFail(StepRollback, "releases/%s is current again, but it is not healthy either: %v", back, err)
			return
		}
	}
	d.step(StepRollback, StepPassed, "releases/"+back+" is current, started again and healthy")
}

// alsoFail adds a later failure to the first one: what the rollback could not repair.
func (d *run) alsoFail(step, format string, args ...any) {
	msg := d.scrub.Scrub(fmt.Sprintf(format, args...))
	d.res.Failure += "; " + msg
	d.step(step, StepFailed, msg)
}

// logsTimeout bounds the logs command after a failed gate: a command that follows the log
// (journalctl -f, tail -F: what the Operate view streams) never ends by itself.
const logsTimeout = 5 * time.Second

// collectLogs runs the target's logs command, for the failure report: what it printed
// within logsTimeout.
func (d *run) collectLogs(ctx context.Context) string {
	if d.spec.Logs == "" {
		return ""
	}
	var b strings.Builder
	w := &lineWriter{scrub: d.scrub, line: func(s string) { b.WriteString(s); b.WriteByte('\n') }}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), logsTimeout)
	defer cancel()
	d.h.Run(ctx, d.spec.Root, withEnv(d.l.envFile(d.res.Release), d.spec.Logs), w)
	w.Close()
	return b.String()
}

// markHealthy and markBad record a release's verdict in the target's state.
func (d *run) markHealthy(name string) { d.mark(name, true) }
func (d *run) markBad(name string)     { d.mark(name, false) }

// mark records a release's verdict in the target's state.
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
