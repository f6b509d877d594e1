package workbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/store"
)

// hostsSite is a project whose staging target has three hosts: real sshd servers on
// loopback sharing one client key, each with its own deploy root and app port.
type hostsSite struct {
	*releaseT
	srvs  []*sshdtest.Server
	roots []string
	ports []int
}

func newHostsSite(t *testing.T, failOn int) *hostsSite {
	t.Helper()
	app, err := deployApp()
	if err != nil {
		t.Fatal(err)
	}
	first := sshdtest.Start(t)
	s := &hostsSite{srvs: []*sshdtest.Server{first, sshdtest.StartWith(t, sshdtest.Options{ClientKeyFile: first.ClientKeyFile}),
		sshdtest.StartWith(t, sshdtest.Options{ClientKeyFile: first.ClientKeyFile})}}
	var hosts strings.Builder
	for i, srv := range s.srvs {
		root, port := t.TempDir(), freePort(t)
		s.roots, s.ports = append(s.roots, root), append(s.ports, port)
		env := fmt.Sprintf("{PORT: \"%d\"}", port)
		if i == failOn {
			env = fmt.Sprintf("{PORT: \"%d\", APP_HEALTH: fail}", port) // this host's configuration breaks the app
		}
		fmt.Fprintf(&hosts, "      - {ssh: %s@127.0.0.1:%d, path: %s, env: %s, health_url: \"http://{host}:%d/healthz\"}\n", srv.User, srv.Port, root, env, port)
	}
	start := `if [ -f app.pid ]; then kill "$(cat app.pid)" 2>/dev/null; fi; nohup ./current/bin/app -addr "127.0.0.1:$PORT" >> app.log 2>&1 & echo $! > app.pid`
	yaml := `steps:
  - name: build
    run: 'mkdir -p bin && cp "` + app + `" bin/app && git log -1 --format=%s > bin/version.txt'
    artifacts: [bin/]
targets:
  staging:
    hosts:
` + hosts.String() + `    identity: ` + first.ClientKeyFile + `
    start: '` + start + `'
    stop: 'kill "$(cat app.pid)"'
    health: {url: "http://{host}:8080/healthz", body: ok, interval: 100ms, deadline: 2s}
`
	s.releaseT = newReleaseT(t, yaml, 0)
	t.Cleanup(func() {
		for _, root := range s.roots {
			killApp(root)
		}
	})
	var known strings.Builder
	for _, srv := range s.srvs {
		known.WriteString(srv.KnownHostsLine() + "\n")
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(s.p.store.Path()), "known_hosts"), []byte(known.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// release commits msg (with eightfold.yaml as it is), runs the pipeline and releases it.
func (s *hostsSite) release(msg string) {
	s.t.Helper()
	s.git("add", "eightfold.yaml")
	s.commit(msg)
	s.run(true)
	if _, err := s.p.Release(ReleaseOptions{}); err != nil {
		s.t.Fatal(err)
	}
}

// serving is what each host's app answers.
func (s *hostsSite) serving() []string {
	var out []string
	for _, port := range s.ports {
		out = append(out, get(s.t, port))
	}
	return out
}

// hostStates are a deploy's hosts' states.
func hostStates(d DeployInfo) []string {
	var out []string
	for _, h := range d.Hosts {
		out = append(out, h.State)
	}
	return out
}

// A target with three hosts: a clean deploy records every host deployed; a deploy that the
// second host's gate fails records the first rolled back and the third untouched; the
// targets' status names each host's release; a rollback goes back on all three.
func TestDeployToSeveralHostsRecordsEachHost(t *testing.T) {
	s := newHostsSite(t, -1)
	ctx := context.Background()
	s.release("feat: one")
	d, err := s.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy")
	if err != nil || !slices.Equal(hostStates(d), []string{"deployed", "deployed", "deployed"}) || d.Uploaded != 6 {
		t.Fatalf("%+v, %v\n%s", d, err, d.Log)
	}
	if got := s.serving(); !slices.Equal(got, []string{"feat: one", "feat: one", "feat: one"}) {
		t.Fatalf("serving %q", got)
	}
	first := d.Hosts[0].Release
	for i, h := range d.Hosts {
		if h.Host != fmt.Sprintf("%s@127.0.0.1:%d", s.srvs[i].User, s.srvs[i].Port) || h.Version != "0.1.0" || h.Current != first || h.Release != first ||
			h.StartedAt == "" || i > 0 && h.StartedAt < d.Hosts[i-1].StartedAt {
			t.Errorf("host %d: %+v", i+1, h)
		}
	}
	if d.Host != d.Hosts[0].Host+", "+d.Hosts[1].Host+", "+d.Hosts[2].Host {
		t.Errorf("the deploy's host %q", d.Host)
	}
	var tagged int
	for _, st := range d.Steps {
		if st.Host != "" {
			tagged++
		}
	}
	if tagged != len(d.Steps) || len(d.Steps) < 3*8 {
		t.Errorf("%d of %d steps name their host: %+v", tagged, len(d.Steps), d.Steps)
	}

	// The second host's configuration breaks the next release.
	y, _ := os.ReadFile(filepath.Join(s.dir, "eightfold.yaml"))
	broken := strings.Replace(string(y), fmt.Sprintf("{PORT: \"%d\"}", s.ports[1]), fmt.Sprintf("{PORT: \"%d\", APP_HEALTH: fail}", s.ports[1]), 1)
	if err := os.WriteFile(filepath.Join(s.dir, "eightfold.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	s.release("fix: two")
	bad, err := s.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy")
	if err == nil || bad.Status != store.DeployFailed || !slices.Equal(hostStates(bad), []string{"rolled back", "failed", "untouched"}) {
		t.Fatalf("%+v, %v", bad, err)
	}
	if h := bad.Hosts[0]; h.Previous != first || h.PreviousVersion != "0.1.0" || h.Current != first || h.Version != "0.1.1" {
		t.Errorf("host 1: %+v", h)
	}
	if h := bad.Hosts[1]; !strings.Contains(h.Failure, "unhealthy") || h.Current != first {
		t.Errorf("host 2: %+v", h)
	}
	if h := bad.Hosts[2]; h.Release != "" && h.Current != "" {
		t.Errorf("host 3: %+v", h)
	}
	if !bad.RolledBack || !strings.Contains(bad.Failure, "not touched: "+bad.Hosts[2].Host) {
		t.Errorf("the deploy's record: rolled back %v, failure %q", bad.RolledBack, bad.Failure)
	}
	if got := s.serving(); !slices.Equal(got, []string{"feat: one", "feat: one", "feat: one"}) {
		t.Errorf("serving %q after the failed rollout", got)
	}
	stored, err := s.p.GetDeploy(bad.ID)
	if err != nil || !slices.Equal(hostStates(stored), hostStates(bad)) {
		t.Errorf("the stored deploy: %+v, %v", stored.Hosts, err)
	}

	targets, err := s.p.Targets()
	if err != nil || len(targets) != 1 || len(targets[0].Hosts) != 3 {
		t.Fatalf("targets %+v, %v", targets, err)
	}
	for i, h := range targets[0].Hosts {
		if h.Release != first || h.Version != "0.1.0" || h.Path != s.roots[i] {
			t.Errorf("target host %d: %+v", i+1, h)
		}
	}

	// Healthy again: deploy 0.1.1 on all, then roll all three back to 0.1.0.
	if err := os.WriteFile(filepath.Join(s.dir, "eightfold.yaml"), y, 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := s.p.Deploy(ctx, DeployOptions{Target: "staging", Release: "0.1.1"}, "deploy"); err != nil {
		t.Fatalf("%+v, %v", d, err)
	}
	rb, err := s.p.Rollback(ctx, "staging", false, false)
	if err != nil || rb.Version != "0.1.0" || rb.ReleaseID == 0 || !slices.Equal(hostStates(rb), []string{"deployed", "deployed", "deployed"}) {
		t.Fatalf("rollback: %+v, %v", rb, err)
	}
	if got := s.serving(); !slices.Equal(got, []string{"feat: one", "feat: one", "feat: one"}) {
		t.Errorf("serving %q after the rollback", got)
	}
	targets, _ = s.p.Targets()
	if h := targets[0].Hosts[2]; h.Version != "0.1.0" {
		t.Errorf("after the rollback, host 3 runs %+v", h)
	}
}

// A deploy to three hosts whose second presents an unknown key is refused naming that host,
// with its key on the record; trusting the key trusts that host's, and the deploy goes on.
func TestDeployToSeveralHostsTrustsTheHostWithTheUnknownKey(t *testing.T) {
	s := newHostsSite(t, -1)
	known := s.srvs[0].KnownHostsLine() + "\n" + s.srvs[2].KnownHostsLine() + "\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(s.p.store.Path()), "known_hosts"), []byte(known), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.release("feat: one")
	d, err := s.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy")
	second := fmt.Sprintf("%s@127.0.0.1:%d", s.srvs[1].User, s.srvs[1].Port)
	if err == nil || d.HostKey != s.srvs[1].HostKeyFingerprint || d.HostKeyHost != second || !strings.HasPrefix(d.Failure, second+": ") ||
		!slices.Equal(hostStates(d), []string{"untouched", "untouched", "untouched"}) {
		t.Fatalf("%+v, %v", d, err)
	}
	if stored, _ := s.p.GetDeploy(d.ID); stored.HostKeyHost != second || stored.Hosts[1].HostKey != d.HostKey {
		t.Errorf("the stored deploy: %+v", stored)
	}
	if err := s.p.TrustHostKey("staging", s.srvs[0].HostKeyFingerprint); err == nil {
		t.Error("a fingerprint no refusal named was trusted")
	}
	if err := s.p.TrustHostKey("staging", d.HostKey); err != nil {
		t.Fatal(err)
	}
	d, err = s.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy")
	if err != nil || !slices.Equal(hostStates(d), []string{"deployed", "deployed", "deployed"}) || d.HostKey != "" {
		t.Fatalf("after trusting the key: %+v, %v", d, err)
	}
}
