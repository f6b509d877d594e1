package ciexport

import (
	"errors"
	"maps"
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

// TestHandEditDetection: the hash covers every line but the hash line (the header
// included), the hash line must be where the export puts it, and CRLF endings (a checkout
// with core.autocrlf) are not an edit.
func TestHandEditDetection(t *testing.T) {
	dir := projects[0].make(t)
	path := filepath.Join(dir, ".gitlab-ci.yml")
	export := mustWrite(t, dir, GitLabCI, false, StatusNew).Content
	lines := strings.SplitAfter(export, "\n")
	earlier := strings.Replace(export, "go vet ./...", "go vet -tags old ./...", 1)
	earlier = seal(strings.Join(lines[:hashLine], ""), strings.SplitAfterN(earlier, "\n", hashLine+2)[hashLine+1])
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	cases := []struct {
		name, content, want string
	}{
		{"CRLF copy of the export", crlf(export), StatusUnchanged},
		{"an earlier export", earlier, StatusChanged},
		{"CRLF copy of an earlier export", crlf(earlier), StatusChanged},
		{"a line added at the top", "# mine\n" + export, StatusHandEdited},
		{"the header edited", strings.Replace(export, "edit that and export again", "edit this", 1), StatusHandEdited},
		{"the hash line moved down", strings.Join(lines[:hashLine], "") + lines[hashLine+1] + lines[hashLine] + strings.Join(lines[hashLine+2:], ""), StatusHandEdited},
		{"a line added at the end", export + "# mine\n", StatusHandEdited},
		{"one line in CRLF", strings.Replace(export, "stage: build\n", "stage: build\r\n", 1), StatusUnchanged},
		{"no header", strings.Join(lines[hashLine+1:], ""), StatusHandEdited},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Render(dir, GitLabCI)
			if err != nil || f.Status != c.want {
				t.Errorf("status %q, err %v; want %q", f.Status, err, c.want)
			}
		})
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
	want := "target web has 2 hosts: the secret EIGHTFOLD_KNOWN_HOSTS of its environment must hold the host key lines of each and of its jump host " +
		"(check them against the servers):\n  ssh-keyscan -p 22 203.0.113.40\n  ssh-keyscan -p 2222 203.0.113.41\n  ssh-keyscan -p 22 bastion.example.com"
	if len(mixed.Notes) != 2 || !strings.Contains(mixed.Notes[0], "laptop") || mixed.Notes[1] != want {
		t.Errorf("notes of a config with a local target and a target with hosts: %q", mixed.Notes)
	}
}

// TestDefaultBranch: origin/HEAD, else an existing main or master, else git's
// init.defaultBranch (the repository's, else the user's), else main; never the branch
// checked out.
func TestDefaultBranch(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	onDev := func(t *testing.T, git ...[]string) string {
		dir := (project{branch: "dev", files: map[string]string{"a": "a"}}).make(t)
		for _, args := range git {
			runGit(t, dir, args...)
		}
		return dir
	}
	cases := []struct {
		name, want string
		dir        func(t *testing.T) string
	}{
		{"origin/HEAD", "trunk", func(t *testing.T) string { return projects[0].make(t) }},
		{"main besides the checked-out dev", "main", func(t *testing.T) string { return onDev(t, []string{"branch", "main"}) }},
		{"master besides the checked-out dev", "master", func(t *testing.T) string { return onDev(t, []string{"branch", "master"}) }},
		{"the repository's init.defaultBranch", "trunk", func(t *testing.T) string {
			return onDev(t, []string{"config", "init.defaultBranch", "trunk"})
		}},
		{"only dev", "main", func(t *testing.T) string { return onDev(t) }},
		{"no repository", "main", func(t *testing.T) string { return t.TempDir() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := defaultBranch(c.dir(t)); got != c.want {
				t.Errorf("default branch %q, want %q", got, c.want)
			}
		})
	}
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[init]\n\tdefaultBranch = develop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := defaultBranch(onDev(t)); got != "develop" {
		t.Errorf("only dev, the user's init.defaultBranch develop: %q", got)
	}
	if got := defaultBranch(t.TempDir()); got != "develop" {
		t.Errorf("no repository, the user's init.defaultBranch develop: %q", got)
	}
}

// TestBranchOverride: ci.branch names the branch that deploys, on both engines.
func TestBranchOverride(t *testing.T) {
	pr := projects[0]
	pr.files = maps.Clone(pr.files)
	pr.files["eightfold.yaml"] += "  branch: release/1.x\n"
	dir := pr.make(t)
	gh, err := Render(dir, GitHubActions)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gh.Content, "branches: [release/1.x]") || !strings.Contains(gh.Content, "github.ref == 'refs/heads/release/1.x'") || strings.Contains(gh.Content, "trunk") {
		t.Errorf("the workflow does not deploy from release/1.x only:\n%s", gh.Content)
	}
	gl, err := Render(dir, GitLabCI)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gl.Content, `- if: $CI_COMMIT_BRANCH == "release/1.x"`) || strings.Contains(gl.Content, "$CI_DEFAULT_BRANCH") {
		t.Errorf("the GitLab file does not deploy from release/1.x only:\n%s", gl.Content)
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
