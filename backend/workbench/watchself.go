package workbench

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"time"

	"eightfold/backend/store"
	"eightfold/backend/watch"
)

// Loop protection: a pipeline that writes into a watched path starts a run with every run.
// The watcher cannot tell who wrote a file, so the loop judges by what the pipeline's own
// writes have and a user's saves lack:
//   - they come while a run goes on or just after it ends, at about the same time into
//     every run;
//   - the first run of a count ends by itself (passed or failed): a save during a run
//     cancels it (at the default on_change_while_running: restart). Later runs of the count
//     may be cancelled, by a write that came just before their command ended;
//   - the next run is started by those writes alone, and writes the same paths again, or
//     as many new files in the same directories (a file named by the date, say).
//
// loopRuns such runs in a row pause auto-running. A pipeline whose own write cancels it
// every time (restart, with a slow step after the write) is not caught: the faces show it
// as runs superseded by the same file again and again.

// loopRuns is how many runs in a row started only by the previous run's own writes count as a loop.
const loopRuns = 3

// Tolerance between two runs' times to their first write: loopOffsetSlack plus a quarter
// of the longer one.
const loopOffsetSlack = 150 * time.Millisecond

// writes are the changes that came while a run went on or just after it ended.
type writes struct {
	files  map[string]bool
	more   bool          // some paths are not in files (more than watch.MaxFiles, or an overflow)
	offset time.Duration // from the run's start to the first of them
}

// add records the burst b, which began offset after the run started.
func (w *writes) add(b watch.Batch, offset time.Duration) {
	if w.files == nil {
		w.files, w.offset = map[string]bool{}, offset
	}
	for _, f := range b.Files {
		w.files[f] = true
	}
	w.more = w.more || b.Overflow || b.Count > len(b.Files)
}

// dirs returns the directories of the written files.
func (w *writes) dirs() []string {
	set := map[string]bool{}
	for f := range w.files {
		set[path.Dir(f)] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// like reports whether w repeats o: the same paths, or as many paths in the same
// directories, first written at about the same time into the run.
func (w *writes) like(o *writes) bool {
	gap := w.offset - o.offset
	if gap < 0 {
		gap = -gap
	}
	if gap > loopOffsetSlack+max(w.offset, o.offset)/4 {
		return false
	}
	if maps.Equal(w.files, o.files) {
		return true
	}
	return len(w.files) == len(o.files) && slices.Equal(w.dirs(), o.dirs())
}

// attribute adds the burst b to the writes of the run it came during: the run in progress,
// or the one before while it was going or within a short slack after its end (a write at a
// run's end reaches the loop a debounce window later).
func (l *watchLoop) attribute(b watch.Batch) {
	slack := 2*l.cfg.Debounce + 100*time.Millisecond
	switch r := l.run; {
	case r != nil && !b.First.Before(r.started):
		r.wrote.add(b, b.First.Sub(r.started))
	case l.last != nil && !b.First.Before(l.last.started) && !b.First.After(l.last.finished.Add(slack)):
		l.last.wrote.add(b, b.First.Sub(l.last.started))
	}
}

// countSelf updates the count of runs in a row started only by the writes of the run
// before, for a run about to start with the pending changes. A run that was cancelled (by
// its own write, which came just before its command ended, or by a user's save) does not
// begin a count; it continues one that a run ending by itself began when it wrote alike.
func (l *watchLoop) countSelf() {
	prev := l.last
	cancelled := prev != nil && prev.plan.status == store.StatusCancelled
	switch {
	case prev == nil || l.run != nil:
		l.resetSelf()
	case cancelled && len(prev.wrote.files) == 0 && l.chain != nil && l.pendingIn(l.chain):
		// Cancelled by a late event of the write before it: neither counts nor breaks the count.
	case !l.pendingIn(&prev.wrote):
		l.resetSelf()
	case l.chain != nil && prev.wrote.like(l.chain):
		l.self, l.chain = l.self+1, &prev.wrote
	case cancelled:
		l.resetSelf()
	default:
		l.self, l.chain = 1, &prev.wrote
	}
}

// pendingIn reports whether every pending change is one of w: they may all be the writes
// of one run.
func (l *watchLoop) pendingIn(w *writes) bool {
	if len(w.files) == 0 || l.lost || l.extra > 0 && !w.more {
		return false
	}
	for f := range l.pending {
		if !w.files[f] {
			return false
		}
	}
	return true
}

func (l *watchLoop) resetSelf() { l.self, l.chain = 0, nil }

// pauseForLoop turns auto-running off and says which paths the pipeline writes.
func (l *watchLoop) pauseForLoop() {
	w := l.chain
	files := slices.Sorted(maps.Keys(w.files))
	count := len(files)
	if w.more {
		count = max(count, l.state.Pending)
	}
	l.state.Auto = false
	l.state.Loop = fmt.Sprintf("Auto-run paused: each of the last %d runs wrote files that started the next one (%s). "+
		"Add them to watch.ignore in eightfold.yaml or to .gitignore, then turn auto-run back on.",
		loopRuns, describeFiles(files, count, false))
}
