package artifact

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Export writes a verified copy of b's bytes to dst with the given mode (not reduced by the
// umask). It writes a temp file next to dst and renames it over dst once the bytes have been
// read in full and verified, so dst is either the complete, verified copy or left as it was: on
// ErrTampered or ErrMissing nothing is left behind. The copy is fsynced unless the store skips
// fsync.
func (s *Store) Export(b Blob, dst string, mode fs.FileMode) error {
	r, err := s.Reader(b)
	if err != nil {
		return err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".export-*")
	if err != nil {
		return fmt.Errorf("artifact export: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed to dst
	if _, err := copyBuffered(tmp, r); err != nil {
		tmp.Close()
		return fmt.Errorf("artifact export to %s: %w", dst, err)
	}
	if err := s.finish(tmp, mode); err != nil {
		return fmt.Errorf("artifact export to %s: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("artifact export: %w", err)
	}
	return s.syncDir(filepath.Dir(dst))
}
