package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Polling (Options.Poll) replaces inotify on filesystems that do not deliver
// its events: WSL's /mnt, NFS, Docker bind mounts from another OS. Every Poll
// interval the watcher walks the tree that is not ignored, as sync does, and
// compares each file's size, modification time and type with the previous
// scan. Permission changes alone are not changes, as with inotify, where
// chmod-only events are dropped. It stats files only, hashes nothing, and keeps one small fileStat per
// file in its directory's node.
//
// A scan that finds changes starts or extends a burst like inotify events do.
// When the burst's quiet window has passed, one more scan confirms that it is
// over before the Batch is made, so a burst that was still going on at a scan
// is not cut in two. A .gitignore is re-read once two scans in a row have
// seen the same version of it, so that a file half written by an editor is
// never applied.

// fileStat is what a scan remembers of one file.
type fileStat struct {
	size  int64
	mtime int64       // nanoseconds since the Unix epoch
	mode  fs.FileMode // the type bits only: a chmod is no change
}

// Special fileStat values.
var (
	noFile      = fileStat{size: -1} // a .gitignore that does not exist
	ignoredFile = fileStat{size: -2} // an ignored file
)

// statOf returns the fileStat of info.
func statOf(info fs.FileInfo) fileStat {
	return fileStat{size: info.Size(), mtime: info.ModTime().UnixNano(), mode: info.Mode().Type()}
}

// polling says whether w polls instead of using inotify.
func (w *Watcher) polling() bool { return w.fs == nil }

// closing says whether Close has been called.
func (w *Watcher) closing() bool {
	select {
	case <-w.stop:
		return true
	default:
		return false
	}
}

// startPolling makes the first scan, which notes nothing, and arms the poll
// timer.
func (w *Watcher) startPolling() error {
	entries, err := os.ReadDir(w.root.path)
	if err != nil {
		return fmt.Errorf("watch %s: %w", w.root.path, err)
	}
	w.attach(w.root)
	w.scanDir(w.root, entries, true, true, false)
	w.pollTimer = time.NewTimer(w.opts.Poll)
	return nil
}

// scan compares the tree with the disk once and notes the differences.
func (w *Watcher) scan() {
	entries, err := os.ReadDir(w.root.path)
	if err != nil {
		if !w.rootGone {
			w.rootGone = true
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				err = fmt.Errorf("watch %s: the directory was removed or moved away", w.root.path)
			} else {
				err = fmt.Errorf("watch %s: %w", w.root.path, err)
			}
			w.forget(w.root)
			w.pending.fail(err)
			w.touch()
		}
		return
	}
	back := w.rootGone // everything is new again, the rules too
	w.rootGone = false
	w.scanDir(w.root, entries, false, back, true)
}

// scanDir brings n's record in line with entries, n's listing now, then
// scans n's subdirectories. fresh says n was not scanned before; rebuild
// that its rules must be built again (n is fresh or its parent's rules
// changed); report that the files of fresh directories are noted as
// created (false for the first scan only).
func (w *Watcher) scanDir(n *dirNode, entries []os.DirEntry, fresh, rebuild, report bool) {
	if w.closing() {
		return
	}
	// The rules: a changed .gitignore is applied once it has stayed the same
	// for two scans; the note of its change brings the second scan soon.
	gi := noFile
	if i, found := slices.BinarySearchFunc(entries, ".gitignore", byName); found && !entries[i].IsDir() {
		if info, err := entries[i].Info(); err == nil {
			gi = statOf(info)
		}
	}
	if rebuild || (gi != n.ignoreAt && gi == n.ignoreSeen) {
		n.rules = w.rulesFor(n, entries)
		n.ignoreAt, rebuild = gi, true
	}
	n.ignoreSeen = gi

	// Verdicts of the rules are kept (ignored files in files, as
	// ignoredFile; ignored directories in skipped) and matched again only
	// when the rules change: matching costs more than a stat.
	if n.files == nil {
		n.files = make(map[string]fileStat)
	}
	present := 0 // files of entries kept in n.files
	var subdirs []string
	for _, e := range entries {
		name := e.Name()
		prev, known := n.files[name]
		if e.IsDir() {
			if known { // a file replaced by a directory
				delete(n.files, name)
				if prev != ignoredFile {
					w.note(w.rel(filepath.Join(n.path, name)))
				}
			}
			var ignored bool
			switch {
			case !rebuild && n.children[name] != nil:
			case !rebuild && n.skipped[name]:
				ignored = true
			default:
				ignored = w.ignored(n, name, true)
			}
			switch {
			case !ignored:
				delete(n.skipped, name)
				subdirs = append(subdirs, name)
			case n.children[name] != nil:
				w.drop(n.children[name]) // ignored now: forgotten quietly, as sync does
				fallthrough
			default:
				n.skip(name)
			}
			continue
		}
		if (!known || rebuild) && w.ignored(n, name, false) {
			n.files[name] = ignoredFile // no longer seen, quietly, when the rules changed
			present++
			continue
		}
		if prev == ignoredFile && !rebuild {
			present++
			continue
		}
		cur := gi
		if name != ".gitignore" || gi == noFile {
			info, err := e.Info()
			if err != nil { // gone since the listing
				if known {
					delete(n.files, name)
					if prev != ignoredFile {
						w.note(w.rel(filepath.Join(n.path, name)))
					}
				}
				continue
			}
			cur = statOf(info)
		}
		n.files[name] = cur
		present++
		switch {
		case prev == ignoredFile: // no longer ignored since the rules changed: not a change
		case known && cur == prev:
		case !known && fresh && !report: // the first scan
		default:
			w.note(w.rel(filepath.Join(n.path, name)))
		}
	}
	if present < len(n.files) { // some files are gone
		for name, st := range n.files {
			if _, found := slices.BinarySearchFunc(entries, name, byName); !found {
				delete(n.files, name)
				if st != ignoredFile {
					w.note(w.rel(filepath.Join(n.path, name)))
				}
			}
		}
	}
	for name := range n.skipped {
		if _, found := slices.BinarySearchFunc(entries, name, byName); !found {
			delete(n.skipped, name)
		}
	}
	for name, c := range n.children {
		if _, found := slices.BinarySearch(subdirs, name); !found {
			w.forget(c)
		}
	}
	for _, name := range subdirs {
		if w.closing() {
			return
		}
		c := n.children[name]
		list, err := os.ReadDir(filepath.Join(n.path, name))
		if err != nil { // gone since the listing, or unreadable: left out, as sync does
			if c != nil {
				w.forget(c)
			}
			continue
		}
		isNew := c == nil
		if isNew {
			c = n.child(name)
			w.attach(c)
		}
		w.scanDir(c, list, isNew, rebuild || isNew, report)
	}
}

// byName orders directory entries by name, as os.ReadDir returns them.
func byName(e os.DirEntry, name string) int { return strings.Compare(e.Name(), name) }

// forget notes every file and directory known below n, and n itself, as
// removed, and drops them. Root stays, emptied.
func (w *Watcher) forget(n *dirNode) {
	for name, st := range n.files {
		if st != ignoredFile {
			w.note(w.rel(filepath.Join(n.path, name)))
		}
	}
	n.files, n.skipped = nil, nil
	for _, c := range n.children {
		w.forget(c)
	}
	if n == w.root {
		n.ignoreAt, n.ignoreSeen = noFile, noFile
		return
	}
	w.note(w.rel(n.path))
	w.drop(n)
}
