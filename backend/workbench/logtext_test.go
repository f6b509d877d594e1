package workbench

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestSafeText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "ok\n", "ok\n"},
		{"utf8 kept", "héllo ✓\n", "héllo ✓\n"},
		{"ansi kept", "\x1b[31mred\x1b[0m", "\x1b[31mred\x1b[0m"},
		{"tab cr kept", "a\tb\r\n", "a\tb\r\n"},
		{"nul and bell escaped", "a\x00b\x07", `a\x00b\x07`},
		{"invalid bytes escaped", "\xff\xfe", `\xff\xfe`},
		{"truncated rune escaped", "ok\xe2\x9c", `ok\xe2\x9c`},
		{"del escaped", "\x7f", `\x7f`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SafeText([]byte(c.in)); got != c.want {
				t.Errorf("SafeText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzSafeText(f *testing.F) {
	f.Add([]byte("\x1b[1mbold\x00\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := SafeText(b)
		if !utf8.ValidString(s) {
			t.Fatalf("not valid UTF-8: %q", s)
		}
		// It must survive a JSON round trip unchanged (nothing replaced by U+FFFD).
		j, _ := json.Marshal(s)
		var back string
		if err := json.Unmarshal(j, &back); err != nil || back != s {
			t.Fatalf("JSON round trip changed %q to %q (%v)", s, back, err)
		}
	})
}
