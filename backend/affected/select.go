package affected

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// Why values of a Selection for packages that changed themselves.
const WhyChanged = "changed"

// Selection says what to test and why.
type Selection struct {
	// All means: run everything, unchanged (first run, go.mod or go.sum changed, a file
	// that cannot be attributed, the graph could not load). Packages and Why are then nil.
	All bool `json:"all"`
	// Reason is human text: "go.mod changed", "1 package changed, 4 depend on it",
	// "no Go package is affected".
	Reason string `json:"reason"`
	// Packages are the import paths to test, sorted. Empty (and All false): no Go test is
	// affected.
	Packages []string `json:"packages"`
	// Why maps each of Packages to "changed", "imports P" or "test imports P", where P is
	// the next package on one shortest chain back to a changed package.
	Why map[string]string `json:"why"`
}

// Everything is the Selection that runs everything, for reason.
func Everything(reason string) Selection { return Selection{All: true, Reason: reason} }

// Empty reports whether the selection runs nothing.
func (s Selection) Empty() bool { return !s.All && len(s.Packages) == 0 }

// docNames are base names (upper-cased, before any extension) of files that no test reads.
var docNames = []string{"LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS", "CONTRIBUTORS",
	"CODEOWNERS", "CHANGELOG", "CHANGES", "README", "SECURITY", "CONTRIBUTING", "OWNERS",
	".GITIGNORE", ".GITATTRIBUTES", ".EDITORCONFIG", ".MAILMAP", ".DOCKERIGNORE"}

// docExts are extensions of documentation files.
var docExts = []string{".md", ".markdown", ".mdx", ".rst", ".adoc", ".asciidoc"}

// isDoc reports whether rel is documentation: changing it needs no Go test (unless a
// package embeds it, which Select checks first).
func isDoc(rel string) bool {
	base := path.Base(rel)
	if slices.Contains(docExts, strings.ToLower(path.Ext(base))) {
		return true
	}
	stem := strings.ToUpper(base)
	if i := strings.IndexByte(stem[1:], '.'); i >= 0 {
		stem = stem[:i+1]
	}
	return slices.Contains(docNames, stem)
}

// isModFile reports whether a change to rel changes the module graph itself.
func isModFile(rel string) bool {
	switch path.Base(rel) {
	case "go.mod", "go.sum", "go.work", "go.work.sum":
		return true
	}
	return rel == "vendor/modules.txt"
}

// testdataOwner returns the directory that holds the first testdata/ element of rel, and
// whether there is one.
func testdataOwner(rel string) (string, bool) {
	parts := strings.Split(rel, "/")
	for i, p := range parts[:len(parts)-1] {
		if p == "testdata" {
			return path.Join(append([]string{"."}, parts[:i]...)...), true
		}
	}
	return "", false
}

// goIgnoredDir reports whether a directory element of rel makes the go command skip the
// file: a directory whose name starts with "." or "_", or testdata.
func goIgnoredDir(rel string) bool {
	parts := strings.Split(rel, "/")
	for _, p := range parts[:len(parts)-1] {
		if p == "testdata" || p != ".." && p != "." && (strings.HasPrefix(p, ".") || strings.HasPrefix(p, "_")) {
			return true
		}
	}
	return false
}

// otherModule reports whether rel lies in a module nested in the repository that the graph
// does not use: a directory between rel and the root has a go.mod and is not one of the
// graph's modules.
func (g *Graph) otherModule(rel string) bool {
	if strings.HasPrefix(rel, "../") {
		return false
	}
	for dir := path.Dir(rel); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if g.mods[dir] {
			return false
		}
		if _, err := os.Stat(g.abs(path.Join(dir, "go.mod"))); err == nil {
			return true
		}
	}
	return false
}

// embedOwners returns the packages whose //go:embed patterns match rel, a file that the
// graph does not list (one added after Load), with the matching role.
func (g *Graph) embedOwners(rel string) []fileRef {
	var refs []fileRef
	for dir := path.Dir(rel); ; dir = path.Dir(dir) {
		if ip, ok := g.dirs[dir]; ok {
			p := g.pkgs[ip]
			sub := strings.TrimPrefix(rel, dir+"/")
			if dir == "." {
				sub = rel
			}
			if embedMatch(p.embed, sub) {
				refs = append(refs, fileRef{ip, roleEmbed})
			} else if embedMatch(p.testEmbed, sub) || embedMatch(p.xtestEmbed, sub) {
				refs = append(refs, fileRef{ip, roleTestEmbed})
			}
		}
		if dir == "." || dir == "/" || strings.HasPrefix(dir, "..") {
			return refs
		}
	}
}

// embedMatch reports whether one of the //go:embed patterns matches the file sub (a slash
// path relative to the package directory), directly or through a directory it names.
func embedMatch(patterns []string, sub string) bool {
	for _, pat := range patterns {
		pat = strings.TrimPrefix(pat, "all:")
		for p := sub; p != "." && p != "/"; p = path.Dir(p) {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}

// Select maps changed files (paths relative to the root; absolute paths inside the root
// work too) to the packages whose tests they can affect. The package doc lists the rules.
func (g *Graph) Select(changed []string) Selection {
	buildChanged := map[string]bool{}
	testChanged := map[string]bool{}
	mark := func(refs []fileRef) {
		for _, r := range refs {
			if r.role.build() {
				buildChanged[r.pkg] = true
			} else {
				testChanged[r.pkg] = true
			}
		}
	}
	for _, f := range changed {
		rel := g.rel(f)
		if rel == "" {
			continue
		}
		if isModFile(rel) {
			return Everything(rel + " changed")
		}
		if refs := g.files[rel]; len(refs) > 0 {
			mark(refs)
			continue
		}
		if refs := g.embedOwners(rel); len(refs) > 0 {
			mark(refs)
			continue
		}
		if strings.HasPrefix(rel, "../") {
			continue // outside the root, and no package of the graph owns it
		}
		dir := path.Dir(rel)
		if owner, ok := testdataOwner(rel); ok {
			if ip, ok := g.dirs[owner]; ok {
				testChanged[ip] = true
				continue
			}
			if _, err := os.Stat(g.abs(owner)); errors.Is(err, fs.ErrNotExist) || g.otherModule(rel) {
				continue // deleted along with its package, or another module's
			}
			return Everything(rel + " is test data of no package, and any test may read it")
		}
		if strings.HasSuffix(rel, ".go") {
			if ip, ok := g.dirs[dir]; ok && !goIgnoredDir(rel) {
				if strings.HasSuffix(rel, "_test.go") {
					testChanged[ip] = true
				} else {
					buildChanged[ip] = true
				}
				continue
			}
			if goIgnoredDir(rel) || g.otherModule(rel) {
				continue
			}
			// A package that is gone while others still import it: go list reports it,
			// with an error and without a directory.
			if ip := g.importPathOf(dir); ip != "" && g.pkgs[ip] != nil {
				buildChanged[ip] = true
				continue
			}
			if _, err := os.Lstat(g.abs(rel)); errors.Is(err, fs.ErrNotExist) {
				continue // a deleted file of a deleted package that nothing imports
			}
			return Everything("cannot tell which package " + rel + " belongs to")
		}
		if isDoc(rel) || g.otherModule(rel) {
			continue
		}
		if ip, ok := g.dirs[dir]; ok {
			testChanged[ip] = true
			continue
		}
		return Everything(rel + " belongs to no package, and any test may read it")
	}
	return g.closure(buildChanged, testChanged)
}

// closure selects the changed packages and every target whose tests depend on a package
// whose build changed, breadth first so that Why names one shortest chain.
func (g *Graph) closure(buildChanged, testChanged map[string]bool) Selection {
	why := map[string]string{}
	var queue []string // packages whose build changed, directly or through an import
	inQueue := map[string]bool{}
	for _, p := range sortedKeys(buildChanged) {
		why[p] = WhyChanged
		queue, inQueue[p] = append(queue, p), true
	}
	for _, p := range sortedKeys(testChanged) {
		why[p] = WhyChanged
	}
	// Everything whose build depends on a changed build.
	for i := 0; i < len(queue); i++ {
		q := queue[i]
		for _, p := range g.rbuild[q] {
			if inQueue[p] {
				continue
			}
			queue, inQueue[p] = append(queue, p), true
			if _, seen := why[p]; !seen {
				why[p] = "imports " + q
			}
		}
	}
	// Packages whose tests import any of those: their tests, and nothing further.
	for _, q := range queue {
		for _, p := range g.rtest[q] {
			if _, seen := why[p]; !seen {
				why[p] = "test imports " + q
			}
		}
	}
	sel := Selection{Why: map[string]string{}}
	changed, dependants := 0, 0
	for p, w := range why {
		if info := g.pkgs[p]; info == nil || !info.target {
			continue
		}
		sel.Packages = append(sel.Packages, p)
		sel.Why[p] = w
		if w == WhyChanged {
			changed++
		} else {
			dependants++
		}
	}
	slices.Sort(sel.Packages)
	sel.Reason = reason(changed, dependants)
	if len(sel.Packages) == 0 {
		sel.Packages, sel.Why = nil, nil
	}
	return sel
}

// reason is the human text of a selection of changed packages plus dependants.
func reason(changed, dependants int) string {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case changed == 0 && dependants == 0:
		return "no Go package is affected"
	case dependants == 0:
		return plural(changed, "package changed", "packages changed")
	case changed == 0:
		return plural(dependants, "package depends", "packages depend") + " on changed dependencies"
	}
	them := "them"
	if changed == 1 {
		them = "it"
	}
	return plural(changed, "package changed", "packages changed") + ", " +
		plural(dependants, "depends", "depend") + " on " + them
}

func sortedKeys(m map[string]bool) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}
