package vcs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrNothingToCommit is wrapped by CommitFile's error when HEAD already holds the content.
var ErrNothingToCommit = errors.New("nothing to commit")

// CommitFile writes content to path (relative to the work tree's root, like "CHANGELOG.md"
// or "docs/CHANGELOG.md") and commits that one file on top of HEAD on the current branch,
// as `git commit -- path` would: other changes, staged or not, and untracked files stay as
// they are, and path's index entry is updated so that git status shows no change for it.
// author is also the committer, both at when. It returns the new commit's SHA. It refuses
// a detached HEAD, a branch without a commit, a merge in progress and a conflicted path;
// when HEAD already has this content it writes the file and returns ErrNothingToCommit.
// No hook runs and no reflog entry is written.
func (r *Repo) CommitFile(path string, content []byte, message string, author Signature, when time.Time) (string, error) {
	name, err := r.checkCommitFile(path, message, author)
	if err != nil {
		return "", err
	}
	branch, parent, err := r.branchHead()
	if err != nil {
		return "", err
	}
	root, err := r.workTreeRoot()
	if err != nil {
		return "", err
	}
	lock, err := r.lockIndex()
	if err != nil {
		return "", err
	}
	defer lock.release()
	idx, err := r.indexFor(name)
	if err != nil {
		return "", err
	}
	sig := object.Signature{Name: author.Name, Email: author.Email, When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: strings.TrimSpace(message) + "\n",
		ParentHashes: []plumbing.Hash{parent.Hash}}
	return r.commitOne(commitPlan{root: root, name: name, content: content, branch: branch, parent: parent, idx: idx, lock: lock}, c)
}

// commitPlan is what CommitFile has checked and gathered before it writes anything.
type commitPlan struct {
	root, name string
	content    []byte
	branch     *plumbing.Reference
	parent     *object.Commit
	idx        *index.Index
	lock       *indexLock
}

// commitOne writes the blob, trees and commit c, then the file, and lands the commit.
func (r *Repo) commitOne(p commitPlan, c *object.Commit) (string, error) {
	mode := filemode.Regular
	if e, err := p.idx.Entry(p.name); err == nil && e.Mode == filemode.Executable {
		mode = filemode.Executable
	}
	blob, err := r.writeBlob(p.content)
	if err == nil {
		c.TreeHash, err = r.treeWith(p.parent, p.name, object.TreeEntry{Mode: mode, Hash: blob})
	}
	var sha plumbing.Hash // stays zero when the tree has not changed
	if err == nil && c.TreeHash != p.parent.TreeHash {
		sha, err = r.writeObject(c)
	}
	if err != nil {
		return "", fmt.Errorf("commit %s in %s: %w", p.name, r.dir, err)
	}
	fi, err := writeWorkFile(p.root, p.name, p.content)
	if err != nil {
		return "", fmt.Errorf("write %s in %s: %w", p.name, p.root, err)
	}
	setEntry(p.idx, p.name, mode, blob, fi)
	return r.land(p, sha)
}

// land writes the index, moves the branch to commit sha (none when zero) and makes the
// written index the index, as git commit does.
func (r *Repo) land(p commitPlan, sha plumbing.Hash) (string, error) {
	if err := p.lock.write(p.idx); err != nil {
		return "", fmt.Errorf("write the index of %s: %w", r.dir, err)
	}
	if !sha.IsZero() {
		err := r.repo.Storer.CheckAndSetReference(plumbing.NewHashReference(p.branch.Name(), sha), p.branch)
		if err != nil {
			return "", fmt.Errorf("move branch %s of %s to the new commit (did another git command move it?): %w",
				p.branch.Name().Short(), r.dir, err)
		}
	}
	if err := p.lock.commit(); err != nil {
		return "", fmt.Errorf("committed %s as %s but could not update the index of %s (run `git reset -q -- %s`): %w",
			p.name, short(sha.String()), r.dir, p.name, err)
	}
	if sha.IsZero() {
		return "", fmt.Errorf("%w: %s at HEAD of %s already has this content", ErrNothingToCommit, p.name, r.dir)
	}
	return sha.String(), nil
}

// checkCommitFile checks CommitFile's arguments and returns path as git names it.
func (r *Repo) checkCommitFile(path, message string, author Signature) (string, error) {
	name := filepath.ToSlash(filepath.Clean(path))
	if !filepath.IsLocal(path) || slices.ContainsFunc(strings.Split(name, "/"), func(s string) bool { return strings.EqualFold(s, ".git") }) {
		return "", fmt.Errorf("commit %q in %s: give a file path relative to the work tree's root, like CHANGELOG.md", path, r.dir)
	}
	if strings.TrimSpace(message) == "" {
		return "", fmt.Errorf("commit %s in %s: the commit message is empty", name, r.dir)
	}
	if author.Name == "" || author.Email == "" {
		return "", fmt.Errorf("commit %s in %s: the author needs a name and an email (got %q <%s>)", name, r.dir, author.Name, author.Email)
	}
	for _, f := range []string{"MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"} {
		if r.storage != nil {
			if _, err := r.storage.Filesystem().Stat(f); err == nil {
				return "", fmt.Errorf("commit %s in %s: a merge, cherry-pick or revert is in progress (%s exists); finish or abort it first", name, r.dir, f)
			}
		}
	}
	return name, nil
}

// branchHead returns the branch HEAD is on and the commit at its tip.
func (r *Repo) branchHead() (*plumbing.Reference, *object.Commit, error) {
	head, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return nil, nil, fmt.Errorf("read HEAD of %s: %w", r.dir, err)
	}
	if head.Type() != plumbing.SymbolicReference {
		return nil, nil, fmt.Errorf("HEAD of %s is detached (on no branch); switch to the branch to commit on with `git switch BRANCH`", r.dir)
	}
	branch, err := r.repo.Storer.Reference(head.Target())
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil, fmt.Errorf("branch %s of %s has no commit yet; make a first commit", head.Target().Short(), r.dir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read branch %s of %s: %w", head.Target().Short(), r.dir, err)
	}
	c, err := object.GetCommit(r.repo.Storer, branch.Hash())
	if err != nil {
		return nil, nil, fmt.Errorf("read commit %s of %s: %w", short(branch.Hash().String()), r.dir, err)
	}
	return branch, c, nil
}

// workTreeRoot returns the root of the work tree that holds r.dir.
func (r *Repo) workTreeRoot() (string, error) {
	plain, err := git.PlainOpenWithOptions(r.dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return "", fmt.Errorf("open git repository at %s: %w", r.dir, err)
	}
	wt, err := plain.Worktree()
	if err != nil {
		return "", fmt.Errorf("find the work tree of %s: %w", r.dir, err)
	}
	return wt.Filesystem.Root(), nil
}

// indexFor reads the index and refuses when name is in conflict.
func (r *Repo) indexFor(name string) (*index.Index, error) {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("read the index of %s: %w", r.dir, err)
	}
	for _, e := range idx.Entries {
		// git's merged stage is 0 (go-git's index.Merged is 1, the ancestor's stage).
		if e.Name == name && e.Stage != 0 {
			return nil, fmt.Errorf("%s has unresolved merge conflicts in %s; resolve them first", name, r.dir)
		}
	}
	return idx, nil
}

// writeWorkFile writes content to name under root, making its folders, and returns the
// written file's details. It refuses to write through a symbolic link.
func writeWorkFile(root, name string, content []byte) (os.FileInfo, error) {
	full := filepath.Join(root, filepath.FromSlash(name))
	if fi, err := os.Lstat(full); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", full)
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(full, content, 0o644); err != nil {
		return nil, err
	}
	return os.Lstat(full)
}
