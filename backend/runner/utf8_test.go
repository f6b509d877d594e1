package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIncompleteTail(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "abc", 0},
		{"whole euro", "a€", 0},
		{"euro lead byte", "a\xe2", 1},
		{"euro without its last byte", "a\xe2\x82", 2},
		{"only a lead byte", "\xe2", 1},
		{"two-byte lead", "caf\xc3", 1},
		{"four-byte lead", "\xf0", 1},
		{"emoji without its last byte", "\xf0\x9f\x98", 3},
		{"whole emoji", "\xf0\x9f\x98\x80", 0},
		{"continuation bytes only", "\x80\x80\x80", 0},
		{"not a lead byte", "a\xff", 0},
		{"C0 is never a lead", "a\xc0", 0},
		{"F5 is never a lead", "a\xf5", 0},
		{"overlong start", "\xe0\x80", 0},
		{"surrogate start", "\xed\xa0", 0},
		{"beyond U+10FFFF", "\xf4\x90", 0},
		{"bad lead then a good one", "\xe2\xe2\x82", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := incompleteTail([]byte(tt.in)); got != tt.want {
				t.Errorf("incompleteTail(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzIncompleteTail cuts p anywhere and checks that what is held back of
// the cut is short and an incomplete sequence, and that holding it back
// turns any cut through valid UTF-8 into valid UTF-8.
func FuzzIncompleteTail(f *testing.F) {
	for _, s := range []string{"", "a€", "a\xe2\x82", "\xf0\x9f\x98\x80", "\xff", "\xe0\x80"} {
		f.Add([]byte(s), uint(len(s)))
		f.Add([]byte(s), uint(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, p []byte, cut uint) {
		q := p[:cut%uint(len(p)+1)]
		k := incompleteTail(q)
		if k < 0 || k > 3 || k > len(q) {
			t.Fatalf("incompleteTail(%q) = %d", q, k)
		}
		if tail := q[len(q)-k:]; k > 0 && (!utf8.RuneStart(tail[0]) || utf8.FullRune(tail)) {
			t.Errorf("incompleteTail(%q) holds %q, which is not an incomplete sequence", q, tail)
		}
		if utf8.Valid(p) && !utf8.Valid(q[:len(q)-k]) {
			t.Errorf("%q cut to %q and held back %d bytes is not valid", p, q, k)
		}
	})
}

// TestChunksKeepUTF8Whole: no chunk of a stream ends inside a UTF-8
// character, and the bytes arrive unchanged.
func TestChunksKeepUTF8Whole(t *testing.T) {
	euros := strings.Repeat("€", 400_000) // 1.2 MB: reads of 256 KiB end mid-character
	tests := []struct {
		name    string
		command string
		want    string
		valid   bool // every chunk must be valid UTF-8
	}{
		{"400,000 euro signs", "cat euros", euros, true},
		{"a character written in two parts", `printf '\342\202'; sleep 0.2; printf '\254\n'`, "€\n", true},
		{"an emoji written in four parts",
			`printf '\360'; sleep 0.1; printf '\237'; sleep 0.1; printf '\230'; sleep 0.1; printf '\200'`, "😀", true},
		{"an incomplete character at the end", `printf 'ok\342\202'`, "ok\xe2\x82", false},
		{"binary", `printf 'a\000b\377c\200\r\n\300'; sleep 0.1; printf '\365\355\240'`,
			"a\x00b\xffc\x80\r\n\xc0\xf5\xed\xa0", false},
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "euros"), []byte(euros), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			res := run(t, t.Context(), Spec{Name: "s", Dir: dir, Command: tt.command, MaxOutput: -1}, rec)
			if res.Status != Passed {
				t.Fatalf("status %v, stderr %q", res.Status, rec.text(Stderr))
			}
			if got := rec.text(Stdout); got != tt.want {
				t.Errorf("stdout differs: %d bytes, want %d (%.40q, want %.40q)", len(got), len(tt.want), got, tt.want)
			}
			for i, c := range rec.chunks {
				if tt.valid && !utf8.Valid(c.Data) {
					t.Errorf("chunk %d of %d (%d bytes) is not valid UTF-8: ends in %q", i, len(rec.chunks), len(c.Data), c.Data[max(0, len(c.Data)-3):])
				}
				if len(c.Data) > readSize {
					t.Errorf("chunk %d has %d bytes, more than the read size", i, len(c.Data))
				}
			}
		})
	}
}
