package workbench

import (
	"os/exec"
	"strings"
	"testing"
)

func gitEnv(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.com"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// A real repository: v0.1.0 tagged (annotated), then a feature, a fix naming card 1, a chore.
// While the major is 0 a feature is a patch bump; the chore is left out of the changelog.
func TestReleasePreviewFromTagsAndCommits(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	dir := p.Dir()
	gitEnv(t, dir, "init", "-q", "-b", "main")
	commit := func(msg string) string {
		gitEnv(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
		return gitEnv(t, dir, "rev-parse", "HEAD")
	}
	commit("feat: the first cut")
	gitEnv(t, dir, "tag", "-a", "v0.1.0", "-m", "first")
	gitEnv(t, dir, "tag", "nightly") // not a version: ignored
	commit("feat(cart): discounts")
	fix := commit("fix: totals round half up\n\nFixes #1")
	head := commit("chore: bump deps")

	pr, err := p.ReleasePreview("")
	if err != nil {
		t.Fatal(err)
	}
	if pr.LastTag != "v0.1.0" || pr.LastVersion != "0.1.0" || pr.Commits != 3 || pr.Head != head || !pr.Release ||
		pr.Version != "0.1.1" || pr.Bump != "patch" || !strings.Contains(pr.Reason, "feat") {
		t.Fatalf("preview %+v", pr)
	}
	for _, want := range []string{"## 0.1.1", "### Features", "- **cart:** discounts (", "### Fixes",
		"totals round half up (" + fix[:7] + ", #1)"} {
		if !strings.Contains(pr.Changelog, want) {
			t.Errorf("changelog lacks %q:\n%s", want, pr.Changelog)
		}
	}
	if strings.Contains(pr.Changelog, "bump deps") {
		t.Errorf("a chore is in the changelog:\n%s", pr.Changelog)
	}
	major, err := p.ReleasePreview("major")
	if err != nil || major.Version != "1.0.0" {
		t.Errorf("--bump major: %+v, %v", major, err)
	}
	if _, err := p.ReleasePreview("0.0.9"); err == nil || !isCode(err, CodeBadRequest) {
		t.Errorf("a lower explicit version: %v", err)
	}
}

func TestReleasePreviewWithoutTagsOrCommits(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: 'true'}]\n")
	if _, err := p.ReleasePreview(""); err == nil || !isCode(err, CodeConflict) {
		t.Errorf("outside git: %v", err)
	}
	gitEnv(t, p.Dir(), "init", "-q", "-b", "main")
	if _, err := p.ReleasePreview(""); err == nil || !strings.Contains(err.Error(), "no commit yet") {
		t.Errorf("no commit: %v", err)
	}
	gitEnv(t, p.Dir(), "commit", "-q", "--allow-empty", "-m", "docs: readme")
	pr, err := p.ReleasePreview("")
	if err != nil || pr.Release || pr.LastTag != "" || pr.Commits != 1 {
		t.Errorf("only docs, no tag: %+v, %v", pr, err)
	}
	gitEnv(t, p.Dir(), "commit", "-q", "--allow-empty", "-m", "fix: a bug")
	if pr, err := p.ReleasePreview(""); err != nil || pr.Version != "0.1.0" || pr.Bump != "initial" {
		t.Errorf("first release: %+v, %v", pr, err)
	}
}
