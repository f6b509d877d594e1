package workbench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"eightfold/backend/internal/sshdtest"
)

// hostsApps is a project whose staging target has three hosts (real sshd on loopback), each
// with its own app: a real HTTP server its health_url names, reached through the host.
type hostsApps struct {
	p      *Project
	rec    *recorder
	hosts  []string
	broken []*atomic.Bool
}

func newHostsApps(t *testing.T, extra string) *hostsApps {
	t.Helper()
	first := sshdtest.Start(t)
	srvs := []*sshdtest.Server{first, sshdtest.StartWith(t, sshdtest.Options{ClientKeyFile: first.ClientKeyFile}),
		sshdtest.StartWith(t, sshdtest.Options{ClientKeyFile: first.ClientKeyFile})}
	a := &hostsApps{}
	var hosts, known strings.Builder
	for _, srv := range srvs {
		broken := &atomic.Bool{}
		app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if broken.Load() {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte("ok"))
		}))
		t.Cleanup(app.Close)
		a.broken = append(a.broken, broken)
		a.hosts = append(a.hosts, fmt.Sprintf("%s@127.0.0.1:%d", srv.User, srv.Port))
		fmt.Fprintf(&hosts, "      - {ssh: %s, path: %s, health_url: \"http://{host}:%s/healthz\"}\n", a.hosts[len(a.hosts)-1], t.TempDir(),
			strings.TrimPrefix(app.URL, "http://127.0.0.1:"))
		known.WriteString(srv.KnownHostsLine() + "\n")
	}
	yaml := `steps: [{name: a, run: 'true'}]
monitor: {interval: 1s, failure_threshold: 2, success_threshold: 1}
targets:
  staging:
    hosts:
` + hosts.String() + `    identity: ` + first.ClientKeyFile + `
    health: {url: "http://{host}:1/healthz"}
` + extra
	a.p, a.rec = newProject(t, yaml)
	if err := os.WriteFile(filepath.Join(filepath.Dir(a.p.store.Path()), "known_hosts"), []byte(known.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return a
}

// A target with three hosts has one check per host, each through its own host; the second
// host going down opens an incident naming that host, the target's health is DOWN with that
// host's reason, and it resolves when the host is up again.
func TestMonitorChecksEachHostOfATarget(t *testing.T) {
	a := newHostsApps(t, "")
	p := a.p
	stop := p.MonitorInBackground()
	defer stop()
	health := func(want string) func() bool {
		return func() bool {
			ops, err := p.Operate()
			return err == nil && len(ops) == 1 && ops[0].Health != nil && ops[0].Health.State == want && len(ops[0].Health.Hosts) == 3
		}
	}
	waitFor(t, health("UP"))
	a.broken[1].Store(true)
	waitFor(t, health("DOWN"))
	ops, _ := p.Operate()
	h := ops[0].Health
	if h.Name != "target:staging" || !strings.HasPrefix(h.Reason, a.hosts[1]+": status 503") || h.Hosts[0].State != "UP" ||
		h.Hosts[1].Name != "target:staging@"+a.hosts[1] || h.Hosts[1].State != "DOWN" {
		t.Errorf("the target's health %+v", h)
	}
	ctx := context.Background()
	ins, err := p.Incidents(0)
	if err != nil || len(ins) != 1 || ins[0].Target != "staging" || !strings.Contains(ins[0].Title, "target:staging is DOWN on "+a.hosts[1]+": status 503") {
		t.Fatalf("incidents %+v, %v", ins, err)
	}
	if len(ops[0].Incidents) != 1 {
		t.Errorf("the Operate view's incidents %+v", ops[0].Incidents)
	}
	status, err := p.Status()
	if err != nil || len(status.Targets) != 1 || status.Targets[0].Health != "DOWN" {
		t.Errorf("status %+v, %v", status.Targets, err)
	}
	a.broken[1].Store(false)
	waitFor(t, func() bool {
		ins, _ := p.store.Incidents(ctx, p.id, 0, 0)
		return len(ins) == 1 && ins[0].ResolvedMs > 0
	})
	waitFor(t, health("UP"))
}
