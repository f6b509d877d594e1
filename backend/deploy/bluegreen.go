package deploy

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"
)

// blueGreen reports a blue-green deploy: a candidate port and a health check to try the
// new release on before it becomes current.
func (d *run) blueGreen() bool { return d.spec.CandidatePort > 0 && d.spec.Health != nil }

// livePort is the health URL's port: where the current release of a restart deploy
// listens, and one of the two ports blue-green releases alternate between. 0 without a
// health check.
func (d *run) livePort() int {
	if d.spec.Health == nil {
		return 0
	}
	u, err := url.Parse(d.spec.Health.Check.URL)
	if err != nil {
		return 0
	}
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

// releasePort is the port the release being deployed is to listen on: the live port for a
// restart deploy, and for a blue-green one whichever of the live port and the candidate
// port the current release does not use.
func (d *run) releasePort() int {
	live := d.livePort()
	if !d.blueGreen() || d.res.Previous == "" {
		return live
	}
	if d.portOf(d.res.Previous) == live {
		return d.spec.CandidatePort
	}
	return live
}

// portOf is the port a release listens on, as the state recorded it (the live port when it
// did not).
func (d *run) portOf(name string) int {
	if r, ok := d.st.find(name); ok && r.Port > 0 {
		return r.Port
	}
	return d.livePort()
}

// candidate starts the new release beside the current one on its own port, gates it
// there, and only then makes it current and stops the old one. A candidate that fails is
// stopped; current was never touched.
func (d *run) candidate(ctx context.Context, name string) bool {
	if d.portInUse(ctx, d.port) {
		return d.fail(StepStart, "port %d is in use on %s before the new release started there (an old release that was never stopped?): stop what listens on it, then deploy again", d.port, d.h)
	}
	gate := *d.spec.Health
	gate.Check.URL = withPort(gate.Check.URL, d.port)
	saved := d.spec.Health
	d.spec.Health = &gate
	ok := d.startAndGate(ctx, name)
	d.spec.Health = saved
	if !ok {
		d.res.Logs = d.collectLogs(ctx)
		d.stopRelease(ctx, name, "the candidate that failed")
		d.markBad(name)
		return false
	}
	if !d.switchTo(name) {
		d.stopRelease(ctx, name, "the candidate")
		return false
	}
	if d.res.Previous != "" {
		d.stopRelease(ctx, d.res.Previous, "the previous release")
	}
	return true
}

// stopRelease runs the stop command with a release's env file; why says why the release
// may still run ("" once the command stopped it).
func (d *run) stopRelease(ctx context.Context, name, what string) (why string) {
	if d.spec.Stop == "" {
		d.step(StepStop, StepSkipped, fmt.Sprintf("no stop command: %s (releases/%s) keeps running", what, name))
		return "the target has no stop command"
	}
	d.step(StepStop, StepRunning, what)
	if ok, why := d.command(context.WithoutCancel(ctx), StepStop, name, d.spec.Stop); !ok {
		d.step(StepStop, StepFailed, fmt.Sprintf("stopping %s: %s", what, why))
		return why
	}
	d.step(StepStop, StepPassed, what+" stopped")
	return ""
}

// withPort replaces the port of rawURL.
func withPort(rawURL string, port int) string {
	u, err := url.Parse(rawURL)
	if err != nil || port == 0 {
		return rawURL
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	return u.String()
}

// rollbackBlueGreen starts an earlier release beside the current one, on the port the
// current one does not use (its env file is written again for that port), gates it there,
// switches to it and stops the current one.
func (d *run) rollbackBlueGreen(ctx context.Context, target Release) {
	d.port = d.releasePort()
	if err := d.h.WriteFile(d.l.envFile(target.Name), envFile(d.vars(target.Name)), 0o600); err != nil {
		d.fail(StepStart, "write the env file of releases/%s on %s: %v", target.Name, d.h, err)
		return
	}
	for i := range d.st.Releases {
		if d.st.Releases[i].Name == target.Name {
			d.st.Releases[i].Port = d.port
		}
	}
	if d.candidate(ctx, target.Name) {
		d.markHealthy(target.Name)
	}
}

// portInUse reports whether something accepts connections on port of the health URL's
// host, seen from the host's side.
func (d *run) portInUse(ctx context.Context, port int) bool {
	u, err := url.Parse(d.spec.Health.Check.URL)
	if err != nil {
		return false
	}
	dial := (&net.Dialer{Timeout: 2 * time.Second}).DialContext
	if dl, ok := d.h.(Dialer); ok {
		dial = dl.DialContext
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := dial(ctx, "tcp", net.JoinHostPort(u.Hostname(), strconv.Itoa(port)))
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
