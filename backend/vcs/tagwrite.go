package vcs

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// TagExists reports whether the repository has a tag called name (without refs/tags/).
func (r *Repo) TagExists(name string) (bool, error) {
	_, err := r.repo.Reference(plumbing.NewTagReferenceName(name), false)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("look up tag %s in %s: %w", name, r.dir, err)
	}
	return true, nil
}

// CreateTag writes an annotated tag called name (without refs/tags/) that points at commit
// (a full or abbreviated SHA, or any revision git understands), made by tagger at when.
// The tag is never signed. The message is stored as git stores one: without leading and
// trailing blank space, ending in one newline, every other byte kept (markdown headings
// starting with # too). It refuses a blank message, a name that exists already and a
// commit the repository does not have.
func (r *Repo) CreateTag(name, commit string, tagger Signature, when time.Time, message string) error {
	if strings.TrimSpace(message) == "" {
		return fmt.Errorf("tag %s in %s: the message is empty; an annotated tag needs one", name, r.dir)
	}
	if tagger.Name == "" || tagger.Email == "" {
		return fmt.Errorf("tag %s in %s: the tagger needs a name and an email (got %q <%s>)", name, r.dir, tagger.Name, tagger.Email)
	}
	if existing, err := r.repo.Reference(plumbing.NewTagReferenceName(name), false); err == nil {
		at, _ := r.peel(existing.Hash())
		return fmt.Errorf("tag %s already exists (at %s) in %s; choose another version, or delete it first with `git tag -d %s`",
			name, short(at), r.dir, name)
	}
	target, err := r.commitHash(commit)
	if err != nil {
		return err
	}
	_, err = r.repo.CreateTag(name, target, &git.CreateTagOptions{
		Tagger:  &object.Signature{Name: tagger.Name, Email: tagger.Email, When: when},
		Message: message,
	})
	if err != nil {
		return fmt.Errorf("create tag %s at %s in %s: %w", name, short(target.String()), r.dir, err)
	}
	return nil
}

// DeleteTag deletes the tag called name (without refs/tags/), as `git tag -d` does; the
// tag object of an annotated tag stays in the object store until git gc prunes it. A tag
// the repository does not have is an error.
func (r *Repo) DeleteTag(name string) error {
	if ok, err := r.TagExists(name); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("delete tag %s in %s: there is no such tag; list the tags with `git tag`", name, r.dir)
	}
	if err := r.repo.DeleteTag(name); err != nil {
		return fmt.Errorf("delete tag %s in %s: %w", name, r.dir, err)
	}
	return nil
}

// commitHash resolves rev to a commit of the repository.
func (r *Repo) commitHash(rev string) (plumbing.Hash, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err == nil {
		_, err = object.GetCommit(r.repo.Storer, *h)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%w %q in %s (%v); check the SHA with `git log`", ErrNoCommit, rev, r.dir, err)
	}
	return *h, nil
}
