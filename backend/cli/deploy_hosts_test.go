package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"eightfold/backend/deploy"
	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/workbench"
)

// A target with three hosts (one real sshd, three deploy roots): `deploy` prints a line per
// host, --json has the hosts, and `deploys --log` shows the steps host by host.
func TestDeployToSeveralHosts(t *testing.T) {
	t.Setenv("GIT_COMMITTER_NAME", "Rel Ease")
	t.Setenv("GIT_COMMITTER_EMAIL", "rel@example.com")
	srv := sshdtest.Start(t)
	roots := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	at := fmt.Sprintf("%s@127.0.0.1:%d", srv.User, srv.Port)
	name := func(i int) string { return at + ":" + roots[i] } // one server, three deploy roots
	hosts := func(failSecond bool) string {
		env := "{}"
		if failSecond {
			env = "{FAIL: 1}" // this host's configuration makes start fail
		}
		return fmt.Sprintf("      - {ssh: %s, path: %s}\n      - {ssh: %s, path: %s, env: %s}\n      - {ssh: %s, path: %s}\n", at, roots[0], at, roots[1], env, at, roots[2])
	}
	yaml := func(failSecond bool) string {
		return `steps:
  - name: build
    run: mkdir -p bin && echo app > bin/app
    artifacts: [bin/app]
targets:
  web:
    hosts:
` + hosts(failSecond) + `    identity: ` + srv.ClientKeyFile + `
    start: '[ "$FAIL" != 1 ] && cat current/bin/app > served.txt'
`
	}
	dir := repo(t, map[string]string{".gitignore": "bin/\n", "eightfold.yaml": yaml(false)})
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "known_hosts"), []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := runIn(t, home, dir)
	run(0, "run")
	run(0, "release")
	out := run(0, "deploy", "web")
	for _, want := range []string{"✓ " + name(0) + " upload", "✓ " + name(2) + " upload",
		"Deploy #1 of 0.1.0 to web (" + name(0) + ", " + name(1) + ", " + name(2) + ") succeeded: 3 files sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploy output lacks %q:\n%s", want, out)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^  \S+ +deployed +0\.1\.0 is current +\d+\.\ds$`).FindAllString(out, -1)); n != 3 {
		t.Errorf("%d host lines say deployed:\n%s", n, out)
	}

	if err := os.WriteFile(filepath.Join(dir, "eightfold.yaml"), []byte(yaml(true)), 0o644); err != nil {
		t.Fatal(err)
	}
	out = run(1, "deploy", "web", "--release", "0.1.0")
	for _, want := range []regexp.Regexp{
		*regexp.MustCompile(`Deploy #2 of 0\.1\.0 to web failed: ` + regexp.QuoteMeta(name(1)) + `: start exited with status 1`),
		*regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(name(0)) + ` +rolled back +back on 0\.1\.0 \(releases/\S+\) +\d+\.\ds$`),
		*regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(name(1)) + ` +failed +start exited with status 1 +\d+\.\ds$`),
		*regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(name(2)) + ` +untouched +not touched +0\.0s$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the failed deploy's output does not match %s:\n%s", want.String(), out)
		}
	}

	var d struct {
		Status string `json:"status"`
		Hosts  []struct {
			Host, State, Version, Current string
		} `json:"hosts"`
	}
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(run(0, "deploys", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || json.Unmarshal(list[0], &d) != nil || d.Status != "failed" || len(d.Hosts) != 3 ||
		d.Hosts[0].State != "rolled back" || d.Hosts[1].State != "failed" || d.Hosts[2].State != "untouched" || d.Hosts[0].Host != name(0) {
		t.Errorf("deploys --json: %+v", d)
	}
	out = run(0, "deploys", "--log", "2")
	for _, want := range []string{"✗ " + name(1) + " start", "✓ " + name(0) + " rollback", "✓ " + name(2) + " unlock", "✓ " + name(0) + " unlock"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploys --log 2 lacks %q:\n%s", want, out)
		}
	}
	for i, want := range []string{"app\n", "app\n", "app\n"} {
		if b, _ := os.ReadFile(filepath.Join(roots[i], "served.txt")); string(b) != want {
			t.Errorf("host %d serves %q", i+1, b)
		}
	}
}

// Hosts uploading at once each get their bar, named, on the progress line.
func TestDeployProgressPerHost(t *testing.T) {
	var out strings.Builder
	v := &deployView{w: &out, term: true, shown: map[string]bool{}}
	v.update(workbench.DeployInfo{Steps: []deploy.StepEvent{
		{Host: "deploy@a:22", Name: deploy.StepUpload, Status: deploy.StepRunning, Done: 1 << 20, Total: 4 << 20},
		{Host: "deploy@b:22", Name: deploy.StepUpload, Status: deploy.StepRunning, Done: 3 << 20, Total: 4 << 20},
	}})
	want := "\r\033[K  upload deploy@a:22 [###------------] 1.0 MiB / 4.0 MiB  deploy@b:22 [###########----] 3.0 MiB / 4.0 MiB"
	if out.String() != want {
		t.Errorf("progress %q, want %q", out.String(), want)
	}
	out.Reset()
	v.update(workbench.DeployInfo{Steps: []deploy.StepEvent{{Name: deploy.StepUpload, Status: deploy.StepRunning, Done: 1, Total: 2}}})
	if want := "\r\033[K  upload [###############---------------] 1 B / 2 B"; out.String() != want {
		t.Errorf("one host's progress %q, want %q", out.String(), want)
	}
}
