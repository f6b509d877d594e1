package workbench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"eightfold/backend/config"
	journey "eightfold/backend/plan"
	"eightfold/backend/release"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// ReleasePreview is what releasing HEAD now would give: the next version, why, the
// changelog, the artifacts it would ship, and what stands in the way.
type ReleasePreview struct {
	Head        string `json:"head"`         // the commit released
	LastTag     string `json:"last_tag"`     // "" before the first release
	LastVersion string `json:"last_version"` // "" before the first release
	Commits     int    `json:"commits"`      // since the last tag
	// Release is false when nothing since the last tag needs one (only chores, merges, …).
	Release       bool             `json:"release"`
	Version       string           `json:"version"` // "1.3.0"; "1.3.0+dirty" from uncommitted changes
	Tag           string           `json:"tag"`     // "v1.3.0": the last tag's style, "v" at first
	Bump          string           `json:"bump"`    // patch, minor, major, initial or version (given)
	Reason        string           `json:"reason"`  // "feat: in 3 commits", "manual: --bump major"
	Changelog     string           `json:"changelog"`
	ChangelogHTML string           `json:"changelog_html"` // Changelog rendered and sanitised
	Entries       []ReleaseEntry   `json:"entries"`        // the commits since the last tag, newest first
	Dirty         bool             `json:"dirty"`          // the work tree has uncommitted changes
	Run           *ReleaseRun      `json:"run"`            // HEAD's last full run on exactly this tree
	Artifacts     []ArtifactInfo   `json:"artifacts"`      // what that run built
	Cards         []string         `json:"cards"`          // the cards the release delivers
	Blockers      []ReleaseBlocker `json:"blockers"`       // why Release would refuse now
}

// ReleaseEntry is a commit since the last release.
type ReleaseEntry struct {
	SHA      string   `json:"sha"`
	Short    string   `json:"short"`
	Subject  string   `json:"subject"`
	Type     string   `json:"type"` // the conventional type; "" when not conventional
	Breaking bool     `json:"breaking"`
	Cards    []string `json:"cards"`
}

// ReleaseRun names the run a release ships the build of, and how it ended.
type ReleaseRun struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// ArtifactInfo is a file a run built or a release ships.
type ArtifactInfo struct {
	Step    string `json:"step"`
	Pattern string `json:"pattern"` // the step's artifacts entry that matched it
	Path    string `json:"path"`    // relative to the repository; "" when Pattern matched nothing
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"` // "" until released
}

// ReleaseBlocker is a reason not to release now.
type ReleaseBlocker struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Release blocker codes. Only BlockDirty can be overridden (allow_dirty).
const (
	BlockNothing         = "nothing_to_release"
	BlockDirty           = "dirty"
	BlockNoRun           = "no_run"
	BlockNotGreen        = "not_green"
	BlockCIFailed        = "ci_failed"
	BlockTagExists       = "tag_exists"
	BlockArtifactMissing = "artifact_missing"
	BlockArtifactChanged = "artifact_changed"
	BlockReleaseExists   = "release_exists"
	BlockRunning         = "run_in_progress"
	BlockConfig          = "config"
)

// releasePlan is everything a release of HEAD needs, read once for the preview and again,
// under the release lock, for the release itself.
type releasePlan struct {
	preview ReleasePreview
	repo    *vcs.Repo
	cfg     config.Release
	run     store.Run
	arts    []store.RunArtifact
	shas    []string // the commits since the last tag
	cards   []store.ReleaseCard
	steps   []config.Step // the pipeline as configured now, for its artifacts
	// configErr is why eightfold.yaml does not load: a release must not silently fall back
	// to the default rules.
	configErr error
}

// ReleasePreview proposes the next release of HEAD. bump is "" (from the commits), "major",
// "minor", "patch" or an explicit version.
func (p *Project) ReleasePreview(bump string) (ReleasePreview, error) {
	pl, err := p.planRelease(bump, false)
	if err != nil {
		return ReleasePreview{}, err
	}
	defer pl.repo.Close()
	return pl.preview, nil
}

// planRelease reads the repository, the history and the config for a release of HEAD.
// The caller closes pl.repo.
func (p *Project) planRelease(bump string, allowDirty bool) (*releasePlan, error) {
	p.scanQuietly() // commits made since the last scan link their cards first
	st, err := vcs.Read(p.dir)
	if err != nil {
		return nil, err
	}
	if !st.IsGit {
		return nil, errorf(CodeConflict, "%s is not a git repository: releases are git tags", p.dir)
	}
	if st.Commit == "" {
		return nil, errorf(CodeConflict, "%s has no commit yet: commit something to release", p.dir)
	}
	repo, err := vcs.OpenRepo(p.dir)
	if err != nil {
		return nil, err
	}
	pl := &releasePlan{repo: repo, cfg: config.DefaultRelease()}
	pl.preview = ReleasePreview{Head: st.Commit, Dirty: st.Dirty}
	if cfg, err := config.Load(p.dir); err == nil {
		pl.cfg, pl.steps = cfg.Release, cfg.Steps
	} else {
		pl.configErr = err
	}
	if err := p.proposeVersion(pl, bump, st.Dirty && allowDirty); err != nil {
		repo.Close()
		return nil, err
	}
	if err := p.checkRelease(pl, st); err != nil {
		repo.Close()
		return nil, err
	}
	return pl, nil
}

// releaseOptions turns the config's release: section into the version rules.
func releaseOptions(c config.Release, bump string) release.Options {
	return release.Options{
		Filter:                   release.Filter{SkipTypes: c.SkipTypes, IncludeMerges: c.IncludeMerges},
		Initial:                  c.Initial,
		BreakingAlwaysBumpsMajor: c.BreakingBumpsMajor,
		FeaturesAlwaysBumpMinor:  c.FeaturesBumpMinor,
		Override:                 bump,
	}
}

// proposeVersion fills the version, tag, changelog, entries and cards of the plan.
func (p *Project) proposeVersion(pl *releasePlan, bump string, dirty bool) error {
	tags, err := pl.repo.Tags()
	if err != nil {
		return err
	}
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	last, lastTag, _ := release.LastVersion(names)
	commits, err := p.releaseCommits(pl.repo, pl.preview.Head, tagCommit(tags, lastTag))
	if err != nil {
		return err
	}
	opts := releaseOptions(pl.cfg, bump)
	prop, err := release.Next(last, commits, opts)
	if err != nil {
		return errorf(CodeBadRequest, "%v", err)
	}
	v := &pl.preview
	v.LastTag, v.Commits, v.Release, v.Bump, v.Reason = lastTag, len(commits), prop.Release, string(prop.Bump), prop.Reason
	if last != nil {
		v.LastVersion = last.String()
	}
	v.Entries = releaseEntries(commits)
	for _, c := range commits {
		pl.shas = append(pl.shas, c.SHA)
	}
	if prop.Release {
		version := *prop.Version
		if dirty {
			if version, err = version.SetMetadata(release.DirtyBuild); err != nil {
				return err
			}
		}
		v.Version = version.String()
		v.Tag = tagPrefix(lastTag) + v.Version
		v.Changelog = release.Changelog(v.Version, p.now().Format(time.DateOnly), commits, opts.Filter)
		v.ChangelogHTML = RenderMarkdown(v.Changelog)
	}
	return p.releaseCards(pl)
}

// tagPrefix follows the last version tag's style: "v1.2.3" gives "v", "1.2.3" gives "".
func tagPrefix(lastTag string) string {
	if lastTag != "" && !strings.HasPrefix(lastTag, "v") {
		return ""
	}
	return "v"
}

// releaseCards finds the cards that the commits since the last tag close: those the
// release moves to Released.
func (p *Project) releaseCards(pl *releasePlan) error {
	cards, err := p.store.CardsLinkedTo(context.Background(), p.id, pl.shas)
	if err != nil {
		return err
	}
	pl.cards = cards
	key := p.boardKey()
	for _, c := range cards {
		pl.preview.Cards = append(pl.preview.Cards, cardKey(key, c.Number))
	}
	return nil
}

// boardKey is the board's project key ("APP"), "" when it has none or cannot be read.
func (p *Project) boardKey() string {
	if b, err := p.boardMeta(); err == nil {
		return b.Key
	}
	return ""
}

// releaseEntries are the commits as the preview lists them.
func releaseEntries(commits []release.Commit) []ReleaseEntry {
	out := make([]ReleaseEntry, 0, len(commits))
	for _, c := range commits {
		m := release.Parse(c.Message)
		out = append(out, ReleaseEntry{SHA: c.SHA, Short: short(c.SHA), Subject: m.Subject,
			Type: m.Type, Breaking: m.Breaking, Cards: c.Cards})
	}
	return out
}

// checkRelease finds HEAD's run and its artifacts, and lists what stands in the way.
func (p *Project) checkRelease(pl *releasePlan, st vcs.State) error {
	v := &pl.preview
	block := func(code, format string, args ...any) {
		v.Blockers = append(v.Blockers, ReleaseBlocker{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if pl.configErr != nil {
		block(BlockConfig, "eightfold.yaml does not load: %v", pl.configErr)
	}
	if !v.Release {
		block(BlockNothing, "%s", v.Reason) // "nothing to release: no commits since 1.2.0"
	}
	if st.Dirty {
		block(BlockDirty, "the work tree has uncommitted changes: commit them, or release with allow dirty (the version gets +dirty and can never go to production)")
	}
	if id, running := p.activeRun(); running {
		block(BlockRunning, "run #%d is going: wait for its verdict", id)
	}
	if err := p.checkTag(pl, block); err != nil {
		return err
	}
	run, ok, err := p.store.LastVerdict(context.Background(), p.id, st.Commit, st.Tree)
	if err != nil {
		return err
	}
	switch {
	case !ok && st.Dirty:
		block(BlockNoRun, "these uncommitted changes have not been built and tested: run the pipeline first")
		return nil
	case !ok:
		block(BlockNoRun, "%s has not been built and tested: run the pipeline first", short(st.Commit))
		return nil
	}
	pl.run = run
	v.Run = &ReleaseRun{ID: run.ID, Status: run.Status}
	if run.Status != store.StatusPassed {
		block(BlockNotGreen, "the last run of this code, #%d, %s: release only what passed", run.ID, verdictWord(run.Status))
		return nil
	}
	if err := p.checkCI(run, block); err != nil {
		return err
	}
	return p.checkArtifacts(pl, block)
}

// checkCI blocks a release whose green run is older than a CI run of the same code that
// failed: the newest verdict on the code is CI's, and a release ships only what passed.
// A passing run after it, local or imported, clears it.
func (p *Project) checkCI(local store.Run, block func(code, format string, args ...any)) error {
	ci, ok, err := p.store.LastCIVerdict(context.Background(), p.id, local.Commit, local.Tree)
	if err != nil || !ok || ci.Status == store.StatusPassed || ci.FinishedMs <= local.FinishedMs {
		return err
	}
	block(BlockCIFailed, "the CI run #%d (%s) of this code %s after run #%d passed: see why (eightfold tests --run %d), "+
		"then run the pipeline again or import a passing CI run", ci.ID, ci.Name, verdictWord(ci.Status), local.ID, ci.ID)
	return nil
}

// checkTag blocks a tag that exists in git, or a release of that tag made before (whose
// tag was deleted since).
func (p *Project) checkTag(pl *releasePlan, block func(code, format string, args ...any)) error {
	tag := pl.preview.Tag
	if tag == "" {
		return nil
	}
	if exists, err := pl.repo.TagExists(tag); err != nil {
		return err
	} else if exists {
		block(BlockTagExists, "the tag %s exists already: choose another version", tag)
		return nil
	}
	if _, err := p.store.ReleaseByVersion(context.Background(), p.id, tag); err == nil {
		block(BlockReleaseExists, "%s was released before and its tag deleted since: choose another version", tag)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// activeRun is the run going now, if any.
func (p *Project) activeRun() (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range p.active {
		return id, true
	}
	return 0, false
}

// checkArtifacts lists the run's artifacts and blocks on those missing, changed since, or
// declared by the pipeline but not recorded by the run (a run from before the artifacts
// were declared, or recorded).
func (p *Project) checkArtifacts(pl *releasePlan, block func(code, format string, args ...any)) error {
	arts, err := p.store.RunArtifacts(context.Background(), pl.run.ID)
	if err != nil {
		return err
	}
	recorded := map[string]bool{}
	shipped := map[string]bool{}
	for _, a := range arts {
		recorded[a.Step+"\x00"+a.Pattern] = true
		if a.Path != "" && shipped[a.Path] {
			continue // matched by an earlier pattern too
		}
		shipped[a.Path] = true
		if a.Path != "" {
			pl.arts = append(pl.arts, a)
		}
		pl.preview.Artifacts = append(pl.preview.Artifacts, ArtifactInfo{Step: a.Step, Pattern: a.Pattern, Path: a.Path, Size: a.Size})
		if a.Path == "" {
			block(BlockArtifactMissing, "step %s declares the artifact %s, but run #%d produced no such file", a.Step, a.Pattern, pl.run.ID)
			continue
		}
		if why := p.artifactChanged(a); why != "" {
			block(BlockArtifactChanged, "%s %s since run #%d built it: run the pipeline again", a.Path, why, pl.run.ID)
		}
	}
	for _, s := range pl.steps {
		for _, pattern := range s.Artifacts {
			if !recorded[s.Name+"\x00"+pattern] {
				block(BlockArtifactMissing, "step %s declares the artifact %s, which run #%d did not record: run the pipeline again", s.Name, pattern, pl.run.ID)
			}
		}
	}
	return nil
}

// artifactChanged says how the file a run recorded differs now, "" when it does not: the
// same size, modification and change times and inode.
func (p *Project) artifactChanged(a store.RunArtifact) string {
	now, ok := p.artifactFile(a.Path)
	switch {
	case !ok:
		if _, err := os.Lstat(filepath.Join(p.dir, filepath.FromSlash(a.Path))); errors.Is(err, os.ErrNotExist) {
			return "was removed"
		}
		return "is no longer a file inside the repository"
	case now.Size != a.Size || now.MtimeNs != a.MtimeNs || now.CtimeNs != a.CtimeNs || now.Inode != a.Inode:
		return "changed"
	}
	return ""
}

// verdictWord says how a run ended, in a sentence.
func verdictWord(status string) string {
	if status == store.StatusTimeout {
		return "timed out"
	}
	return status
}

// short is a commit's short SHA.
func short(sha string) string { return sha[:min(7, len(sha))] }

// tagCommit is the commit of the tag called name, "" when there is none.
func tagCommit(tags []vcs.Tag, name string) string {
	if i := slices.IndexFunc(tags, func(t vcs.Tag) bool { return t.Name == name }); i >= 0 {
		return tags[i].Commit
	}
	return ""
}

// releaseCommits lists the commits of head that since does not contain (all of head's when
// since is ""), newest first as a changelog lists them, each with the cards it names.
func (p *Project) releaseCommits(repo *vcs.Repo, head, since string) ([]release.Commit, error) {
	log, err := repo.Range(head, since)
	if err != nil {
		return nil, err
	}
	key := p.boardKey()
	out := make([]release.Commit, 0, len(log))
	for _, c := range log {
		var cards []string
		for _, r := range journey.ParseCommit(c.Message, key) {
			cards = append(cards, r.Key)
		}
		out = append(out, release.Commit{SHA: c.SHA, Message: c.Message, Parents: c.Parents, Cards: cards})
	}
	return out, nil
}
