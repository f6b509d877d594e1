package vcs

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// ErrIsRepository is returned by Init for a directory that is in a git work tree already.
var ErrIsRepository = errors.New("already a git repository")

// Init makes dir a git repository whose first branch is main, as `git init -b main` does:
// nothing is committed and no other file is written. A directory inside a work tree (its own
// or a parent's) is refused with an error wrapping ErrIsRepository.
func Init(dir string) error {
	_, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err == nil {
		return fmt.Errorf("%s: %w", dir, ErrIsRepository)
	}
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		return fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	_, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	if err != nil {
		return fmt.Errorf("git init in %s: %w", dir, err)
	}
	return nil
}
