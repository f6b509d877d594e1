package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// Copy buffers (see the package doc for the measurements).
const (
	copyBufferSize = 1 << 20 // bytes per read and write
	hashChunks     = 4       // buffers in flight between hashCopy's reader and its hasher
)

// hashCopy copies r to w in one pass and returns the lowercase hex SHA-256 of the bytes copied.
// A second goroutine hashes each chunk while the next one is read and written, so with a core
// to spare the copy costs about as much as the hashing alone (SHA-256 is the slower half).
func hashCopy(w io.Writer, r io.Reader) (sum string, n int64, err error) {
	full := make(chan []byte, hashChunks)
	free := make(chan []byte, hashChunks)
	for range hashChunks {
		free <- make([]byte, copyBufferSize)
	}
	hashed := make(chan string)
	go func() {
		h := sha256.New()
		for chunk := range full {
			h.Write(chunk)
			free <- chunk[:cap(chunk)]
		}
		hashed <- hex.EncodeToString(h.Sum(nil))
	}()
	for err == nil {
		buf := <-free
		var m int
		m, err = copyChunk(w, r, buf)
		n += int64(m)
		full <- buf[:m]
	}
	close(full)
	sum = <-hashed
	if err == io.EOF {
		err = nil
	}
	return sum, n, err
}

// copyChunk reads once from r into buf and writes what it read to w. It returns how many bytes
// it copied and the error of either side (io.EOF at the end of r).
func copyChunk(w io.Writer, r io.Reader, buf []byte) (int, error) {
	m, rerr := r.Read(buf)
	if m > 0 {
		if _, err := w.Write(buf[:m]); err != nil {
			return 0, err
		}
	}
	return m, rerr
}

// copyBuffered copies r to w through a buffer of copyBufferSize. Hiding r's WriteTo (and w's
// ReadFrom) matters: *os.File's fallbacks copy through io.Copy's 32 KiB buffer instead.
func copyBuffered(w io.Writer, r io.Reader) (int64, error) {
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, make([]byte, copyBufferSize))
}
