package deploy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"eightfold/backend/health"
)

// testApp is the test HTTP app (testdata/app), built once.
var testApp = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "deploy-app-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "app")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/app").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go build the test app: %v\n%s", err, out)
	}
	return os.ReadFile(bin)
})

// memArtifact is an artifact held in memory.
func memArtifact(path string, b []byte, mode os.FileMode) Artifact {
	sum := sha256.Sum256(b)
	return Artifact{Path: path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)), Mode: mode,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

// recorder keeps what a deploy reports.
type recorder struct {
	mu     sync.Mutex
	steps  []StepEvent
	output []string
}

func (r *recorder) Step(e StepEvent) { r.mu.Lock(); r.steps = append(r.steps, e); r.mu.Unlock() }
func (r *recorder) Output(step, line string) {
	r.mu.Lock()
	r.output = append(r.output, step+": "+line)
	r.mu.Unlock()
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, s := range r.steps {
		fmt.Fprintf(&b, "%s %s %s\n", s.Name, s.Status, s.Detail)
	}
	for _, o := range r.output {
		b.WriteString(o + "\n")
	}
	return b.String()
}

// site is a local target serving the test app on a free port.
type site struct {
	t    testing.TB
	root string
	port int
	app  []byte
}

const secretValue = "s3cr3t-sentinel-7f9a"

func newSite(t testing.TB) *site {
	t.Helper()
	app, err := testApp()
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, root: t.TempDir(), port: freePort(t), app: app}
	t.Cleanup(s.stopApp)
	return s
}

// startCmd stops the running app (by its pid file), waits until it has exited (else the
// gate could pass on the old app still answering on the port), and starts current/app in
// the background.
const startCmd = `if [ -f app.pid ]; then old="$(cat app.pid)"; kill "$old" 2>/dev/null; ` +
	`while kill -0 "$old" 2>/dev/null; do sleep 0.05; done; fi; ` +
	`nohup ./current/app -addr "127.0.0.1:$PORT" >> app.log 2>&1 & echo $! > app.pid; echo "started $EIGHTFOLD_VERSION"`

func (s *site) spec(version string) Spec {
	return Spec{Target: "staging", Root: s.root, Version: version, Commit: "abc1234", Who: "ann@laptop",
		Artifacts: []Artifact{memArtifact("app", s.app, 0o755), memArtifact("version.txt", []byte(version+"\n"), 0o644)},
		Start:     startCmd, Logs: "tail -n 5 app.log",
		Env: map[string]string{"PORT": fmt.Sprint(s.port)}, Secrets: map[string]string{"API_TOKEN": secretValue},
		Health: &Gate{Check: health.Check{URL: fmt.Sprintf("http://127.0.0.1:%d/healthz", s.port), Body: "ok"},
			Interval: 100 * time.Millisecond, Deadline: 10 * time.Second},
		Keep: 5}
}

func (s *site) deploy(spec Spec) (Result, *recorder, error) {
	s.t.Helper()
	rec := &recorder{}
	res, err := Deploy(context.Background(), LocalHost{}, spec, rec)
	return res, rec, err
}

// serving is what the app answers at / now.
func (s *site) serving() string { return servingOn(s.port) }

// servingOn is what the app on port answers at /, or the error.
func servingOn(port int) string {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (s *site) current() string {
	s.t.Helper()
	target, err := os.Readlink(filepath.Join(s.root, "current"))
	if err != nil {
		s.t.Fatal(err)
	}
	return target
}

func (s *site) stopApp() { killPidFile(filepath.Join(s.root, "app.pid")) }

// killPidFile kills the process whose pid the file holds.
func killPidFile(path string) {
	if b, err := os.ReadFile(path); err == nil {
		var pid int
		fmt.Sscan(string(b), &pid)
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// freePort is a TCP port free on 127.0.0.1 a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *site) releases() []string {
	entries, _ := os.ReadDir(filepath.Join(s.root, "releases"))
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestDeployLocalLayoutHealthAndRedeploy(t *testing.T) {
	s := newSite(t)
	res, rec, err := s.deploy(s.spec("1.0.0"))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	if !res.Healthy || res.Uploaded != 2 || res.Linked != 0 || res.Previous != "" || s.current() != "releases/"+res.Release {
		t.Fatalf("first deploy %+v, current %s", res, s.current())
	}
	if got := s.serving(); got != "1.0.0" {
		t.Fatalf("serving %q", got)
	}
	info, err := os.Stat(filepath.Join(s.root, ".eightfold", "env", res.Release+".env"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("env file: %v, %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(s.root, ".eightfold", "lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is still there: %v", err)
	}
	if app, _ := os.Stat(filepath.Join(s.root, "releases", res.Release, "app")); app.Mode().Perm() != 0o755 {
		t.Errorf("app mode %v", app.Mode())
	}

	second, rec, err := s.deploy(s.spec("1.1.0"))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	if second.Uploaded != 1 || second.Linked != 1 || second.Previous != res.Release || s.serving() != "1.1.0" {
		t.Fatalf("second deploy %+v, serving %q", second, s.serving())
	}
	sameInode(t, filepath.Join(s.root, "releases", res.Release, "app"), filepath.Join(s.root, "releases", second.Release, "app"))

	spec := s.spec("1.1.0")
	again, rec, err := s.deploy(spec)
	if err != nil || again.Uploaded != 0 || again.UploadedBytes != 0 || again.Linked != 2 {
		t.Fatalf("a redeploy of the same artifacts: %+v, %v\n%s", again, err, rec.text())
	}
	audit, _ := os.ReadFile(filepath.Join(s.root, ".eightfold", "audit.log"))
	if n := strings.Count(string(audit), `"action":"deploy"`); n != 3 || strings.Count(string(audit), `"result":"ok"`) != 3 {
		t.Errorf("audit log:\n%s", audit)
	}
}

func sameInode(t *testing.T, a, b string) {
	t.Helper()
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	if err1 != nil || err2 != nil || !os.SameFile(ia, ib) {
		t.Errorf("%s and %s are not one hard-linked file (%v, %v)", a, b, err1, err2)
	}
}

// A release that fails its gate is switched away from: the previous one serves again.
func TestDeployFailingHealthRollsBack(t *testing.T) {
	s := newSite(t)
	first, rec, err := s.deploy(s.spec("1.0.0"))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	spec := s.spec("broken")
	spec.Health.Deadline = 2 * time.Second
	spec.Logs = "tail -n 5 -f app.log" // follows, as the Operate view wants: cut off after a while
	res, rec, err := s.deploy(spec)
	var failed *Failed
	if !errors.As(err, &failed) || !res.RolledBack || res.Healthy || !strings.Contains(res.Failure, "unhealthy") {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	if s.current() != "releases/"+first.Release {
		t.Errorf("current is %s, want the first release back", s.current())
	}
	if got := s.serving(); got != "1.0.0" {
		t.Errorf("serving %q after the rollback", got)
	}
	if !strings.Contains(res.Logs, "serving broken") {
		t.Errorf("the failed release's logs were not collected: %q", res.Logs)
	}
	st, _ := readState(LocalHost{}, layout{root: s.root})
	if r, _ := st.find(res.Release); !r.Bad {
		t.Errorf("the failed release is not marked bad: %+v", r)
	}
}

// A held lock refuses a second deploy with its holder; --force-unlock takes it over.
func TestDeployLockHeld(t *testing.T) {
	s := newSite(t)
	l := layout{root: s.root}
	holder := Holder{Who: "bob@ci", Since: time.Now().Add(-90 * time.Second), Version: "0.9.0", Action: "deploy"}
	if err := lock(LocalHost{}, l, "staging", holder, false); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.deploy(s.spec("1.0.0"))
	var held *LockHeldError
	if !errors.As(err, &held) || held.Holder.Who != "bob@ci" || held.Age < 89*time.Second ||
		!strings.Contains(err.Error(), "locked by bob@ci") || !strings.Contains(err.Error(), "--force-unlock") {
		t.Fatalf("%v", err)
	}
	if _, err := os.Lstat(filepath.Join(s.root, "current")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused deploy switched current: %v", err)
	}
	spec := s.spec("1.0.0")
	spec.ForceUnlock = true
	if _, rec, err := s.deploy(spec); err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	audit, _ := os.ReadFile(filepath.Join(s.root, ".eightfold", "audit.log"))
	if !strings.Contains(string(audit), "forced-unlock") {
		t.Errorf("the forced unlock is not in the audit log:\n%s", audit)
	}
}

// Rollback goes back to the previous healthy release, and keep prunes the oldest others.
func TestRollbackAndPrune(t *testing.T) {
	s := newSite(t)
	var names []string
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0", "1.3.0"} {
		spec := s.spec(v)
		spec.Keep = 2
		res, rec, err := s.deploy(spec)
		if err != nil {
			t.Fatalf("%s: %v\n%s", v, err, rec.text())
		}
		names = append(names, res.Release)
	}
	if got := s.releases(); len(got) != 2 || got[0] != names[2] || got[1] != names[3] {
		t.Fatalf("after 4 deploys with keep 2: %v, want %v", got, names[2:])
	}
	res, err := Rollback(context.Background(), LocalHost{}, s.spec(""), "", &recorder{})
	if err != nil || res.Release != names[2] || s.current() != "releases/"+names[2] {
		t.Fatalf("rollback: %+v, %v; current %s", res, err, s.current())
	}
	if got := s.serving(); got != "1.2.0" {
		t.Errorf("serving %q after the rollback", got)
	}
}

// The secret reaches the commands through the env file only: never a command line, the
// reported output, the audit log or the state.
func TestSecretsStayOutOfArgvAndLogs(t *testing.T) {
	s := newSite(t)
	res := deployHidingSecret(t, s.deploy, s.spec("1.0.0"))
	for _, f := range []string{".eightfold/audit.log", ".eightfold/state.json"} {
		if b, _ := os.ReadFile(filepath.Join(s.root, f)); bytes.Contains(b, []byte(secretValue)) {
			t.Errorf("%s holds the secret", f)
		}
	}
	env, _ := os.ReadFile(filepath.Join(s.root, ".eightfold", "env", res.Release+".env"))
	if !strings.Contains(string(env), "export API_TOKEN='"+secretValue+"'") {
		t.Errorf("env file:\n%s", env)
	}
}

// scanCmdlines reads every process's command line until stop, and returns the first that
// holds needle.
func scanCmdlines(stop <-chan struct{}, needle string) string {
	for {
		select {
		case <-stop:
			return ""
		default:
		}
		paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(needle)) {
				return p + ": " + strings.ReplaceAll(string(b), "\x00", " ")
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A deploy cancelled during the upload leaves current as it was and the lock released.
func TestDeployCancelledDuringUpload(t *testing.T) {
	s := newSite(t)
	first, rec, err := s.deploy(s.spec("1.0.0"))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	ctx, cancel := context.WithCancel(context.Background())
	spec := s.spec("2.0.0")
	big := bytes.Repeat([]byte("x"), 8<<20)
	spec.Artifacts = append(spec.Artifacts, Artifact{Path: "big.bin", SHA256: "00", Size: int64(len(big)),
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(&cancelAfter{r: bytes.NewReader(big), n: 1 << 20, cancel: cancel}), nil
		}})
	res, err := Deploy(ctx, LocalHost{}, spec, &recorder{})
	if err == nil || !strings.Contains(res.Failure, "upload") {
		t.Fatalf("%+v, %v", res, err)
	}
	if s.current() != "releases/"+first.Release || s.serving() != "1.0.0" {
		t.Errorf("current %s, serving %q", s.current(), s.serving())
	}
	if _, err := os.Stat(filepath.Join(s.root, ".eightfold", "lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is still held: %v", err)
	}
	if got := s.releases(); len(got) != 1 {
		t.Errorf("the half-uploaded release was left behind: %v", got)
	}
}

// cancelAfter cancels once n bytes were read.
type cancelAfter struct {
	r      io.Reader
	n      int
	read   int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.read += n; c.read >= c.n {
		c.cancel()
	}
	return n, err
}

// deployHidingSecret deploys spec with a hook that prints the secret, reading every
// process's command line meanwhile, and checks that the secret was on none and is hidden
// in the reported output.
func deployHidingSecret(t *testing.T, deploy func(Spec) (Result, *recorder, error), spec Spec) Result {
	t.Helper()
	spec.BeforeSwitch = `echo "token is $API_TOKEN"; sleep 0.5`
	seen := make(chan string, 1)
	stop := make(chan struct{})
	go func() { seen <- scanCmdlines(stop, secretValue) }()
	res, rec, err := deploy(spec)
	close(stop)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	if where := <-seen; where != "" {
		t.Errorf("the secret is on a command line: %s", where)
	}
	if !strings.Contains(rec.text(), "token is ••••") || strings.Contains(rec.text(), secretValue) {
		t.Errorf("output not scrubbed:\n%s", rec.text())
	}
	return res
}
