// Package runner runs one pipeline step as a child process and streams its
// output.
//
// A step is a shell command run with /bin/sh -c in its own process group,
// with stdin from /dev/null and stdout and stderr on separate pipes. Output is
// handed to a sink as it arrives, one timestamped chunk at a time; the sink is
// never called concurrently and never after Run returns.
//
// The whole process group is killed when the step is cancelled, when it times
// out, and when its main process exits while other members of the group are
// still running: SIGTERM first, then SIGKILL after a grace period. Run returns
// once the main process has exited, the group is gone and the output pipes are
// closed. A process that left the group (for example with setsid) cannot be
// killed by group; if it keeps the output pipes open, Run stops reading once
// they have been idle for Spec.WaitDelay and returns anyway.
//
// Chunks never split a UTF-8 character: an incomplete sequence at the end of
// a read waits for the rest. Output that is not UTF-8 passes unchanged.
//
// If Eightfold itself dies without cleaning up, the groups it started live
// on; Spec.OnStart tells the caller each Group so that it can record it and
// kill the survivors with KillStale on its next start.
package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// Defaults used when the matching Spec field is zero.
const (
	DefaultTimeout   = 30 * time.Minute
	DefaultMaxOutput = 50 << 20
	DefaultKillGrace = 2 * time.Second
	DefaultWaitDelay = time.Second
)

// readSize is the size of one read from an output pipe.
const readSize = 256 << 10

// Spec says what to run.
type Spec struct {
	Name      string        // step name, for messages
	Command   string        // shell command, run with /bin/sh -c
	Dir       string        // working directory; "" means the current one
	Env       []string      // full environment (KEY=VALUE); nil means os.Environ()
	Timeout   time.Duration // 0 means DefaultTimeout
	MaxOutput int64         // bytes of output passed to the sink; 0 means DefaultMaxOutput; <0 unlimited

	// KillGrace is how long the group has between SIGTERM and SIGKILL;
	// 0 means DefaultKillGrace.
	KillGrace time.Duration
	// WaitDelay is how long Run keeps waiting for output after the process
	// group is gone, for processes that escaped the group and still hold the
	// pipes; 0 means DefaultWaitDelay. Only time in which the pipes are idle
	// counts: output the group left in the pipes is always read to the end,
	// however long the sink takes over it.
	WaitDelay time.Duration
	// OnStart, if not nil, is called once with the step's process group right
	// after the process started and before any output reaches the sink. It
	// is not called for a step that could not start.
	OnStart func(Group)
	// Filter, if not nil, sees each piece of process output, in order, before the cap, and
	// returns what goes on to the cap and the sink (empty: nothing). A test report parser
	// reads the whole stream through it, however much of it the cap keeps. Calls are
	// serialised; it must not keep p.
	Filter func(stream Stream, p []byte) []byte
}

// withDefaults fills in the zero fields of s.
func (s Spec) withDefaults() Spec {
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if s.MaxOutput == 0 {
		s.MaxOutput = DefaultMaxOutput
	}
	if s.KillGrace <= 0 {
		s.KillGrace = DefaultKillGrace
	}
	if s.WaitDelay <= 0 {
		s.WaitDelay = DefaultWaitDelay
	}
	return s
}

// environ returns the step's environment with PWD pointing at its working
// directory, as a shell would set it.
func (s Spec) environ() []string {
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	if s.Dir == "" {
		return env
	}
	abs, err := filepath.Abs(s.Dir)
	if err != nil {
		return env
	}
	// exec.Cmd keeps the last of duplicate variables.
	return append(slices.Clip(env), "PWD="+abs)
}

// Result describes a finished step.
type Result struct {
	Status      Status
	ExitCode    int       // -1 when killed by a signal, timed out, cancelled or not started
	Started     time.Time // when the process was started (or Run gave up trying)
	Finished    time.Time // when Run returned
	OutputBytes int64     // all bytes the process wrote to stdout and stderr
	Truncated   bool      // output beyond Spec.MaxOutput was discarded
	Err         error     // why the step could not start; set only for status Error
}

// step is one started process and everything Run tracks about it.
type step struct {
	spec    Spec
	out     *output
	cmd     *exec.Cmd
	group   *group
	started time.Time
	exited  chan struct{} // closed once the main process has been reaped
	pipes   []*os.File    // read ends of stdout and stderr
	readers sync.WaitGroup
	clock   *idleClock // how long the readers have waited for output
}

// Run runs spec to completion and passes its output to sink, which may be
// nil. It always returns a Result; a step that could not start has status
// Error and Result.Err says why.
func Run(ctx context.Context, spec Spec, sink func(Chunk)) Result {
	spec = spec.withDefaults()
	out := newOutput(sink, spec.MaxOutput)
	out.filter = spec.Filter
	if ctx.Err() != nil {
		out.meta("step %q cancelled before it started%s", spec.Name, causeSuffix(ctx))
		return notStarted(Cancelled, nil)
	}
	s, err := start(spec, out)
	if err != nil {
		out.meta("%v", err)
		return notStarted(Error, err)
	}
	return s.supervise(ctx)
}

// notStarted is the Result of a step whose process never ran.
func notStarted(status Status, err error) Result {
	now := time.Now()
	return Result{Status: status, ExitCode: -1, Started: now, Finished: now, Err: err}
}

// start checks the working directory, then starts the shell in a new
// process group with its output on two pipes.
func start(spec Spec, out *output) (*step, error) {
	if err := checkDir(spec); err != nil {
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", spec.Command)
	cmd.Dir, cmd.Env = spec.Dir, spec.environ()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s := &step{spec: spec, out: out, cmd: cmd, exited: make(chan struct{}), clock: newIdleClock()}
	writers, err := s.openPipes()
	if err != nil {
		return nil, &StartError{Step: spec.Name, Msg: "cannot create output pipes; the system may be out of file descriptors", Err: err}
	}
	cmd.Stdout, cmd.Stderr = writers[0], writers[1]
	s.started = time.Now()
	err = cmd.Start()
	closeAll(writers)
	if err != nil {
		closeAll(s.pipes)
		return nil, startFailure(spec, err)
	}
	s.group = &group{pgid: cmd.Process.Pid, grace: spec.KillGrace}
	if spec.OnStart != nil {
		spec.OnStart(groupOf(s.group.pgid)) // before wait: /proc keeps a zombie until it is reaped
	}
	go s.wait()
	s.readers.Add(len(s.pipes))
	go s.read(s.pipes[0], Stdout)
	go s.read(s.pipes[1], Stderr)
	return s, nil
}

// openPipes creates the stdout and stderr pipes, keeps their read ends and
// returns their write ends.
func (s *step) openPipes() ([]*os.File, error) {
	var writers []*os.File
	for range 2 {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(s.pipes)
			closeAll(writers)
			s.pipes = nil
			return nil, err
		}
		growPipe(r)
		s.pipes = append(s.pipes, r)
		writers = append(writers, w)
	}
	return writers, nil
}

// pipeSize is the capacity asked for each output pipe (Linux's default is 64 KiB, and 1 MiB
// is the default limit for unprivileged processes). A larger pipe lets a step that floods
// its output write on while Eightfold reads in big pieces, with far fewer wake-ups.
const pipeSize = 1 << 20

// growPipe asks for a pipeSize pipe; when the kernel refuses, the default size stays.
func growPipe(f *os.File) {
	const fSetPipeSize = 1031 // F_SETPIPE_SZ (F_LINUX_SPECIFIC_BASE + 7)
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize, pipeSize)
	})
}

// closeAll closes files, ignoring errors (they are pipe ends we own).
func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// wait reaps the main process.
func (s *step) wait() {
	s.cmd.Wait() // the exit status is read from cmd.ProcessState
	close(s.exited)
}

// read copies one pipe to the output until EOF or until the pipe is closed.
// An incomplete UTF-8 sequence at the end of a read is held back and put in
// front of the next read's bytes; at the end it is passed on as it is.
func (s *step) read(f *os.File, stream Stream) {
	defer s.readers.Done()
	buf := make([]byte, readSize)
	held := 0
	for {
		n, err := f.Read(buf[held:])
		data := buf[:held+n]
		keep := 0
		if err == nil {
			keep = incompleteTail(data)
		}
		s.forward(stream, data[:len(data)-keep])
		if err != nil {
			return
		}
		held = copy(buf, data[len(data)-keep:])
	}
}

// forward passes p to the output and tells the idle clock meanwhile that
// this reader is busy, not waiting for output.
func (s *step) forward(stream Stream, p []byte) {
	if len(p) == 0 {
		return
	}
	s.clock.enter(len(p))
	defer s.clock.leave()
	s.out.write(stream, p)
}

// incompleteTail returns how many bytes at the end of p (0 to 3) are the
// start of a UTF-8 sequence that lacks continuation bytes. Bytes that cannot
// start a sequence are not counted.
func incompleteTail(p []byte) int {
	for i := 1; i <= min(len(p), utf8.UTFMax-1); i++ {
		if utf8.RuneStart(p[len(p)-i]) {
			if utf8.FullRune(p[len(p)-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}

// supervise waits for the step to end by itself, be cancelled or time out,
// cleans up the process group and the pipes, and builds the Result.
func (s *step) supervise(ctx context.Context) Result {
	status := s.waitForEnd(ctx)
	if status != 0 {
		s.stopMain()
	}
	leftovers := s.group.stop()
	forced := s.drain()
	s.reportCleanup(status, leftovers, forced)
	total, truncated := s.out.counts()
	if truncated {
		s.out.meta("output truncated: stored the first %s of %s; set log_limit to keep more",
			humanBytes(s.spec.MaxOutput), humanBytes(total))
	}
	res := Result{Started: s.started, OutputBytes: total, Truncated: truncated}
	res.Status, res.ExitCode = s.outcome(ctx, status)
	res.Finished = time.Now()
	return res
}

// waitForEnd blocks until the main process exits (returning 0), ctx is done
// (Cancelled) or the timeout expires (TimedOut). An exit that races with
// cancellation wins.
func (s *step) waitForEnd(ctx context.Context) Status {
	timer := time.NewTimer(s.spec.Timeout)
	defer timer.Stop()
	var status Status
	select {
	case <-s.exited:
		return 0
	case <-ctx.Done():
		status = Cancelled
	case <-timer.C:
		status = TimedOut
	}
	select {
	case <-s.exited:
		return 0
	default:
		return status
	}
}

// stopMain terminates the group and waits for the main process to exit,
// escalating to SIGKILL after the grace period.
func (s *step) stopMain() {
	s.group.terminate()
	grace := time.NewTimer(time.Until(s.group.deadline()))
	defer grace.Stop()
	select {
	case <-s.exited:
	case <-grace.C:
		s.group.kill()
		<-s.exited
	}
}

// drain waits for the readers to reach EOF. If something outside the group
// still holds a pipe and the readers have waited for output for WaitDelay
// in all, it closes the pipes to stop them; it reports whether it had to.
func (s *step) drain() (forced bool) {
	done := make(chan struct{})
	go func() {
		s.readers.Wait()
		close(done)
	}()
	s.clock.reset()
	forced = s.waitIdle(done)
	closeAll(s.pipes)
	<-done
	return forced
}

// waitIdle waits until done is closed (returning false) or the idle clock
// reaches WaitDelay (returning true).
func (s *step) waitIdle(done <-chan struct{}) bool {
	timer := time.NewTimer(s.spec.WaitDelay)
	defer timer.Stop()
	for {
		select {
		case <-done:
			return false
		case <-s.clock.changed:
		case <-timer.C:
		}
		left, paused := s.clock.left(s.spec.WaitDelay)
		switch {
		case left <= 0:
			return true
		case paused:
			timer.Stop()
		default:
			timer.Reset(left)
		}
	}
}

// reportCleanup tells the log about processes that outlived the main one.
func (s *step) reportCleanup(status Status, leftovers, forced bool) {
	if leftovers && status == 0 {
		s.out.meta("step %q exited but left processes running in its process group; killed them", s.spec.Name)
	}
	if forced {
		s.out.meta("step %q: a process outside its process group (started with setsid or as a daemon?) kept the output open; stopped reading after %v",
			s.spec.Name, s.spec.WaitDelay)
	}
}

// outcome turns how the step ended into a status and exit code, and writes
// the closing Meta message for steps that did not exit normally.
func (s *step) outcome(ctx context.Context, status Status) (Status, int) {
	switch status {
	case TimedOut:
		s.out.meta("step %q timed out after %v; killed its process group", s.spec.Name, s.spec.Timeout)
		return TimedOut, -1
	case Cancelled:
		s.out.meta("step %q cancelled%s; killed its process group", s.spec.Name, causeSuffix(ctx))
		return Cancelled, -1
	}
	state := s.cmd.ProcessState
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		s.out.meta("step %q was killed by a signal (%v)", s.spec.Name, ws.Signal())
		return Failed, -1
	}
	if state.ExitCode() == 0 {
		return Passed, 0
	}
	return Failed, state.ExitCode()
}

// causeSuffix describes why ctx was cancelled, if the canceller said so.
func causeSuffix(ctx context.Context) string {
	cause := context.Cause(ctx)
	if cause == nil || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return ""
	}
	return fmt.Sprintf(" (%v)", cause)
}
