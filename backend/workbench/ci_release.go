package workbench

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"eightfold/backend/artifact"
	"eightfold/backend/release"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// DeployTree deploys what a CI job has in its work tree: the files the steps' artifacts:
// patterns match (the build job's artifacts, unpacked there) recorded as a release of
// HEAD, then deployed through Deploy like any release. The version is HEAD's tag when it
// has one (v1.4.0 → 1.4.0), else head-<short sha>. A production target takes tagged
// commits only, as it takes releases only on a laptop. It is meant for CI, where there
// is no history of runs to release from; the CI engine has run the pipeline's tests on
// the commit before the deploy job starts.
func (p *Project) DeployTree(ctx context.Context, opts DeployOptions) (DeployInfo, error) {
	cfg, t, err := p.targetConfig(opts.Target)
	if err != nil {
		return DeployInfo{}, err
	}
	repo, err := vcs.OpenRepo(p.dir)
	if err != nil {
		return DeployInfo{}, errorf(CodeConflict, "deploying the work tree needs a git repository: %v", err)
	}
	defer repo.Close()
	head, tag, err := headTag(repo)
	if err != nil {
		return DeployInfo{}, err
	}
	if head == "" {
		return DeployInfo{}, errorf(CodeConflict, "%s has no commit to deploy", p.dir)
	}
	if err := p.requireCommitted(head); err != nil {
		return DeployInfo{}, err
	}
	if t.Production && tag == "" {
		return DeployInfo{}, errorf(CodeConflict, "%s is production: it takes releases only, and HEAD (%s) has no tag; "+
			"make a release (eightfold release) and run the deploy on its tag", t.Name, short(head))
	}
	rel := store.Release{ProjectID: p.id, Version: "head-" + short(head), Tag: "head-" + short(head), Commit: head,
		Reason: "built by CI", CreatedMs: p.nowMs()}
	if tag != "" {
		rel.Version, rel.Tag = strings.TrimPrefix(tag, "v"), tag
	}
	var patterns []string
	for _, s := range cfg.Steps {
		for _, pat := range s.Artifacts {
			if rel.Artifacts, err = p.treeArtifacts(rel.Artifacts, s.Name, pat); err != nil {
				return DeployInfo{}, err
			}
			patterns = append(patterns, pat)
		}
	}
	if len(patterns) == 0 {
		return DeployInfo{}, errorf(CodeConflict, "no step of eightfold.yaml has artifacts: there is nothing to deploy; list the files a step builds under its artifacts:")
	}
	if rel.ID, err = p.recordTreeRelease(ctx, rel, t.Name); err != nil {
		return DeployInfo{}, err
	}
	opts.Release, opts.releaseID = "", rel.ID
	return p.Deploy(ctx, opts, "deploy")
}

// recordTreeRelease records rel, or finds the release of its tag recorded already (by an
// earlier deploy of the same build to another target): the same commit with the same
// artifacts is that release again; anything else is refused.
func (p *Project) recordTreeRelease(ctx context.Context, rel store.Release, target string) (int64, error) {
	id, err := p.store.CreateRelease(ctx, rel)
	if !errors.Is(err, store.ErrExists) {
		return id, err
	}
	old, err := p.store.ReleaseByVersion(ctx, p.id, rel.Tag)
	if err != nil {
		return 0, err
	}
	if old.Commit == rel.Commit && sameArtifacts(old.Artifacts, rel.Artifacts) {
		return old.ID, nil
	}
	return 0, errorf(CodeConflict, "the release %s is recorded already in %s, of commit %s with other artifacts than the work tree's: "+
		"deploy it with eightfold deploy %s --release %s, or use a fresh EIGHTFOLD_HOME for the build of %s", rel.Tag, p.store.Path(), short(old.Commit), target, rel.Version, short(rel.Commit))
}

// sameArtifacts reports whether two releases ship the same files with the same content.
func sameArtifacts(a, b []store.ReleaseArtifact) bool {
	key := func(arts []store.ReleaseArtifact) []string {
		out := make([]string, len(arts))
		for i, x := range arts {
			out[i] = x.Path + "\x00" + x.SHA256
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

// headTag is HEAD's commit and its release tag: of the tags on HEAD in the format releases
// are tagged in (v and a semantic version, as v1.4.0), the highest version ("" when none).
func headTag(repo *vcs.Repo) (string, string, error) {
	head, err := repo.HeadCommit()
	if err != nil || head == "" {
		return head, "", err
	}
	tags, err := repo.Tags()
	if err != nil {
		return "", "", err
	}
	var names []string
	for _, t := range tags {
		if t.Commit == head && strings.HasPrefix(t.Name, "v") {
			names = append(names, t.Name)
		}
	}
	_, tag, _ := release.LastVersion(names)
	return head, tag, nil
}

// requireCommitted refuses a work tree whose tracked files differ from HEAD: the release
// would claim to be HEAD's build while its files are not HEAD's. Untracked files (the
// unpacked artifacts, caches, the data dir) do not count.
func (p *Project) requireCommitted(head string) error {
	st, err := vcs.Read(p.dir)
	if err != nil || len(st.Uncommitted) == 0 {
		return err
	}
	repo, err := git.PlainOpenWithOptions(p.dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return err
	}
	commit, err := repo.CommitObject(plumbing.NewHash(head))
	if err != nil {
		return err
	}
	tree, err := commit.Tree()
	if err != nil {
		return err
	}
	var modified []string
	for _, path := range slices.Sorted(maps.Keys(st.Uncommitted)) {
		if _, err := tree.FindEntry(path); err == nil {
			modified = append(modified, path)
		}
	}
	if len(modified) > 0 {
		return errorf(CodeConflict, "the work tree of %s has changes to tracked files (%s): --from-tree deploys HEAD (%s) as it was committed; "+
			"commit the changes, or make the build write only untracked or ignored files", p.dir, strings.Join(modified, ", "), short(head))
	}
	return nil
}

// treeArtifacts stores the files pattern matches in the artifact store and adds them to arts;
// a pattern that matches nothing is an error (the build's artifacts did not arrive).
func (p *Project) treeArtifacts(arts []store.ReleaseArtifact, step, pattern string) ([]store.ReleaseArtifact, error) {
	files, err := p.matchArtifact(pattern)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errorf(CodeConflict, "the artifacts %s of step %s match no file in %s: the build job's artifacts did not arrive (check the job that unpacks them)", pattern, step, p.dir)
	}
	cas, err := artifact.Open(p.artifactDir())
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if slices.ContainsFunc(arts, func(a store.ReleaseArtifact) bool { return a.Path == f.Path }) {
			continue
		}
		blob, err := cas.Put(filepath.Join(p.dir, filepath.FromSlash(f.Path)))
		if err != nil {
			return nil, err
		}
		arts = append(arts, store.ReleaseArtifact{Step: step, Path: f.Path, SHA256: blob.SHA256, Size: blob.Size})
	}
	return arts, nil
}
