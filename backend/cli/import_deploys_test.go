package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A CI job (its own data dir) deploys the work tree to a local target; `import deploys` on
// the laptop records it, says so per target, warns of a torn audit line with its host and
// number, and records nothing the second time.
func TestImportDeploysFromTheAuditLog(t *testing.T) {
	staging := t.TempDir()
	yaml := "steps: [{name: build, run: mkdir -p bin && echo app > bin/app, artifacts: [bin/app]}]\n" +
		"targets: {staging: {local: true, path: " + staging + ", start: 'true'}}\n"
	dir := repo(t, map[string]string{".gitignore": "bin/\n", "eightfold.yaml": yaml})
	ci, laptop := runIn(t, t.TempDir(), dir), runIn(t, t.TempDir(), dir)
	ci(0, "run")
	ci(0, "deploy", "staging", "--from-tree")
	f, _ := os.OpenFile(filepath.Join(staging, ".eightfold", "audit.log"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("not json\n")
	f.Close()

	out := laptop(0, "import", "deploys")
	head := headSHA(t, dir)[:7]
	for _, want := range []string{"warning: local: line 2 of " + staging + "/.eightfold/audit.log skipped: not a JSON audit line",
		"staging: 1 deploy recorded, 0 known already", "#1 deploy of head-" + head + " by ", "succeeded at 20"} {
		if !strings.Contains(out, want) {
			t.Errorf("import deploys lacks %q:\n%s", want, out)
		}
	}
	if out := laptop(0, "deploys"); !strings.Contains(out, "#1  staging  deploy  head-"+head) {
		t.Errorf("deploys after the import:\n%s", out)
	}
	var res []map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(laptop(0, "import", "deploys", "staging", "--json"), "warning:", 2)[0]), &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0]["known"] != 1.0 || len(res[0]["recorded"].([]any)) != 0 {
		t.Errorf("the second import: %v", res)
	}
	if out := laptop(1, "import", "deploys", "qa"); !strings.Contains(out, `there is no target "qa" in eightfold.yaml (it has staging)`) {
		t.Errorf("an unknown target: %s", out)
	}
}
