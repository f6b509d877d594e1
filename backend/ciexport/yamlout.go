package ciexport

import (
	"regexp"
	"strconv"
	"strings"
)

// The generated files are written by a small YAML emitter rather than a marshaller, so that
// their layout is the one people write by hand (block mappings, short lists inline, commands
// as literal blocks) and is the same on every export.

// mapping is a YAML mapping whose keys keep their order.
type mapping []field

// field is one key of a mapping; a blank line goes before it when gap is set.
type field struct {
	key   string
	value any // string, int, bool, mapping, list or flow
	gap   bool
}

// list is a block sequence.
type list []any

// flow is a short sequence of scalars written on one line: [a, b].
type flow []string

// add appends key: value.
func (m *mapping) add(key string, value any) { *m = append(*m, field{key: key, value: value}) }

// emit writes v at the given indent (in spaces) to b.
func emit(b *strings.Builder, v any, indent int) {
	pad := strings.Repeat(" ", indent)
	switch v := v.(type) {
	case mapping:
		for _, f := range v {
			if f.gap {
				b.WriteString("\n")
			}
			b.WriteString(pad + key(f.key) + ":")
			emitValue(b, f.value, indent)
		}
	case list:
		for _, item := range v {
			b.WriteString(pad + "-")
			if m, ok := item.(mapping); ok && len(m) > 0 {
				var inner strings.Builder
				emit(&inner, m, indent+2)
				b.WriteString(" " + strings.TrimPrefix(inner.String(), pad+"  "))
				continue
			}
			emitValue(b, item, indent)
		}
	}
}

// emitValue writes what follows "key:" or "-".
func emitValue(b *strings.Builder, v any, indent int) {
	switch v := v.(type) {
	case mapping:
		emitCollection(b, v, len(v), " {}\n", indent)
	case list:
		emitCollection(b, v, len(v), " []\n", indent)
	case flow:
		items := make([]string, len(v))
		for i, s := range v {
			items[i] = flowScalar(s)
		}
		b.WriteString(" [" + strings.Join(items, ", ") + "]\n")
	case nil:
		b.WriteString("\n")
	case string:
		if !strings.Contains(strings.TrimSuffix(v, "\n"), "\n") {
			v = strings.TrimSuffix(v, "\n") // one line: its newline changes nothing
		}
		if isBlock(v) {
			b.WriteString(" |\n")
			for line := range strings.Lines(strings.TrimSuffix(v, "\n") + "\n") {
				if line == "\n" {
					b.WriteString(line)
					continue
				}
				b.WriteString(strings.Repeat(" ", indent+2) + line)
			}
			return
		}
		b.WriteString(" " + scalar(v) + "\n")
	case int:
		b.WriteString(" " + strconv.Itoa(v) + "\n")
	case bool:
		b.WriteString(" " + strconv.FormatBool(v) + "\n")
	}
}

// emitCollection writes a mapping or list on the lines below, or empty on this one.
func emitCollection(b *strings.Builder, v any, n int, empty string, indent int) {
	if n == 0 {
		b.WriteString(empty)
		return
	}
	b.WriteString("\n")
	emit(b, v, indent+2)
}

// isBlock reports whether s is written as a literal block: several lines, none of them
// starting with a space (which would need an indentation indicator) or carrying a tab or
// trailing space that a reader would not see.
func isBlock(s string) bool {
	if !strings.Contains(strings.TrimSuffix(s, "\n"), "\n") || strings.HasPrefix(s, " ") {
		return false
	}
	for line := range strings.Lines(s) {
		line = strings.TrimSuffix(line, "\n")
		if strings.TrimRight(line, " \t") != line || strings.ContainsFunc(line, func(r rune) bool { return r < ' ' }) {
			return false
		}
	}
	return true
}

// plainRE matches strings that read the same unquoted: no indicator first, no ": " or " #"
// inside, no trailing colon or space.
var plainRE = regexp.MustCompile(`^[A-Za-z0-9_$./~(=+][^\x00-\x1f]*$`)

// specialRE matches plain scalars that YAML would read as something other than a string.
var specialRE = regexp.MustCompile(`^(?i:true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.(inf|nan)|0x[0-9a-f]+|0o[0-7]+)$`)

// scalar writes s as a plain scalar when that reads back as the same string, else quoted.
func scalar(s string) string {
	switch {
	case plainRE.MatchString(s) && !specialRE.MatchString(s) && !strings.Contains(s, ": ") &&
		!strings.Contains(s, " #") && !strings.HasSuffix(s, ":") && !strings.HasSuffix(s, " "):
		return s
	case !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' }):
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strconv.Quote(s)
}

// key writes a mapping key: plain whenever the text allows, since a key is always read as a
// string by the engines (GitHub's on: included).
func key(s string) string {
	if plainRE.MatchString(s) && !strings.ContainsAny(s, ": #") {
		return s
	}
	return scalar(s)
}

// flowScalar is scalar inside [ ]: flow indicators force quotes.
func flowScalar(s string) string {
	if strings.ContainsAny(s, ",[]{}") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return scalar(s)
}
