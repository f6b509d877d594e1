package workbench_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/workbench"
)

// TestExportPreviewAndExport previews the demo project's export, writes it, previews it
// again, edits it by hand and forces it: the statuses, diff summaries and error codes the
// UI shows.
func TestExportPreviewAndExport(t *testing.T) {
	p := openDemo(t)
	pre, err := p.ExportPreview("gitlab-ci")
	if err != nil {
		t.Fatal(err)
	}
	if pre.Status != "new" || pre.Path != ".gitlab-ci.yml" || pre.Written || !strings.Contains(pre.Content, "stages:") || pre.Notes == nil || pre.Existing != "" {
		t.Errorf("preview of a new file: %+v", pre)
	}
	if _, err := os.Stat(filepath.Join(p.Dir(), ".gitlab-ci.yml")); err == nil {
		t.Fatal("the preview wrote the file")
	}
	x, err := p.Export("gitlab-ci", false, "")
	if err != nil || x.Status != "new" || !x.Written || x.Content != pre.Content {
		t.Fatalf("export: %+v, %v", x, err)
	}
	if again, err := p.Export("gitlab-ci", false, ""); err != nil || again.Status != "unchanged" || again.Written || again.Diff != "" {
		t.Errorf("export of an unchanged config: %+v, %v", again, err)
	}
	path := filepath.Join(p.Dir(), ".gitlab-ci.yml")
	edited := strings.Replace(x.Content, "stages:", "stages: [lint]\nold_stages:", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if pre, _ = p.ExportPreview("gitlab-ci"); pre.Status != "hand-edited" || pre.Diff != "+1 -2 lines" {
		t.Errorf("preview over a hand edit: status %q, diff %q", pre.Status, pre.Diff)
	}
	// The same number of lines edited again: only the hash of the file there tells.
	if err := os.WriteFile(path, []byte(strings.Replace(edited, "[lint]", "[audit]", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	again, _ := p.ExportPreview("gitlab-ci")
	if again.Diff != pre.Diff || again.Existing == pre.Existing || len(again.Existing) != 64 {
		t.Errorf("a second hand edit: diff %q then %q, existing %q then %q", pre.Diff, again.Diff, pre.Existing, again.Existing)
	}
	_, err = p.Export("gitlab-ci", false, "")
	var coded interface{ Code() string }
	if !errors.As(err, &coded) || coded.Code() != workbench.CodeConflict || !strings.Contains(err.Error(), "--force") {
		t.Errorf("export over a hand edit: %v", err)
	}
	if _, err = p.Export("gitlab-ci", true, pre.Existing); !errors.As(err, &coded) || coded.Code() != workbench.CodeConflict ||
		!strings.Contains(err.Error(), ".gitlab-ci.yml changed since it was previewed") {
		t.Errorf("a forced export over a file changed since its preview: %v", err)
	}
	if x, err = p.Export("gitlab-ci", true, again.Existing); err != nil || x.Status != "hand-edited" || !x.Written || x.Diff != "+1 -2 lines" {
		t.Errorf("forced export: %+v, %v", x, err)
	}
	if _, err := p.ExportPreview("jenkins"); !errors.As(err, &coded) || coded.Code() != workbench.CodeBadRequest {
		t.Errorf("an unknown engine: %v", err)
	}
}
