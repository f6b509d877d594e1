// Package watch watches a repository recursively and turns its file changes
// into debounced batches: one Batch per burst of changes.
//
// Linux's inotify (through fsnotify) has no recursive mode, so the watcher
// walks the tree and watches every directory that is not ignored, adds
// directories created later (reporting the files already inside them) and
// drops the watches of directories that go away. It ignores what git ignores:
// .gitignore files at every level, .git/info/exclude and the user's global
// excludes file, plus built-in ignores (.git, node_modules, editor swap and
// temp files) and the caller's extra patterns. Ignored directories are not
// watched at all, so a large node_modules costs nothing.
//
// Changes are debounced with a trailing quiet window and a maximum wait: a
// save that writes a temp file and renames it over the target, a 1,000-write
// burst or a checkout that touches thousands of files each give one Batch.
// When the kernel's event queue overflows, the watcher rescans the tree and
// reports a Batch with Overflow set.
package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Defaults and limits of Options and Batch.
const (
	DefaultDebounce = 25 * time.Millisecond // Options.Debounce when zero
	MinDebounce     = 5 * time.Millisecond  // smaller debounce values are raised to this
	DefaultMaxWait  = 5 * time.Second       // Options.MaxWait when zero or negative
	MaxFiles        = 100                   // most paths listed in Batch.Files
)

// drainMax bounds the events handled at once when the debounce timer fires,
// so that an endless stream still ends bursts at MaxWait.
const drainMax = 1024

// Options configure a Watcher.
type Options struct {
	// Root is the repository root; a relative path is made absolute.
	Root string
	// Ignore holds extra gitignore-syntax patterns relative to Root (the
	// config's watch.ignore). They take precedence over every other rule.
	Ignore []string
	// Debounce is the trailing quiet window: a burst ends when no change has
	// come for this long. Zero means DefaultDebounce; values below
	// MinDebounce are raised to MinDebounce.
	Debounce time.Duration
	// MaxWait bounds a burst: a continuous stream of changes still yields a
	// Batch this long after its first change. Zero means DefaultMaxWait.
	MaxWait time.Duration
}

// Batch is one debounced burst of changes.
type Batch struct {
	// Files lists changed paths relative to Root, slash-separated, sorted
	// and unique; at most MaxFiles of them. A new directory contributes the
	// files found inside it; a removed or renamed-away directory contributes
	// its own path.
	Files []string
	// Count is the number of unique changed paths, including those beyond
	// the first MaxFiles.
	Count int
	// Overflow says the kernel's event queue overflowed, so changes were
	// lost and the tree was rescanned: treat it as "everything changed".
	Overflow bool
	// Err reports trouble met during the burst, such as a new directory
	// that could not be watched (see LimitError) or Root itself removed.
	// It is nil normally.
	Err error
	// First and Last are the times of the burst's first and last change.
	First, Last time.Time
}

// Watcher watches one repository. Create it with New; read its batches from
// Batches; stop it with Close.
type Watcher struct {
	opts     Options
	prefix   string // Root with a trailing separator, cut from event paths
	fs       *fsnotify.Watcher
	addWatch func(dir string) error

	base     []gitignore.Pattern // built-ins, global excludes, .git/info/exclude
	override []gitignore.Pattern // Options.Ignore
	root     *dirNode
	dirs     map[string]*dirNode // watched directories by absolute path
	stale    map[*dirNode]bool   // directories whose .gitignore changed in this burst
	ndirs    atomic.Int64

	pending burst  // the burst in progress
	ready   *burst // a finished burst the reader has not taken yet
	out     Batch  // ready as a Batch
	timer   *time.Timer

	batches   chan Batch
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New watches opts.Root and everything below it that is not ignored. It
// returns once every watch is in place. When the kernel refuses a watch
// because an inotify limit is reached, the error is a *LimitError whose
// message says how to raise the limit.
func New(opts Options) (*Watcher, error) {
	return start(opts, nil)
}

// start is New with a seam for tests: wrap, when not nil, wraps the function
// that adds one inotify watch.
func start(opts Options, wrap func(add func(dir string) error) func(dir string) error) (*Watcher, error) {
	opts, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		if lerr := limitError(err, opts.Root, 0); lerr != nil {
			return nil, lerr
		}
		return nil, fmt.Errorf("watch %s: %w", opts.Root, err)
	}
	w := &Watcher{
		opts:     opts,
		prefix:   strings.TrimSuffix(opts.Root, string(filepath.Separator)) + string(filepath.Separator),
		fs:       fw,
		addWatch: fw.Add,
		base:     baseRules(opts.Root),
		override: parsePatterns(opts.Ignore, nil),
		dirs:     make(map[string]*dirNode),
		stale:    make(map[*dirNode]bool),
		timer:    time.NewTimer(time.Hour),
		batches:  make(chan Batch),
		done:     make(chan struct{}),
	}
	w.timer.Stop()
	if wrap != nil {
		w.addWatch = wrap(w.addWatch)
	}
	w.root = &dirNode{path: opts.Root}
	if err := w.sync(w.root, true, false); err != nil {
		fw.Close()
		return nil, err
	}
	go w.run()
	return w, nil
}

// normalize checks the root and applies the option defaults.
func normalize(opts Options) (Options, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return opts, fmt.Errorf("watch %q: %w", opts.Root, err)
	}
	info, err := os.Stat(root)
	if err != nil {
		return opts, fmt.Errorf("watch: %w", err)
	}
	if !info.IsDir() {
		return opts, fmt.Errorf("watch %s: not a directory", root)
	}
	opts.Root = root
	switch {
	case opts.Debounce == 0:
		opts.Debounce = DefaultDebounce
	case opts.Debounce < MinDebounce:
		opts.Debounce = MinDebounce
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	return opts, nil
}

// Batches returns the channel that yields one Batch per burst of changes.
// If the reader falls behind, finished bursts are merged into the Batch it
// has not taken yet, so nothing is lost and nothing piles up. The channel is
// closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Dirs returns the number of directories watched now.
func (w *Watcher) Dirs() int { return int(w.ndirs.Load()) }

// Close stops watching, drops a Batch that was not taken and closes the
// Batches channel. It is safe to call more than once.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		w.closeErr = w.fs.Close()
		<-w.done
	})
	return w.closeErr
}

// run is the watcher's only goroutine after New: it owns the tree and the
// bursts, and ends when fsnotify's channels close.
func (w *Watcher) run() {
	defer close(w.done)
	defer close(w.batches)
	for {
		var out chan<- Batch
		if w.ready != nil {
			out = w.batches
		}
		select {
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.handleError(err)
		case <-w.timer.C:
			w.drain()
			w.flush(time.Now())
		case out <- w.out:
			w.ready, w.out = nil, Batch{}
		}
	}
}

// drain handles the events fsnotify holds ready, a bounded number of them,
// so that a burst is not cut short only because this goroutine ran late.
func (w *Watcher) drain() {
	for range drainMax {
		select {
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.handle(ev)
		default:
			return
		}
	}
}

// handleError rescans the tree after a queue overflow and reports any other
// error with the current burst.
func (w *Watcher) handleError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		w.pending.overflow = true
		err = w.sync(w.root, false, false)
	} else {
		err = fmt.Errorf("watch %s: %w", w.opts.Root, err)
	}
	if err != nil {
		w.pending.fail(err)
	}
	w.touch()
}

// note adds a changed path, relative to Root, to the current burst.
func (w *Watcher) note(rel string) {
	w.pending.add(rel)
	w.touch()
}

// touch marks the current burst as changed now and arms the timer when the
// burst has just begun.
func (w *Watcher) touch() {
	now := time.Now()
	if w.pending.first.IsZero() {
		w.pending.first = now
		w.timer.Reset(w.opts.Debounce)
	}
	w.pending.last = now
}

// flush ends the current burst when it is due and hands it to run for
// sending; otherwise it re-arms the timer for the time it will be due.
// Changed .gitignore files are re-read first.
func (w *Watcher) flush(now time.Time) {
	if w.pending.first.IsZero() {
		return
	}
	w.resyncStale() // files it finds push the burst's end back
	if at := due(w.pending.first, w.pending.last, w.opts.Debounce, w.opts.MaxWait); now.Before(at) {
		w.timer.Reset(at.Sub(now))
		return
	}
	if w.ready == nil {
		w.ready = &burst{}
	}
	w.ready.merge(&w.pending)
	w.pending = burst{}
	w.out = w.ready.batch()
}
