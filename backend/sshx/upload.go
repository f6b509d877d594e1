package sshx

import (
	"io"
	"io/fs"
	"os"

	"github.com/pkg/sftp"
)

// uploadBuffer is how much upload gathers from small Writes before sending them: a Write
// larger than one SFTP packet (32 KiB) goes out as many packets in flight at once, where
// 32 KiB writes would wait for the server's answer to each.
const uploadBuffer = 1 << 20

// Create opens p for writing, truncated, with perm: the upload of an artifact. Writes go
// out as concurrent SFTP requests; io.Copy into it uses ReadFrom, which does the same.
// Close reports any write that failed.
func (h *Host) Create(p string, perm fs.FileMode) (io.WriteCloser, error) {
	f, err := h.sftp.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return nil, h.fail("create", p, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return nil, h.fail("create", p, err)
	}
	return &upload{h: h, path: p, f: f, buf: make([]byte, 0, uploadBuffer)}, nil
}

// upload is the writer Create returns.
type upload struct {
	h    *Host
	path string
	f    *sftp.File
	buf  []byte
	err  error // the first failure; every later call returns it
}

// Write buffers b and sends full buffers.
func (u *upload) Write(b []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	n := 0
	for len(b) > 0 {
		if len(u.buf) == 0 && len(b) >= uploadBuffer {
			// Big writes go out as they are.
			m, err := u.f.Write(b)
			n += m
			if err != nil {
				return n, u.failed(err)
			}
			return n, nil
		}
		c := copy(u.buf[len(u.buf):cap(u.buf)], b)
		u.buf = u.buf[:len(u.buf)+c]
		n += c
		b = b[c:]
		if len(u.buf) == cap(u.buf) {
			if err := u.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// ReadFrom sends what r holds with concurrent requests (io.Copy calls it).
func (u *upload) ReadFrom(r io.Reader) (int64, error) {
	if err := u.flush(); err != nil {
		return 0, err
	}
	n, err := u.f.ReadFromWithConcurrency(r, 0)
	if err != nil {
		return n, u.failed(err)
	}
	return n, nil
}

func (u *upload) flush() error {
	if u.err != nil {
		return u.err
	}
	if len(u.buf) == 0 {
		return nil
	}
	_, err := u.f.Write(u.buf)
	u.buf = u.buf[:0]
	if err != nil {
		return u.failed(err)
	}
	return nil
}

func (u *upload) failed(err error) error {
	if u.err == nil {
		u.err = u.h.fail("write", u.path, err)
	}
	return u.err
}

// Close sends what is buffered and closes the file.
func (u *upload) Close() error {
	ferr := u.flush()
	cerr := u.f.Close()
	if ferr != nil {
		return ferr
	}
	if cerr != nil && cerr != os.ErrClosed {
		return u.h.fail("close", u.path, cerr)
	}
	return nil
}
