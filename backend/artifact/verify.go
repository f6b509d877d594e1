package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
)

// Reader opens b's stored bytes for reading. The reader verifies what it yields: when the bytes
// do not hash to b.SHA256 or have another size, Read returns an error wrapping ErrTampered, at
// io.EOF at the latest, and as soon as the file grows past b.Size when it is too long. A Blob
// the store does not hold gives an error wrapping ErrMissing.
func (s *Store) Reader(b Blob) (io.ReadCloser, error) {
	path, err := s.locate(b)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, s.openError(path, err)
	}
	return &verifier{f: f, path: path, want: b, h: sha256.New()}, nil
}

// Verify re-hashes b's stored bytes. It returns an error wrapping ErrTampered, naming the path
// and the expected and actual sha256 and size, when they differ, and one wrapping ErrMissing when
// the store does not hold b.
func (s *Store) Verify(b Blob) error {
	r, err := s.Reader(b)
	if err != nil {
		return err
	}
	defer r.Close()
	v := r.(*verifier)
	v.whole = true // read a too-long file to its end, so the message gives its actual sha256
	_, err = copyBuffered(io.Discard, r)
	return err
}

// locate returns b's path, or an error when b.SHA256 cannot be an address.
func (s *Store) locate(b Blob) (string, error) {
	path := s.Path(b)
	if path == "" || b.Size < 0 {
		return "", fmt.Errorf("artifact blob (sha256 %q, size %d): %w: it is invalid (want 64 lowercase hex digits and a size ≥ 0)",
			b.SHA256, b.Size, ErrMissing)
	}
	return path, nil
}

// openError wraps ErrMissing when path does not exist, else names the failure.
func (s *Store) openError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("artifact object %s: %w (store the artifact again)", path, ErrMissing)
	}
	return fmt.Errorf("artifact store: %w", err)
}

// verifier is a ReadCloser over a stored object that checks size and sha256 as it reads.
type verifier struct {
	f     *os.File
	path  string
	want  Blob
	h     hash.Hash
	n     int64 // bytes read so far
	whole bool  // keep hashing past want.Size, to report the actual sha256 of a too-long file
	err   error // sticky: once verification failed, every Read returns it
}

// Read reads from the object, hashing what it returns; see Store.Reader.
func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	switch {
	case v.n > v.want.Size && !v.whole:
		keep := n - int(v.n-v.want.Size) // the bytes up to want.Size
		v.err = v.tampered(fmt.Sprintf("more than %d bytes (stopped reading there)", v.want.Size))
		return keep, v.err
	case err == io.EOF:
		v.err = v.check()
		return n, v.err
	}
	return n, err
}

// Close closes the object.
func (v *verifier) Close() error { return v.f.Close() }

// check compares what was read, now complete, with the Blob; nil means io.EOF.
func (v *verifier) check() error {
	actual := hex.EncodeToString(v.h.Sum(nil))
	if v.n == v.want.Size && actual == v.want.SHA256 {
		return io.EOF
	}
	return v.tampered(fmt.Sprintf("sha256 %s, %d bytes", actual, v.n))
}

// tampered is the ErrTampered error for the object, with found saying what it holds.
func (v *verifier) tampered(found string) error {
	return fmt.Errorf("artifact object %s: %w: expected sha256 %s, %d bytes; found %s (delete the object and store the artifact again)",
		v.path, ErrTampered, v.want.SHA256, v.want.Size, found)
}
