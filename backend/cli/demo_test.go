package cli

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"eightfold/backend/demo"
)

var demoLine = regexp.MustCompile(`Made the demo project (\S+):`)
var demoPorts = regexp.MustCompile(`health http://127\.0\.0\.1:(\d+)/healthz`)

// makeDemo runs `eightfold demo ARGS --no-open` and returns its directory and target ports.
func makeDemo(t *testing.T, home string, args ...string) (string, []string) {
	t.Helper()
	code, out, errOut := eightfold(t, home, append([]string{"demo", "--no-open"}, args...)...)
	m := demoLine.FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(out, "eightfold deploy staging --home "+home) {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	var ports []string
	for _, p := range demoPorts.FindAllStringSubmatch(out, -1) {
		ports = append(ports, p[1])
	}
	return m[1], ports
}

func entryNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestDemoTwiceTouchesNothingElse(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	home := filepath.Join(tmp, "home")
	first, firstPorts := makeDemo(t, home)
	second, secondPorts := makeDemo(t, home)
	mine, minePorts := makeDemo(t, home, filepath.Join(tmp, "mine"))
	ports := slices.Concat(firstPorts, secondPorts, minePorts)
	slices.Sort(ports)
	if first == second || len(ports) != 6 || len(slices.Compact(ports)) != 6 {
		t.Errorf("demos %s and %s on ports %v", first, second, ports)
	}
	want := []string{filepath.Base(first), filepath.Base(first) + "-targets", filepath.Base(second), filepath.Base(second) + "-targets",
		"home", "mine", "mine-targets"}
	slices.Sort(want)
	if got := entryNames(t, tmp); !slices.Equal(got, want) || mine != filepath.Join(tmp, "mine") {
		t.Errorf("the temp dir holds %v, want %v", got, want)
	}

	code, _, errOut := eightfold(t, home, "demo", mine, "--no-open")
	if code != 1 || !strings.Contains(errOut, "is not empty") {
		t.Errorf("a second demo into %s: exit %d, %q", mine, code, errOut)
	}
	if got := entryNames(t, tmp); len(got) != len(want) {
		t.Errorf("a refused demo left %v", got)
	}
}

func TestDemoOpensTheWorkbench(t *testing.T) {
	home, dir := t.TempDir(), filepath.Join(t.TempDir(), "shop")
	var opened []string
	faces := Faces{Desktop: func(dir, home string) error { opened = []string{dir, home}; return nil }}
	var out strings.Builder
	if code := Main([]string{"demo", dir, "--home", home}, &out, io.Discard, faces); code != 0 || !slices.Equal(opened, []string{dir, home}) {
		t.Errorf("exit %d, opened %v; output %s", code, opened, out.String())
	}
}

func TestDemoNeedsGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, _, errOut := eightfold(t, t.TempDir(), "demo", filepath.Join(t.TempDir(), "shop"), "--no-open")
	if code != 1 || !strings.Contains(errOut, "needs the go command, which is not on PATH: install Go") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

// TestDemoLoop walks the demo's loop through the terminal: run, release, deploy to staging
// (which then serves the new version), a second release that replaces it, and a release
// whose health is broken, which the health gate refuses and rolls back.
func TestDemoLoop(t *testing.T) {
	home := t.TempDir()
	dir, ports := makeDemo(t, home, filepath.Join(t.TempDir(), "shop"))
	staging := dir + "-targets/staging"
	t.Cleanup(func() { stopShop(staging) })
	run := runIn(t, home, dir)
	release := func(version string) {
		t.Helper()
		if out := run(0, "run"); !strings.Contains(out, "passed") {
			t.Fatalf("run:\n%s", out)
		}
		if out := run(0, "release"); !strings.Contains(out, "Released v"+version) {
			t.Fatalf("release:\n%s", out)
		}
	}
	health := "http://127.0.0.1:" + ports[0] + "/healthz"

	release("0.1.0")
	run(0, "deploy", "staging")
	if got := get(t, health); got != "ok 0.1.0\n" {
		t.Errorf("staging's health after the first deploy: %q", got)
	}

	commit(t, dir, "fix: quote in cents")
	release("0.1.1")
	run(0, "deploy", "staging")
	if got := get(t, health); got != "ok 0.1.1\n" {
		t.Errorf("staging's health after the second deploy: %q", got)
	}

	if err := demo.BreakHealth.Apply(dir); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "fix: the warehouse")
	release("0.1.2")
	if out := run(1, "deploy", "staging"); !strings.Contains(out, "503") {
		t.Errorf("a deploy of a broken health check:\n%s", out)
	}
	if got := get(t, health); got != "ok 0.1.1\n" {
		t.Errorf("staging's health after the rollback: %q", got)
	}
}

// commit commits everything in dir as the demo's author would.
func commit(t *testing.T, dir, message string) {
	t.Helper()
	cmd := exec.Command("git", "commit", "-q", "-a", "--allow-empty", "-m", message)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git commit: %v\n%s", err, out)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// stopShop kills the shop a target runs, by its pid file.
func stopShop(target string) {
	b, err := os.ReadFile(filepath.Join(target, "shop.pid"))
	if pid, _ := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		syscall.Kill(pid, syscall.SIGTERM)
	}
}
