package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// testDeadline is handed to Run through the context so that a stuck child
// is killed; hangLimit catches a Run that does not return at all. Neither is
// a speed assertion.
const (
	testDeadline = 20 * time.Second
	hangLimit    = 40 * time.Second
)

// recorder is a sink that keeps every chunk and notices misuse: concurrent
// calls and calls after Run returned.
type recorder struct {
	mu       sync.Mutex
	chunks   []Chunk
	inFlight atomic.Int32
	overlap  atomic.Bool
	returned atomic.Bool
	late     atomic.Bool
	word     string        // what ready waits for
	ready    chan struct{} // closed when stdout contains word
	seen     bytes.Buffer
	slow     time.Duration // how long the sink takes over each chunk of output
	check    func(Chunk)   // called first with every chunk, if not nil
}

// newRecorder returns a recorder whose ready channel waits for "ready".
func newRecorder() *recorder {
	return newRecorderFor("ready")
}

// newRecorderFor returns a recorder whose ready channel waits for word.
func newRecorderFor(word string) *recorder {
	return &recorder{word: word, ready: make(chan struct{})}
}

func (r *recorder) sink(c Chunk) {
	if r.inFlight.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.inFlight.Add(-1)
	if r.returned.Load() {
		r.late.Store(true)
	}
	if r.check != nil {
		r.check(c)
	}
	if c.Stream != Meta {
		time.Sleep(r.slow) // a slow consumer, such as a busy database
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chunks = append(r.chunks, c)
	if c.Stream != Stdout || r.seen.Len() > 4096 {
		return
	}
	wasReady := bytes.Contains(r.seen.Bytes(), []byte(r.word))
	r.seen.Write(c.Data)
	if !wasReady && bytes.Contains(r.seen.Bytes(), []byte(r.word)) {
		close(r.ready)
	}
}

// bytes returns everything received on the given streams, in order.
func (r *recorder) bytes(streams ...Stream) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b []byte
	for _, c := range r.chunks {
		for _, s := range streams {
			if c.Stream == s {
				b = append(b, c.Data...)
			}
		}
	}
	return b
}

// text returns everything received on stream as a string.
func (r *recorder) text(stream Stream) string {
	return string(r.bytes(stream))
}

// metaChunks returns the Meta chunks as strings.
func (r *recorder) metaChunks() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.chunks {
		if c.Stream == Meta {
			out = append(out, string(c.Data))
		}
	}
	return out
}

// run calls Run with a test deadline on ctx and fails the test if Run does
// not return, calls the sink concurrently or calls it after returning.
func run(t *testing.T, ctx context.Context, spec Spec, rec *recorder) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, testDeadline)
	defer cancel()
	done := make(chan Result, 1)
	go func() { done <- Run(ctx, spec, rec.sink) }()
	var res Result
	select {
	case res = <-done:
	case <-time.After(hangLimit):
		t.Fatalf("Run(%q) did not return within %v", spec.Command, hangLimit)
	}
	rec.returned.Store(true)
	t.Cleanup(func() {
		if rec.overlap.Load() {
			t.Error("sink was called concurrently")
		}
		if rec.late.Load() {
			t.Error("sink was called after Run returned")
		}
	})
	return res
}

// waitReady waits until the step printed the recorder's word and reports whether it
// did within the test deadline. It is safe to call from any goroutine.
func waitReady(rec *recorder) bool {
	select {
	case <-rec.ready:
		return true
	case <-time.After(testDeadline):
		return false
	}
}

// readPIDs reads the pids a script wrote to path, one per line.
func readPIDs(t *testing.T, path string) []int {
	t.Helper()
	pids, err := parsePIDFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

// parsePIDFile reads the pids a script wrote to path, one per line.
func parsePIDFile(path string) ([]int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("bad pid %q in %s", f, path)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// killPIDFile kills the processes listed in pidfile, if any; tests use it
// to clean up processes that Run is not meant to kill.
func killPIDFile(pidfile string) {
	pids, _ := parsePIDFile(pidfile)
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// gone reports whether pid no longer runs: it does not exist or is a zombie
// waiting to be reaped by whoever inherited it.
func gone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	p, ok := readProc(pid)
	return !ok || p.zombie()
}

// assertGone waits (bounded) for every pid to be gone.
func assertGone(t *testing.T, pids []int) {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for !gone(pid) && time.Now().Before(end) {
			time.Sleep(20 * time.Millisecond)
		}
		if !gone(pid) {
			t.Errorf("process %d is still running after Run returned", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// ignoresTERM reports whether pid has SIGTERM ignored, from /proc/PID/status.
func ignoresTERM(pid int) (bool, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if hex, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return mask&(1<<(uint(syscall.SIGTERM)-1)) != 0, err
		}
	}
	return false, fmt.Errorf("no SigIgn in the status of %d", pid)
}
