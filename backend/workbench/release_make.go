package workbench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"eightfold/backend/artifact"
	journey "eightfold/backend/plan"
	"eightfold/backend/release"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// ReleaseOptions are the choices of a release.
type ReleaseOptions struct {
	Bump       string `json:"bump"`        // "", "major", "minor", "patch" or an explicit version
	DryRun     bool   `json:"dry_run"`     // check and compute everything, write nothing
	AllowDirty bool   `json:"allow_dirty"` // release uncommitted changes as VERSION+dirty
	// ExpectHead and ExpectVersion, when set, are what a face previewed: the release is
	// refused when HEAD or the version has changed since, so one click releases what it showed.
	ExpectHead    string `json:"expect_head"`
	ExpectVersion string `json:"expect_version"`
}

// ReleaseInfo is a release, made or (DryRun) proposed.
type ReleaseInfo struct {
	ID              int64          `json:"id"` // 0 in a dry run
	Version         string         `json:"version"`
	Tag             string         `json:"tag"`
	Commit          string         `json:"commit"` // the tagged commit
	RunID           int64          `json:"run_id"` // the green run it ships the build of
	Dirty           bool           `json:"dirty"`  // from uncommitted changes: never to production
	Bump            string         `json:"bump"`
	Reason          string         `json:"reason"`
	Changelog       string         `json:"changelog"`
	ChangelogHTML   string         `json:"changelog_html"`
	ChangelogCommit string         `json:"changelog_commit"` // the commit that updated the changelog file; ""
	Artifacts       []ArtifactInfo `json:"artifacts"`
	Cards           []string       `json:"cards"`
	CreatedAt       string         `json:"created_at"`
	DryRun          bool           `json:"dry_run"`
}

// TopicReleaseCreated is sent with a ReleaseInfo when a release is made.
const TopicReleaseCreated = "release.created"

// Release releases HEAD: it checks that nothing stands in the way (a dirty tree unless
// AllowDirty, no green run of exactly this code, an existing tag, an artifact missing or
// changed since the run built it), copies the run's artifacts into the data dir's
// content-addressed store, updates the changelog file when the config names one (a commit
// of that file alone), writes an annotated tag with the changelog as its message, records
// the release, and moves the cards it delivers to Released.
func (p *Project) Release(opts ReleaseOptions) (ReleaseInfo, error) {
	p.releaseMu.Lock()
	defer p.releaseMu.Unlock()
	pl, err := p.planRelease(opts.Bump, opts.AllowDirty)
	if err != nil {
		return ReleaseInfo{}, err
	}
	defer pl.repo.Close()
	if err := pl.refusal(opts.AllowDirty); err != nil {
		return ReleaseInfo{}, err
	}
	if err := pl.expected(opts); err != nil {
		return ReleaseInfo{}, err
	}
	v := pl.preview
	info := ReleaseInfo{Version: v.Version, Tag: v.Tag, Commit: v.Head, RunID: pl.run.ID, Dirty: v.Dirty, Bump: v.Bump,
		Reason: v.Reason, Changelog: v.Changelog, ChangelogHTML: v.ChangelogHTML, Artifacts: v.Artifacts, Cards: v.Cards,
		CreatedAt: rfc3339(p.nowMs()), DryRun: opts.DryRun}
	if opts.DryRun {
		return info, nil
	}
	return p.makeRelease(pl, info)
}

// refusal is the error for what stands in the way, nil when nothing does.
func (pl *releasePlan) refusal(allowDirty bool) error {
	var why []string
	for _, b := range pl.preview.Blockers {
		if b.Code == BlockDirty && allowDirty {
			continue
		}
		why = append(why, b.Message)
	}
	if len(why) == 0 {
		return nil
	}
	what := "HEAD"
	if pl.preview.Tag != "" {
		what = pl.preview.Tag
	}
	return errorf(CodeConflict, "cannot release %s: %s", what, strings.Join(why, "; "))
}

// expected refuses a release that is not the one the face previewed.
func (pl *releasePlan) expected(opts ReleaseOptions) error {
	v := pl.preview
	if opts.ExpectHead != "" && opts.ExpectHead != v.Head {
		return errorf(CodeConflict, "HEAD moved to %s since the preview (of %s): look at the release again", short(v.Head), short(opts.ExpectHead))
	}
	// A preview shows the clean version; with allow dirty the release is that version +dirty.
	if opts.ExpectVersion != "" && opts.ExpectVersion != v.Version && opts.ExpectVersion+"+"+release.DirtyBuild != v.Version {
		return errorf(CodeConflict, "the version is now %s, not %s as previewed: look at the release again", v.Version, opts.ExpectVersion)
	}
	return nil
}

// makeRelease writes what a release is made of, in the order that leaves the least behind
// when a step fails: the identity is checked and the artifacts stored before anything
// touches the repository, and the release is recorded once its tag exists.
func (p *Project) makeRelease(pl *releasePlan, info ReleaseInfo) (ReleaseInfo, error) {
	who, err := pl.repo.Identity()
	if err != nil {
		return ReleaseInfo{}, errorf(CodeConflict, "%v", err)
	}
	arts, err := p.storeArtifacts(pl)
	if err != nil {
		return ReleaseInfo{}, err
	}
	now := p.now()
	if pl.cfg.ChangelogFile != "" {
		if info.Commit, err = p.commitChangelog(pl, who, now); err != nil {
			return ReleaseInfo{}, err
		}
		info.ChangelogCommit = info.Commit
	}
	if err := pl.repo.CreateTag(info.Tag, info.Commit, who, now, info.Changelog); err != nil {
		if info.ChangelogCommit != "" {
			return ReleaseInfo{}, errorf(CodeConflict, "%v; the changelog commit %s is on the branch already: keep it, or undo it with git reset --keep HEAD~1",
				err, short(info.ChangelogCommit))
		}
		return ReleaseInfo{}, errorf(CodeConflict, "%v", err)
	}
	rec := store.Release{ProjectID: p.id, Version: info.Version, Tag: info.Tag, Commit: info.Commit, RunID: info.RunID,
		Dirty: info.Dirty, Bump: info.Bump, Reason: info.Reason, Changelog: info.Changelog,
		ChangelogCommit: info.ChangelogCommit, CreatedMs: now.UnixMilli(), Artifacts: arts, Cards: pl.cards}
	id, err := p.store.CreateRelease(context.Background(), rec)
	if err != nil {
		if derr := pl.repo.DeleteTag(info.Tag); derr != nil {
			return ReleaseInfo{}, fmt.Errorf("the release could not be recorded (%w), and its tag %s could not be removed again (%v): remove it with git tag -d %s", err, info.Tag, derr, info.Tag)
		}
		return ReleaseInfo{}, fmt.Errorf("the release could not be recorded, so its tag was removed again: %w", err)
	}
	made, err := p.store.Release(context.Background(), p.id, id)
	if err != nil {
		return ReleaseInfo{}, err
	}
	if !info.Dirty { // uncommitted changes are no delivery of the cards' commits
		if _, err := p.applyContaining(info.Commit, journey.Event{Kind: journey.EventRelease, At: now, Version: info.Tag},
			store.Link{Kind: store.LinkRelease, Ref: info.Tag, Title: info.Version, AtMs: now.UnixMilli()}); err != nil {
			return ReleaseInfo{}, fmt.Errorf("%s is released, but its cards could not be moved: %w", info.Tag, err)
		}
	}
	out := p.releaseInfo(made)
	p.emit.Emit(TopicReleaseCreated, out)
	return out, nil
}

// artifactDir is the content-addressed store of released artifacts, in the data dir.
func (p *Project) artifactDir() string {
	return filepath.Join(filepath.Dir(p.store.Path()), "artifacts")
}

// storeArtifacts copies the run's artifacts into the artifact store. A file that changed
// between the check and the copy is refused, so a release never ships bytes the run did
// not build (conservatively: a file replaced by a rename during the copy is refused even
// though the bytes stored were the old ones).
func (p *Project) storeArtifacts(pl *releasePlan) ([]store.ReleaseArtifact, error) {
	if len(pl.arts) == 0 {
		return nil, nil
	}
	cas, err := artifact.Open(p.artifactDir())
	if err != nil {
		return nil, err
	}
	var out []store.ReleaseArtifact
	for _, a := range pl.arts {
		path := filepath.Join(p.dir, filepath.FromSlash(a.Path))
		blob, err := cas.Put(path)
		if err != nil {
			return nil, err
		}
		if why := p.artifactChanged(a); why != "" || blob.Size != a.Size {
			return nil, errorf(CodeConflict, "%s changed while it was being stored: run the pipeline again", a.Path)
		}
		out = append(out, store.ReleaseArtifact{Step: a.Step, Path: a.Path, SHA256: blob.SHA256, Size: blob.Size})
	}
	return out, nil
}

// Releases lists the project's releases, newest first.
func (p *Project) Releases() ([]ReleaseInfo, error) {
	rs, err := p.store.Releases(context.Background(), p.id)
	if err != nil {
		return nil, err
	}
	out := make([]ReleaseInfo, 0, len(rs))
	for _, r := range rs {
		out = append(out, p.releaseInfo(r))
	}
	return out, nil
}

// releaseInfo is the API's view of a stored release.
func (p *Project) releaseInfo(r store.Release) ReleaseInfo {
	key := p.boardKey()
	out := ReleaseInfo{ID: r.ID, Version: r.Version, Tag: r.Tag, Commit: r.Commit, RunID: r.RunID, Dirty: r.Dirty,
		Bump: r.Bump, Reason: r.Reason, Changelog: r.Changelog, ChangelogHTML: RenderMarkdown(r.Changelog),
		ChangelogCommit: r.ChangelogCommit, CreatedAt: rfc3339(r.CreatedMs), Artifacts: []ArtifactInfo{}, Cards: []string{}}
	for _, a := range r.Artifacts {
		out.Artifacts = append(out.Artifacts, ArtifactInfo{Step: a.Step, Path: a.Path, Size: a.Size, SHA256: a.SHA256})
	}
	for _, c := range r.Cards {
		out.Cards = append(out.Cards, cardKey(key, c.Number))
	}
	return out
}

// VerifyRelease re-reads every artifact of a release from the store and checks its
// sha256 and size: an error names the first that is missing or was tampered with.
func (p *Project) VerifyRelease(id int64) error {
	r, err := p.store.Release(context.Background(), p.id, id)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(CodeNotFound, "release %d not found", id)
	}
	if err != nil {
		return err
	}
	cas, err := artifact.Open(p.artifactDir())
	if err != nil {
		return err
	}
	for _, a := range r.Artifacts {
		if err := cas.Verify(artifact.Blob{SHA256: a.SHA256, Size: a.Size}); err != nil {
			return fmt.Errorf("release %s, artifact %s: %w", r.Tag, a.Path, err)
		}
	}
	return nil
}

// commitChangelog puts the release's notes at the top of the changelog file (a path
// relative to the project's directory) and commits that file alone on top of the commit
// that was checked; it returns the new commit.
func (p *Project) commitChangelog(pl *releasePlan, who vcs.Signature, now time.Time) (string, error) {
	rel, err := pl.changelogPath(p.dir)
	if err != nil {
		return "", err
	}
	old, err := pl.repo.ReadWorkFile(rel)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", rel, err)
	}
	content := prependNotes(string(old), pl.preview.Changelog)
	sha, err := pl.repo.CommitFile(pl.preview.Head, rel, []byte(content), "chore(release): "+pl.preview.Tag, who, now)
	if err != nil {
		return "", errorf(CodeConflict, "%v", err)
	}
	return sha, nil
}

// changelogPath is the changelog file's path relative to the work tree's root (the
// project may be a directory inside the repository).
func (pl *releasePlan) changelogPath(projectDir string) (string, error) {
	root, err := pl.repo.Root()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	if d, err := filepath.EvalSymlinks(projectDir); err == nil {
		projectDir = d
	}
	rel, err := filepath.Rel(root, filepath.Join(projectDir, filepath.FromSlash(pl.cfg.ChangelogFile)))
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("the changelog file %s is outside the repository %s", pl.cfg.ChangelogFile, root)
	}
	return filepath.ToSlash(rel), nil
}

// prependNotes puts notes first in a changelog file: under its "# " title when it has one,
// under a new "# Changelog" title when the file is new.
func prependNotes(old, notes string) string {
	notes = strings.TrimRight(notes, "\n") + "\n"
	if strings.TrimSpace(old) == "" {
		return "# Changelog\n\n" + notes
	}
	if strings.HasPrefix(old, "# ") {
		title, rest, _ := strings.Cut(old, "\n")
		return title + "\n\n" + notes + "\n" + strings.TrimLeft(rest, "\n")
	}
	return notes + "\n" + old
}
