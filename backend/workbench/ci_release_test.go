package workbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newTreeSite is a project as a CI deploy job sees it: a committed README.md and
// eightfold.yaml, the build's bin/app unpacked (untracked), a staging and a production
// target on local directories.
func newTreeSite(t *testing.T) *Project {
	t.Helper()
	yaml := "steps:\n  - {name: build, run: 'true', artifacts: [bin/app]}\ntargets:\n" +
		"  staging: {local: true, path: " + t.TempDir() + "}\n" +
		"  live: {local: true, production: true, path: " + t.TempDir() + ", promote_from: staging}\n"
	p, _ := newProject(t, yaml)
	<-p.scanned
	gitInit(t, p.Dir())
	writeTree(t, p.Dir(), map[string]string{"README.md": "shop\n"})
	gitRun(t, p.Dir(), "add", "README.md")
	gitRun(t, p.Dir(), "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "docs")
	writeTree(t, p.Dir(), map[string]string{"bin/app": "built by ci\n"})
	return p
}

// TestDeployTreeVersionIsTheHighestReleaseTag: of the tags on HEAD only those in the
// release format (v and a semantic version) count, the highest by semver.
func TestDeployTreeVersionIsTheHighestReleaseTag(t *testing.T) {
	p := newTreeSite(t)
	for _, tag := range []string{"v1.9.0", "v1.10.0", "vnext", "release-7", "v2.0", "3.0.0", "v4.0.0+dirty"} {
		gitRun(t, p.Dir(), "tag", tag)
	}
	d, err := p.DeployTree(context.Background(), DeployOptions{Target: "staging"})
	if err != nil || d.Status != "succeeded" || d.Version != "1.10.0" {
		t.Fatalf("deploy: version %q, status %q, err %v; want 1.10.0", d.Version, d.Status, err)
	}
}

// TestDeployTreeRefusesChangedTrackedFiles: a tracked file changed or deleted in the work
// tree is refused, naming it; untracked files (the unpacked build) are not.
func TestDeployTreeRefusesChangedTrackedFiles(t *testing.T) {
	p := newTreeSite(t)
	head := gitRun(t, p.Dir(), "rev-parse", "HEAD")
	writeTree(t, p.Dir(), map[string]string{"README.md": "changed\n"})
	for _, change := range []func(){func() {}, func() { os.Remove(filepath.Join(p.Dir(), "README.md")) }} {
		change()
		_, err := p.DeployTree(context.Background(), DeployOptions{Target: "staging"})
		if !isCode(err, CodeConflict) || !strings.Contains(err.Error(), "changes to tracked files (README.md)") || !strings.Contains(err.Error(), head[:7]) {
			t.Errorf("deploy of a changed tree: %v", err)
		}
	}
	gitRun(t, p.Dir(), "checkout", "README.md")
	if d, err := p.DeployTree(context.Background(), DeployOptions{Target: "staging"}); err != nil || d.Status != "succeeded" {
		t.Errorf("deploy of a clean tree with the untracked build: %+v, %v", d, err)
	}
}

// TestDeployTreeReusesTheSameBuild: a second target gets the release the first recorded
// when the commit and artifacts are the same; other artifacts under the same tag are
// refused.
func TestDeployTreeReusesTheSameBuild(t *testing.T) {
	p := newTreeSite(t)
	gitRun(t, p.Dir(), "tag", "v1.2.0")
	staging, err := p.DeployTree(context.Background(), DeployOptions{Target: "staging"})
	if err != nil || staging.Status != "succeeded" {
		t.Fatalf("staging: %+v, %v", staging, err)
	}
	live, err := p.DeployTree(context.Background(), DeployOptions{Target: "live", Confirm: true})
	if err != nil || live.Status != "succeeded" || live.ReleaseID != staging.ReleaseID || live.Version != "1.2.0" {
		t.Fatalf("live: release %d (%s), status %q, err %v; want release %d again", live.ReleaseID, live.Version, live.Status, err, staging.ReleaseID)
	}
	writeTree(t, p.Dir(), map[string]string{"bin/app": "another build\n"})
	_, err = p.DeployTree(context.Background(), DeployOptions{Target: "staging"})
	if !isCode(err, CodeConflict) || !strings.Contains(err.Error(), "the release v1.2.0 is recorded already") || !strings.Contains(err.Error(), "other artifacts") {
		t.Errorf("another build under the same tag: %v", err)
	}
}
