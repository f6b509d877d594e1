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
// While git holds the repository's index lock (a checkout, merge, rebase or
// reset rewriting the work tree, however slowly) a burst does not end, and
// its maximum wait counts from the lock's release.
// When the kernel's event queue overflows, the watcher rescans the tree and
// reports a Batch with Overflow set.
//
// On filesystems that deliver no inotify events (WSL's /mnt, NFS, Docker bind
// mounts), Options.Poll makes the watcher scan the tree on an interval
// instead, with the same ignore rules and the same Batch values.
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
	DefaultDebounce = 25 * time.Millisecond  // Options.Debounce when zero
	MinDebounce     = 5 * time.Millisecond   // smaller debounce values are raised to this
	DefaultMaxWait  = 5 * time.Second        // Options.MaxWait when zero or negative
	MaxFiles        = 100                    // most paths listed in Batch.Files
	MinPoll         = 100 * time.Millisecond // smaller positive Poll values are raised to this
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
	// Poll, when positive, replaces inotify by scanning the tree on this
	// interval, comparing each file's size, modification time and mode with
	// the previous scan: for filesystems without inotify. A change is seen
	// up to Poll late. Values below MinPoll are raised to it; zero or
	// negative means inotify.
	Poll time.Duration
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
	prefix   string            // Root with a trailing separator, cut from event paths
	lockPath string            // the git index lock that holds bursts back, "" outside git (so far)
	fs       *fsnotify.Watcher // nil when polling
	addWatch func(dir string) error

	pollTimer *time.Timer // the next scan, when polling
	rootGone  bool        // the last scan could not read Root

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
	stop      chan struct{} // closed by Close
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New watches opts.Root and everything below it that is not ignored. It
// returns once every watch is in place. When the kernel refuses a watch
// because an inotify limit is reached, the error is a *LimitError whose
// message says how to raise the limit (or to poll instead); New does not
// fall back to polling by itself. With Options.Poll, New returns after the
// first scan and uses no inotify at all.
func New(opts Options) (*Watcher, error) {
	return start(opts, nil)
}

// start is New with a seam for tests: wrap, when not nil, wraps the function
// that adds one inotify watch.
func start(opts Options, wrap func(add func(dir string) error) func(dir string) error) (*Watcher, error) {
	w, err := prepare(opts, wrap)
	if err != nil {
		return nil, err
	}
	go w.run()
	return w, nil
}

// prepare is start without starting the goroutine.
func prepare(opts Options, wrap func(add func(dir string) error) func(dir string) error) (*Watcher, error) {
	opts, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		opts:     opts,
		prefix:   strings.TrimSuffix(opts.Root, string(filepath.Separator)) + string(filepath.Separator),
		lockPath: indexLock(opts.Root),
		base:     baseRules(opts.Root),
		override: parsePatterns(opts.Ignore, nil),
		dirs:     make(map[string]*dirNode),
		stale:    make(map[*dirNode]bool),
		timer:    time.NewTimer(time.Hour),
		batches:  make(chan Batch),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	w.timer.Stop()
	w.root = &dirNode{path: opts.Root}
	if opts.Poll > 0 {
		if err := w.startPolling(); err != nil {
			return nil, err
		}
		return w, nil
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		if lerr := limitError(err, opts.Root, 0); lerr != nil {
			return nil, lerr
		}
		return nil, fmt.Errorf("watch %s: %w", opts.Root, err)
	}
	w.fs, w.addWatch = fw, fw.Add
	if wrap != nil {
		w.addWatch = wrap(w.addWatch)
	}
	if err := w.sync(w.root, true, false); err != nil {
		fw.Close()
		return nil, err
	}
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
	switch {
	case opts.Poll < 0:
		opts.Poll = 0
	case opts.Poll > 0 && opts.Poll < MinPoll:
		opts.Poll = MinPoll
	}
	return opts, nil
}

// Batches returns the channel that yields one Batch per burst of changes.
// If the reader falls behind, finished bursts are merged into the Batch it
// has not taken yet, so nothing is lost and nothing piles up. The channel is
// closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Dirs returns the number of directories watched now: when polling, the
// number of directories the last scan went through.
func (w *Watcher) Dirs() int { return int(w.ndirs.Load()) }

// Close stops watching, drops a Batch that was not taken and closes the
// Batches channel. A scan in progress stops at its next directory. It is
// safe to call more than once.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		close(w.stop)
		if w.fs != nil {
			w.closeErr = w.fs.Close()
		}
		<-w.done
	})
	return w.closeErr
}

// run is the watcher's only goroutine after New: it owns the tree and the
// bursts, and ends when Close is called or fsnotify's channels close.
func (w *Watcher) run() {
	defer close(w.done)
	defer close(w.batches)
	var (
		events <-chan fsnotify.Event
		errs   <-chan error
		tick   <-chan time.Time
	)
	if w.fs != nil {
		events, errs = w.fs.Events, w.fs.Errors
	}
	if w.pollTimer != nil {
		defer w.pollTimer.Stop()
		tick = w.pollTimer.C
	}
	for {
		var out chan<- Batch
		if w.ready != nil {
			out = w.batches
		}
		select {
		case <-w.stop:
			return
		case <-tick:
			if w.pending.first.IsZero() { // else the scan before the burst ends comes first
				w.scan()
			}
			w.pollTimer.Reset(w.opts.Poll)
		case ev, ok := <-events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-errs:
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
	if w.fs == nil {
		return
	}
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
	at := due(w.pending.since(), w.pending.last, w.opts.Debounce, w.opts.MaxWait)
	if !now.Before(at) && w.holdForGit(now) {
		w.timer.Reset(w.opts.Debounce)
		return
	}
	if w.polling() && !now.Before(at) && now.Before(w.pending.since().Add(w.opts.MaxWait)) {
		// A scan sees a burst only in snapshots: look once more, so that a
		// burst still going on is not cut in two. Changes it finds push the
		// end back.
		w.scan()
		now = time.Now()
		at = due(w.pending.since(), w.pending.last, w.opts.Debounce, w.opts.MaxWait)
	}
	if now.Before(at) {
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
