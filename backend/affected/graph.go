// Package affected decides which Go packages' tests a change can affect.
//
// Load reads a module's import graph once, with
//
//	go list -e -deps -test -json=<fields> ./...
//
// run in the module root as a child process (no gopls, no golang.org/x/tools), and records
// which package owns every file: Go sources, test sources, files that are embedded with
// //go:embed, C and assembly sources, and the files of build-ignored Go sources. Select maps
// a set of changed files to packages and adds every package of the main module whose tests
// depend on them, transitively through ordinary imports and, for the last step, through
// test imports (the _test.go files of P importing Q make P's tests depend on Q, and on
// everything Q depends on; nothing depends on P's tests). Stale says when the graph must be
// reloaded because go.mod, a file list or an import changed. Narrow rewrites a plain
// `go test … ./...` command to name the selected packages instead.
//
// How changed files are attributed (first rule that applies wins):
//
//   - go.mod, go.sum, go.work, go.work.sum (anywhere) and vendor/modules.txt: everything.
//   - A file the graph knows (a package's Go, cgo, C, assembly, syso or build-ignored Go
//     file, or an embedded file): that package, plus every package that depends on it. A
//     _test.go file or a file only tests embed: that package alone.
//   - A file that a package's //go:embed patterns match (a file added to an embedded
//     directory after the graph was loaded): as above.
//   - A file under a testdata/ directory: the tests of the package in the directory that
//     holds that testdata/ (tests read it by relative path); when no package is there,
//     everything, since any test may read it (nothing when that directory is gone).
//   - A .go file no package claims: a new file in a package's directory selects that
//     package and its dependants (Stale reports the graph as stale, so a Tracker reloads it
//     first); a file in a nested module that this module does not use, or in a directory Go
//     ignores (_x, .x), selects nothing; a file of a deleted package selects the packages
//     that still import it (go list reports it as missing), or nothing when none does; any
//     other .go file selects everything.
//   - Documentation (*.md, *.rst, *.adoc, LICENSE, .gitignore and the like) that is not
//     embedded: nothing.
//   - Any other file in a package's directory: that package's tests (they may read it).
//   - Any other file in a nested module that this module does not use: nothing.
//   - Any other file (frontend sources, scripts, CI files, fixtures that tests read by a
//     relative path such as ../../fixtures/x.json): everything, since no package owns it
//     and any test may read it. A project whose tests read no such file can add those
//     paths to watch.ignore, or keep them in a directory of their own module.
//
// Imports of build-ignored files (other GOOS, other build tags) count as imports, so one
// graph serves every build configuration: a package whose integration-tagged file imports
// Q is retested when Q changes, even though `go list` without that tag does not report
// the import. The graph assumes module mode (GOPATH-mode vendoring is not supported).
package affected

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// listFields are the go list fields Load needs; naming them lets go list skip the rest.
var listFields = strings.Join([]string{
	"ImportPath", "Name", "Dir", "Module", "Standard", "DepOnly", "ForTest",
	"Imports", "ImportMap", "TestImports", "XTestImports",
	"GoFiles", "CgoFiles", "IgnoredGoFiles", "IgnoredOtherFiles", "CFiles", "CXXFiles", "MFiles",
	"HFiles", "FFiles", "SFiles", "SwigFiles", "SwigCXXFiles", "SysoFiles",
	"TestGoFiles", "XTestGoFiles",
	"EmbedPatterns", "EmbedFiles", "TestEmbedPatterns", "TestEmbedFiles",
	"XTestEmbedPatterns", "XTestEmbedFiles",
}, ",")

// listPackage is one package of go list's JSON output (the fields Load asks for).
type listPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Module     *struct {
		Path    string
		Main    bool
		Dir     string
		Replace *struct {
			Path    string
			Version string
			Dir     string
		}
	}
	Standard bool
	DepOnly  bool
	ForTest  string

	Imports      []string
	ImportMap    map[string]string
	TestImports  []string
	XTestImports []string

	GoFiles, CgoFiles, IgnoredGoFiles, IgnoredOtherFiles         []string
	CFiles, CXXFiles, MFiles, HFiles, FFiles, SFiles             []string
	SwigFiles, SwigCXXFiles, SysoFiles                           []string
	TestGoFiles, XTestGoFiles                                    []string
	EmbedPatterns, EmbedFiles, TestEmbedPatterns, TestEmbedFiles []string
	XTestEmbedPatterns, XTestEmbedFiles                          []string
}

// role is what a file is to the package that owns it.
type role uint8

const (
	roleGo        role = iota // GoFiles, CgoFiles: compiled into the package
	roleIgnored               // IgnoredGoFiles: excluded by build constraints here
	roleOther                 // C, assembly, syso, …: part of the package's build
	roleEmbed                 // EmbedFiles
	roleTest                  // TestGoFiles
	roleXTest                 // XTestGoFiles (package p_test)
	roleTestEmbed             // TestEmbedFiles, XTestEmbedFiles
)

// build reports whether a change to a file of this role changes the package as its
// importers see it (as opposed to only its tests).
func (r role) build() bool { return r <= roleEmbed }

// fileRef says which package owns a file, and how.
type fileRef struct {
	pkg  string
	role role
}

// pkgInfo is one non-standard package of the graph.
type pkgInfo struct {
	path   string
	name   string
	dir    string // slash path relative to the root ("." for the root); "" when not local
	target bool   // matched by ./... (a package of the main module): its tests can run

	imports      map[string]bool // source import paths of GoFiles and CgoFiles
	testImports  map[string]bool
	xtestImports map[string]bool
	ignored      map[string]parsedFile // build-ignored Go files by base name

	embed, testEmbed, xtestEmbed []string // //go:embed patterns
}

// parsedFile is what Load read from a build-ignored Go file.
type parsedFile struct {
	name    string
	imports []string
}

// Graph is a module's package import graph, with the files of each package. It is not
// changed after Load, so any number of goroutines may use it at once.
type Graph struct {
	root   string   // absolute, clean
	roots  []string // root, and root with symlinks resolved when that differs
	pkgs   map[string]*pkgInfo
	files  map[string][]fileRef // slash path relative to root → owners
	dirs   map[string]string    // slash dir relative to root → import path of the package there
	rbuild map[string][]string  // Q → packages whose build imports Q
	rtest  map[string][]string  // Q → packages whose tests (not builds) import Q
	mods   map[string]bool      // slash dirs relative to root of the local modules in the graph
	mains  map[string]string    // slash dir relative to root → module path, of the main modules

	targets []string
	loaded  time.Time
	took    time.Duration
}

// Root is the absolute directory the graph was loaded in.
func (g *Graph) Root() string { return g.root }

// Packages are the import paths of the main module's packages (those whose tests can run),
// sorted.
func (g *Graph) Packages() []string { return slices.Clone(g.targets) }

// Loaded is when Load finished, and LoadTime how long it took.
func (g *Graph) Loaded() time.Time       { return g.loaded }
func (g *Graph) LoadTime() time.Duration { return g.took }

// LoadError is returned by Load when go list fails as a whole (a broken go.mod, no module
// in the directory, no go command). Errors in single packages do not fail Load.
type LoadError struct {
	Dir    string
	Stderr string // go list's standard error, trimmed
	Err    error
}

func (e *LoadError) Error() string {
	msg := "cannot list the Go packages in " + e.Dir
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	} else if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *LoadError) Unwrap() error { return e.Err }

// maxStderr bounds how much of go list's standard error a LoadError keeps.
const maxStderr = 4 << 10

// Load lists the packages of the Go module (or workspace) in root and its dependencies,
// with `go list -e -deps -test -json=… ./...` run in root, in its own process group that is
// killed when ctx ends. Only the main module's packages are test targets; dependencies in
// the repository (vendor/, local replacements) are part of the graph so that changes to
// them select their importers.
func Load(ctx context.Context, root string) (*Graph, error) {
	start := time.Now()
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("affected: %w", err)
	}
	abs = filepath.Clean(abs)
	out, err := goList(ctx, abs)
	if err != nil {
		return nil, err
	}
	g := newGraph(abs)
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, &LoadError{Dir: abs, Err: fmt.Errorf("reading go list output: %w", err)}
		}
		g.add(&p)
	}
	g.link()
	g.loaded = time.Now()
	g.took = g.loaded.Sub(start)
	return g, nil
}

// goList runs go list in dir and returns its standard output.
func goList(ctx context.Context, dir string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("affected: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "list", "-e", "-deps", "-test", "-json="+listFields, "./...")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limitedBuffer{max: maxStderr, buf: &stderr}
	err := cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // anything go list left behind
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("affected: listing packages in %s: %w", dir, ctx.Err())
		}
		return nil, &LoadError{Dir: dir, Stderr: strings.TrimSpace(stderr.String()), Err: err}
	}
	return stdout.Bytes(), nil
}

// limitedBuffer keeps the first max bytes written to it and drops the rest.
type limitedBuffer struct {
	max int
	buf *bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func newGraph(root string) *Graph {
	g := &Graph{
		root:   root,
		roots:  []string{root},
		pkgs:   map[string]*pkgInfo{},
		files:  map[string][]fileRef{},
		dirs:   map[string]string{},
		rbuild: map[string][]string{},
		rtest:  map[string][]string{},
		mods:   map[string]bool{},
		mains:  map[string]string{},
	}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != root {
		g.roots = append(g.roots, real)
	}
	return g
}

// rel turns a path into a clean slash path relative to the root, or "" when it is empty.
// Relative paths are taken as relative to the root already.
func (g *Graph) rel(p string) string {
	if p == "" {
		return ""
	}
	if filepath.IsAbs(p) {
		p = filepath.Clean(p)
		best := ""
		for _, r := range g.roots {
			if rp, err := filepath.Rel(r, p); err == nil && (best == "" || !strings.HasPrefix(rp, "..")) {
				best = rp
			}
		}
		p = best
	}
	return path.Clean(filepath.ToSlash(p))
}

// abs turns a slash path relative to the root into an absolute path.
func (g *Graph) abs(rel string) string { return filepath.Join(g.root, filepath.FromSlash(rel)) }

// add records one package of go list's output. Test variants ("p [p.test]"), external test
// packages ("p_test [p.test]") and generated test mains ("p.test") add nothing: the base
// entry of p already carries its test files and test imports.
func (g *Graph) add(p *listPackage) {
	if p.Standard || p.ForTest != "" || strings.Contains(p.ImportPath, " [") || isTestMain(p) {
		return
	}
	if _, dup := g.pkgs[p.ImportPath]; dup {
		return
	}
	info := &pkgInfo{
		path:         p.ImportPath,
		name:         p.Name,
		target:       !p.DepOnly,
		imports:      set(p.Imports, keys(p.ImportMap)),
		testImports:  set(p.TestImports),
		xtestImports: set(p.XTestImports),
		embed:        p.EmbedPatterns,
		testEmbed:    p.TestEmbedPatterns,
		xtestEmbed:   p.XTestEmbedPatterns,
	}
	g.pkgs[p.ImportPath] = info
	if p.Module != nil && (p.Module.Main || p.Module.Replace != nil && p.Module.Replace.Version == "") {
		if d := g.rel(p.Module.Dir); p.Module.Dir != "" && d != "" {
			g.mods[d] = true
			if p.Module.Main {
				g.mains[d] = p.Module.Path
			}
		}
	}
	if p.Dir == "" || !g.local(p) {
		return
	}
	info.dir = g.rel(p.Dir)
	if _, taken := g.dirs[info.dir]; !taken || info.target {
		g.dirs[info.dir] = p.ImportPath
	}
	own := func(r role, names ...[]string) {
		for _, list := range names {
			for _, name := range list {
				f := path.Join(info.dir, filepath.ToSlash(name))
				if !slices.Contains(g.files[f], fileRef{p.ImportPath, r}) {
					g.files[f] = append(g.files[f], fileRef{p.ImportPath, r})
				}
			}
		}
	}
	own(roleGo, p.GoFiles, p.CgoFiles)
	own(roleIgnored, p.IgnoredGoFiles)
	own(roleOther, p.IgnoredOtherFiles, p.CFiles, p.CXXFiles, p.MFiles, p.HFiles, p.FFiles,
		p.SFiles, p.SwigFiles, p.SwigCXXFiles, p.SysoFiles)
	own(roleEmbed, p.EmbedFiles)
	own(roleTest, p.TestGoFiles)
	own(roleXTest, p.XTestGoFiles)
	own(roleTestEmbed, p.TestEmbedFiles, p.XTestEmbedFiles)

	// Build-ignored files: read their imports, so that every build configuration's
	// dependencies are edges of the graph.
	for _, name := range p.IgnoredGoFiles {
		pf, err := parseImports(filepath.Join(p.Dir, name))
		if err != nil {
			continue
		}
		if info.ignored == nil {
			info.ignored = map[string]parsedFile{}
		}
		info.ignored[name] = pf
	}
}

// local reports whether a package's files live in the repository or in a local
// replacement, so that they can be edited (as opposed to the module cache).
func (g *Graph) local(p *listPackage) bool {
	if p.Module == nil || p.Module.Main || p.Module.Replace != nil && p.Module.Replace.Version == "" {
		return true
	}
	return !strings.HasPrefix(g.rel(p.Dir), "..")
}

// importPathOf returns the import path that a package in dir (a slash path relative to the
// root) would have in its main module, or "".
func (g *Graph) importPathOf(dir string) string {
	for d := dir; ; d = path.Dir(d) {
		if mod, ok := g.mains[d]; ok {
			if d == dir {
				return mod
			}
			return mod + "/" + strings.TrimPrefix(dir, strings.TrimPrefix(d+"/", "./"))
		}
		if d == "." || d == "/" || strings.HasPrefix(d, "..") {
			return ""
		}
	}
}

// isTestMain reports whether p is a generated test main package ("p.test"), whose only
// Go file is in the build cache.
func isTestMain(p *listPackage) bool {
	return p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test") &&
		len(p.GoFiles) > 0 && filepath.IsAbs(p.GoFiles[0])
}

// link builds the reverse edges and the sorted target list.
func (g *Graph) link() {
	for _, p := range g.pkgs {
		if p.target {
			g.targets = append(g.targets, p.path)
		}
		build := map[string]bool{}
		for imp := range p.imports {
			build[imp] = true
		}
		test := map[string]bool{}
		for name, f := range p.ignored {
			for _, imp := range f.imports {
				if strings.HasSuffix(name, "_test.go") {
					test[imp] = true
				} else {
					build[imp] = true
				}
			}
		}
		for imp := range p.testImports {
			test[imp] = true
		}
		for imp := range p.xtestImports {
			test[imp] = true
		}
		for imp := range build {
			if g.pkgs[imp] != nil && imp != p.path {
				g.rbuild[imp] = append(g.rbuild[imp], p.path)
			}
		}
		for imp := range test {
			if g.pkgs[imp] != nil && imp != p.path && !build[imp] {
				g.rtest[imp] = append(g.rtest[imp], p.path)
			}
		}
	}
	slices.Sort(g.targets)
	for _, m := range []map[string][]string{g.rbuild, g.rtest} {
		for _, v := range m {
			slices.Sort(v) // deterministic Why chains
		}
	}
}

// parseImports reads the package name and imports of a Go file.
func parseImports(file string) (parsedFile, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return parsedFile{}, err
	}
	return parseImportsSrc(file, src)
}

func parseImportsSrc(file string, src []byte) (parsedFile, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
	if err != nil {
		return parsedFile{}, err
	}
	pf := parsedFile{name: f.Name.Name}
	for _, s := range f.Imports {
		if p, err := strconv.Unquote(s.Path.Value); err == nil {
			pf.imports = append(pf.imports, p)
		}
	}
	return pf, nil
}

func set(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, s := range l {
			m[s] = true
		}
	}
	return m
}

func keys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}
