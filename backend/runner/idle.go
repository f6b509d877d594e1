package runner

import (
	"sync"
	"time"
)

// drainBacklog bounds the output the step's process group can have left in
// the pipes when it is gone: a full pipe each, plus a read in hand. Once the
// readers have passed this much to the sink after the group is gone, what
// follows comes from processes that escaped the group, and the time the sink
// takes counts against Spec.WaitDelay again.
const drainBacklog = 2 * (pipeSize + readSize)

// idleClock measures how long the output readers have been idle, waiting in
// Read for a pipe that someone outside the group holds open. Time spent
// inside the sink (a slow consumer applying back-pressure) does not count,
// for the first drainBacklog bytes after reset.
type idleClock struct {
	mu      sync.Mutex
	busy    int           // readers inside the sink (or waiting for their turn)
	passed  int64         // bytes passed to the sink since reset
	idle    time.Duration // idle time counted before since
	since   time.Time     // start of the current idle stretch; zero while paused
	changed chan struct{} // signalled after every change, buffered
}

// newIdleClock returns a running clock.
func newIdleClock() *idleClock {
	return &idleClock{since: time.Now(), changed: make(chan struct{}, 1)}
}

// enter records that a reader is about to pass n bytes to the sink.
func (c *idleClock) enter(n int) {
	c.update(func() {
		c.busy++
		c.passed += int64(n)
	})
}

// leave records that a reader is back from the sink.
func (c *idleClock) leave() {
	c.update(func() { c.busy-- })
}

// reset starts counting from zero.
func (c *idleClock) reset() {
	c.update(func() {
		c.idle = 0
		c.passed = 0
	})
}

// update applies change and restarts or pauses the clock to match.
func (c *idleClock) update(change func()) {
	c.mu.Lock()
	now := time.Now()
	if !c.since.IsZero() {
		c.idle += now.Sub(c.since)
	}
	change()
	c.since = time.Time{}
	if c.busy == 0 || c.passed > drainBacklog {
		c.since = now
	}
	c.mu.Unlock()
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// left returns how much of limit is not yet used up by idle time, and
// whether the clock is paused.
func (c *idleClock) left(limit time.Duration) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.since.IsZero() {
		return limit - c.idle, true
	}
	return limit - c.idle - time.Since(c.since), false
}
