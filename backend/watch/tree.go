package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/fsnotify/fsnotify"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// dirNode is one watched directory.
type dirNode struct {
	path     string              // absolute path
	name     string              // base name; "" for Root
	parts    []string            // path components relative to Root; nil for Root
	parent   *dirNode            // nil for Root
	rules    []gitignore.Pattern // patterns that apply inside, lowest priority first
	children map[string]*dirNode // watched subdirectories by name
	skipped  map[string]bool     // names of ignored subdirectories

	// When polling (Options.Poll), what the last scan saw.
	files      map[string]fileStat // files by name; ignoredFile for ignored ones
	ignoreAt   fileStat            // the .gitignore that rules were read from, or noFile
	ignoreSeen fileStat            // the .gitignore of the last scan, or noFile
}

// child returns a new, not yet watched node for the subdirectory name of n.
func (n *dirNode) child(name string) *dirNode {
	return &dirNode{
		path:   filepath.Join(n.path, name),
		name:   name,
		parts:  append(n.parts[:len(n.parts):len(n.parts)], name),
		parent: n,
	}
}

// skip records that the subdirectory name of n is ignored, so that its
// removal is recognised as an ignored directory's.
func (n *dirNode) skip(name string) {
	if n.skipped == nil {
		n.skipped = make(map[string]bool)
	}
	n.skipped[name] = true
}

// handle turns one fsnotify event into changes of the current burst and
// keeps the watched tree in line with the disk.
func (w *Watcher) handle(ev fsnotify.Event) {
	if ev.Op&^fsnotify.Chmod == 0 {
		return
	}
	if ev.Name == w.opts.Root {
		w.pending.fail(fmt.Errorf("watch %s: the directory was removed or moved away", ev.Name))
		w.touch()
		return
	}
	parent := w.dirs[filepath.Dir(ev.Name)]
	if parent == nil {
		return // a directory dropped since the event was queued
	}
	name := filepath.Base(ev.Name)
	switch {
	case ev.Has(fsnotify.Create):
		w.created(parent, name)
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		w.vanished(parent, name)
	case !w.ignored(parent, name, false):
		w.note(w.rel(ev.Name))
	}
	if name == ".gitignore" {
		w.stale[parent] = true
		w.touch()
	}
}

// resyncStale re-reads the .gitignore files changed during the burst and
// updates the watches below them. It runs when the burst is due rather than
// on each event, so that it never reads a file half written by an editor.
func (w *Watcher) resyncStale() {
	for n := range w.stale {
		delete(w.stale, n)
		if w.dirs[n.path] != n {
			continue // dropped since
		}
		if err := w.sync(n, false, true); err != nil {
			w.pending.fail(err)
			w.touch()
		}
	}
}

// created handles a new entry name in parent. A new directory is watched and
// walked after its watch is in place, so files created inside it before the
// watch existed are reported too.
func (w *Watcher) created(parent *dirNode, name string) {
	path := filepath.Join(parent.path, name)
	info, err := os.Lstat(path)
	isDir := err == nil && info.IsDir()
	switch {
	case w.ignored(parent, name, isDir):
		if isDir {
			parent.skip(name)
		}
	case !isDir:
		w.note(w.rel(path))
	case parent.children[name] == nil:
		if err := w.sync(parent.child(name), true, true); err != nil {
			w.pending.fail(err)
			w.touch()
		}
	}
}

// vanished handles an entry name that left parent (removed, or renamed away).
// A directory's watches are dropped at once: after a rename its watch
// descriptor would otherwise be reused for the new name, with the old path.
func (w *Watcher) vanished(parent *dirNode, name string) {
	c := parent.children[name]
	isDir := c != nil || parent.skipped[name]
	if c != nil {
		w.drop(c)
	}
	delete(parent.skipped, name)
	if !w.ignored(parent, name, isDir) {
		w.note(w.rel(filepath.Join(parent.path, name)))
	}
}

// sync (re)adds the watch on n, reads n's .gitignore and brings the watches
// below n in line with the disk: new directories are watched, vanished or
// newly ignored ones dropped. isNew says n is not watched yet; with report,
// the files inside newly watched directories are noted as changed. It
// returns a *LimitError when an inotify limit stops it, and an error when
// Root itself cannot be watched; other directories that cannot be watched
// (gone already, no permission) are left out.
func (w *Watcher) sync(n *dirNode, isNew, report bool) error {
	if isNew {
		w.attach(n)
	}
	if err := w.addWatch(n.path); err != nil {
		return w.unwatchable(n, err)
	}
	entries, err := os.ReadDir(n.path)
	if err != nil {
		return w.unwatchable(n, err)
	}
	n.rules = w.rulesFor(n, entries)
	n.skipped = nil
	var subdirs []string // sorted, like entries
	for _, e := range entries {
		switch {
		case !e.IsDir():
			if isNew && report && !w.ignored(n, e.Name(), false) {
				w.note(w.rel(filepath.Join(n.path, e.Name())))
			}
		case w.ignored(n, e.Name(), true):
			n.skip(e.Name())
		default:
			subdirs = append(subdirs, e.Name())
		}
	}
	// Drop before adding: a directory renamed during an overflow shares its
	// inode, and so its watch descriptor, with its old name.
	for name, c := range n.children {
		if _, found := slices.BinarySearch(subdirs, name); !found {
			w.drop(c)
		}
	}
	for _, name := range subdirs {
		c, watched := n.children[name]
		if !watched {
			c = n.child(name)
		}
		if err := w.sync(c, !watched, report); err != nil {
			return err
		}
	}
	return nil
}

// attach adds n to the tree.
func (w *Watcher) attach(n *dirNode) {
	if p := n.parent; p != nil {
		if p.children == nil {
			p.children = make(map[string]*dirNode)
		}
		p.children[n.name] = n
	}
	w.dirs[n.path] = n
	w.ndirs.Add(1)
}

// drop stops watching n and everything below it.
func (w *Watcher) drop(n *dirNode) {
	for _, c := range n.children {
		w.drop(c)
	}
	if w.fs != nil {
		_ = w.fs.Remove(n.path) // fails harmlessly when the kernel dropped the watch already
	}
	delete(w.dirs, n.path)
	if n.parent != nil {
		delete(n.parent.children, n.name)
	}
	w.ndirs.Add(-1)
}

// unwatchable handles a directory that could not be watched or read: Root is
// an error, an inotify limit a *LimitError; anything else drops the
// directory quietly, as it is gone or unreadable.
func (w *Watcher) unwatchable(n *dirNode, err error) error {
	if n == w.root {
		if lerr := limitError(err, n.path, w.Dirs()); lerr != nil {
			return lerr
		}
		return fmt.Errorf("watch %s: %w", n.path, err)
	}
	w.drop(n)
	if lerr := limitError(err, n.path, w.Dirs()); lerr != nil {
		return lerr
	}
	return nil
}

// rel returns path relative to Root.
func (w *Watcher) rel(path string) string {
	return filepath.ToSlash(path[len(w.prefix):])
}
