package workbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
	"eightfold/backend/store"
)

// deployApp builds backend/deploy's test HTTP app once: it serves the text of the
// version.txt beside it.
var deployApp = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "workbench-app-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "app")
	if out, err := exec.Command("go", "build", "-o", bin, "../deploy/testdata/app").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build the test app: %v\n%s", err, out)
	}
	return bin, nil
})

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// deployYAML is a pipeline that builds the app with the commit's subject as its version,
// and local staging and production targets that serve it on two ports.
func deployYAML(t *testing.T, app string) (yaml string, staging, production int, roots [2]string) {
	staging, production = freePort(t), freePort(t)
	roots = [2]string{t.TempDir(), t.TempDir()}
	start := `if [ -f app.pid ]; then kill "$(cat app.pid)" 2>/dev/null; fi; nohup ./current/bin/app -addr "127.0.0.1:$PORT" >> app.log 2>&1 & echo $! > app.pid`
	target := func(name, root string, port int, extra string) string {
		return fmt.Sprintf(`  %s:
    local: true
    path: %s
    start: '%s'
    logs: tail -n 5 app.log
    env: {PORT: "%d"}
    secrets: [API_TOKEN]
    health: {url: "http://127.0.0.1:%d/healthz", body: ok, interval: 100ms, deadline: 10s}
%s`, name, root, start, port, port, extra)
	}
	yaml = `steps:
  - name: build
    run: '[ ! -e fail ] && mkdir -p bin && cp "` + app + `" bin/app && git log -1 --format=%s > bin/version.txt'
    artifacts: [bin/]
targets:
` + target("staging", roots[0], staging, "    before_switch: 'echo \"token is $API_TOKEN\"'\n") +
		target("production", roots[1], production, "    promote_from: staging\n")
	return yaml, staging, production, roots
}

func get(t *testing.T, port int) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func killApp(root string) {
	if b, err := os.ReadFile(filepath.Join(root, "app.pid")); err == nil {
		var pid int
		fmt.Sscan(string(b), &pid)
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// deploySite is a project with deployYAML's local targets (the yaml edited first), one
// commit with message msg and a green run; cards are on its board, the apps it starts are
// killed at the end.
type deploySite struct {
	*releaseT
	staging, production int       // the ports the targets serve on
	roots               [2]string // their deploy roots
}

func newDeploySite(t *testing.T, cards int, msg string, edit func(string) string) *deploySite {
	t.Helper()
	app, err := deployApp()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("API_TOKEN", "tok-sentinel-4242")
	yaml, staging, production, roots := deployYAML(t, app)
	if edit != nil {
		yaml = edit(yaml)
	}
	r := newReleaseT(t, yaml, cards)
	t.Cleanup(func() { killApp(roots[0]); killApp(roots[1]) })
	r.commit(msg)
	r.run(true)
	return &deploySite{releaseT: r, staging: staging, production: production, roots: roots}
}

// release releases HEAD.
func (s *deploySite) release() {
	s.t.Helper()
	if _, err := s.p.Release(ReleaseOptions{}); err != nil {
		s.t.Fatal(err)
	}
}

// Release, deploy to staging, promote to production, roll back: the app answers each
// version, the records say so, and the card moves along.
func TestDeployPromoteRollbackLocal(t *testing.T) {
	s := newDeploySite(t, 1, "feat: one\n\nCloses #1", nil)
	s.release()
	r, staging, production := s.releaseT, s.staging, s.production
	ctx := context.Background()
	d, err := r.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy")
	if err != nil {
		t.Fatalf("%v\n%s", err, d.Log)
	}
	if d.Status != store.DeploySucceeded || d.Version != "0.1.0" || d.Uploaded != 2 || get(t, staging) != "feat: one" {
		t.Fatalf("deploy %+v; staging serves %q", d, get(t, staging))
	}
	r.expect(1, "Staging", "")
	if !strings.Contains(d.Log, "token is ••••") {
		t.Errorf("the hook's output is not in the log, scrubbed:\n%s", d.Log)
	}

	if _, err := r.p.Promote(ctx, "staging", "production", false, false); err == nil || !strings.Contains(err.Error(), "confirm") {
		t.Errorf("an unconfirmed production deploy: %v", err)
	}
	pd, err := r.p.Promote(ctx, "staging", "production", true, false)
	if err != nil || pd.Kind != "promote" || pd.Version != "0.1.0" || get(t, production) != "feat: one" {
		t.Fatalf("promote: %+v, %v\n%s", pd, err, pd.Log)
	}
	r.expect(1, "Production", "")

	r.commit("fix: two")
	r.run(true)
	if _, err := r.p.Release(ReleaseOptions{}); err != nil {
		t.Fatal(err)
	}
	if d, err := r.p.Deploy(ctx, DeployOptions{Target: "staging"}, "deploy"); err != nil || d.Linked != 1 || d.Uploaded != 1 {
		t.Fatalf("second deploy (the app binary is the same bytes): %+v, %v", d, err)
	}
	if got := get(t, staging); got != "fix: two" {
		t.Fatalf("staging serves %q", got)
	}
	rb, err := r.p.Rollback(ctx, "staging", false, false)
	if err != nil || rb.Kind != "rollback" || rb.Version != "0.1.0" || get(t, staging) != "feat: one" {
		t.Fatalf("rollback: %+v, %v; staging serves %q", rb, err, get(t, staging))
	}
	targets, err := r.p.Targets()
	if err != nil || len(targets) != 2 || targets[0].Current == nil || targets[0].Current.Kind != "rollback" ||
		targets[1].Current.Version != "0.1.0" || !targets[1].Production {
		t.Fatalf("targets %+v, %v", targets, err)
	}
	noSecretAnywhere(t, r, "tok-sentinel-4242")
}

// A real deploy that fails its health gate leaves the card where it was, showing the
// failure, with the deploy linked as failed and why; the next healthy deploy moves it on
// and clears the failure.
func TestDeployFailingItsHealthGateOnACard(t *testing.T) {
	s := newDeploySite(t, 1, "broken\n\nCloses #1", func(y string) string { // the app's /healthz fails for version "broken"
		return strings.Replace(y, "deadline: 10s", "deadline: 1s", 1)
	})
	s.release()
	s.expect(1, "Released", "")
	d, err := s.p.Deploy(context.Background(), DeployOptions{Target: "staging"}, "deploy")
	if err == nil || d.Status != store.DeployFailed || !strings.Contains(d.Failure, "unhealthy") {
		t.Fatalf("deploy %+v, %v", d, err)
	}
	c := s.expect(1, "Released", "staging deploy of "+d.Version+" failed")
	var link LinkInfo
	for _, l := range c.Links {
		if l.Kind == store.LinkDeploy {
			link = l
		}
	}
	reason, _, _ := strings.Cut(d.Failure, "\n")
	if link.Ref != "staging "+d.Version || link.Title != DeployLinkFailed+": "+reason {
		t.Errorf("the deploy's link %+v; its failure %q", link, d.Failure)
	}
	if len(c.Environments) != 0 {
		t.Errorf("the card runs on %+v", c.Environments)
	}

	s.commit("fix: healthy again")
	s.run(true)
	s.release()
	ok := s.deployStaging()
	c = s.expect(1, "Staging", "")
	if !hasLink(c, store.LinkDeploy, "staging "+ok) || !slices.Equal(envs(c), []string{"staging " + ok}) {
		t.Errorf("after a healthy deploy of %s: links %+v, environments %+v", ok, c.Links, c.Environments)
	}
}

// noSecretAnywhere checks that a secret's value is in no deploy record, no event sent to
// the faces, and no byte of the database files.
func noSecretAnywhere(t *testing.T, r *releaseT, secret string) {
	t.Helper()
	all, _ := r.p.Deploys("", 0)
	for _, d := range all {
		if b, _ := json.Marshal(d); strings.Contains(string(b), secret) {
			t.Errorf("deploy %d's record holds the secret", d.ID)
		}
	}
	r.rec.mu.Lock()
	for _, e := range r.rec.events {
		if b, _ := json.Marshal(e.payload); strings.Contains(string(b), secret) {
			t.Errorf("a %s event holds the secret", e.topic)
		}
	}
	r.rec.mu.Unlock()
	files, _ := filepath.Glob(r.p.store.Path() + "*")
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), secret) {
			t.Errorf("%s holds the secret", f)
		}
	}
}

// A missing secret stops a deploy before it starts, saying where to put it.
func TestDeployNeedsItsSecrets(t *testing.T) {
	s := newDeploySite(t, 0, "feat: one", nil)
	s.release()
	r := s.releaseT
	os.Unsetenv("API_TOKEN")
	_, err := r.p.Deploy(context.Background(), DeployOptions{Target: "staging"}, "deploy")
	if err == nil || !strings.Contains(err.Error(), "the secret API_TOKEN of target staging is not set: set the environment variable API_TOKEN") {
		t.Fatalf("%v", err)
	}
	if _, err := r.p.Deploy(context.Background(), DeployOptions{Target: "nope"}, "deploy"); err == nil || !strings.Contains(err.Error(), "it has staging, production") {
		t.Errorf("an unknown target: %v", err)
	}
}

// HEAD's green build goes to staging without a release; production and promotion refuse it.
func TestDeployHeadBuild(t *testing.T) {
	s := newDeploySite(t, 0, "feat: try this", nil)
	r, staging := s.releaseT, s.staging
	head := r.git("rev-parse", "HEAD")
	ctx := context.Background()
	os.WriteFile(filepath.Join(r.dir, "untested.txt"), []byte("x"), 0o644)
	if _, err := r.p.Deploy(ctx, DeployOptions{Target: "staging", Release: HeadBuild}, "deploy"); err == nil || !strings.Contains(err.Error(), "have not been built and tested") {
		t.Fatalf("HEAD with untested changes: %v", err)
	}
	os.Remove(filepath.Join(r.dir, "untested.txt"))
	d, err := r.p.Deploy(ctx, DeployOptions{Target: "staging", Release: HeadBuild}, "deploy")
	if err != nil || d.Version != "head-"+head[:7] || d.ReleaseID != 0 || get(t, staging) != "feat: try this" {
		t.Fatalf("%+v, %v; staging serves %q", d, err, get(t, staging))
	}
	if _, err := r.p.Deploy(ctx, DeployOptions{Target: "production", Release: HeadBuild, Confirm: true}, "deploy"); err == nil || !strings.Contains(err.Error(), "takes releases only") {
		t.Errorf("HEAD to production: %v", err)
	}
	if _, err := r.p.Promote(ctx, "staging", "production", true, false); err == nil || !strings.Contains(err.Error(), "never released") {
		t.Errorf("promoting HEAD's build: %v", err)
	}
}

// A failing after_deploy hook leaves the deploy succeeded, with a warning, and current.
func TestDeployWarningsKeepItCurrent(t *testing.T) {
	s := newDeploySite(t, 0, "feat: one", func(y string) string {
		return strings.Replace(y, "    before_switch:", "    after_deploy: exit 3\n    before_switch:", 1)
	})
	s.release()
	r := s.releaseT
	d, err := r.p.Deploy(context.Background(), DeployOptions{Target: "staging"}, "deploy")
	if err != nil || d.Status != store.DeploySucceeded || len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "after_deploy exited with status 3") {
		t.Fatalf("%+v, %v", d, err)
	}
	targets, _ := r.p.Targets()
	if targets[0].Current == nil || targets[0].Current.ID != d.ID {
		t.Errorf("the deploy with a warning is not current: %+v", targets[0].Current)
	}
}

// Closing the project cancels a background deploy: it ends (failed, lock released) before
// Close returns.
func TestCloseCancelsABackgroundDeploy(t *testing.T) {
	s := newDeploySite(t, 0, "feat: one", func(y string) string {
		return strings.Replace(y, "before_switch: 'echo \"token is $API_TOKEN\"'", "before_switch: sleep 30", 1)
	})
	s.release()
	r := s.releaseT
	d, err := r.p.StartDeploy(DeployOptions{Target: "staging"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		got, _ := r.p.GetDeploy(d.ID)
		for _, s := range got.Steps {
			if s.Name == "before_switch" && s.Status == "running" {
				return true
			}
		}
		return false
	})
	r.p.Close()
	got, err := r.p.GetDeploy(d.ID)
	if err != nil || got.Status != store.DeployFailed {
		t.Fatalf("after Close: %+v, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(s.roots[0], ".eightfold", "lock")); !os.IsNotExist(err) {
		t.Errorf("the lock is still held: %v", err)
	}
}

// A lock a deploy could not release over its dropped connection is released over a new
// one, when the deploy still holds it.
func TestUnlockAfterADroppedConnection(t *testing.T) {
	p, _ := newProject(t, "")
	root := t.TempDir()
	lockDir := filepath.Join(root, ".eightfold", "lock")
	os.MkdirAll(lockDir, 0o755)
	os.WriteFile(filepath.Join(lockDir, "holder.json"), []byte(`{"who":"ann@laptop","token":"tok-1"}`), 0o644)
	target := config.Target{Name: "staging", Local: true, Path: root}

	res := deploy.Result{LockLeft: true, LockToken: "someone-else"}
	p.unlockAfterDrop(context.Background(), target, &res)
	if _, err := os.Stat(lockDir); err != nil || !res.LockLeft || !strings.Contains(strings.Join(res.Warnings, ""), "still held") {
		t.Fatalf("another holder's lock: %v, %+v", err, res)
	}
	res = deploy.Result{LockLeft: true, LockToken: "tok-1"}
	p.unlockAfterDrop(context.Background(), target, &res)
	if _, err := os.Stat(lockDir); !os.IsNotExist(err) || res.LockLeft {
		t.Fatalf("its own lock: %v, %+v", err, res)
	}
}
