package workbench

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// operateJobs are the Operate view's jobs going on: log streams, restarts and stops, each
// with the cancel that ends it. Project.Close cancels them all and waits for them (they run
// under the project's WaitGroup).
type operateJobs struct {
	mu      sync.Mutex
	seq     int
	cancels map[string]context.CancelCauseFunc // by job id
	streams map[string]*logStream              // the log streams among them
	keep    time.Duration                      // how long a log stream lives without KeepLogs; 0: logKeepAlive
}

// startJob registers a job ("log-3", "restart-4": kind and a number) and returns its id, its
// context and the function that ends it (to call once it is over). A closing project starts
// none.
func (p *Project) startJob(kind string) (id string, ctx context.Context, done func(), err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return "", nil, nil, errorf(CodeConflict, "the project %s is closing", p.dir)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	j := &p.operate
	j.mu.Lock()
	j.seq++
	id = kind + "-" + strconv.Itoa(j.seq)
	if j.cancels == nil {
		j.cancels, j.streams = map[string]context.CancelCauseFunc{}, map[string]*logStream{}
	}
	j.cancels[id] = cancel
	j.mu.Unlock()
	p.wg.Add(1)
	return id, ctx, func() {
		j.mu.Lock()
		delete(j.cancels, id)
		delete(j.streams, id)
		j.mu.Unlock()
		cancel(nil)
		p.wg.Done()
	}, nil
}

// cancelAll cancels every job: the project is closing.
func (j *operateJobs) cancelAll() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, cancel := range j.cancels {
		cancel(errClosing)
	}
}

// cancel ends a job with cause; a job that is over is no error.
func (j *operateJobs) cancel(id string, cause error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cancel, ok := j.cancels[id]; ok {
		cancel(cause)
	}
}

// addStream makes a log stream findable by its id.
func (j *operateJobs) addStream(s *logStream) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.cancels[s.id]; ok { // not over already
		j.streams[s.id] = s
	}
}

// stream finds a log stream that is going.
func (j *operateJobs) stream(id string) (*logStream, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	s, ok := j.streams[id]
	return s, ok
}
