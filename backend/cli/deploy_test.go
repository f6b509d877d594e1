package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDeployCommands(t *testing.T) {
	t.Setenv("GIT_COMMITTER_NAME", "Rel Ease")
	t.Setenv("GIT_COMMITTER_EMAIL", "rel@example.com")
	staging, production := t.TempDir(), t.TempDir()
	dir := repo(t, map[string]string{
		".gitignore": "bin/\n",
		"eightfold.yaml": `steps:
  - name: build
    run: mkdir -p bin && echo app > bin/app
    artifacts: [bin/app]
targets:
  staging:
    local: true
    path: ` + staging + `
    start: cat current/bin/app > served.txt
  production:
    local: true
    path: ` + production + `
    start: cat current/bin/app > served.txt
    promote_from: staging
`})
	home := t.TempDir()
	run := runIn(t, home, dir)
	if out := run(0, "deploys"); !strings.Contains(out, "No deploys yet") {
		t.Errorf("deploys before any: %q", out)
	}
	if out := run(1, "deploy", "staging"); !strings.Contains(out, "there is no release to deploy yet") {
		t.Errorf("deploy before a release: %q", out)
	}
	run(0, "run")
	run(0, "release")
	out := run(0, "deploy", "staging")
	for _, want := range []string{"✓ lock", "✓ upload", "✓ switch", "- health", "✓ unlock", "Deploy #1 of 0.1.0 to staging (local) succeeded: 1 files sent, 0 unchanged"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploy output lacks %q:\n%s", want, out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(staging, "served.txt")); string(b) != "app\n" {
		t.Errorf("staging serves %q", b)
	}
	if out := run(1, "promote", "staging", "production"); !strings.Contains(out, "production is production: confirm") {
		t.Errorf("promote without --yes: %q", out)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(run(0, "promote", "staging", "production", "--yes", "--json")), &d); err != nil {
		t.Fatal(err)
	}
	if d["kind"] != "promote" || d["status"] != "succeeded" || d["target"] != "production" {
		t.Errorf("promote --json: %v", d)
	}
	if out := run(1, "rollback", "staging"); !strings.Contains(out, "no earlier healthy release to roll back to") {
		t.Errorf("rollback with one release: %q", out)
	}
	out = run(0, "deploys")
	for _, want := range []string{"ID  TARGET", "#3  staging     rollback", "failed", "#2  production  promote   0.1.0", "#1  staging     deploy    0.1.0    succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploys lacks %q:\n%s", want, out)
		}
	}
	if out := run(0, "deploys", "--log", "1"); !strings.Contains(out, "Deploy #1 of 0.1.0 to staging") {
		t.Errorf("deploys --log: %q", out)
	}
}
