package sshx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// ShellQuote quotes s for a POSIX shell: one word, nothing expanded.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// pidLine starts every command: it prints the shell's PID, which is its process group (sshd
// starts each session in a new session and group), so that a cancelled command can be
// killed with all its children.
const pidLine = `echo "$$"; `

// remoteCommand is the line the login shell gets: sh -c runs the command in dir ("" → the
// login directory).
func remoteCommand(dir, command string) string {
	cd := ""
	if dir != "" {
		cd = "cd -- " + ShellQuote(dir) + " || exit 1; "
	}
	return "exec sh -c " + ShellQuote(pidLine+cd+command)
}

// Run runs command with sh -c in dir on the server, in a session of its own, with its output
// (stdout and stderr together) to out, and returns its exit status (128+N when signal N
// ended it). No environment variables are sent. When ctx ends, the command's process group
// is killed, the session closed, and Run returns ctx.Err(). err is also for a dropped
// connection, never for a non-zero status.
func (h *Host) Run(ctx context.Context, dir, command string, out io.Writer) (int, error) {
	if err := ctx.Err(); err != nil {
		return -1, err
	}
	s, err := h.newSession(ctx)
	if err != nil {
		return -1, fmt.Errorf("ssh: running %q on %s: opening a session: %w", command, h, err)
	}
	defer s.Close()
	w := &lockedWriter{w: out}
	pid := &pidWriter{w: w, got: make(chan struct{})}
	s.Stdout, s.Stderr = pid, w
	done := make(chan error, 1)
	if err := s.Start(remoteCommand(dir, command)); err != nil {
		return -1, fmt.Errorf("ssh: running %q on %s: %w", command, h, err)
	}
	go func() { done <- s.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = s.Signal(ssh.SIGKILL)
		select {
		case <-pid.got:
			h.killGroup(pid.pid)
		default:
		}
		s.Close()
		select { // the session ends when its channel closes
		case <-done:
		case <-time.After(connectTimeout):
		}
		return -1, ctx.Err()
	}
	var exit *ssh.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		if exit.Signal() != "" {
			return 128 + signalNumber(exit.Signal()), nil
		}
		return exit.ExitStatus(), nil
	default:
		return -1, fmt.Errorf("ssh: running %q on %s: %w (the connection may have dropped: check it and run again)", command, h, err)
	}
}

// killGroup kills process group pid on the server, from a session of its own.
func (h *Host) killGroup(pid int) {
	if pid <= 1 {
		return
	}
	s, err := h.client.NewSession()
	if err != nil {
		return
	}
	defer s.Close()
	p := strconv.Itoa(pid)
	_ = s.Run("kill -9 -" + p + " 2>/dev/null || kill -9 " + p + " 2>/dev/null")
}

// signalNumber is the Linux number of a signal sshd names without "SIG".
func signalNumber(name string) int {
	n := map[string]int{"HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "ABRT": 6, "FPE": 8, "KILL": 9,
		"SEGV": 11, "PIPE": 13, "ALRM": 14, "TERM": 15, "USR1": 10, "USR2": 12}[name]
	if n == 0 {
		return 127
	}
	return n
}

// RemoveAll removes p and what it holds; a missing p is no error. It runs rm -rf on the
// server: one round trip, where SFTP would need one per file.
func (h *Host) RemoveAll(p string) error {
	clean := path.Clean(p)
	if !path.IsAbs(clean) || clean == "/" {
		return h.fail("remove", p, errors.New("refusing to remove: the path must be absolute and not /"))
	}
	var out bytes.Buffer
	status, err := h.Run(context.Background(), "/", "rm -rf -- "+ShellQuote(clean), &out)
	if err != nil {
		return h.fail("remove", p, err)
	}
	if status != 0 {
		return h.fail("remove", p, fmt.Errorf("rm -rf exited with status %d: %s", status, bytes.TrimSpace(out.Bytes())))
	}
	return nil
}

// lockedWriter serializes the writes of stdout and stderr, which ssh copies concurrently.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		return len(b), nil
	}
	return l.w.Write(b)
}

// pidWriter takes the first line (pidLine's) off stdout and passes the rest on.
type pidWriter struct {
	w    io.Writer
	line []byte
	pid  int
	got  chan struct{} // closed once pid is read
	done bool
}

func (p *pidWriter) Write(b []byte) (int, error) {
	n := len(b)
	if !p.done {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.line = append(p.line, b...)
			return n, nil
		}
		p.line = append(p.line, b[:i]...)
		p.pid, _ = strconv.Atoi(string(p.line))
		p.done = true
		close(p.got)
		b = b[i+1:]
		if len(b) == 0 {
			return n, nil
		}
	}
	if _, err := p.w.Write(b); err != nil {
		return 0, err
	}
	return n, nil
}

// sessionTimeout bounds the opening of a session: a server whose connection still answers
// keepalives but no longer opens channels (its session process died) must not hold a deploy
// forever.
const sessionTimeout = 20 * time.Second

// newSession opens a session, giving up when ctx ends or the server has not answered within
// sessionTimeout; after a timeout the connection is closed, so that every other call on it
// fails at once instead of waiting too.
func (h *Host) newSession(ctx context.Context) (*ssh.Session, error) {
	type opened struct {
		s   *ssh.Session
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		s, err := h.client.NewSession()
		ch <- opened{s, err}
	}()
	timer := time.NewTimer(sessionTimeout)
	defer timer.Stop()
	select {
	case o := <-ch:
		return o.s, o.err
	case <-ctx.Done():
		go func() { // a session that opens after all is closed at once
			if o := <-ch; o.s != nil {
				o.s.Close()
			}
		}()
		return nil, ctx.Err()
	case <-timer.C:
		h.Close()
		return nil, fmt.Errorf("the server did not open a session within %s: the connection is closed", sessionTimeout)
	}
}
