package workbench

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"eightfold/backend/artifact"
)

// releaseT is a project on a git repository whose build step writes bin/app (ignored by
// git) as its artifact, and passes unless the file "fail" exists; git knows the user.
type releaseT struct {
	*journeyT
}

const releaseYAML = `steps:
  - name: build
    run: '[ ! -e fail ] && mkdir -p bin && printf "app %s" "$(git rev-parse --short HEAD)" > bin/app'
    artifacts: [bin/app]
`

func newReleaseT(t *testing.T, yaml string, cards int) *releaseT {
	t.Helper()
	p, rec := newProject(t, yaml)
	<-p.scanned
	os.WriteFile(filepath.Join(p.Dir(), ".gitignore"), []byte("fail\nbin/\n"), 0o644)
	gitInit(t, p.Dir())
	gitRun(t, p.Dir(), "add", ".gitignore")
	gitRun(t, p.Dir(), "config", "user.name", "Rel Ease")
	gitRun(t, p.Dir(), "config", "user.email", "rel@example.com")
	gitRun(t, p.Dir(), "commit", "-q", "-m", "chore: ignore build output")
	for i := 1; i <= cards; i++ {
		mustCard(t, p, NewCard{Title: "card"})
	}
	return &releaseT{&journeyT{t: t, p: p, rec: rec, dir: p.Dir()}}
}

// blockers are the codes of what stands in the way of a release now.
func (r *releaseT) blockers() []string {
	r.t.Helper()
	pr, err := r.p.ReleasePreview("")
	if err != nil {
		r.t.Fatal(err)
	}
	var codes []string
	for _, b := range pr.Blockers {
		codes = append(codes, b.Code)
	}
	return codes
}

// refused releases and expects a conflict that says want.
func (r *releaseT) refused(opts ReleaseOptions, want string) {
	r.t.Helper()
	_, err := r.p.Release(opts)
	if err == nil || !isCode(err, CodeConflict) || !strings.Contains(err.Error(), want) {
		r.t.Fatalf("Release(%+v) = %v; want a conflict saying %q", opts, err, want)
	}
}

// The whole release: a green run's artifact is kept by content address, the annotated tag
// carries the changelog and the tagger from git config, the card moves to Released, and
// the release is listed and announced.
func TestReleaseTagsKeepsArtifactsAndMovesCards(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 1)
	sha := r.commit("feat: sign in with a passkey\n\nCloses #1")
	r.scan(3)
	if got := r.blockers(); !slices.Equal(got, []string{BlockNoRun}) {
		t.Fatalf("before any run: blockers %v", got)
	}
	run := r.run(true)
	r.expect(1, "Verified", "")
	pr, err := r.p.ReleasePreview("")
	if err != nil || len(pr.Blockers) != 0 || pr.Run == nil || pr.Run.ID != run.ID || pr.Tag != "v0.1.0" ||
		len(pr.Artifacts) != 1 || pr.Artifacts[0].Path != "bin/app" || !slices.Equal(pr.Cards, []string{"#1"}) {
		t.Fatalf("preview %+v, %v", pr, err)
	}
	dry, err := r.p.Release(ReleaseOptions{DryRun: true})
	if err != nil || !dry.DryRun || dry.ID != 0 || r.git("tag") != "" {
		t.Fatalf("a dry run: %+v, %v, tags %q", dry, err, r.git("tag"))
	}

	rel, err := r.p.Release(ReleaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID == 0 || rel.Tag != "v0.1.0" || rel.Commit != sha || rel.RunID != run.ID || rel.Dirty || !slices.Equal(rel.Cards, []string{"#1"}) {
		t.Fatalf("release %+v", rel)
	}
	r.checkTag("v0.1.0", "Rel Ease <rel@example.com>", "### Features", "sign in with a passkey ("+sha[:7]+", #1)")
	want := sha256.Sum256([]byte("app " + sha[:7]))
	if len(rel.Artifacts) != 1 || rel.Artifacts[0].SHA256 != hex.EncodeToString(want[:]) || rel.Artifacts[0].Size != int64(len("app ")+7) {
		t.Fatalf("artifacts %+v", rel.Artifacts)
	}
	if err := r.p.VerifyRelease(rel.ID); err != nil {
		t.Fatal(err)
	}
	r.expect(1, "Released", "")
	list, err := r.p.Releases()
	if err != nil || len(list) != 1 || list[0].Tag != "v0.1.0" || list[0].Changelog != rel.Changelog {
		t.Fatalf("releases %+v, %v", list, err)
	}
	if r.rec.count(TopicReleaseCreated) != 1 {
		t.Errorf("release.created sent %d times", r.rec.count(TopicReleaseCreated))
	}
	r.refused(ReleaseOptions{}, "nothing to release")
}

// checkTag asks the git CLI about an annotated tag.
func (r *releaseT) checkTag(tag, tagger string, notes ...string) {
	r.t.Helper()
	if got := r.git("cat-file", "-t", tag); got != "tag" {
		r.t.Errorf("%s is a %s, not an annotated tag", tag, got)
	}
	if got := r.git("describe", "--tags"); got != tag {
		r.t.Errorf("git describe = %q, want %q", got, tag)
	}
	if obj := r.git("cat-file", "-p", tag); !strings.Contains(obj, "tagger "+tagger) {
		r.t.Errorf("tag object lacks the tagger %q:\n%s", tagger, obj)
	}
	listed := r.git("tag", "-n99", tag)
	for _, n := range notes {
		if !strings.Contains(listed, n) {
			r.t.Errorf("git tag -n99 lacks %q:\n%s", n, listed)
		}
	}
}

// A stored artifact that is changed afterwards is caught when the release is verified.
func TestReleaseArtifactTamperingIsDetected(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	r.commit("fix: a bug")
	r.run(true)
	rel, err := r.p.Release(ReleaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cas, err := artifact.Open(r.p.artifactDir())
	if err != nil {
		t.Fatal(err)
	}
	obj := cas.Path(artifact.Blob{SHA256: rel.Artifacts[0].SHA256, Size: rel.Artifacts[0].Size})
	os.Chmod(obj, 0o644)
	b, _ := os.ReadFile(obj)
	b[0] ^= 1
	os.WriteFile(obj, b, 0o644)
	if err := r.p.VerifyRelease(rel.ID); err == nil || !strings.Contains(err.Error(), "bin/app") {
		t.Errorf("a tampered artifact verified: %v", err)
	}
}

// Each refusal says why and writes nothing: no run, a red run, a missing or changed
// artifact, a dirty tree, and a tag that exists.
func TestReleaseRefusals(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	r.commit("feat: one")
	r.refused(ReleaseOptions{}, "has not been built and tested")
	r.run(false)
	r.refused(ReleaseOptions{}, "failed: release only what passed")
	r.run(true)
	os.WriteFile(filepath.Join(r.dir, "bin", "app"), []byte("edited by hand"), 0o644)
	r.refused(ReleaseOptions{}, "bin/app changed since run")
	os.Remove(filepath.Join(r.dir, "bin", "app"))
	r.refused(ReleaseOptions{}, "bin/app was removed since run")
	r.run(true)

	os.WriteFile(filepath.Join(r.dir, "notes.txt"), []byte("wip"), 0o644)
	r.refused(ReleaseOptions{}, "uncommitted changes")
	r.refused(ReleaseOptions{AllowDirty: true}, "these uncommitted changes have not been built and tested")
	os.Remove(filepath.Join(r.dir, "notes.txt"))

	// A tag that is not a version tag of a commit (here: of a tree) still takes the name.
	r.git("tag", "v0.1.0", "HEAD^{tree}")
	if got := r.blockers(); !slices.Equal(got, []string{BlockTagExists}) {
		t.Fatalf("blockers %v", got)
	}
	r.refused(ReleaseOptions{}, "the tag v0.1.0 exists already")
	if n, _ := r.p.Releases(); len(n) != 0 {
		t.Fatalf("a refused release was recorded: %+v", n)
	}
}

// A declared artifact that the run did not produce blocks the release.
func TestReleaseRefusesAMissingArtifact(t *testing.T) {
	r := newReleaseT(t, strings.Replace(releaseYAML, "[bin/app]", "[bin/app, dist/*.tar.gz]", 1), 0)
	r.commit("feat: one")
	r.run(true)
	r.refused(ReleaseOptions{}, "step build declares the artifact dist/*.tar.gz, but run")
}

// With allow dirty, the uncommitted changes that a green run tested are released as
// VERSION+dirty.
func TestReleaseAllowDirty(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	r.commit("feat: one")
	os.WriteFile(filepath.Join(r.dir, "notes.txt"), []byte("wip"), 0o644)
	r.run(true)
	r.refused(ReleaseOptions{}, "uncommitted changes")
	rel, err := r.p.Release(ReleaseOptions{AllowDirty: true, ExpectVersion: "0.1.0"}) // as the preview showed it
	if err != nil {
		t.Fatal(err)
	}
	if !rel.Dirty || rel.Version != "0.1.0+dirty" || rel.Tag != "v0.1.0+dirty" {
		t.Fatalf("release %+v", rel)
	}
	if r.git("tag") != "v0.1.0+dirty" {
		t.Errorf("tags: %q", r.git("tag"))
	}
}

// With changelog_file set, the notes go on top of the file in a commit of its own, and
// the tag points at that commit.
func TestReleaseCommitsTheChangelogFile(t *testing.T) {
	r := newReleaseT(t, releaseYAML+"release:\n  changelog_file: CHANGELOG.md\n", 0)
	gitRun(t, r.dir, "add", "eightfold.yaml")
	os.WriteFile(filepath.Join(r.dir, "CHANGELOG.md"), []byte("# Changelog\n\n## 0.0.1\n\nOld notes.\n"), 0o644)
	gitRun(t, r.dir, "add", "CHANGELOG.md")
	head := r.commit("feat: one")
	r.run(true)
	rel, err := r.p.Release(ReleaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rel.ChangelogCommit == "" || rel.Commit != rel.ChangelogCommit || r.git("rev-parse", "HEAD") != rel.Commit ||
		r.git("rev-parse", "HEAD^") != head {
		t.Fatalf("release %+v; HEAD %s", rel, r.git("log", "--oneline"))
	}
	if got := r.git("log", "-1", "--format=%s"); got != "chore(release): "+rel.Tag {
		t.Errorf("changelog commit subject %q", got)
	}
	if st := r.git("status", "--porcelain"); st != "" {
		t.Errorf("the work tree is not clean after the release:\n%s", st)
	}
	b, _ := os.ReadFile(filepath.Join(r.dir, "CHANGELOG.md"))
	if !strings.HasPrefix(string(b), "# Changelog\n\n## "+rel.Version+" (") || !strings.Contains(string(b), "\n## 0.0.1\n\nOld notes.\n") {
		t.Errorf("CHANGELOG.md:\n%s", b)
	}
	if got := r.git("rev-parse", rel.Tag+"^{commit}"); got != rel.ChangelogCommit {
		t.Errorf("the tag points at %s, not the changelog commit %s", got, rel.ChangelogCommit)
	}
}

// Artifacts are read when the run has passed, so a later step that rewrites one (strip,
// sign) is part of the build; a file matched by two patterns is recorded once.
func TestReleaseArtifactsAreReadAtTheEndOfTheRun(t *testing.T) {
	yaml := strings.Replace(releaseYAML, "[bin/app]", "[bin/app, bin/]", 1) + "  - name: sign\n    run: printf signed >> bin/app\n"
	r := newReleaseT(t, yaml, 0)
	r.commit("feat: one")
	r.run(true)
	rel, err := r.p.Release(ReleaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rel.Artifacts) != 1 || rel.Artifacts[0].Path != "bin/app" {
		t.Fatalf("artifacts %+v", rel.Artifacts)
	}
	b, _ := os.ReadFile(filepath.Join(r.dir, "bin", "app"))
	if sum := sha256.Sum256(b); rel.Artifacts[0].SHA256 != hex.EncodeToString(sum[:]) || !strings.HasSuffix(string(b), "signed") {
		t.Errorf("the stored artifact is not the signed one: %+v", rel.Artifacts[0])
	}
}

// An artifact that is a symbolic link to a file outside the repository is not shipped.
func TestReleaseRefusesAnArtifactLinkedFromOutside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "private.key")
	os.WriteFile(outside, []byte("PRIVATE KEY"), 0o600)
	yaml := strings.Replace(releaseYAML, `> bin/app'`, `> bin/app && ln -sf `+outside+` bin/key'`, 1)
	r := newReleaseT(t, strings.Replace(yaml, "[bin/app]", "[bin/app, bin/key]", 1), 0)
	r.commit("feat: one")
	r.run(true)
	r.refused(ReleaseOptions{}, "declares the artifact bin/key, but run")
}

// A release from uncommitted changes does not move cards, and does not use up its number.
func TestDirtyReleaseMovesNoCard(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 1)
	r.commit("feat: one\n\nCloses #1")
	os.WriteFile(filepath.Join(r.dir, "notes.txt"), []byte("wip"), 0o644)
	r.run(true)
	if _, err := r.p.Release(ReleaseOptions{AllowDirty: true}); err != nil {
		t.Fatal(err)
	}
	r.expect(1, "Verified", "")
	r.git("add", "notes.txt")
	r.commit("fix: notes")
	r.run(true)
	if pr, err := r.p.ReleasePreview(""); err != nil || pr.Version != "0.1.0" {
		t.Fatalf("after a dirty 0.1.0: %+v, %v", pr, err)
	}
}

// One click releases what the face showed: a HEAD or a version that moved since is refused.
func TestReleaseExpectsWhatWasPreviewed(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	head := r.commit("feat: one")
	r.run(true)
	r.refused(ReleaseOptions{ExpectHead: "0000000000000000000000000000000000000000"}, "HEAD moved to "+head[:7])
	r.refused(ReleaseOptions{ExpectHead: head, ExpectVersion: "0.2.0"}, "the version is now 0.1.0, not 0.2.0")
	if _, err := r.p.Release(ReleaseOptions{ExpectHead: head, ExpectVersion: "0.1.0"}); err != nil {
		t.Fatal(err)
	}
}

// An artifact the pipeline declares now but the run did not record blocks the release
// (here eightfold.yaml is ignored by git, so changing it changes no tree).
func TestReleaseBlocksAnArtifactTheRunDidNotRecord(t *testing.T) {
	r := newReleaseT(t, releaseYAML, 0)
	os.WriteFile(filepath.Join(r.dir, ".gitignore"), []byte("fail\nbin/\neightfold.yaml\n"), 0o644)
	r.git("rm", "-q", "--cached", "eightfold.yaml")
	r.git("add", ".gitignore")
	r.commit("feat: one")
	r.run(true)
	os.WriteFile(filepath.Join(r.dir, "eightfold.yaml"), []byte(strings.Replace(releaseYAML, "[bin/app]", "[bin/app, bin/extra]", 1)), 0o644)
	r.refused(ReleaseOptions{}, "declares the artifact bin/extra, which run #")
}
