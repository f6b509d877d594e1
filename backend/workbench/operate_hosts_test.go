package workbench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pids are the process ids of each host's app.
func (s *hostsSite) pids() []string {
	var out []string
	for _, port := range s.ports {
		out = append(out, getPath(s.t, port, "/pid"))
	}
	return out
}

// getPath is what the app on port answers at path.
func getPath(t *testing.T, port int, path string) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// operateHostsSite is a hostsSite deployed once, with a logs command that prints each
// host's app log and ends.
func operateHostsSite(t *testing.T) (*hostsSite, []string) {
	s := newHostsSite(t, -1)
	y, _ := os.ReadFile(filepath.Join(s.dir, "eightfold.yaml"))
	withLogs := strings.Replace(string(y), "    stop: ", "    logs: 'tail -n 20 app.log'\n    stop: ", 1)
	if err := os.WriteFile(filepath.Join(s.dir, "eightfold.yaml"), []byte(withLogs), 0o644); err != nil {
		t.Fatal(err)
	}
	s.release("feat: one")
	if d, err := s.p.Deploy(context.Background(), DeployOptions{Target: "staging"}, "deploy"); err != nil {
		t.Fatalf("%+v, %v\n%s", d, err, d.Log)
	}
	var names []string
	for _, srv := range s.srvs {
		names = append(names, fmt.Sprintf("%s@127.0.0.1:%d", srv.User, srv.Port))
	}
	return s, names
}

// holdLock makes the lock of the host at root held by bob@ci.
func holdLock(t *testing.T, root string) {
	t.Helper()
	dir := filepath.Join(root, ".eightfold", "lock")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	holder := `{"who":"bob@ci","since":"2026-01-02T03:04:05Z","action":"deploy","version":"0.2.0","token":"x"}`
	if err := os.WriteFile(filepath.Join(dir, "holder.json"), []byte(holder), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A target with three hosts in the Operate view: each host with what it runs and its
// health; a restart restarts every host's app, one after another; the logs of every host
// arrive, each line after its host; each host's lock is read.
func TestOperateATargetWithHosts(t *testing.T) {
	s, names := operateHostsSite(t)
	p, ctx := s.p, context.Background()
	for i, name := range names {
		p.store.EnsureCheck(ctx, p.id, "target:staging@"+name, fmt.Sprintf("http://127.0.0.1:%d/healthz", s.ports[i]))
	}
	ops, err := p.Operate()
	if err != nil || len(ops) != 1 || len(ops[0].Hosts) != 3 {
		t.Fatalf("%+v, %v", ops, err)
	}
	for i, h := range ops[0].Hosts {
		if h.Host != names[i] || h.Path != s.roots[i] || h.Version != "0.1.0" || h.Health == nil || h.Health.Name != "target:staging@"+names[i] {
			t.Errorf("host %d: %+v (health %+v)", i+1, h, h.Health)
		}
	}

	before := s.pids()
	res, err := p.RestartTarget("staging", false)
	if err != nil || !res.OK || res.Failure != "" || res.Version != "0.1.0" || res.Release != ops[0].Hosts[0].Release || len(res.Hosts) != 3 {
		t.Fatalf("restart: %+v, %v", res, err)
	}
	for i, h := range res.Hosts {
		if h.Host != names[i] || h.State != OperateDone || h.Release != res.Release {
			t.Errorf("host %d: %+v", i+1, h)
		}
	}
	waitFor(t, func() bool {
		now := s.pids()
		for i := range now {
			if now[i] == before[i] || strings.HasPrefix(now[i], "error") {
				return false
			}
		}
		return true
	})

	logs := openLogs(t, p, "staging")
	if end := logEnd(t, s.rec, logs.ID); end.Reason != "the logs command ended" || end.Failed {
		t.Errorf("the last batch: %+v", end)
	}
	text := streamText(s.rec, logs.ID)
	for _, name := range names {
		if !strings.Contains(text, "["+name+"] ") {
			t.Errorf("no line of %s:\n%s", name, text)
		}
	}
	for line := range strings.Lines(text) {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(line, "["+n+"] ") }) {
			t.Errorf("a line without its host: %q", line)
		}
	}

	l, err := p.OperateLock("staging")
	if err != nil || l.Held || len(l.Hosts) != 3 || l.Hosts[2].Host != names[2] {
		t.Errorf("free locks: %+v, %v", l, err)
	}
}

// A held lock on the second host stops a restart after the first: the result says which
// host was done, where it failed and why, and which it did not reach; the third app runs
// on untouched. A held lock on the first host refuses the restart, nothing run anywhere.
func TestOperateRestartStopsAtAHeldLock(t *testing.T) {
	s, names := operateHostsSite(t)
	p := s.p
	holdLock(t, s.roots[1])
	l, err := p.OperateLock("staging")
	if err != nil || !l.Held || l.Host != names[1] || l.Who != "bob@ci" || l.Action != "deploy" || len(l.Hosts) != 3 || l.Hosts[0].Held || !l.Hosts[1].Held {
		t.Fatalf("the locks: %+v, %v", l, err)
	}

	before := s.pids()
	res, err := p.RestartTarget("staging", false)
	if err != nil || res.OK || len(res.Hosts) != 3 {
		t.Fatalf("restart: %+v, %v", res, err)
	}
	var states []string
	for _, h := range res.Hosts {
		states = append(states, h.State)
	}
	if !slices.Equal(states, []string{OperateDone, OperateFailed, OperateNotRun}) {
		t.Errorf("states %q", states)
	}
	want := "restart failed on " + names[1] + ": staging is locked by bob@ci"
	if !strings.HasPrefix(res.Failure, want) || !strings.Contains(res.Failure, "; done on "+names[0]+"; not run on "+names[2]) {
		t.Errorf("failure %q", res.Failure)
	}
	waitFor(t, func() bool { now := s.pids(); return now[0] != before[0] && !strings.HasPrefix(now[0], "error") })
	if now := s.pids(); now[1] != before[1] || now[2] != before[2] {
		t.Errorf("pids %q, before %q: only the first host's app should have restarted", now, before)
	}

	os.RemoveAll(filepath.Join(s.roots[1], ".eightfold", "lock"))
	holdLock(t, s.roots[0])
	if _, err := p.RestartTarget("staging", false); err == nil || !strings.Contains(err.Error(), names[0]+": staging is locked by bob@ci") ||
		!strings.Contains(err.Error(), "nothing was run on any host") {
		t.Errorf("a restart with the first host locked: %v", err)
	}
}
