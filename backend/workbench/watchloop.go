package workbench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"eightfold/backend/affected"
	"eightfold/backend/config"
	"eightfold/backend/store"
	"eightfold/backend/watch"
)

// TopicWatchState carries WatchState whenever it changes.
const TopicWatchState = "watch.state"

// WatchState is what the faces show about watching the repository.
type WatchState struct {
	Watching bool   `json:"watching"`
	Dirs     int    `json:"dirs"`    // directories watched
	Auto     bool   `json:"auto"`    // changes start runs
	Pending  int    `json:"pending"` // changed paths waiting for a run (auto off, or queued)
	Loop     string `json:"loop"`    // why auto-running stopped: the pipeline retriggers itself
	Error    string `json:"error"`   // why watching failed or is degraded
}

// WatchOptions tune Watch.
type WatchOptions struct {
	RunAtStart bool     // run once at once (`eightfold watch`), with trigger "start"
	Reporter   Reporter // sees every run it starts (nil: none)
}

// watchLoop is the state of one Watch call; only its goroutine touches it.
type watchLoop struct {
	ctx     context.Context
	p       *Project
	tracker *affected.Tracker // the Go import graph, when watch.affected is on in a Go module
	cfg     config.Watch
	rep     Reporter
	w       *watch.Watcher
	state   WatchState
	pending map[string]bool     // changed paths not yet run (auto off, or waiting for a run to end)
	extra   int                 // changed paths beyond those kept in pending
	lost    bool                // the change queue overflowed: which files changed is unknown
	fresh   bool                // no run started yet: the first one runs everything
	scope   *affected.Selection // the scope of the last run started, for RunAgain
	run     *watchedRun         // the run in progress, started by this loop
	last    *watchedRun         // the run before, for loop detection
	self    int                 // consecutive runs started only by the previous run's own writes
	chain   *writes             // what the last of those runs was started by
}

// watchedRun is a run that the loop started.
type watchedRun struct {
	id       int64
	plan     *plan
	started  time.Time
	finished time.Time
	wrote    writes // changes that began while it went on or just after it ended
}

// Watch watches the repository and starts runs on changes until ctx is done; it cancels its
// run then. Settings come from eightfold.yaml's watch: section (defaults when it does not
// load, so that fixing the file is itself a change that runs).
func (p *Project) Watch(ctx context.Context, opts WatchOptions) error {
	cfg := config.DefaultWatch()
	var reports []string
	if c, err := config.Load(p.dir); err == nil {
		cfg, reports = c.Watch, c.ReportFiles()
	}
	ignore := slices.Concat(cfg.Ignore, reports, p.ownFiles())
	w, err := watch.New(watch.Options{Root: p.dir, Ignore: ignore, Debounce: cfg.Debounce, MaxWait: cfg.MaxWait, Poll: cfg.Poll})
	if err != nil {
		p.setWatchState(WatchState{Error: err.Error()})
		return err
	}
	defer w.Close()
	l := p.newWatchLoop(ctx, cfg, w, opts.Reporter)
	p.watchCtl(l)
	defer p.watchCtl(nil)
	defer p.watchRefs(ctx)() // the watcher ignores .git: branch heads are polled
	l.publish()
	if opts.RunAtStart {
		l.start(Cause{Trigger: TriggerStart})
	}
	return l.loop(ctx)
}

// newWatchLoop returns the state of a Watch call that reads w's batches.
func (p *Project) newWatchLoop(ctx context.Context, cfg config.Watch, w *watch.Watcher, rep Reporter) *watchLoop {
	l := &watchLoop{ctx: ctx, p: p, cfg: cfg, rep: rep, w: w, pending: map[string]bool{}, fresh: true,
		state: WatchState{Watching: true, Dirs: w.Dirs(), Auto: cfg.Auto}}
	if cfg.Affected && isFile(filepath.Join(p.dir, "go.mod")) {
		l.tracker = affected.NewTracker(p.dir)
		go l.tracker.Warm(ctx) // the first run tests everything; the next one finds the graph ready
	}
	return l
}

func (l *watchLoop) loop(ctx context.Context) error {
	for {
		var done <-chan struct{}
		if l.run != nil {
			done = l.run.plan.done
		}
		select {
		case <-ctx.Done():
			l.stopRun(errors.New("watching stopped"))
			l.state.Watching = false
			l.publish()
			return nil
		case b, ok := <-l.w.Batches():
			if !ok {
				return errors.New("the file watcher stopped")
			}
			l.onBatch(b)
		case <-done:
			l.onRunEnd()
		case f := <-l.p.watchCmds:
			f(l)
		}
	}
}

// ownFiles are ignore patterns for what eightfold itself writes inside the repository: the
// data dir, when it lies there (its database changes with every run).
func (p *Project) ownFiles() []string {
	rel, err := filepath.Rel(p.dir, filepath.Dir(p.store.Path()))
	switch {
	case err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		return nil
	case rel == ".":
		return []string{"/" + store.DBName + "*", "/" + store.LockName}
	default:
		return []string{"/" + filepath.ToSlash(rel) + "/"}
	}
}

// onBatch handles one burst of changes.
func (l *watchLoop) onBatch(b watch.Batch) {
	l.state.Dirs = l.w.Dirs()
	if b.Err != nil {
		l.state.Error = b.Err.Error()
	}
	l.remember(b)
	l.attribute(b)
	switch {
	case !l.state.Auto:
	case l.run == nil:
		l.startPending()
	case l.run.plan.over.Load():
		// Its commands have ended (what they wrote may be this very burst): cancelling
		// would change nothing; its end starts the pending run.
	case l.cfg.OnChange == config.OnChangeRestart:
		l.stopRun(superseded{"superseded: " + describeFiles(b.Files, b.Count, b.Overflow) + " changed"})
		l.startPending()
	}
	l.publish()
}

func (l *watchLoop) remember(b watch.Batch) {
	for _, f := range b.Files {
		l.pending[f] = true
	}
	l.extra += b.Count - len(b.Files)
	l.lost = l.lost || b.Overflow
	l.state.Pending = len(l.pending) + l.extra
}

// scopeFor selects the Go packages that files can affect; nil (everything) for the first run
// after Watch starts, without a graph, or when not every changed file is known.
func (l *watchLoop) scopeFor(files []string) *affected.Selection {
	if l.fresh || l.tracker == nil || l.extra > 0 || l.lost {
		return nil
	}
	sel := l.tracker.Select(l.ctx, files)
	return &sel
}

// startPending starts a run for the changes gathered so far, unless they look like the
// pipeline retriggering itself once too often: auto-running pauses then.
func (l *watchLoop) startPending() {
	if len(l.pending)+l.extra == 0 {
		return
	}
	if l.countSelf(); l.self >= loopRuns {
		l.pauseForLoop()
		return
	}
	files := make([]string, 0, len(l.pending))
	for f := range l.pending {
		files = append(files, f)
	}
	slices.Sort(files)
	cause := Cause{Trigger: TriggerChange, Files: files, Count: len(files) + l.extra, Scope: l.scopeFor(files)}
	if l.start(cause) {
		clear(l.pending)
		l.extra, l.state.Pending, l.lost = 0, 0, false
	}
}

// start begins a run and reports whether it did; when another run is going (started from a
// face), the changes stay pending until it ends.
func (l *watchLoop) start(cause Cause) bool {
	started := l.p.now() // before begin: what it announces may itself be written into the tree
	r, pl, err := l.p.begin(cause)
	var coded *Error
	if errors.As(err, &coded) && coded.Code() == CodeConflict {
		return false
	}
	if err != nil {
		l.state.Error = err.Error()
		return false
	}
	l.state.Error = ""
	l.fresh = false
	if pl == nil {
		return true // the config does not load: begin recorded an error run
	}
	l.run = &watchedRun{id: r.ID, plan: pl, started: started}
	l.scope = cause.Scope
	go l.p.execute(r, pl, l.rep)
	return true
}

// stopRun cancels the loop's run with a reason and waits until it is recorded.
func (l *watchLoop) stopRun(reason error) {
	if l.run == nil {
		return
	}
	l.run.plan.cancel(reason)
	<-l.run.plan.done
	l.onRunEnd()
}

func (l *watchLoop) onRunEnd() {
	l.run.finished = l.p.now()
	l.last, l.run = l.run, nil
	if l.state.Auto {
		l.startPending() // queued changes
	}
	l.publish()
}

func (l *watchLoop) publish() { l.p.setWatchState(l.state) }

// setAuto turns auto-running on or off; on clears a loop warning and runs what is pending.
func (l *watchLoop) setAuto(on bool) {
	l.state.Auto = on
	if on {
		l.state.Loop = ""
		l.resetSelf()
		if l.run == nil {
			l.startPending()
		}
	}
	l.publish()
}

// restart cancels the run in progress and starts one for cause.
func (l *watchLoop) restart(cause Cause) {
	l.stopRun(superseded{"a new run was asked for"})
	l.resetSelf()
	l.start(cause)
	l.publish()
}

// otherRunEnded runs pending changes once a run that the loop did not start is over.
func (l *watchLoop) otherRunEnded() {
	if l.run == nil && l.state.Auto {
		l.startPending()
		l.publish()
	}
}

// describeFiles names a few changed paths for messages.
func describeFiles(files []string, count int, overflow bool) string {
	if overflow {
		return "many files (the change queue overflowed)"
	}
	shown := files[:min(len(files), 3)]
	text := strings.Join(shown, ", ")
	if more := count - len(shown); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	return text
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
