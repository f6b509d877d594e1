package sshx

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"

	"github.com/pkg/sftp"
)

// fail wraps err from op on p: an fs.PathError naming the host, with SFTP's errors mapped
// to fs.ErrNotExist, fs.ErrExist and fs.ErrPermission where they mean that.
func (h *Host) fail(op, p string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sftp.ErrSSHFxConnectionLost) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("the SSH connection was lost (%w): check the network and the server, then retry", err)
	}
	var se *sftp.StatusError
	if errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxNoSuchFile {
		err = fs.ErrNotExist
	}
	return &fs.PathError{Op: op, Path: h.String() + ":" + p, Err: err}
}

// failCreate is fail for an operation that makes p: OpenSSH's SFTP server answers a plain
// "failure" when p exists, so that case is told by looking.
func (h *Host) failCreate(op, p string, err error) error {
	var se *sftp.StatusError
	if errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxFailure {
		if _, lerr := h.sftp.Lstat(p); lerr == nil {
			err = fs.ErrExist
		}
	}
	return h.fail(op, p, err)
}

// Mkdir makes one directory with perm, and fails with fs.ErrExist when path exists. The
// server's mkdir(2) is atomic, which the deploy lock relies on.
func (h *Host) Mkdir(p string, perm fs.FileMode) error {
	if err := h.sftp.Mkdir(p); err != nil {
		return h.failCreate("mkdir", p, err)
	}
	return h.fail("chmod", p, h.sftp.Chmod(p, perm))
}

// MkdirAll makes a directory and its parents with perm; an existing directory is no error.
func (h *Host) MkdirAll(p string, perm fs.FileMode) error {
	if st, err := h.sftp.Stat(p); err == nil {
		if st.IsDir() {
			return nil
		}
		return h.fail("mkdir", p, fmt.Errorf("%w: it is a file, not a directory", fs.ErrExist))
	}
	if parent := path.Dir(p); parent != p {
		if err := h.MkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := h.Mkdir(p, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// ReadFile reads a whole (small) file.
func (h *Host) ReadFile(p string) ([]byte, error) {
	f, err := h.sftp.Open(p)
	if err != nil {
		return nil, h.fail("read", p, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, h.fail("read", p, err)
	}
	return b, nil
}

// WriteFile writes a small file atomically: a temp file in the same directory, made perm
// before any data reaches it, synced, then renamed over p (posix-rename@openssh.com).
func (h *Host) WriteFile(p string, data []byte, perm fs.FileMode) error {
	tmp := tempName(p)
	f, err := h.sftp.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return h.fail("write", p, err)
	}
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil && h.fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = h.sftp.PosixRename(tmp, p)
	}
	if err != nil {
		_ = h.sftp.Remove(tmp)
		return h.fail("write", p, err)
	}
	return nil
}

// tempName is a new name beside p for a file that will be renamed to p.
func tempName(p string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return path.Join(path.Dir(p), "."+path.Base(p)+".tmp-"+hex.EncodeToString(b))
}

// AppendFile appends data to p, creating it with perm.
func (h *Host) AppendFile(p string, data []byte, perm fs.FileMode) error {
	f, err := h.sftp.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL)
	if err == nil {
		err = f.Chmod(perm)
	} else {
		f, err = h.sftp.OpenFile(p, os.O_WRONLY|os.O_APPEND)
		if err != nil {
			return h.fail("append", p, err)
		}
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return h.fail("append", p, err)
}

// Link makes newname a hard link to oldname (hardlink@openssh.com).
func (h *Host) Link(oldname, newname string) error {
	if err := h.sftp.Link(oldname, newname); err != nil {
		return h.failCreate("link", newname, err)
	}
	return nil
}

// Symlink makes link a symbolic link to target.
func (h *Host) Symlink(target, link string) error {
	if err := h.sftp.Symlink(target, link); err != nil {
		return h.failCreate("symlink", link, err)
	}
	return nil
}

// Readlink returns a symbolic link's target.
func (h *Host) Readlink(p string) (string, error) {
	s, err := h.sftp.ReadLink(p)
	if err != nil {
		return "", h.fail("readlink", p, err)
	}
	return s, nil
}

// Rename renames from to to, replacing to atomically when it exists
// (posix-rename@openssh.com: rename(2) on the server).
func (h *Host) Rename(from, to string) error {
	if err := h.sftp.PosixRename(from, to); err != nil {
		return h.fail("rename", from+" → "+to, err)
	}
	return nil
}

// ReadDir lists the names in a directory, sorted.
func (h *Host) ReadDir(p string) ([]string, error) {
	infos, err := h.sftp.ReadDir(p)
	if err != nil {
		return nil, h.fail("readdir", p, err)
	}
	names := make([]string, 0, len(infos))
	for _, fi := range infos {
		names = append(names, fi.Name())
	}
	slices.Sort(names)
	return names, nil
}

// Stat describes p, following symbolic links.
func (h *Host) Stat(p string) (fs.FileInfo, error) {
	fi, err := h.sftp.Stat(p)
	if err != nil {
		return nil, h.fail("stat", p, err)
	}
	return fi, nil
}
