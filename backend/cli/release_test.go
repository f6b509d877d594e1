package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The JSON keys of a release, as documented in docs/api.md.
var releaseKeys = []string{"artifacts", "bump", "cards", "changelog", "changelog_commit", "changelog_html", "commit", "created_at",
	"dirty", "dry_run", "id", "reason", "run_id", "tag", "version"}

func TestReleaseCommands(t *testing.T) {
	t.Setenv("GIT_COMMITTER_NAME", "Rel Ease")
	t.Setenv("GIT_COMMITTER_EMAIL", "rel@example.com")
	dir := repo(t, map[string]string{
		".gitignore":     "bin/\n",
		"eightfold.yaml": "steps:\n  - name: build\n    run: mkdir -p bin && echo app > bin/app\n    artifacts: [bin/app]\n",
	})
	home := t.TempDir()
	run := runIn(t, home, dir)
	if out := run(0, "releases"); !strings.Contains(out, "No releases yet") {
		t.Errorf("releases before any: %q", out)
	}
	if out := run(1, "release", "--dry-run"); !strings.Contains(out, "has not been built and tested: run the pipeline first") {
		t.Errorf("release before a run: %q", out)
	}
	run(0, "run")
	if out := run(0, "release", "--dry-run"); !strings.Contains(out, "Would release v0.1.0 (initial: ") || !strings.Contains(out, "artifact bin/app  4 B\n") {
		t.Errorf("dry run: %q", out)
	}
	if out := run(0, "releases", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("a dry run recorded a release: %s", out)
	}
	if out := run(1, "release", "--bump", "banana"); !strings.Contains(out, "banana") {
		t.Errorf("a bad bump: %q", out)
	}
	var rel map[string]any
	if err := json.Unmarshal([]byte(run(0, "release", "--json")), &rel); err != nil {
		t.Fatal(err)
	}
	if got := jsonKeys(rel); !reflect.DeepEqual(got, releaseKeys) {
		t.Errorf("release keys %v", got)
	}
	if rel["tag"] != "v0.1.0" || rel["commit"] != headSHA(t, dir) || rel["artifacts"].([]any)[0].(map[string]any)["sha256"] == "" {
		t.Errorf("release %v", rel)
	}
	out := run(0, "releases")
	if !strings.Contains(out, "TAG     COMMIT") || !strings.Contains(out, "v0.1.0  "+headSHA(t, dir)[:7]+"  #1") || !strings.Contains(out, "1 (4 B)") {
		t.Errorf("releases:\n%s", out)
	}
	if out := run(1, "release"); !strings.Contains(out, "cannot release HEAD: nothing to release") {
		t.Errorf("a second release of the same commit: %q", out)
	}
}
