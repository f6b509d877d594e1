package testreport

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// gtEvent is a test2json event, with the fields the parser reads (cmd/test2json documents them).
// Its texts point into the line read or the decoder's buffer, until the next line.
type gtEvent struct {
	Action      []byte
	Package     []byte
	Test        []byte
	Elapsed     float64 // seconds
	Output      []byte
	FailedBuild []byte
	ImportPath  []byte // of build-output and build-fail events
}

// gtDecoder reads events without reflection: test2json writes flat objects of strings and one
// number. A line it is not sure of (nested values, surrogate escapes, invalid UTF-8, a key that
// matches a field only case-insensitively, bad JSON) is left to encoding/json, so both give the
// same events.
type gtDecoder struct {
	buf []byte // unescaped strings of the current line
}

// decode reads a line as an event; ok is false when it is not one.
func (d *gtDecoder) decode(line []byte) (e gtEvent, ok bool) {
	line = bytes.TrimLeft(line, " \t\r\n")
	if len(line) == 0 || line[0] != '{' {
		return e, false
	}
	d.buf = d.buf[:0]
	if e, ok = d.object(line); !ok {
		e, ok = gtDecodeSlow(line)
	}
	return e, ok && len(e.Action) > 0
}

// gtDecodeSlow reads a line with encoding/json.
func gtDecodeSlow(line []byte) (gtEvent, bool) {
	var e struct {
		Action, Package, Test, Output, FailedBuild, ImportPath string
		Elapsed                                                float64
	}
	if err := json.Unmarshal(line, &e); err != nil {
		return gtEvent{}, false
	}
	return gtEvent{
		Action: []byte(e.Action), Package: []byte(e.Package), Test: []byte(e.Test), Elapsed: e.Elapsed,
		Output: []byte(e.Output), FailedBuild: []byte(e.FailedBuild), ImportPath: []byte(e.ImportPath),
	}, true
}

// object reads a flat JSON object at the start of s, which is all of s but white space.
func (d *gtDecoder) object(s []byte) (e gtEvent, ok bool) {
	i := gtSpace(s, 1)
	if i < len(s) && s[i] == '}' {
		return e, gtSpace(s, i+1) == len(s)
	}
	for {
		var key []byte
		if key, i, ok = d.str(s, i); !ok {
			return e, false
		}
		if i = gtSpace(s, i); i >= len(s) || s[i] != ':' {
			return e, false
		}
		if i, ok = d.value(s, gtSpace(s, i+1), &e, key); !ok {
			return e, false
		}
		if i = gtSpace(s, i); i >= len(s) {
			return e, false
		}
		if s[i] == '}' {
			return e, gtSpace(s, i+1) == len(s)
		}
		if s[i] != ',' {
			return e, false
		}
		i = gtSpace(s, i+1)
	}
}

// value reads the value of key at s[i:] into e; it returns the index past it.
func (d *gtDecoder) value(s []byte, i int, e *gtEvent, key []byte) (int, bool) {
	field, elapsed, known := e.field(key)
	if !known {
		return i, false
	}
	switch {
	case i >= len(s):
		return i, false
	case s[i] == '"' && !elapsed:
		v, j, ok := d.str(s, i)
		if field != nil {
			*field = v
		}
		return j, ok
	case bytes.HasPrefix(s[i:], []byte("null")):
		return i + len("null"), true
	case (s[i] == '-' || '0' <= s[i] && s[i] <= '9') && field == nil:
		j := gtNumber(s, i)
		if j < 0 || !elapsed {
			return j, j >= 0
		}
		v, err := strconv.ParseFloat(string(s[i:j]), 64)
		e.Elapsed = v
		return j, err == nil
	case bytes.HasPrefix(s[i:], []byte("true")) && field == nil && !elapsed:
		return i + len("true"), true
	case bytes.HasPrefix(s[i:], []byte("false")) && field == nil && !elapsed:
		return i + len("false"), true
	}
	return i, false // an object, an array, a value of the wrong type, or not JSON
}

// field is where e keeps the value of key: a text field, or Elapsed; known is false for a key
// that encoding/json would match to a field without matching it exactly.
func (e *gtEvent) field(key []byte) (field *[]byte, elapsed, known bool) {
	switch string(key) {
	case "Action":
		return &e.Action, false, true
	case "Package":
		return &e.Package, false, true
	case "Test":
		return &e.Test, false, true
	case "Output":
		return &e.Output, false, true
	case "FailedBuild":
		return &e.FailedBuild, false, true
	case "ImportPath":
		return &e.ImportPath, false, true
	case "Elapsed":
		return nil, true, true
	case "Time": // on every line, not read
		return nil, false, true
	}
	for _, name := range []string{"Action", "Package", "Test", "Output", "FailedBuild", "ImportPath", "Elapsed"} {
		if bytes.EqualFold(key, []byte(name)) {
			return nil, false, false
		}
	}
	return nil, false, !slices.ContainsFunc(key, func(c byte) bool { return c >= utf8.RuneSelf }) // Unicode folds too
}

// str reads the JSON string at s[i:]; it returns its text and the index past it.
func (d *gtDecoder) str(s []byte, i int) ([]byte, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return nil, i, false
	}
	start, wide := i+1, false
	for j := start; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return s[start:j], j + 1, !wide || utf8.Valid(s[start:j])
		case c == '\\':
			return d.escaped(s, start, j)
		case c < ' ':
			return nil, j, false
		case c >= utf8.RuneSelf:
			wide = true
		}
	}
	return nil, len(s), false
}

// escaped reads the rest of a JSON string from its first backslash at s[j:], unescaping it into
// the decoder's buffer.
func (d *gtDecoder) escaped(s []byte, start, j int) ([]byte, int, bool) {
	begin := len(d.buf)
	d.buf = append(d.buf, s[start:j]...)
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			v := d.buf[begin:]
			return v, j + 1, utf8.Valid(v)
		case c < ' ':
			return nil, j, false
		case c != '\\':
			d.buf = append(d.buf, c)
			j++
			continue
		}
		if j+1 >= len(s) {
			return nil, j, false
		}
		if c, ok := gtUnescape(s[j+1]); ok {
			d.buf = append(d.buf, c)
			j += 2
			continue
		}
		r := gtHex4(s[j+1:])
		if r < 0 || utf16.IsSurrogate(r) {
			return nil, j, false
		}
		d.buf = utf8.AppendRune(d.buf, r)
		j += 6
	}
	return nil, j, false
}

// gtUnescape is the byte of one of JSON's one-letter escapes.
func gtUnescape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// gtHex4 reads the rune of a "uXXXX" escape at the start of s, or -1.
func gtHex4(s []byte) rune {
	if len(s) < 5 || s[0] != 'u' {
		return -1
	}
	r := rune(0)
	for _, c := range s[1:5] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}

// gtNumber reads a JSON number at s[i:]; it returns the index past it, or -1.
func gtNumber(s []byte, i int) int {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch n := gtDigits(s[i:]); {
	case n == 0:
		return -1
	case s[i] == '0': // a leading 0 stands alone
		i++
	default:
		i += n
	}
	if i < len(s) && s[i] == '.' {
		n := gtDigits(s[i+1:])
		if n == 0 {
			return -1
		}
		i += 1 + n
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		n := gtDigits(s[i:])
		if n == 0 {
			return -1
		}
		i += n
	}
	return i
}

// gtSpace skips JSON white space from s[i:].
func gtSpace(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}
