// Package deploy ships a release's artifacts to a target and switches to them only when
// they are healthy: lock, upload, switch, start, health gate, roll back on failure, unlock,
// prune. A target lives on a Host: this machine (LocalHost) or a server over SSH
// (backend/sshx).
package deploy

import (
	"context"
	"io"
	"io/fs"
)

// Host is where a target's releases live. Paths are absolute and slash-separated, on the
// host. Errors for a missing path wrap fs.ErrNotExist, and for an existing one fs.ErrExist,
// whatever the transport.
type Host interface {
	// Mkdir makes one directory and fails (fs.ErrExist) when it exists: the deploy lock
	// relies on that being atomic.
	Mkdir(path string, perm fs.FileMode) error
	// MkdirAll makes a directory and its parents; an existing directory is no error.
	MkdirAll(path string, perm fs.FileMode) error
	// ReadFile reads a whole (small) file.
	ReadFile(path string) ([]byte, error)
	// WriteFile writes a small file atomically: a temp file in the same directory with
	// perm, then a rename over path.
	WriteFile(path string, data []byte, perm fs.FileMode) error
	// AppendFile appends data to path, creating it with perm.
	AppendFile(path string, data []byte, perm fs.FileMode) error
	// Create opens path for writing, truncated, with perm: the upload of an artifact.
	Create(path string, perm fs.FileMode) (io.WriteCloser, error)
	// Link makes newname a hard link to oldname.
	Link(oldname, newname string) error
	// Symlink makes link a symbolic link to target.
	Symlink(target, link string) error
	// Readlink returns a symbolic link's target.
	Readlink(path string) (string, error)
	// Rename renames from to to, replacing to atomically when it exists (POSIX rename).
	Rename(from, to string) error
	// RemoveAll removes path and what it holds; a missing path is no error.
	RemoveAll(path string) error
	// ReadDir lists the names in a directory, sorted.
	ReadDir(path string) ([]string, error)
	// Stat describes path, following symbolic links.
	Stat(path string) (fs.FileInfo, error)
	// Run runs a shell command line (sh -c) in dir, with its output (stdout and stderr
	// together) to out, and returns its exit status. err is for what kept it from running
	// or finishing (a dropped connection, ctx done), not for a non-zero status.
	Run(ctx context.Context, dir, command string, out io.Writer) (status int, err error)
	// String names the host for people: "local", "deploy@example.com:22".
	String() string
	// Close releases the connection, if any.
	Close() error
}
