package deploy

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// blueGreenSpec starts each release from its own directory on EIGHTFOLD_PORT, and stops
// one by the pid file of its port.
func (s *site) blueGreenSpec(version string, candidate int) Spec {
	spec := s.spec(version)
	spec.CandidatePort = candidate
	spec.Start = `nohup "$EIGHTFOLD_RELEASE/app" -addr "127.0.0.1:$EIGHTFOLD_PORT" >> app.log 2>&1 & echo $! > "pid.$EIGHTFOLD_PORT"`
	spec.Stop = `kill "$(cat "pid.$EIGHTFOLD_PORT")" && rm "pid.$EIGHTFOLD_PORT"`
	return spec
}

// watcher checks, when the candidate's health gate starts, what the live port serves.
type watcher struct {
	recorder
	during func() string
	seen   string
}

func (w *watcher) Step(e StepEvent) {
	if e.Name == StepHealth && e.Status == StepRunning && w.seen == "" {
		w.seen = w.during()
	}
	w.recorder.Step(e)
}

// Blue-green: the new release starts on the other port and is gated there while the old
// one serves; only then does current switch and the old one stop. A failing candidate
// leaves everything as it was; a rollback goes back the same way.
func TestBlueGreenDeploy(t *testing.T) {
	s := newSite(t)
	candidate := freePort(t)
	t.Cleanup(func() { killPidFiles(s.root) })
	first, rec, err := s.deploy(s.blueGreenSpec("1.0.0", candidate))
	if err != nil || servingOn(s.port) != "1.0.0" {
		t.Fatalf("%+v, %v\n%s", first, err, rec.text())
	}
	w := &watcher{during: func() string { return servingOn(s.port) }}
	second, err := Deploy(context.Background(), LocalHost{}, s.blueGreenSpec("2.0.0", candidate), w)
	if err != nil {
		t.Fatalf("%v\n%s", err, w.text())
	}
	if w.seen != "1.0.0" {
		t.Errorf("while the candidate was gated, the live port served %q", w.seen)
	}
	if s.current() != "releases/"+second.Release || servingOn(candidate) != "2.0.0" || !strings.HasPrefix(servingOn(s.port), "error") {
		t.Errorf("after: current %s, candidate port %q, old port %q\n%s", s.current(), servingOn(candidate), servingOn(s.port), w.text())
	}
	if second.SwitchedAt.Before(second.HealthyAt) {
		t.Errorf("switched at %v, before healthy at %v", second.SwitchedAt, second.HealthyAt)
	}

	bad := s.blueGreenSpec("broken", candidate)
	bad.Health.Deadline = 2 * time.Second
	res, err := Deploy(context.Background(), LocalHost{}, bad, &recorder{})
	if err == nil || res.RolledBack || s.current() != "releases/"+second.Release || servingOn(candidate) != "2.0.0" {
		t.Fatalf("a failing candidate: %+v, %v; current %s", res, err, s.current())
	}
	if got := servingOn(s.port); !strings.HasPrefix(got, "error") {
		t.Errorf("the failed candidate still serves on %d: %q", s.port, got)
	}

	back, err := Rollback(context.Background(), LocalHost{}, s.blueGreenSpec("", candidate), "", &recorder{})
	if err != nil || back.Release != first.Release || servingOn(s.port) != "1.0.0" || !strings.HasPrefix(servingOn(candidate), "error") {
		t.Fatalf("rollback: %+v, %v; %d serves %q, %d serves %q", back, err, s.port, servingOn(s.port), candidate, servingOn(candidate))
	}
}

// killPidFiles ends the apps a blue-green test left running (root/pid.PORT).
func killPidFiles(root string) {
	matches, _ := filepath.Glob(filepath.Join(root, "pid.*"))
	for _, m := range matches {
		killPidFile(m)
	}
}

// A candidate port that something else holds is refused before the candidate starts: its
// gate would check the wrong process.
func TestBlueGreenRefusesABusyCandidatePort(t *testing.T) {
	s := newSite(t)
	candidate := freePort(t)
	t.Cleanup(func() { killPidFiles(s.root) })
	if _, rec, err := s.deploy(s.blueGreenSpec("1.0.0", candidate)); err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", candidate))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, _, err = s.deploy(s.blueGreenSpec("2.0.0", candidate))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d is in use", candidate)) {
		t.Fatalf("%v", err)
	}
	if servingOn(s.port) != "1.0.0" {
		t.Errorf("serving %q", servingOn(s.port))
	}
}

// The env file applies to a command in the same shell, whatever operators the command uses.
func TestWithEnvBindsToTheWholeCommand(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "x.env")
	os.WriteFile(env, envFile(map[string]string{"X": "it's here"}), 0o600)
	var out strings.Builder
	if status, err := (LocalHost{}).Run(context.Background(), dir, withEnv(env, `true & echo "$X"`), &out); err != nil || status != 0 {
		t.Fatal(status, err)
	}
	if out.String() != "it's here\n" {
		t.Errorf("%q", out.String())
	}
}
