package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/workbench"
)

// newTestApp is the App on a workspace of a fresh data dir with no project open.
func newTestApp(t *testing.T) *App {
	t.Helper()
	w, err := workbench.OpenWorkspace(t.TempDir(), nil, workbench.WorkspaceOptions{NoWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return NewApp(w)
}

// codeOf is the code the desktop face's error formatter gives err.
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return formatError(err).(map[string]string)["code"]
}

// With no project open, the project's methods fail with no_project, as the frontend sees it.
func TestAppWithNoProject(t *testing.T) {
	a := newTestApp(t)
	_, err := a.Board()
	if got := formatError(err); got.(map[string]string)["code"] != "no_project" ||
		got.(map[string]string)["message"] != "no project is open: open a folder from the start screen" {
		t.Errorf("Board with none open: %v", got)
	}
	for name, call := range map[string]func() error{
		"Project":       func() error { _, err := a.Project(); return err },
		"StartRun":      func() error { _, err := a.StartRun(); return err },
		"ConfigPreview": func() error { _, err := a.ConfigPreview(); return err },
		"WriteConfig":   func() error { _, err := a.WriteConfig(); return err },
		"InitGit":       func() error { _, err := a.InitGit(); return err },
	} {
		if code := codeOf(call()); code != "no_project" {
			t.Errorf("%s: code %q, want no_project", name, code)
		}
	}
	info, err := a.Projects()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(info)
	if string(data) != `{"current":"","open":[],"recent":[],"problem":""}` {
		t.Errorf("Projects with none open: %s", data)
	}
}

// A plain folder under ~ opens (not a git repository), gets its config written and git
// initialised, shows in Projects and closes.
func TestAppOpensAFolder(t *testing.T) {
	a := newTestApp(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := filepath.Join(home, "src", "app")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, code := range map[string]string{"src/app": "bad_request", filepath.Join(home, "nope"): "not_found", filepath.Join(dir, "go.mod"): "bad_request"} {
		if _, err := a.OpenProject(path); codeOf(err) != code {
			t.Errorf("OpenProject(%q): %v, want %s", path, err, code)
		}
	}
	info, err := a.OpenProject("~/src/app")
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != dir || info.IsGit || info.ConfigSource != "detected from go.mod" {
		t.Errorf("opened %+v", info)
	}
	if pre, err := a.ConfigPreview(); err != nil || pre.Exists || len(pre.DetectedFrom) != 1 || pre.DetectedFrom[0] != "go.mod" {
		t.Errorf("preview %+v, %v", pre, err)
	}
	if info, err = a.WriteConfig(); err != nil || info.ConfigSource != "eightfold.yaml" {
		t.Errorf("WriteConfig: %+v, %v", info, err)
	}
	if _, err := a.WriteConfig(); codeOf(err) != "conflict" {
		t.Errorf("WriteConfig again: %v", err)
	}
	if info, err = a.InitGit(); err != nil || !info.IsGit || info.Branch != "main" {
		t.Errorf("InitGit: %+v, %v", info, err)
	}
	if _, err := a.InitGit(); codeOf(err) != "conflict" {
		t.Errorf("InitGit again: %v", err)
	}
	projects, err := a.Projects()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(projects)
	for _, want := range []string{`"current":"` + dir + `"`, `"open":[{"path":"` + dir + `","name":"app","current":true,"lastRun":null,"watching":false}]`,
		`"recent":[{"path":"` + dir + `","name":"app","openedMs":`, `"exists":true}]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Projects %s\nlacks %s", data, want)
		}
	}
	if projects, err = a.CloseProject("~/src/app"); err != nil || projects.Current != "" || len(projects.Open) != 0 || len(projects.Recent) != 1 {
		t.Errorf("after closing: %+v, %v", projects, err)
	}
	if _, err := a.CloseProject(dir); codeOf(err) != "not_found" {
		t.Errorf("closing it again: %v", err)
	}
}
