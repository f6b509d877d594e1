package artifact

import (
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPut100MB stores a 100 MB file of random bytes, as the store does it (fsync) and
// without fsync, to show what durability costs. The file is made once, fsynced so that no
// writeback of it overlaps the timing, and read from the page cache. Each object is removed
// (untimed) before the next Put so that every Put really writes. bench/artifact-store.sh
// compares the figures with cp.
func BenchmarkPut100MB(b *testing.B) {
	src := randomFile(b, 100_000_000)
	for _, c := range []struct {
		name   string
		noSync bool
	}{{"fsync", false}, {"nofsync", true}} {
		b.Run(c.name, func(b *testing.B) {
			s, err := Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			s.noSync = c.noSync
			b.SetBytes(100_000_000)
			for b.Loop() {
				blob, err := s.Put(src)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := os.Remove(s.Path(blob)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// randomFile writes size random bytes to a file in tb's temp dir, fsyncs it and returns its path.
func randomFile(tb testing.TB, size int64) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "random.bin")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		tb.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		tb.Fatal(err)
	}
	return path
}
