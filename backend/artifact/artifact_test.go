package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

// fixture is a store in a temp dir and a source file of known content.
type fixture struct {
	store   *Store
	dir     string // the store's dir
	src     string // the source file
	content []byte
	want    Blob // computed independently with crypto/sha256
}

func newFixture(t *testing.T, content []byte) fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "artifacts")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "app")
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	want := Blob{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content))}
	return fixture{store: s, dir: dir, src: src, content: content, want: want}
}

// put stores the fixture's source and checks the Blob.
func (f fixture) put(t *testing.T) Blob {
	t.Helper()
	b, err := f.store.Put(f.src)
	if err != nil {
		t.Fatal(err)
	}
	if b != f.want {
		t.Fatalf("Put = %+v, want %+v", b, f.want)
	}
	return b
}

// someBytes is content larger than one copy buffer, so reads come in several pieces.
func someBytes() []byte {
	return bytes.Repeat([]byte("release bytes 0123456789\n"), 100_000)
}

func TestPutRoundTrip(t *testing.T) {
	f := newFixture(t, someBytes())
	b := f.put(t)
	wantPath := filepath.Join(f.dir, "objects", b.SHA256[:2], b.SHA256[2:])
	if got := f.store.Path(b); got != wantPath {
		t.Fatalf("Path = %s, want %s", got, wantPath)
	}
	fi, err := os.Stat(wantPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o400 {
		t.Errorf("object mode = %v, want read-only and private 0400", fi.Mode().Perm())
	}
	for _, d := range []string{f.dir, filepath.Join(f.dir, "objects"), filepath.Join(f.dir, "tmp"), filepath.Dir(wantPath)} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, %v; want private 0700", d, fi.Mode().Perm(), err)
		}
	}
	if got := readAll(t, f.store, b); !bytes.Equal(got, f.content) {
		t.Fatalf("Reader gave %d bytes, not the %d stored", len(got), len(f.content))
	}
	if err := f.store.Verify(b); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	assertNoTemps(t, filepath.Join(f.dir, "tmp"))
}

func TestPutReader(t *testing.T) {
	f := newFixture(t, someBytes())
	b, err := f.store.PutReader(bytes.NewReader(f.content))
	if err != nil {
		t.Fatal(err)
	}
	if b != f.want {
		t.Fatalf("PutReader = %+v, want %+v", b, f.want)
	}
	if err := f.store.Verify(b); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestPutReaderFailing(t *testing.T) {
	f := newFixture(t, someBytes())
	broken := errors.New("disk on fire")
	_, err := f.store.PutReader(io.MultiReader(bytes.NewReader(f.content), iotest.ErrReader(broken)))
	if !errors.Is(err, broken) {
		t.Fatalf("PutReader error = %v, want it to wrap %v", err, broken)
	}
	assertNoTemps(t, filepath.Join(f.dir, "tmp"))
	assertNoTemps(t, filepath.Join(f.dir, "objects"))
}

func TestPutEmptyFile(t *testing.T) {
	f := newFixture(t, nil)
	b := f.put(t)
	if b.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("sha256 of nothing = %s", b.SHA256)
	}
	if got := readAll(t, f.store, b); len(got) != 0 {
		t.Fatalf("Reader gave %d bytes, want none", len(got))
	}
	if err := f.store.Verify(b); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestPutDedupes(t *testing.T) {
	f := newFixture(t, someBytes())
	first := f.put(t)
	second := f.put(t)
	if first != second {
		t.Fatalf("second Put = %+v, want %+v", second, first)
	}
	assertOneObject(t, f.dir)
	assertNoTemps(t, filepath.Join(f.dir, "tmp"))
}

// An object changed after the fact, keeping its size, is repaired by storing it again.
func TestPutRepairsTamperedObjectOfTheRightSize(t *testing.T) {
	f := newFixture(t, someBytes())
	b := f.put(t)
	tamper(t, f.store.Path(b), func(b []byte) []byte { b[len(b)/2] ^= 0x01; return b })
	assertTampered(t, f.store.Verify(b), f.store.Path(b), b)
	f.put(t)
	if err := f.store.Verify(b); err != nil {
		t.Fatalf("Verify after storing again: %v", err)
	}
	if fi, err := os.Stat(f.store.Path(b)); err != nil || fi.Mode().Perm() != 0o400 {
		t.Errorf("the repaired object: %v, %v; want mode 0400", fi, err)
	}
	assertOneObject(t, f.dir)
	assertNoTemps(t, filepath.Join(f.dir, "tmp"))
}

// Open makes the directories of a store made before they were private private.
func TestOpenMakesAnOldStorePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "artifacts")
	for _, d := range []string{"objects", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "objects"), filepath.Join(dir, "tmp")} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, %v; want 0700", d, fi.Mode().Perm(), err)
		}
	}
}

func TestPutReplacesObjectOfWrongSize(t *testing.T) {
	f := newFixture(t, someBytes())
	b := f.put(t)
	tamper(t, f.store.Path(b), func(b []byte) []byte { return b[:10] })
	f.put(t)
	if err := f.store.Verify(b); err != nil {
		t.Fatalf("Verify after storing again: %v", err)
	}
}

func TestPutConcurrentSameContent(t *testing.T) {
	f := newFixture(t, someBytes())
	var wg sync.WaitGroup
	blobs := make([]Blob, 8)
	errs := make([]error, 8)
	for i := range blobs {
		wg.Go(func() { blobs[i], errs[i] = f.store.Put(f.src) })
	}
	wg.Wait()
	for i := range blobs {
		if errs[i] != nil || blobs[i] != f.want {
			t.Fatalf("Put %d = %+v, %v; want %+v", i, blobs[i], errs[i], f.want)
		}
	}
	assertOneObject(t, f.dir)
	assertNoTemps(t, filepath.Join(f.dir, "tmp"))
	if err := f.store.Verify(f.want); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestPutRejectsWhatIsNotAFile(t *testing.T) {
	work := t.TempDir()
	s, err := Open(filepath.Join(work, "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(work, "bin", "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(work, "bin"), filepath.Join(work, "link")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	for _, c := range []struct{ src, want string }{
		{"bin/app", "artifact bin/app: is a directory; expected a file"},
		{"link", "artifact link: is a directory; expected a file"},
		{"bin/missing", "artifact bin/missing: no such file or directory"},
	} {
		t.Run(c.src, func(t *testing.T) {
			_, err := s.Put(c.src)
			if err == nil || err.Error() != c.want {
				t.Fatalf("Put(%q) error = %v, want %q", c.src, err, c.want)
			}
		})
	}
	if _, err := s.Put("bin/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source: %v does not wrap fs.ErrNotExist", err)
	}
}

func TestTamperedObjectIsDetected(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func([]byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)/2] ^= 0x01; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"appended", func(b []byte) []byte { return append(b, '!') }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, someBytes())
			b := f.put(t)
			tamper(t, f.store.Path(b), c.tamper)
			err := f.store.Verify(b)
			assertTampered(t, err, f.store.Path(b), b)
			if !strings.Contains(err.Error(), "found sha256 ") {
				t.Errorf("Verify error does not give the actual sha256: %v", err)
			}
			got, err := readAllErr(f.store, b)
			assertTampered(t, err, f.store.Path(b), b)
			if int64(len(got)) > b.Size {
				t.Errorf("Reader yielded %d bytes, more than the blob's %d", len(got), b.Size)
			}
		})
	}
}

func TestMissingObject(t *testing.T) {
	f := newFixture(t, someBytes())
	if err := f.store.Verify(f.want); !errors.Is(err, ErrMissing) {
		t.Fatalf("Verify of a blob never stored = %v, want ErrMissing", err)
	}
	if _, err := f.store.Reader(f.want); !errors.Is(err, ErrMissing) {
		t.Fatalf("Reader of a blob never stored = %v, want ErrMissing", err)
	}
	bad := Blob{SHA256: "../../etc/passwd", Size: 1}
	if f.store.Path(bad) != "" {
		t.Errorf("Path(%+v) = %q, want empty", bad, f.store.Path(bad))
	}
	if err := f.store.Verify(bad); !errors.Is(err, ErrMissing) {
		t.Errorf("Verify of an invalid blob = %v, want ErrMissing", err)
	}
}

func TestExport(t *testing.T) {
	f := newFixture(t, someBytes())
	b := f.put(t)
	out := t.TempDir()
	dst := filepath.Join(out, "app")
	if err := os.WriteFile(dst, []byte("an older release"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Export(b, dst, 0o750); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, f.content) {
		t.Fatalf("exported %d bytes, not the %d stored", len(got), len(f.content))
	}
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 {
		t.Errorf("exported mode = %v, want 0750", fi.Mode().Perm())
	}
	assertNoTemps(t, out, "app")
}

func TestExportRefusesTamperedObject(t *testing.T) {
	f := newFixture(t, someBytes())
	b := f.put(t)
	tamper(t, f.store.Path(b), func(b []byte) []byte { b[0] ^= 0xff; return b })
	out := t.TempDir()
	err := f.store.Export(b, filepath.Join(out, "app"), 0o755)
	assertTampered(t, err, f.store.Path(b), b)
	assertNoTemps(t, out)
	if err := f.store.Export(Blob{SHA256: strings.Repeat("0", 64)}, filepath.Join(out, "app"), 0o755); !errors.Is(err, ErrMissing) {
		t.Fatalf("Export of a missing blob = %v, want ErrMissing", err)
	}
	assertNoTemps(t, out)
}

// tamper rewrites the object at path with change applied to its bytes, as an accident would:
// after making it writable.
func tamper(t *testing.T, path string, change func([]byte) []byte) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, change(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, s *Store, b Blob) []byte {
	t.Helper()
	data, err := readAllErr(s, b)
	if err != nil {
		t.Fatalf("reading %+v: %v", b, err)
	}
	return data
}

func readAllErr(s *Store, b Blob) ([]byte, error) {
	r, err := s.Reader(b)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func assertTampered(t *testing.T, err error, path string, b Blob) {
	t.Helper()
	if !errors.Is(err, ErrTampered) {
		t.Fatalf("error = %v, want ErrTampered", err)
	}
	for _, want := range []string{path, "expected sha256 " + b.SHA256} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// assertOneObject checks that the store in dir holds exactly one object.
func assertOneObject(t *testing.T, dir string) {
	t.Helper()
	objects, err := filepath.Glob(filepath.Join(dir, "objects", "*", "*"))
	if err != nil || len(objects) != 1 {
		t.Fatalf("objects = %v (%v), want exactly one", objects, err)
	}
}

// assertNoTemps checks that dir holds nothing but the names in keep.
func assertNoTemps(t *testing.T, dir string, keep ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != strings.Join(keep, " ") {
		t.Fatalf("%s holds %v, want %v", dir, names, keep)
	}
}
