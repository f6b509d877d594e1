package workbench

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SafeText turns stored output bytes into text that is safe to put on a screen or into JSON:
// valid UTF-8 passes through, ANSI escape sequences included (ESC is kept so faces can render
// colours); each invalid byte, and each control character other than tab, newline, carriage
// return and ESC, becomes the four characters \xNN.
func SafeText(b []byte) string {
	clean := 0
	for clean < len(b) && safeASCII(b[clean]) {
		clean++
	}
	if clean == len(b) {
		return string(b) // the common case: plain text, one copy
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	sb.Write(b[:clean])
	b = b[clean:]
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02x`, b[0])
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != 0x1b, r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		default:
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String()
}

// safeASCII reports whether c passes through SafeText unchanged on its own.
func safeASCII(c byte) bool {
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r' || c == 0x1b
}
