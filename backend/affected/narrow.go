package affected

import (
	"strings"
)

// Narrow rewrites a test command that runs the whole module, `go test [flags] ./...
// [flags]`, to run only the selected packages: `go test -json ./...` becomes
// `go test -json example.com/m/a example.com/m/b`. Flags, their order and quoting, and
// leading environment assignments (`CGO_ENABLED=0 go test ./...`) are kept as written.
//
// It returns ok=false, and the caller runs the command unchanged, when the command is not
// such a plain invocation: another program (`make test`), more than one command or any
// other shell syntax (|, &, ;, <, >, (, ), $, `, #, newlines), `go test -C dir`, package
// patterns other than exactly one ./... (`go test ./pkg/...` tests part of the module, and
// the selection was made for all of it: narrowing it would need the package directories,
// so it is left alone), or a flag Narrow does not know followed by a word that may be its
// value.
//
// With ok=true: when sel.All the command comes back unchanged; when sel selects no package
// the command is "" (nothing to test: skip the step, as `go test` with no package would
// test the current directory instead).
func Narrow(command string, sel Selection) (string, bool) {
	words, ok := shellWords(command)
	if !ok {
		return command, false
	}
	i := 0
	for i < len(words) && isAssignment(words[i]) {
		i++
	}
	if i+1 >= len(words) || !isGoCommand(words[i].value) || words[i+1].value != "test" {
		return command, false
	}
	pattern := -1
	value := false // the next word is a flag's value
	for j := i + 2; j < len(words); j++ {
		w := words[j].value
		switch {
		case value:
			value = false
		case len(w) > 1 && w[0] == '-':
			name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
			name = strings.TrimPrefix(name, "test.")
			switch {
			case name == "C":
				return command, false // ./... would be relative to another directory
			case name == "args":
				j = len(words) // the rest goes to the test binaries
			case hasValue || boolFlags[name]:
			case valueFlags[name]:
				value = true
			}
		case w == "./..." && pattern < 0:
			pattern = j
		default:
			return command, false // another package pattern, or an ambiguous value
		}
	}
	if pattern < 0 {
		return command, false
	}
	if sel.All {
		return command, true
	}
	if len(sel.Packages) == 0 {
		return "", true
	}
	quoted := make([]string, len(sel.Packages))
	for k, p := range sel.Packages {
		quoted[k] = shellQuote(p)
	}
	w := words[pattern]
	return command[:w.start] + strings.Join(quoted, " ") + command[w.end:], true
}

// boolFlags are go test's (and go build's) flags that take no value.
var boolFlags = setOf("a", "n", "x", "v", "work", "race", "msan", "asan", "cover", "json",
	"short", "failfast", "fullpath", "benchmem", "c", "i", "trimpath", "linkshared",
	"modcacherw", "buildvcs", "artifacts", "paniconexit0")

// valueFlags are go test's (and go build's) flags that take a value, which may be the
// next word.
var valueFlags = setOf("p", "asmflags", "buildmode", "compiler", "gccgoflags", "gcflags",
	"installsuffix", "ldflags", "mod", "modfile", "overlay", "pgo", "pkgdir", "tags",
	"toolexec", "covermode", "coverpkg", "o", "exec", "vet", "bench", "benchtime", "count",
	"coverprofile", "cpu", "fuzz", "fuzzminimizetime", "fuzztime", "list", "parallel", "run",
	"shuffle", "skip", "timeout", "blockprofile", "blockprofilerate", "cpuprofile",
	"memprofile", "memprofilerate", "mutexprofile", "mutexprofilefraction", "outputdir",
	"trace", "testlogfile", "gocoverdir")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// isGoCommand reports whether a command word runs the go command.
func isGoCommand(w string) bool { return w == "go" || strings.HasSuffix(w, "/go") }

// isAssignment reports whether a word is a leading VAR=value environment assignment.
func isAssignment(w word) bool {
	name, _, ok := strings.Cut(w.raw, "=")
	if !ok || name == "" {
		return false
	}
	for k, c := range name {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || k > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// word is one shell word of a command: its value after quote removal and where it is.
type word struct {
	value      string
	raw        string
	start, end int
}

// shellWords splits a command into words the way sh would, for the subset of sh that
// Narrow understands: words separated by blanks, with '…', "…" and \ quoting. It returns
// ok=false for anything else (operators, substitutions, comments).
func shellWords(s string) ([]word, bool) {
	var words []word
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return words, true
		}
		if s[i] == '#' {
			return nil, false
		}
		start := i
		var b strings.Builder
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			c := s[i]
			switch c {
			case '|', '&', ';', '<', '>', '(', ')', '`', '$', '\n', '\r':
				return nil, false
			case '\'':
				end := strings.IndexByte(s[i+1:], '\'')
				if end < 0 {
					return nil, false
				}
				b.WriteString(s[i+1 : i+1+end])
				i += end + 2
			case '"':
				i++
				for {
					if i >= len(s) {
						return nil, false
					}
					c := s[i]
					if c == '"' {
						i++
						break
					}
					if c == '$' || c == '`' {
						return nil, false
					}
					if c == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
						i++
						c = s[i]
					}
					b.WriteByte(c)
					i++
				}
			case '\\':
				if i+1 >= len(s) || s[i+1] == '\n' {
					return nil, false
				}
				b.WriteByte(s[i+1])
				i += 2
			default:
				b.WriteByte(c)
				i++
			}
		}
		words = append(words, word{value: b.String(), raw: s[start:i], start: start, end: i})
	}
}

// shellQuote quotes s for sh when it holds anything but plain import-path characters.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.ContainsRune("._/-+@:,=%", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
