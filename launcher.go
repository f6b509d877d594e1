//go:build launcher && !desktop && !bindings

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
// The file name holds a hash of the packed bytes, so each version unpacks once; an existing
// file is used only when it is ours, not writable by others and of the right size. A synced
// temp file and an atomic rename mean no launch ever runs a half-written file.
func unpackDesktop() (string, error) {
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(packedDesktop)
	path := filepath.Join(dir, "eightfold-desktop-"+hex.EncodeToString(sum[:8]))
	if fi, err := os.Lstat(path); err == nil {
		if private(fi) && fi.Size() == unpackedSize() {
			return path, nil
		}
		os.Remove(path) // damaged or not ours: unpack it again
	}
	raw, err := unzstd(packedDesktop)
	if err != nil {
		return "", fmt.Errorf("unpack the desktop window: %w", err)
	}
	if err := writeAtomic(dir, path, raw); err != nil {
		return "", fmt.Errorf("unpack the desktop window into %s: %w", dir, err)
	}
	removeOlder(dir, path)
	return path, nil
}

// cacheDir is the user's cache dir for Eightfold, which must be private to the user.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache dir for the desktop window: %w; set XDG_CACHE_HOME", err)
	}
	dir := filepath.Join(base, "eightfold")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return "", fmt.Errorf("check %s: %w", dir, err)
	}
	if !fi.IsDir() || !private(fi) {
		return "", fmt.Errorf("%s must be a directory of yours that others cannot write to (chmod 700 it), or set XDG_CACHE_HOME elsewhere", dir)
	}
	return dir, nil
}

// private reports whether fi is a file or directory (not a link) owned by this user and not
// writable by group or others.
func private(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.Mode()&os.ModeSymlink == 0 && fi.Mode().Perm()&0o022 == 0 && int(st.Uid) == os.Getuid()
}

func writeAtomic(dir, path string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".unpack-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o700)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// removeOlder deletes desktop builds of other versions, so that upgrades do not pile up.
func removeOlder(dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(dir, "eightfold-desktop-*"))
	for _, p := range old {
		if p != keep {
			os.Remove(p)
		}
	}
}

// unpackedSize is the desktop build's size as the zstd frame header records it; -1 when it
// does not, so that an existing file is never taken for complete.
func unpackedSize() int64 {
	var h zstd.Header
	if err := h.Decode(packedDesktop); err != nil || !h.HasFCS {
		return -1
	}
	return int64(h.FrameContentSize)
}

func unzstd(b []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	return dec.DecodeAll(b, nil)
}
