package vcs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// indexLock is git's index.lock, held while the index is rewritten: git commands that
// would change the index meanwhile wait or refuse, as they do for one another.
type indexLock struct {
	fs interface {
		Rename(from, to string) error
		Remove(name string) error
	}
	file io.WriteCloser
	done bool
}

// lockIndex takes the index lock of r's work tree.
func (r *Repo) lockIndex() (*indexLock, error) {
	if r.storage == nil {
		return nil, fmt.Errorf("commit in %s: the repository is not stored in files", r.dir)
	}
	fs := r.storage.Filesystem()
	f, err := fs.OpenFile("index.lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("another git command seems to be running in %s (%s exists); wait for it to end, or remove the file if none is running",
			r.dir, fs.Join(fs.Root(), "index.lock"))
	}
	if err != nil {
		return nil, fmt.Errorf("lock the index of %s: %w", r.dir, err)
	}
	return &indexLock{fs: fs, file: f}, nil
}

// write writes idx into the lock file.
func (l *indexLock) write(idx *index.Index) error {
	w := bufio.NewWriter(l.file)
	if err := index.NewEncoder(w).Encode(idx); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return l.file.Close()
}

// commit makes the written lock file the index.
func (l *indexLock) commit() error {
	if err := l.fs.Rename("index.lock", "index"); err != nil {
		return err
	}
	l.done = true
	return nil
}

// release drops the lock when commit did not happen.
func (l *indexLock) release() {
	if !l.done {
		l.file.Close()
		l.fs.Remove("index.lock")
	}
}

// setEntry points name's index entry at blob, with the stat data of the file just written
// (a write sets a file's ctime to its mtime), so that git sees the entry as up to date
// without reading the file again.
func setEntry(idx *index.Index, name string, mode filemode.FileMode, blob plumbing.Hash, fi os.FileInfo) {
	e, err := idx.Entry(name)
	if err != nil {
		e = idx.Add(name)
	}
	e.Hash, e.Mode, e.Size = blob, mode, uint32(fi.Size())
	e.ModifiedAt, e.CreatedAt = fi.ModTime(), fi.ModTime()
	e.IntentToAdd = false
	statIDs(e, fi)
	idx.Cache = nil
}
