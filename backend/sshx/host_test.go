package sshx_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// The server runs on this machine: what the Host does over SSH is checked on the local disk.

func TestMkdir(t *testing.T) {
	_, h := connected(t)
	dir := filepath.Join(t.TempDir(), "lock")
	if err := h.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Fatalf("after Mkdir: %v %v", st, err)
	}
	err := h.Mkdir(dir, 0o700)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second Mkdir: %v, want fs.ErrExist", err)
	}
	if err := h.Mkdir(filepath.Join(dir, "no", "parent"), 0o700); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Mkdir without a parent: %v, want fs.ErrNotExist", err)
	}
	deep := filepath.Join(dir, "a", "b", "c")
	if err := h.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := h.MkdirAll(deep, 0o755); err != nil {
		t.Errorf("MkdirAll of an existing dir: %v", err)
	}
	if st, err := os.Stat(deep); err != nil || !st.IsDir() {
		t.Errorf("after MkdirAll: %v", err)
	}
}

func TestReadWriteAppend(t *testing.T) {
	_, h := connected(t)
	dir := t.TempDir()
	if _, err := h.ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := h.Stat(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat of a missing file: %v, want fs.ErrNotExist", err)
	}
	env := filepath.Join(dir, "app.env")
	if err := os.WriteFile(env, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(env)
	if err := h.WriteFile(env, []byte("SECRET=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := h.ReadFile(env); err != nil || string(b) != "SECRET=1\n" {
		t.Errorf("ReadFile after WriteFile: %q %v", b, err)
	}
	st, err := h.Stat(env)
	if err != nil || st.Mode().Perm() != 0o600 || st.Size() != 9 {
		t.Errorf("Stat after WriteFile: %v %v", st, err)
	}
	after, _ := os.Stat(env)
	if os.SameFile(before, after) {
		t.Error("WriteFile wrote in place: it must rename a new file over the old one")
	}
	if names, _ := os.ReadDir(dir); len(names) != 1 {
		t.Errorf("WriteFile left files behind: %v", names)
	}

	log := filepath.Join(dir, "audit.log")
	for _, line := range []string{"one\n", "two\n"} {
		if err := h.AppendFile(log, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(log)
	if err != nil || string(b) != "one\ntwo\n" {
		t.Errorf("after two AppendFile: %q %v", b, err)
	}
	if st, _ := os.Stat(log); st.Mode().Perm() != 0o600 {
		t.Errorf("AppendFile made %v, want 0600", st.Mode().Perm())
	}
}

func TestCreateRoundTrip(t *testing.T) {
	_, h := connected(t)
	data := make([]byte, 5<<20+123)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, copyIn := range map[string]func(io.Writer) error{
		"io.Copy": func(w io.Writer) error { _, err := io.Copy(w, bytes.NewReader(data)); return err },
		"small writes": func(w io.Writer) error {
			for b := data; len(b) > 0; {
				n := min(len(b), 7000)
				if _, err := w.Write(b[:n]); err != nil {
					return err
				}
				b = b[n:]
			}
			return nil
		},
		"io.Copy from a file": func(w io.Writer) error {
			src := filepath.Join(t.TempDir(), "src")
			if err := os.WriteFile(src, data, 0o600); err != nil {
				return err
			}
			f, err := os.Open(src)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, f)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, "artifact")
			w, err := h.Create(p, 0o750)
			if err != nil {
				t.Fatal(err)
			}
			if err := copyIn(w); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if sha256.Sum256(got) != sha256.Sum256(data) {
				t.Errorf("the file on disk (%d bytes) differs from what was written (%d bytes)", len(got), len(data))
			}
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o750 {
				t.Errorf("Create made %v, want 0750", st.Mode().Perm())
			}
		})
	}
}

func TestLinksAndRename(t *testing.T) {
	_, h := connected(t)
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	if err := os.WriteFile(a, []byte("artifact"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b")
	if err := h.Link(a, b); err != nil {
		t.Fatal(err)
	}
	sa, _ := os.Stat(a)
	sb, err := os.Stat(b)
	if err != nil || !os.SameFile(sa, sb) || sb.Sys().(*syscall.Stat_t).Nlink != 2 {
		t.Errorf("Link: %v is not the same inode as %v (%v)", b, a, err)
	}
	if err := h.Link(a, b); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Link over an existing name: %v, want fs.ErrExist", err)
	}

	// releases/1 and releases/2; current → 1, then switched to 2 by symlink + rename.
	for _, r := range []string{"1", "2"} {
		if err := os.MkdirAll(filepath.Join(dir, "releases", r), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	current := filepath.Join(dir, "current")
	if err := h.Symlink("releases/1", current); err != nil {
		t.Fatal(err)
	}
	if err := h.Symlink("releases/1", current); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Symlink over an existing name: %v, want fs.ErrExist", err)
	}
	if err := h.Symlink("releases/2", current+".new"); err != nil {
		t.Fatal(err)
	}
	if err := h.Rename(current+".new", current); err != nil {
		t.Fatal(err)
	}
	if got, err := h.Readlink(current); err != nil || got != "releases/2" {
		t.Errorf("Readlink after the switch: %q %v", got, err)
	}
	if got, _ := os.Readlink(current); got != "releases/2" {
		t.Errorf("on disk current → %q", got)
	}
	if st, err := h.Stat(current); err != nil || !st.IsDir() {
		t.Errorf("Stat follows the link to a dir: %v %v", st, err)
	}
	if _, err := h.Readlink(filepath.Join(dir, "nolink")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Readlink of a missing link: %v", err)
	}
	if err := h.Rename(filepath.Join(dir, "nothing"), current); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Rename of a missing file: %v", err)
	}

	names, err := h.ReadDir(dir)
	if want := []string{"a", "b", "current", "releases"}; err != nil || !slices.Equal(names, want) {
		t.Errorf("ReadDir: %v %v, want %v", names, err, want)
	}
	if _, err := h.ReadDir(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir of a missing dir: %v", err)
	}
}

func TestRemoveAll(t *testing.T) {
	_, h := connected(t)
	dir := filepath.Join(t.TempDir(), "it's a dir")
	if err := os.MkdirAll(filepath.Join(dir, "x", "y"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x", "y", "f"), nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/", filepath.Join(dir, "root")); err != nil {
		t.Fatal(err)
	}
	if err := h.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after RemoveAll: %v", err)
	}
	if err := h.RemoveAll(dir); err != nil {
		t.Errorf("RemoveAll of a missing path: %v", err)
	}
	for _, p := range []string{"/", "relative/path", ""} {
		if err := h.RemoveAll(p); err == nil {
			t.Errorf("RemoveAll(%q) was not refused", p)
		}
	}
}
