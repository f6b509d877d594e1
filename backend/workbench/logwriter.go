package workbench

import (
	"context"
	"sync"
	"time"

	"eightfold/backend/runner"
	"eightfold/backend/store"
)

// Log output reaches the store in batches written by the log writer's own goroutine, so the
// step's pipes keep draining while SQLite writes.
const (
	// flushInterval bounds what a crash can lose: output is stored at least this often.
	flushInterval = 250 * time.Millisecond
	// flushBytes of buffered output wake the writer early.
	flushBytes = 1 << 20
	// maxBuffered is the back-pressure bound: Add waits while this much is not yet stored.
	maxBuffered = 8 << 20
	// maxRowBytes caps a stored row: consecutive chunks of one stream are merged up to it,
	// so a flood of output makes few large rows instead of many small ones.
	maxRowBytes = 256 << 10
)

// logWriter batches a step's output chunks into the store and announces each batch.
type logWriter struct {
	store  *store.Store
	emit   Emitter
	runID  int64
	stepID int64

	mu       sync.Mutex
	drained  *sync.Cond // signalled when buffered shrinks or an error stops writing
	pending  []store.LogChunk
	buffered int // bytes added and not yet stored (pending or being written)
	seq      int64
	err      error // the first store error; output after it is dropped

	// Only the loop goroutine touches these: log.appended goes out at most once per
	// flushInterval, however fast batches are stored.
	lastEmit  time.Time
	unemitted int64 // seq of the last stored chunk not yet announced; 0 when none

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

func newLogWriter(s *store.Store, emit Emitter, runID, stepID int64) *logWriter {
	w := &logWriter{store: s, emit: emit, runID: runID, stepID: stepID,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	w.drained = sync.NewCond(&w.mu)
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
		case <-w.kick:
		case <-w.stop:
			w.flush()
			w.announce(true)
			return
		}
		w.flush()
		w.announce(false)
	}
}

// announce sends log.appended for what was stored since the last one, unless one went out
// less than flushInterval ago (final: send regardless).
func (w *logWriter) announce(final bool) {
	if w.unemitted == 0 || (!final && time.Since(w.lastEmit) < flushInterval) {
		return
	}
	w.emit.Emit(TopicLogAppended, LogAppended{RunID: w.runID, StepID: w.stepID, Seq: w.unemitted})
	w.lastEmit, w.unemitted = time.Now(), 0
}

// Add buffers a chunk, waiting while maxBuffered bytes are not yet stored. It keeps c.Data,
// so the caller must not reuse it.
func (w *logWriter) Add(c runner.Chunk) {
	w.mu.Lock()
	for w.buffered >= maxBuffered && w.err == nil {
		w.drained.Wait()
	}
	if w.err != nil {
		w.mu.Unlock()
		return
	}
	stream := streamCode(c.Stream)
	if n := len(w.pending); n > 0 && w.pending[n-1].Stream == stream && len(w.pending[n-1].Data)+len(c.Data) <= maxRowBytes {
		w.pending[n-1].Data = append(w.pending[n-1].Data, c.Data...)
	} else {
		w.seq++
		w.pending = append(w.pending, store.LogChunk{Seq: w.seq, TimeMs: c.Time.UnixMilli(), Stream: stream, Data: c.Data})
	}
	w.buffered += len(c.Data)
	full := w.buffered >= flushBytes
	w.mu.Unlock()
	if full {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

// flush stores what is buffered; only the loop goroutine calls it, so batches stay in order.
func (w *logWriter) flush() {
	w.mu.Lock()
	batch := w.pending
	w.pending = nil
	w.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := w.store.AppendLog(context.Background(), w.stepID, batch)
	size := 0
	for _, c := range batch {
		size += len(c.Data)
	}
	w.mu.Lock()
	w.buffered -= size
	if err != nil && w.err == nil {
		w.err = err
	}
	w.drained.Broadcast()
	w.mu.Unlock()
	if err == nil {
		w.unemitted = batch[len(batch)-1].Seq
	}
}

// Close stores what is buffered and stops the writer. It returns the first store error.
func (w *logWriter) Close() error {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
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
