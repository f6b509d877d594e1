package workbench

import (
	"context"
	"sync"
	"time"

	"eightfold/backend/store"
	"eightfold/backend/testreport"
)

// How often test results reach the store (and the faces) while a step runs.
const (
	testFlushEvery = 250 * time.Millisecond
	testBatch      = 1000 // cases; a full batch is stored at once
)

// testCollector stores the test cases of one attempt of a step in batches, announcing the
// run's new counts after each, and remembers what failed, for retries.
type testCollector struct {
	p       *Project
	runID   int64
	stepID  int64
	attempt int
	// accept, when set, drops the cases it refuses: a retry keeps only the tests that
	// failed before, so that a test passing twice is not taken for flaky.
	accept func(testreport.Case) bool

	mu      sync.Mutex
	pending []store.TestResult
	failed  map[string][]string // package → failed tests, for RetryCommand
	blocked bool                // a build or suite failed: rerunning tests cannot help
	cases   int
	err     error

	flushMu sync.Mutex // one store write at a time, in order
	stop    chan struct{}
	done    chan struct{}
}

func newTestCollector(p *Project, runID, stepID int64, attempt int, accept func(testreport.Case) bool) *testCollector {
	c := &testCollector{p: p, runID: runID, stepID: stepID, attempt: attempt, accept: accept,
		failed: map[string][]string{}, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

func (c *testCollector) loop() {
	defer close(c.done)
	t := time.NewTicker(testFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.flush()
		case <-c.stop:
			c.flush()
			return
		}
	}
}

// add takes one case from a parser.
func (c *testCollector) add(tc testreport.Case) {
	if c.accept != nil && !c.accept(tc) {
		return
	}
	c.mu.Lock()
	c.cases++
	c.pending = append(c.pending, resultOf(tc, c.attempt))
	switch {
	case tc.Name == testreport.BuildFailed || tc.Name == testreport.SuiteFailed || tc.Name == testreport.BailOut:
		c.blocked = true
	case tc.Status == testreport.Failed || tc.Status == testreport.Errored:
		c.failed[tc.Suite] = append(c.failed[tc.Suite], tc.Name)
	}
	full := len(c.pending) >= testBatch
	c.mu.Unlock()
	if full {
		c.flush()
	}
}

func resultOf(tc testreport.Case, attempt int) store.TestResult {
	return store.TestResult{Suite: tc.Suite, Name: tc.Name, Status: string(tc.Status),
		DurationMs: tc.Duration.Milliseconds(), Attempts: max(attempt, tc.Attempts), Message: tc.Message, Output: tc.Output,
		File: tc.File, Line: tc.Line}
}

// flush stores what is pending and announces the run.
func (c *testCollector) flush() {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := c.p.store.AddTestResults(context.Background(), c.p.id, c.runID, c.stepID, batch)
	if err != nil {
		c.mu.Lock()
		if c.err == nil {
			c.err = err
		}
		c.mu.Unlock()
		return
	}
	c.p.stepUpdate(c.runID, c.stepID)
}

// Close stores the rest and returns the first store error.
func (c *testCollector) Close() error {
	close(c.stop)
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// retryable returns the failed tests by package when rerunning them could help: tests
// failed and no build, suite or stream failed as a whole.
func (c *testCollector) retryable() (map[string][]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed, !c.blocked && len(c.failed) > 0
}
