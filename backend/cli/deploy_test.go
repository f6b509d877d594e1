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
	for _, want := range []string{"✓ lock", "✓ upload", "✓ switch", "- health", "✓ unlock", "Deploy #1 of 0.1.0 to staging (local) succeeded: 1 file sent, 0 unchanged"} {
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
	doraAndStatusAfterDeploys(t, run)
}

// After the deploys above: the promotion is production's one deploy; its one commit (the
// first release brings the whole history) was committed before it.
func doraAndStatusAfterDeploys(t *testing.T, run func(int, ...string) string) {
	var r struct {
		Targets   []string `json:"targets"`
		Frequency struct {
			Deploys int    `json:"deploys"`
			Band    string `json:"band"`
		} `json:"frequency"`
		LeadTime struct {
			MedianMs *int64 `json:"median_ms"`
			Commits  int    `json:"commits"`
		} `json:"lead_time"`
		ChangeFailure struct {
			Rate *float64 `json:"rate"`
		} `json:"change_failure"`
		Deploys []struct {
			ID   int64  `json:"id"`
			Kind string `json:"kind"`
		} `json:"deploys"`
	}
	if err := json.Unmarshal([]byte(run(0, "dora", "--days", "7", "--json")), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || r.Frequency.Deploys != 1 || r.Frequency.Band != "weekly" || r.LeadTime.Commits != 1 ||
		r.LeadTime.MedianMs == nil || *r.LeadTime.MedianMs <= 0 || r.ChangeFailure.Rate == nil || *r.ChangeFailure.Rate != 0 ||
		len(r.Deploys) != 1 || r.Deploys[0].ID != 2 || r.Deploys[0].Kind != "promote" {
		t.Errorf("dora --json: %+v", r)
	}
	out := run(0, "dora")
	for _, want := range []string{"DORA keys of production over the last 30 days", "Deployment frequency", "1 deploy on 1 day", "monthly", "0 of 1 deploy"} {
		if !strings.Contains(out, want) {
			t.Errorf("dora lacks %q:\n%s", want, out)
		}
	}
	if out := run(1, "dora", "--days", "0"); !strings.Contains(out, "use 1 to 3650") {
		t.Errorf("dora --days 0: %q", out)
	}
	out = run(0, "status")
	for _, want := range []string{"· Plan     0 open\n", "· Release  0.1.0 · up to date\n", "! Deploy   staging 0.1.0 · production 0.1.0 — the last rollback to staging (#3) failed\n",
		"· Monitor  monthly · 0% failed\n\n", "main @ ", "Last run   #1", "passed", "0.1.0 is the last; nothing to release", "staging", "production", "Incidents  none open"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	var st struct {
		Stages []struct {
			ID        string `json:"id"`
			Attention bool   `json:"attention"`
		} `json:"stages"`
		LastRun *struct {
			ID int64 `json:"id"`
		} `json:"last_run"`
		Targets []struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(run(0, "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.LastRun == nil || st.LastRun.ID != 1 || len(st.Targets) != 2 || st.Targets[1].Version != "0.1.0" ||
		len(st.Stages) != 8 || st.Stages[5].ID != "deploy" || !st.Stages[5].Attention || st.Stages[4].Attention {
		t.Errorf("status --json: %+v", st)
	}
}
