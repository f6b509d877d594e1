package runner

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutputCap(t *testing.T) {
	tests := []struct {
		name      string
		command   string
		max       int64
		total     int64
		truncated bool
		marker    string // expected truncation marker, "" for none
	}{
		{"200 MB into a 1 MiB cap", "head -c 200000000 /dev/zero", 1 << 20, 200_000_000, true,
			"\n[eightfold] output truncated: stored the first 1.0 MiB of 190.7 MiB; set log_limit to keep more\n"},
		{"both streams share the cap", "head -c 3000 /dev/zero; head -c 3000 /dev/zero >&2", 4096, 6000, true,
			"\n[eightfold] output truncated: stored the first 4.0 KiB of 5.9 KiB; set log_limit to keep more\n"},
		{"lines into a small cap", "yes | head -n 2000000", 10, 4_000_000, true,
			"[eightfold] output truncated: stored the first 10 B of 3.8 MiB; set log_limit to keep more\n"},
		{"exactly at the cap", "head -c 4096 /dev/zero", 4096, 4096, false, ""},
		{"unlimited", "head -c 5000000 /dev/zero", -1, 5_000_000, false, ""},
		{"default cap", "head -c 100 /dev/zero", 0, 100, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			res := run(t, t.Context(), Spec{Name: "s", Command: tt.command, MaxOutput: tt.max}, rec)
			if res.Status != Passed {
				t.Fatalf("status %v", res.Status)
			}
			if res.OutputBytes != tt.total || res.Truncated != tt.truncated {
				t.Errorf("OutputBytes %d, Truncated %v; want %d, %v", res.OutputBytes, res.Truncated, tt.total, tt.truncated)
			}
			kept := int64(len(rec.bytes(Stdout, Stderr)))
			if want := min(tt.total, max(tt.max, 0)); tt.max != 0 && tt.max >= 0 && kept != want {
				t.Errorf("sink got %d bytes of output, want %d", kept, want)
			}
			if tt.max < 0 && kept != tt.total {
				t.Errorf("sink got %d bytes of output, want all %d", kept, tt.total)
			}
			meta := rec.metaChunks()
			switch {
			case tt.marker == "" && len(meta) != 0:
				t.Errorf("unexpected meta chunks %q", meta)
			case tt.marker != "" && (len(meta) != 1 || meta[0] != tt.marker):
				t.Errorf("meta chunks %q, want exactly %q", meta, tt.marker)
			}
		})
	}
}

func TestBinaryOutputPassesUnchanged(t *testing.T) {
	dir := t.TempDir()
	blob := make([]byte, 1<<20+17) // not a multiple of the read size
	rand.Read(blob)
	if err := os.WriteFile(filepath.Join(dir, "blob"), blob, 0o600); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	res := run(t, t.Context(), Spec{Name: "s", Dir: dir, MaxOutput: -1,
		Command: `printf 'a\000b\377c\200\r\n' >&2; cat blob`}, rec)
	if res.Status != Passed {
		t.Fatalf("status %v", res.Status)
	}
	if got := rec.bytes(Stderr); !bytes.Equal(got, []byte("a\x00b\xffc\x80\r\n")) {
		t.Errorf("stderr %q", got)
	}
	if got := rec.bytes(Stdout); !bytes.Equal(got, blob) {
		t.Errorf("stdout differs from the file: %d bytes, want %d", len(got), len(blob))
	}
	for _, c := range rec.chunks {
		if len(c.Data) > readSize {
			t.Errorf("chunk of %d bytes, more than the read size", len(c.Data))
		}
	}
}

func TestMetaStartsOnItsOwnLine(t *testing.T) {
	tests := []struct {
		name, command, want string
	}{
		{"after a newline", "echo hi; kill -KILL $$", "[eightfold] step \"s\" was killed by a signal (killed)\n"},
		{"mid-line", "printf hi; kill -KILL $$", "\n[eightfold] step \"s\" was killed by a signal (killed)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			run(t, t.Context(), Spec{Name: "s", Command: tt.command}, rec)
			if got := rec.text(Meta); got != tt.want {
				t.Errorf("meta %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{1048575, "1.0 MiB"},
		{50 << 20, "50.0 MiB"},
		{1288490189, "1.2 GiB"},
		{1 << 62, "4.0 EiB"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			if got := humanBytes(tt.n); got != tt.want {
				t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	s := Spec{}.withDefaults()
	if s.Timeout != DefaultTimeout || s.MaxOutput != DefaultMaxOutput || s.KillGrace != DefaultKillGrace ||
		s.WaitDelay != DefaultWaitDelay || s.Env != nil {
		t.Errorf("defaults not applied: %+v", s)
	}
	if s := (Spec{MaxOutput: -1}).withDefaults(); s.MaxOutput != -1 {
		t.Errorf("negative MaxOutput became %d", s.MaxOutput)
	}
	if !strings.HasPrefix(humanBytes(DefaultMaxOutput), "50.0 MiB") {
		t.Errorf("default cap is %s", humanBytes(DefaultMaxOutput))
	}
}

// A filter sees all the output, before the cap, and the cap applies to what it returns.
func TestFilterSeesEverythingBeforeTheCap(t *testing.T) {
	var seen bytes.Buffer
	spec := Spec{Name: "filter", Command: "for i in 1 2 3 4 5; do echo line$i; done; echo err >&2", MaxOutput: 8,
		Filter: func(s Stream, p []byte) []byte {
			if s != Stdout {
				return p
			}
			seen.Write(p)
			return bytes.ToUpper(bytes.ReplaceAll(p, []byte("line"), nil))
		}}
	var kept bytes.Buffer
	res := Run(context.Background(), spec, func(c Chunk) {
		if c.Stream != Meta {
			kept.Write(c.Data)
		}
	})
	if seen.String() != "line1\nline2\nline3\nline4\nline5\n" {
		t.Errorf("the filter saw %q", seen.String())
	}
	// 10 bytes of filtered stdout ("1\n".."5\n") and 4 of stderr: the cap of 8 keeps 8.
	if kept.Len() != 8 || !res.Truncated || res.OutputBytes != 34 {
		t.Errorf("kept %q, truncated %v, total %d", kept.String(), res.Truncated, res.OutputBytes)
	}
}

func TestFilterThatShrinksIsNotTruncation(t *testing.T) {
	spec := Spec{Name: "shrink", Command: "echo aaaaaaaaaaaaaaaaaaaa", MaxOutput: 8,
		Filter: func(s Stream, p []byte) []byte { return p[:1] }}
	res := Run(context.Background(), spec, func(Chunk) {})
	if res.Truncated {
		t.Error("output a filter shrank under the cap was marked truncated")
	}
}
