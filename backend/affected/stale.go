package affected

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Stale reports whether changed (paths relative to the root) may have changed the graph
// itself, so that it must be reloaded before Select can be trusted:
//
//   - go.mod, go.sum, go.work, go.work.sum or vendor/modules.txt changed;
//   - a .go file the graph lists is gone, or a .go file it does not list exists (a new
//     file, or a new package), unless the go command ignores it (testdata/, _x/, .x/, a
//     nested module that the graph does not use);
//   - a changed .go file declares another package name, imports a path that its package's
//     files of the same kind (build, test, external test) did not import, or has a
//     //go:embed pattern its package did not have. Only the import block and the
//     //go:embed lines are read (go/parser with ImportsOnly), so this is cheap.
//
// Removed imports do not make the graph stale: the old graph then has an edge too many,
// which can only select more tests, never fewer. Stale reads the changed files; a file it
// cannot read or parse counts as a change of imports.
func (g *Graph) Stale(changed []string) bool {
	for _, f := range changed {
		if g.staleFile(g.rel(f)) {
			return true
		}
	}
	return false
}

func (g *Graph) staleFile(rel string) bool {
	if rel == "" {
		return false
	}
	if isModFile(rel) {
		return true
	}
	if !strings.HasSuffix(rel, ".go") {
		return false
	}
	var refs []fileRef
	for _, r := range g.files[rel] {
		if r.role == roleGo || r.role == roleIgnored || r.role == roleTest || r.role == roleXTest {
			refs = append(refs, r)
		}
	}
	src, err := os.ReadFile(g.abs(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return len(refs) > 0 // removed
	}
	if len(refs) == 0 {
		// Not in the graph: a new file, unless the go command would not see it.
		return !(goIgnoredDir(rel) || strings.HasPrefix(rel, "../") || g.otherModule(rel))
	}
	if err != nil {
		return true
	}
	pf, err := parseImportsSrc(rel, src)
	if err != nil {
		return true
	}
	embeds := embedPatterns(src)
	for _, r := range refs {
		p := g.pkgs[r.pkg]
		switch r.role {
		case roleGo:
			if pf.name != p.name || !subset(pf.imports, p.imports) || !within(embeds, p.embed) {
				return true
			}
		case roleTest:
			if pf.name != p.name || !subset(pf.imports, p.testImports) || !within(embeds, p.testEmbed) {
				return true
			}
		case roleXTest:
			if pf.name != p.name+"_test" || !subset(pf.imports, p.xtestImports) || !within(embeds, p.xtestEmbed) {
				return true
			}
		case roleIgnored:
			old, ok := p.ignored[path.Base(rel)]
			if !ok || pf.name != old.name || !within(pf.imports, old.imports) {
				return true
			}
		}
	}
	return false
}

// subset reports whether every import is in have ("C", cgo's pseudo-package, always is).
func subset(imports []string, have map[string]bool) bool {
	for _, imp := range imports {
		if imp != "C" && !have[imp] {
			return false
		}
	}
	return true
}

// within reports whether every element of xs is in have.
func within(xs, have []string) bool {
	for _, x := range xs {
		if !slices.Contains(have, x) {
			return false
		}
	}
	return true
}

// embedPatterns returns the patterns of the //go:embed lines of a Go source file, as the
// go command reports them (unquoted).
func embedPatterns(src []byte) []string {
	var pats []string
	for line := range strings.Lines(string(src)) {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, "//go:embed")
		if !ok || rest == "" || rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		pats = append(pats, splitEmbedArgs(rest)...)
	}
	return pats
}

// splitEmbedArgs splits the arguments of a //go:embed line: space-separated words, each
// possibly a Go string literal ("…" or `…`).
func splitEmbedArgs(s string) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out
		}
		var word string
		switch s[0] {
		case '"', '`':
			end := 1
			for end < len(s) && s[end] != s[0] {
				if s[0] == '"' && s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(s) {
				return append(out, s) // unterminated: keep as is, so it never matches
			}
			lit := s[:end+1]
			if u, err := strconv.Unquote(lit); err == nil {
				word = u
			} else {
				word = lit
			}
			s = s[end+1:]
		default:
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			word, s = s[:end], s[end:]
		}
		out = append(out, word)
	}
}
