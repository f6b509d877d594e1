package workbench

import (
	"errors"
	"slices"
	"time"

	journey "eightfold/backend/plan"
	"eightfold/backend/release"
	"eightfold/backend/vcs"
)

// ReleasePreview is what releasing HEAD now would give: the next version, why, and the
// changelog, from the last semver tag and the commits since.
type ReleasePreview struct {
	Head        string `json:"head"`         // the commit released
	LastTag     string `json:"last_tag"`     // "" before the first release
	LastVersion string `json:"last_version"` // "" before the first release
	Commits     int    `json:"commits"`      // since the last tag
	// Release is false when nothing since the last tag needs one (only chores, merges, …).
	Release   bool   `json:"release"`
	Version   string `json:"version"`
	Bump      string `json:"bump"`   // patch, minor, major, initial or version (given)
	Reason    string `json:"reason"` // "feat: in 3 commits", "manual: --bump major"
	Changelog string `json:"changelog"`
}

// ReleasePreview proposes the next release of HEAD. bump is "" (from the commits), "major",
// "minor", "patch" or an explicit version.
func (p *Project) ReleasePreview(bump string) (ReleasePreview, error) {
	repo, err := vcs.OpenRepo(p.dir)
	if errors.Is(err, vcs.ErrNotRepository) {
		return ReleasePreview{}, errorf(CodeConflict, "%s is not a git repository: releases are git tags", p.dir)
	}
	if err != nil {
		return ReleasePreview{}, err
	}
	defer repo.Close()
	head, err := repo.HeadCommit()
	if err != nil {
		return ReleasePreview{}, err
	}
	if head == "" {
		return ReleasePreview{}, errorf(CodeConflict, "%s has no commit yet: commit something to release", p.dir)
	}
	tags, err := repo.Tags()
	if err != nil {
		return ReleasePreview{}, err
	}
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	last, lastTag, _ := release.LastVersion(names)
	commits, err := p.releaseCommits(repo, head, tagCommit(tags, lastTag))
	if err != nil {
		return ReleasePreview{}, err
	}
	filter := release.Filter{SkipTypes: release.DefaultSkipTypes}
	prop, err := release.Next(last, commits, release.Options{Filter: filter, Override: bump})
	if err != nil {
		return ReleasePreview{}, errorf(CodeBadRequest, "%v", err)
	}
	out := ReleasePreview{Head: head, LastTag: lastTag, Commits: len(commits), Release: prop.Release,
		Bump: string(prop.Bump), Reason: prop.Reason}
	if last != nil {
		out.LastVersion = last.String()
	}
	if prop.Release {
		out.Version = prop.Version.String()
		out.Changelog = release.Changelog(out.Version, p.now().Format(time.DateOnly), commits, filter)
	}
	return out, nil
}

func tagCommit(tags []vcs.Tag, name string) string {
	if i := slices.IndexFunc(tags, func(t vcs.Tag) bool { return t.Name == name }); i >= 0 {
		return tags[i].Commit
	}
	return ""
}

// releaseCommits lists the commits of head that since does not contain (all of head's when
// since is ""), newest first as a changelog lists them, each with the cards it names.
func (p *Project) releaseCommits(repo *vcs.Repo, head, since string) ([]release.Commit, error) {
	known := map[string]bool{}
	if since != "" {
		old, err := repo.CommitsSince([]string{since}, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range old {
			known[c.SHA] = true
		}
	}
	log, err := repo.CommitsSince([]string{head}, known)
	if err != nil {
		return nil, err
	}
	key := ""
	if b, err := p.boardMeta(); err == nil {
		key = b.Key
	}
	out := make([]release.Commit, 0, len(log))
	for _, c := range slices.Backward(log) {
		var cards []string
		for _, r := range journey.ParseCommit(c.Message, key) {
			cards = append(cards, r.Key)
		}
		out = append(out, release.Commit{SHA: c.SHA, Message: c.Message, Parents: c.Parents, Cards: cards})
	}
	return out, nil
}
