package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The window imports CI reports while it holds the data dir: a path relative to the
// project, a blank line skipped, the run recorded; the same reports again are a conflict
// naming that run, and nothing is imported with no project open.
func TestAppImportsCIReports(t *testing.T) {
	a := newTestApp(t)
	report := []string{"reports/ok.xml", "  "}
	if _, err := a.ImportCIReports("junit", report, "", ""); codeOf(err) != "no_project" {
		t.Errorf("with no project open: %v", err)
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "init"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(filepath.Join(dir, "reports"), 0o755)
	os.WriteFile(filepath.Join(dir, "reports", "ok.xml"), []byte(`<testsuite name="shop"><testcase classname="shop" name="pays" time="0.5"/></testsuite>`), 0o644)
	if _, err := a.OpenProject(dir); err != nil {
		t.Fatal(err)
	}
	r, err := a.ImportCIReports("junit", report, "GitHub: main", "main")
	if err != nil || r.Trigger != "ci" || r.Name != "GitHub: main" || r.Status != "passed" || r.Tests.Total != 1 || r.Branch != "main" {
		t.Fatalf("import: %+v, %v", r, err)
	}
	_, err = a.ImportCIReports("junit", []string{filepath.Join(dir, "reports", "ok.xml")}, "", "")
	if codeOf(err) != "conflict" || !strings.Contains(err.Error(), "was imported already as run #1 (\"GitHub: main\")") {
		t.Errorf("the same report again: %v", err)
	}
	if _, err := a.ImportCIReports("tap", report, "", ""); err == nil || !strings.Contains(err.Error(), `unknown report format "tap"`) {
		t.Errorf("an unknown format: %v", err)
	}
}
