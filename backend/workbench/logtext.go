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
	var sb strings.Builder
	sb.Grow(len(b))
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
