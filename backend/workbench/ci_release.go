package workbench

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"eightfold/backend/artifact"
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
	if rel.ID, err = p.store.CreateRelease(ctx, rel); errors.Is(err, store.ErrExists) {
		return DeployInfo{}, errorf(CodeConflict, "the release %s is recorded already in %s: deploy it with eightfold deploy %s --release %s", rel.Tag, p.store.Path(), t.Name, rel.Version)
	} else if err != nil {
		return DeployInfo{}, err
	}
	opts.Release, opts.releaseID = "", rel.ID
	return p.Deploy(ctx, opts, "deploy")
}

// headTag is HEAD's commit and a tag on it ("" when none; the greatest name when several).
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
		if t.Commit == head {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return head, "", nil
	}
	return head, slices.Max(names), nil
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
