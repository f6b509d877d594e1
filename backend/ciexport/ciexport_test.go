package ciexport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteStatuses writes an export, writes it again unchanged, changes the config,
// edits the file by hand, and forces: each step's status and bytes.
func TestWriteStatuses(t *testing.T) {
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			dir := projects[0].make(t)
			path := filepath.Join(dir, filepath.FromSlash(e.Path()))
			first := mustWrite(t, dir, e, false, StatusNew)
			written := readFile(t, path)
			if written != first.Content {
				t.Fatal("the file written is not the content returned")
			}
			mustWrite(t, dir, e, false, StatusUnchanged)
			if readFile(t, path) != written {
				t.Error("a second export of an unchanged config changed the file")
			}

			cfg := filepath.Join(dir, "eightfold.yaml")
			if err := os.WriteFile(cfg, []byte(strings.Replace(readFile(t, cfg), "go vet ./...", "go vet -tags ci ./...", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			changed := mustWrite(t, dir, e, false, StatusChanged)
			if !strings.Contains(readFile(t, path), "go vet -tags ci ./...") || changed.Content == first.Content {
				t.Error("a changed config did not replace an untouched export")
			}

			edited := strings.Replace(readFile(t, path), "runs-on: ubuntu-latest", "runs-on: self-hosted", 1)
			edited = strings.Replace(edited, "stage: build", "stage: compile", 1)
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Write(dir, e, false)
			if !errors.Is(err, ErrHandEdited) || f.Status != StatusHandEdited || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("a hand-edited file: status %q, err %v; want a refusal naming %s and --force", f.Status, err, path)
			}
			if readFile(t, path) != edited {
				t.Error("the refusal changed the hand-edited file")
			}
			mustWrite(t, dir, e, true, StatusHandEdited)
			if readFile(t, path) != changed.Content {
				t.Error("--force did not write the export")
			}
		})
	}
}

// TestFileWithoutHeaderIsHandEdited: a file eightfold did not write is never replaced
// without force.
func TestFileWithoutHeaderIsHandEdited(t *testing.T) {
	dir := projects[1].make(t)
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte("test:\n  script: [make test]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, GitLabCI, false); !errors.Is(err, ErrHandEdited) {
		t.Fatalf("err %v, want ErrHandEdited", err)
	}
}

// TestNotes: the export says what it leaves out and what it needs.
func TestNotes(t *testing.T) {
	node, err := Render(projects[1].make(t), GitHubActions)
	if err != nil {
		t.Fatal(err)
	}
	if len(node.Notes) != 1 || !strings.Contains(node.Notes[0], "ci.install is not set") {
		t.Errorf("notes of a config with a target and no ci.install: %q", node.Notes)
	}
	if !strings.Contains(node.Content, "eightfold is not on PATH: set ci.install in eightfold.yaml") {
		t.Error("without ci.install the deploy job does not fail saying what to set")
	}
	mixed, err := Render(projects[2].make(t), GitLabCI)
	if err != nil {
		t.Fatal(err)
	}
	if len(mixed.Notes) != 1 || !strings.Contains(mixed.Notes[0], "laptop") {
		t.Errorf("notes of a config with a local target: %q", mixed.Notes)
	}
}

// TestDefaultBranch: origin/HEAD, else the current branch, else main.
func TestDefaultBranch(t *testing.T) {
	if got := defaultBranch(projects[0].make(t)); got != "trunk" {
		t.Errorf("with origin/HEAD → trunk: %q", got)
	}
	if got := defaultBranch((project{branch: "dev", files: map[string]string{"a": "a"}}).make(t)); got != "dev" {
		t.Errorf("no origin, on dev: %q", got)
	}
	if got := defaultBranch(t.TempDir()); got != "main" {
		t.Errorf("no repository: %q", got)
	}
}

// TestScalarsReadBack: every scalar the emitter writes reads back as the same string.
func TestScalarsReadBack(t *testing.T) {
	for _, s := range []string{"on", "true", "20", "1.26", "a: b", "x #y", "-x", "'q'", `"d"`, "${{ secrets.A }}", "a\tb", "", "null", "~", "@x", "*", "a:", "a\nb\n", " lead\nx"} {
		doc := mapping{{key: "k", value: s}, {key: "l", value: flow{s}}}
		var b strings.Builder
		emit(&b, doc, 0)
		v := yamlValue(t, b.String()).(map[string]any)
		want := s
		if !strings.Contains(strings.TrimSuffix(s, "\n"), "\n") {
			want = strings.TrimSuffix(s, "\n")
		}
		if v["k"] != want || v["l"].([]any)[0] != s {
			t.Errorf("%q was written as\n%s\nand read back as %q, %q", s, b.String(), v["k"], v["l"])
		}
	}
}

func mustWrite(t *testing.T, dir string, e Engine, force bool, want string) File {
	t.Helper()
	f, err := Write(dir, e, force)
	if err != nil || f.Status != want {
		t.Fatalf("Write: status %q, err %v; want %q", f.Status, err, want)
	}
	return f
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
