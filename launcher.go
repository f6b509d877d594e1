//go:build launcher && !desktop

package main

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/klauspost/compress/zstd"
)

// The released eightfold is a pure-Go binary that carries the desktop build inside it,
// compressed. Terminal and browser commands never load GTK and WebKit (which alone costs
// 100-250 ms per process), while `eightfold open` unpacks the desktop build once into the
// user's cache dir and executes it. One file to install, fast commands, the same window.
//
//go:embed build/bin/eightfold-desktop.zst
var packedDesktop []byte

// runDesktop replaces this process with the desktop build, opening dir.
func runDesktop(dir, home string, _ fs.FS) error {
	if err := needDisplay(); err != nil {
		return err
	}
	path, err := unpackDesktop()
	if err != nil {
		return err
	}
	args := []string{path, "open", dir}
	if home != "" {
		args = append(args, "--home", home)
	}
	if err := syscall.Exec(path, args, os.Environ()); err != nil {
		return fmt.Errorf("start the desktop window %s: %w (is the cache dir on a noexec mount? set XDG_CACHE_HOME elsewhere)", path, err)
	}
	return nil
}

// unpackDesktop returns the path of the unpacked desktop build, unpacking it on first use.
// The file name holds a hash of the packed bytes, so each version unpacks once, and an
// atomic rename means two launches at once never see a half-written file.
func unpackDesktop() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache dir for the desktop window: %w; set XDG_CACHE_HOME", err)
	}
	dir := filepath.Join(base, "eightfold")
	sum := sha256.Sum256(packedDesktop)
	path := filepath.Join(dir, "eightfold-desktop-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	raw, err := unzstd(packedDesktop)
	if err != nil {
		return "", fmt.Errorf("unpack the desktop window: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".unpack-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return "", fmt.Errorf("unpack the desktop window into %s: %w", dir, err)
	}
	if err := tmp.Chmod(0o700); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

func unzstd(b []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	return dec.DecodeAll(b, nil)
}
