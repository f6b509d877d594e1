package workbench

import (
	"context"
)

// WatchState says whether the project is being watched and what the watcher is doing.
func (p *Project) WatchState() WatchState {
	p.watchMu.Lock()
	defer p.watchMu.Unlock()
	return p.watchState
}

// SetAutoRun turns starting runs on changes on or off while Watch runs.
func (p *Project) SetAutoRun(on bool) error {
	return p.toWatch(func(l *watchLoop) { l.setAuto(on) })
}

// toWatch hands f to the Watch goroutine.
func (p *Project) toWatch(f func(*watchLoop)) error {
	p.watchMu.Lock()
	watching := p.watching
	p.watchMu.Unlock()
	if !watching {
		return errorf(CodeConflict, "%s is not being watched", p.dir)
	}
	select {
	case p.watchCmds <- f:
		return nil
	default:
		return errorf(CodeConflict, "the watcher is busy; try again")
	}
}

// watchCtl records whether a Watch loop runs (l is nil when it ends).
func (p *Project) watchCtl(l *watchLoop) {
	p.watchMu.Lock()
	defer p.watchMu.Unlock()
	p.watching = l != nil
}

func (p *Project) setWatchState(s WatchState) {
	p.watchMu.Lock()
	p.watchState = s
	p.watchMu.Unlock()
	p.emit.Emit(TopicWatchState, s)
}

// runEnded tells a Watch loop, if any, that a run ended, so that changes it kept pending
// while another run went on can run now.
func (p *Project) runEnded() {
	_ = p.toWatch(func(l *watchLoop) { l.otherRunEnded() })
}

// RunAgain starts a manual run from the Watch loop with the scope of the last one (the same
// Go packages), cancelling the run in progress.
func (p *Project) RunAgain() error {
	return p.toWatch(func(l *watchLoop) { l.restart(Cause{Trigger: TriggerManual, Scope: l.scope}) })
}

// RunAll starts a manual run of the whole pipeline from the Watch loop, cancelling the run
// in progress.
func (p *Project) RunAll() error {
	return p.toWatch(func(l *watchLoop) { l.restart(Cause{Trigger: TriggerManual}) })
}

// WatchInBackground runs Watch in a goroutine; the returned function stops it and waits for
// it to end. Why watching failed, if it did, is in WatchState().Error.
func (p *Project) WatchInBackground(opts WatchOptions) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = p.Watch(ctx, opts)
	}()
	return func() { cancel(); <-done }
}
