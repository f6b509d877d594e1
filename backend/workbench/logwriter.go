package workbench

import (
	"context"
	"sync"
	"time"

	"eightfold/backend/runner"
	"eightfold/backend/store"
)

// Log output is written to the store in batches: at least every flushInterval while a step
// runs (so a crash loses at most that much), and at once when flushBytes are buffered.
const (
	flushInterval = 250 * time.Millisecond
	flushBytes    = 1 << 20
)

// logWriter batches a step's output chunks into the store and announces each batch.
type logWriter struct {
	store  *store.Store
	emit   Emitter
	runID  int64
	stepID int64

	mu      sync.Mutex // guards pending, size and seq
	pending []store.LogChunk
	size    int
	seq     int64

	flushMu sync.Mutex // serialises flushes, so batches are stored in order
	err     error      // first store error; later batches are dropped

	stop chan struct{}
	done chan struct{}
}

func newLogWriter(s *store.Store, emit Emitter, runID, stepID int64) *logWriter {
	w := &logWriter{store: s, emit: emit, runID: runID, stepID: stepID,
		stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *logWriter) loop() {
	defer close(w.done)
	t := time.NewTicker(flushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			w.flush()
		case <-w.stop:
			w.flush()
			return
		}
	}
}

// Add buffers a chunk; it copies nothing, so the caller must not reuse c.Data.
func (w *logWriter) Add(c runner.Chunk) {
	w.mu.Lock()
	w.seq++
	w.pending = append(w.pending, store.LogChunk{Seq: w.seq, TimeMs: c.Time.UnixMilli(), Stream: streamCode(c.Stream), Data: c.Data})
	w.size += len(c.Data)
	full := w.size >= flushBytes
	w.mu.Unlock()
	if full {
		w.flush()
	}
}

// flush stores what is buffered. The buffer is swapped under mu and written outside it, so
// the step's output keeps flowing while SQLite writes.
func (w *logWriter) flush() {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	batch := w.pending
	w.pending, w.size = nil, 0
	w.mu.Unlock()
	if len(batch) == 0 || w.err != nil {
		return
	}
	if err := w.store.AppendLog(context.Background(), w.stepID, batch); err != nil {
		w.err = err
		return
	}
	w.emit.Emit(TopicLogAppended, LogAppended{RunID: w.runID, StepID: w.stepID, Seq: batch[len(batch)-1].Seq})
}

// Close writes what is buffered and stops the flusher. It returns the first store error.
func (w *logWriter) Close() error {
	close(w.stop)
	<-w.done
	return w.err
}

func streamCode(s runner.Stream) int {
	switch s {
	case runner.Stdout:
		return store.StreamStdout
	case runner.Stderr:
		return store.StreamStderr
	default:
		return store.StreamMeta
	}
}

func streamName(code int) string {
	switch code {
	case store.StreamStdout:
		return "stdout"
	case store.StreamStderr:
		return "stderr"
	default:
		return "meta"
	}
}
