package deploy

import (
	"bytes"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
)

// envFile is the text of a release's env file: one `export NAME='value'` line per
// variable, sorted, for `. FILE` in the shell that runs a command. It is written 0600 and
// is how secrets reach the target: never on a command line.
func envFile(vars map[string]string) []byte {
	var b bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		b.WriteString("export ")
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(shellQuote(vars[k]))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// shellQuote quotes s for sh: inside single quotes everything is literal but the single
// quote itself, which is closed, escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// withEnv is the command line that runs command with the variables of the env file at
// path: only the file's path is on the command line. The command starts on a line of its
// own, so that none of its operators binds to the sourcing (". f && app &" would source
// the file in the background shell only).
func withEnv(path, command string) string {
	return ". " + shellQuote(path) + " || exit 1\n" + command
}

// MinSecret is the length below which a value is no secret worth the name: hiding it would
// blank out ordinary words in every log. Deploys refuse shorter secret values.
const MinSecret = 4

// Scrubber hides secret values in text: each becomes "••••". Values shorter than MinSecret
// are skipped.
type Scrubber struct{ secrets []string }

// NewScrubber hides the given values, longest first (so a secret that contains another is
// hidden whole).
func NewScrubber(values []string) *Scrubber {
	var s []string
	for _, v := range values {
		if len(v) >= MinSecret {
			s = append(s, v)
		}
		// Output is scrubbed line by line: a multi-line secret (a PEM key, a JSON
		// credential) is hidden line by line too.
		for line := range strings.Lines(v) {
			if line = strings.TrimRight(line, "\r\n"); len(line) >= MinSecret && line != v {
				s = append(s, line)
			}
		}
	}
	slices.SortFunc(s, func(a, b string) int { return len(b) - len(a) })
	return &Scrubber{secrets: s}
}

// Scrub returns text with every secret value hidden.
func (s *Scrubber) Scrub(text string) string {
	for _, v := range s.secrets {
		text = strings.ReplaceAll(text, v, "••••")
	}
	return text
}

// lineWriter collects a command's output and hands it on line by line, scrubbed: a secret
// split across two writes is still whole in its line. Close flushes the last line.
type lineWriter struct {
	mu    sync.Mutex
	buf   []byte
	scrub *Scrubber
	line  func(string)
}

var _ io.WriteCloser = (*lineWriter)(nil)

// maxLine caps a line held back for its end: longer output is passed on in pieces.
const maxLine = 64 << 10

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 && len(w.buf) < maxLine {
			return len(p), nil
		}
		if i < 0 {
			i = len(w.buf) - 1
		}
		w.line(w.scrub.Scrub(strings.TrimRight(string(w.buf[:i+1]), "\r\n")))
		w.buf = w.buf[i+1:]
	}
}

// Close passes on what is left of the last line.
func (w *lineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.line(w.scrub.Scrub(string(w.buf)))
		w.buf = nil
	}
	return nil
}
