package workbench

import (
	"strings"

	"eightfold/backend/store"
)

// HeadBuild is the DeployOptions.Release that deploys HEAD's green build instead of a
// release: to try a change on staging before releasing it.
const HeadBuild = "HEAD"

// headBuild is HEAD's green build as a release that was never tagged: the artifacts of the
// last full run of exactly this work tree, stored in the artifact store, under the version
// "head-<short sha>" ("+dirty" when the tree has uncommitted changes). It stands in the
// way as a release would for a missing run, a red one or a missing or changed artifact;
// having nothing new to release or a dirty tree does not matter for a build.
func (p *Project) headBuild() (store.Release, error) {
	pl, err := p.planRelease("", true)
	if err != nil {
		return store.Release{}, err
	}
	defer pl.repo.Close()
	var why []string
	for _, b := range pl.preview.Blockers {
		switch b.Code {
		case BlockNothing, BlockDirty, BlockTagExists, BlockReleaseExists:
		default:
			why = append(why, b.Message)
		}
	}
	if len(why) > 0 {
		return store.Release{}, errorf(CodeConflict, "HEAD's build cannot be deployed: %s", strings.Join(why, "; "))
	}
	arts, err := p.storeArtifacts(pl)
	if err != nil {
		return store.Release{}, err
	}
	version := "head-" + short(pl.preview.Head)
	if pl.preview.Dirty {
		version += "+dirty"
	}
	return store.Release{ProjectID: p.id, Version: version, Tag: version, Commit: pl.preview.Head, RunID: pl.run.ID,
		Dirty: pl.preview.Dirty, Artifacts: arts}, nil
}
