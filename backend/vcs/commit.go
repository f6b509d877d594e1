package vcs

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// ErrNoCommit is wrapped by ResolveCommit's error when the revision names no commit.
var ErrNoCommit = errors.New("no such commit")

// ResolveCommit finds the commit that rev names (a full or abbreviated SHA, a branch, a tag,
// HEAD, HEAD~2…) in the repository containing dir.
func ResolveCommit(dir, rev string) (Commit, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return Commit{}, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	hash, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return Commit{}, fmt.Errorf("%w %q in %s (%v)", ErrNoCommit, rev, dir, err)
	}
	c, err := repo.CommitObject(*hash)
	if err != nil {
		return Commit{}, fmt.Errorf("%w %q in %s (%v)", ErrNoCommit, rev, dir, err)
	}
	return Commit{SHA: c.Hash.String(), Subject: subject(c.Message), Author: c.Author.Name, When: c.Committer.When, Tree: c.TreeHash.String()}, nil
}
