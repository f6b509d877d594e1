package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// LockName is the file inside the data dir that writers lock with flock(2).
const LockName = "eightfold.lock"

// DirLock is a held advisory lock on a data dir. The kernel drops it when the process dies,
// so a crash never leaves a stale lock behind.
type DirLock struct {
	f *os.File
}

// Holder describes the process that holds a data dir's lock, as it wrote itself into the
// lock file.
type Holder struct {
	PID       int    `json:"pid"`
	Command   string `json:"command"`
	StartedAt string `json:"started_at"`
}

// LockedError says that another process holds the data dir.
type LockedError struct {
	Dir    string
	Holder Holder // zero when the holder could not be read
}

// Error says who holds the data dir and what to do.
func (e *LockedError) Error() string {
	who := "another Eightfold process"
	if e.Holder.PID > 0 {
		who = fmt.Sprintf("another Eightfold process (PID %d, %q, since %s)", e.Holder.PID, e.Holder.Command, e.Holder.StartedAt)
	}
	return fmt.Sprintf("the data dir %s is in use by %s; close it, or pass --home DIR to use another data dir (read-only commands such as `eightfold history` still work)", e.Dir, who)
}

// LockDir takes the exclusive advisory lock on dir without waiting. When another process
// holds it the error is a *LockedError naming that process.
func LockDir(dir string) (*DirLock, error) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir, Holder: readHolder(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := writeHolder(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("write lock holder to %s: %w", path, err)
	}
	return &DirLock{f: f}, nil
}

func writeHolder(f *os.File) error {
	h := Holder{PID: os.Getpid(), Command: strings.Join(os.Args, " "), StartedAt: time.Now().UTC().Format(time.RFC3339)}
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.WriteAt(append(b, '\n'), 0)
	return err
}

func readHolder(path string) Holder {
	var h Holder
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &h) // a half-written file just leaves the holder unknown
	}
	return h
}

// Release drops the lock.
func (l *DirLock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}
