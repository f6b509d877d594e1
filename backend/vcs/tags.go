package vcs

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Tag is a tag and the commit it names.
type Tag struct {
	Name   string // without refs/tags/
	Commit string // full SHA; an annotated tag is followed to its commit
}

// Tags lists the tags that name commits (a tag of a tree or a blob is left out).
func (r *Repo) Tags() ([]Tag, error) {
	refs, err := r.repo.Tags()
	if err != nil {
		return nil, fmt.Errorf("list the tags of %s: %w", r.dir, err)
	}
	defer refs.Close()
	var out []Tag
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if sha, ok := r.peel(ref.Hash()); ok {
			out = append(out, Tag{Name: ref.Name().Short(), Commit: sha})
		}
		return nil
	})
	return out, err
}

// peel follows annotated tags from h to the commit they name.
func (r *Repo) peel(h plumbing.Hash) (string, bool) {
	for range 10 { // a tag of a tag of … stops somewhere
		if tag, err := object.GetTag(r.repo.Storer, h); err == nil {
			h = tag.Target
			continue
		}
		if _, err := object.GetCommit(r.repo.Storer, h); err != nil {
			return "", false
		}
		return h.String(), true
	}
	return "", false
}
