package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// LocalHost is this machine: a target with `local: true`, for demos and tests.
type LocalHost struct{}

// Mkdir makes one directory; an existing one is an error wrapping fs.ErrExist.
func (LocalHost) Mkdir(path string, perm fs.FileMode) error { return os.Mkdir(path, perm) }

// MkdirAll makes a directory and its parents.
func (LocalHost) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }

// ReadFile reads a whole file.
func (LocalHost) ReadFile(path string) ([]byte, error) { return os.ReadFile(path) }

// WriteFile writes a temp file beside path with perm and renames it over path.
func (LocalHost) WriteFile(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename there is nothing left to remove
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// AppendFile appends data to path, creating it with perm.
func (LocalHost) AppendFile(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// Create opens path for writing, truncated, with perm.
func (LocalHost) Create(path string, perm fs.FileMode) (io.WriteCloser, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil { // the umask does not decide an artifact's mode
		f.Close()
		return nil, err
	}
	return f, nil
}

// Link makes a hard link.
func (LocalHost) Link(oldname, newname string) error { return os.Link(oldname, newname) }

// Symlink makes a symbolic link.
func (LocalHost) Symlink(target, link string) error { return os.Symlink(target, link) }

// Readlink reads a symbolic link.
func (LocalHost) Readlink(path string) (string, error) { return os.Readlink(path) }

// Rename renames, replacing the destination atomically.
func (LocalHost) Rename(from, to string) error { return os.Rename(from, to) }

// RemoveAll removes path and what it holds.
func (LocalHost) RemoveAll(path string) error { return os.RemoveAll(path) }

// ReadDir lists a directory's names, sorted.
func (LocalHost) ReadDir(path string) ([]string, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	slices.Sort(names)
	return names, nil
}

// Stat describes path.
func (LocalHost) Stat(path string) (fs.FileInfo, error) { return os.Stat(path) }

// localGrace is how long a cancelled command's process group has after SIGTERM before
// SIGKILL.
const localGrace = 2 * time.Second

// Run runs command with sh -c in dir, in a process group of its own that a cancel ends
// whole. A start command that leaves a server running in the background (nohup app &)
// without redirecting its output would hold the output pipe open forever: Run waits for
// the shell, then at most half a second more for the pipe.
func (LocalHost) Run(ctx context.Context, dir, command string, out io.Writer) (int, error) {
	cmd := shellCommand(dir, command)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 500 * time.Millisecond // a background child holding the pipe does not hold us
	return runGroup(ctx, cmd)
}

// shellCommand is command for sh -c in dir, in a process group of its own.
func shellCommand(dir, command string) *exec.Cmd {
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// runGroup starts cmd and waits for it; when ctx ends first, its process group gets
// SIGTERM, then SIGKILL after localGrace.
func runGroup(ctx context.Context, cmd *exec.Cmd) (int, error) {
	if err := cmd.Start(); err != nil {
		return -1, fmt.Errorf("run %q in %s: %w", cmd.Args[len(cmd.Args)-1], cmd.Dir, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return exitStatus(err)
	case <-ctx.Done():
		pgid := cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(localGrace):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-done
		}
		return -1, ctx.Err()
	}
}

// exitStatus turns Wait's error into an exit status; ErrWaitDelay (a background child kept
// the output open) is no failure of the command itself.
func exitStatus(err error) (int, error) {
	var ee *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		return 0, nil
	case errors.As(err, &ee):
		return ee.ExitCode(), nil
	}
	return -1, err
}

// String names this machine.
func (LocalHost) String() string { return "local" }

// Close does nothing: there is no connection.
func (LocalHost) Close() error { return nil }
