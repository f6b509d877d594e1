package vcs

import (
	"errors"
	"fmt"
	"io/fs"
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
// author is also the committer, both at when. It returns the new commit's SHA.
//
// parent is the full SHA the branch must point at (the commit the caller planned on top
// of); when the branch's tip is another commit it refuses before writing anything. ""
// accepts any tip. Either way the branch moves only if it still points at the tip read
// (compare-and-set), so a git command that moves it meanwhile makes CommitFile fail.
//
// It refuses a detached HEAD, a branch without a commit, a merge in progress, a conflicted
// path and a path beyond a symbolic link (git tracks none there, and the link could lead
// out of the work tree: the file is written through an os.Root of the work tree, which
// never leaves it). When HEAD already has this content it writes the file and returns
// ErrNothingToCommit. No hook runs and no reflog entry is written.
func (r *Repo) CommitFile(parent, path string, content []byte, message string, author Signature, when time.Time) (string, error) {
	name, err := r.checkCommitFile(path, message, author)
	if err != nil {
		return "", err
	}
	branch, tip, err := r.branchHead()
	if err != nil {
		return "", err
	}
	if parent != "" && !strings.EqualFold(parent, tip.Hash.String()) {
		return "", fmt.Errorf("HEAD moved (from %s to %s) in %s while releasing; nothing was written: look at `git log` and try again",
			short(parent), short(tip.Hash.String()), r.dir)
	}
	root, err := r.Root()
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
		ParentHashes: []plumbing.Hash{tip.Hash}}
	return r.commitOne(commitPlan{root: root, name: name, content: content, branch: branch, parent: tip, idx: idx, lock: lock}, c)
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
	if err == nil {
		err = checkWorkPath(p.root, p.name) // before the commit and the file are written
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

// Root returns the root folder of the work tree that holds the folder the repository was
// opened at (a linked worktree's own root for a linked worktree).
func (r *Repo) Root() (string, error) {
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

// ReadWorkFile reads the file at path, relative to the work tree's root (like
// "CHANGELOG.md"), through an os.Root of the work tree: a path or symbolic link that leads
// out of the work tree is an error. A missing file's error wraps fs.ErrNotExist.
func (r *Repo) ReadWorkFile(path string) ([]byte, error) {
	if !filepath.IsLocal(path) {
		return nil, fmt.Errorf("read %q in %s: give a file path relative to the work tree's root, like CHANGELOG.md", path, r.dir)
	}
	root, err := r.Root()
	if err != nil {
		return nil, err
	}
	wt, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("open the work tree %s: %w", root, err)
	}
	defer wt.Close()
	b, err := wt.ReadFile(filepath.Clean(path))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s in the work tree %s (a symbolic link that leads out of it?): %w", path, root, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s in the work tree %s: %w", path, root, err)
	}
	return b, nil
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

// checkWorkPath refuses, before anything is written, a name under root that the file
// could not be written at: one beyond a symbolic link (which git does not track files
// under, and which could lead out of the work tree) or under a file, or a name that is not
// a regular file.
func checkWorkPath(root, name string) error {
	wt, err := os.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("open the work tree %s: %w", root, err)
	}
	defer wt.Close()
	parts := strings.Split(name, "/")
	for i := range parts {
		sub := filepath.Join(parts[:i+1]...)
		fi, err := wt.Lstat(sub)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // the rest is made when the file is written
		}
		if err != nil {
			return fmt.Errorf("look at %s in the work tree %s: %w", sub, root, err)
		}
		last := i == len(parts)-1
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s in the work tree %s is a symbolic link; git tracks no file beyond one, and it could lead out of the work tree: write %s somewhere else, or replace the link with a folder",
				sub, root, name)
		case !last && !fi.IsDir():
			return fmt.Errorf("%s in the work tree %s is not a folder, so %s cannot be written", sub, root, name)
		case last && fi.IsDir():
			return fmt.Errorf("%s in the work tree %s is a folder", sub, root)
		case last && !fi.Mode().IsRegular():
			return fmt.Errorf("%s in the work tree %s is not a regular file", sub, root)
		}
	}
	return nil
}

// writeWorkFile writes content to name under root, making its folders, and returns the
// written file's details. It writes through an os.Root of root, so no symbolic link can
// take it out of the work tree, and refuses to write through a link to the file itself.
func writeWorkFile(root, name string, content []byte) (os.FileInfo, error) {
	wt, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer wt.Close()
	rel := filepath.FromSlash(name)
	outside := func(err error) error {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return err
		}
		return fmt.Errorf("%w (does a symbolic link lead out of the work tree %s?)", err, root)
	}
	if fi, err := wt.Lstat(rel); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", filepath.Join(root, rel))
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, outside(err)
	}
	if err := wt.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return nil, outside(err)
	}
	if err := wt.WriteFile(rel, content, 0o644); err != nil {
		return nil, outside(err)
	}
	return wt.Lstat(rel)
}
