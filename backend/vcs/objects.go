package vcs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeWith writes the trees of parent's tree with file at name (its Name is set here) and
// returns the new root tree's hash.
func (r *Repo) treeWith(parent *object.Commit, name string, file object.TreeEntry) (plumbing.Hash, error) {
	tree, err := parent.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return r.withFile(tree, strings.Split(name, "/"), file)
}

// withFile writes tree (nil: an empty one) with file at the path parts and the subtrees on
// the way, and returns the hash of the written tree.
func (r *Repo) withFile(tree *object.Tree, parts []string, file object.TreeEntry) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if tree != nil {
		entries = slices.Clone(tree.Entries)
	}
	i := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == parts[0] })
	entry := file
	entry.Name = parts[0]
	if len(parts) > 1 {
		var sub *object.Tree
		if i >= 0 && entries[i].Mode != filemode.Dir {
			return plumbing.ZeroHash, fmt.Errorf("%s is a file at HEAD, not a folder", parts[0])
		}
		if i >= 0 {
			var err error
			if sub, err = object.GetTree(r.repo.Storer, entries[i].Hash); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		h, err := r.withFile(sub, parts[1:], file)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry = object.TreeEntry{Name: parts[0], Mode: filemode.Dir, Hash: h}
	} else if i >= 0 && !entries[i].Mode.IsFile() {
		return plumbing.ZeroHash, fmt.Errorf("%s is a folder or a submodule at HEAD, not a file", parts[0])
	}
	if i >= 0 {
		entries[i] = entry
	} else {
		entries = append(entries, entry)
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(treeKey(a), treeKey(b)) })
	return r.writeObject(&object.Tree{Entries: entries})
}

// treeKey is what git sorts a tree's entries by: the name, and a slash after a folder's.
func treeKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// writeBlob stores content as a blob and returns its hash.
func (r *Repo) writeBlob(content []byte) (plumbing.Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(content)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		w.Close()
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

// encoder is a git object that encodes itself: a tree, a commit.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

// writeObject stores a tree or a commit and returns its hash.
func (r *Repo) writeObject(o encoder) (plumbing.Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}
