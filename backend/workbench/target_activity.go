package workbench

import "sync"

// targetActivity is what Eightfold itself is doing to each target, for the monitor: a check
// that goes DOWN during a deploy is that deploy's doing, and one that goes DOWN after a
// deliberate stop is no incident at all.
type targetActivity struct {
	mu        sync.Mutex
	deploying map[string]int64 // target → the deploy, promotion or rollback going
	stopped   map[string]bool  // targets stopped from the Operate view and not started since
}

// deployStarted notes a deploy of target going; the returned func notes its end.
func (a *targetActivity) deployStarted(target string, id int64) (ended func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.deploying == nil {
		a.deploying = map[string]int64{}
	}
	a.deploying[target] = id
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.deploying[target] == id {
			delete(a.deploying, target)
		}
	}
}

// setStopped notes that target was stopped on purpose (true) or started again (false).
func (a *targetActivity) setStopped(target string, stopped bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped == nil {
		a.stopped = map[string]bool{}
	}
	a.stopped[target] = stopped
}

// of says what is being done to target: the deploy going (0: none), and whether it was
// stopped on purpose.
func (a *targetActivity) of(target string) (deploying int64, stopped bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.deploying[target], a.stopped[target]
}
