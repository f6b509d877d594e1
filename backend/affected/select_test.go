package affected

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSelectBaseModule(t *testing.T) {
	t.Parallel()
	dir, g := loadModule(t, baseModule)
	writeFile(t, dir, "x/y.go", "package x\n") // after Load: a package the graph does not know
	if got, want := g.Packages(), pkgs("a", "b", "c", "d", "e", "f", "g", "h"); !slices.Equal(got, want) {
		t.Fatalf("Packages() = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name    string
		changed []string
		all     bool
		want    []string
		reason  string
	}{
		{name: "leaf source", changed: []string{"a/a.go"}, want: pkgs("a", "b", "c", "e", "f"),
			reason: "1 package changed, 4 depend on it"},
		{name: "unrelated", changed: []string{"d/d.go"}, want: pkgs("d"), reason: "1 package changed"},
		{name: "go.mod", changed: []string{"go.mod"}, all: true, reason: "go.mod changed"},
		{name: "go.sum", changed: []string{"d/d.go", "go.sum"}, all: true, reason: "go.sum changed"},
		{name: "embedded file", changed: []string{"g/data.txt"}, want: pkgs("g")},
		{name: "testdata file", changed: []string{"h/testdata/in.txt"}, want: pkgs("h")},
		{name: "README", changed: []string{"README.md"}, reason: "no Go package is affected"},
		{name: "docs", changed: []string{"docs/guide.md", "LICENSE", ".gitignore"}, reason: "no Go package is affected"},
		{name: "file of no package", changed: []string{"frontend/src/app.ts"}, all: true,
			reason: "frontend/src/app.ts belongs to no package, and any test may read it"},
		{name: "fixture read by a relative path", changed: []string{"d/d.go", "fixtures/users.json"}, all: true},
		{name: "top-level file of no package", changed: []string{"Makefile"}, all: true},
		{name: "leaf test file", changed: []string{"a/a_test.go"}, want: pkgs("a"), reason: "1 package changed"},
		{name: "external test file", changed: []string{"f/f_test.go"}, want: pkgs("f")},
		{name: "new file in a package", changed: []string{"a/new.go"}, want: pkgs("a", "b", "c", "e", "f")},
		{name: "new test file in a package", changed: []string{"c/new_test.go"}, want: pkgs("c")},
		{name: "other file in a package dir", changed: []string{"d/notes.json"}, want: pkgs("d")},
		{name: "absolute path", changed: []string{filepath.Join(dir, "b", "b.go")}, want: pkgs("b", "c", "f")},
		{name: "two packages", changed: []string{"d/d.go", "b/b.go"}, want: pkgs("b", "c", "d", "f"),
			reason: "2 packages changed, 2 depend on them"},
		{name: "test file of a dependant and its dependency", changed: []string{"b/b_test.go", "a/a.go"},
			want: pkgs("a", "b", "c", "e", "f")},
		{name: "test file of a dependant before its dependency", changed: []string{"c/c_test.go", "b/b_test.go", "a/a.go"},
			want: pkgs("a", "b", "c", "e", "f"), reason: "3 packages changed, 2 depend on them"},
		{name: "go file of no package", changed: []string{"x/y.go"}, all: true,
			reason: "cannot tell which package x/y.go belongs to"},
		{name: "deleted go file of no package", changed: []string{"gone/z.go"}, reason: "no Go package is affected"},
		{name: "go file in an ignored dir", changed: []string{"_tools/gen.go", ".cache/x.go"}, reason: "no Go package is affected"},
		{name: "testdata of no package", changed: []string{"testdata/top.txt"}, all: true},
		{name: "nothing", changed: nil, reason: "no Go package is affected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := g.Select(tc.changed)
			if sel.All != tc.all || !slices.Equal(sel.Packages, tc.want) {
				t.Fatalf("Select(%q) = all %v %v (%s), want all %v %v", tc.changed, sel.All, sel.Packages, sel.Reason, tc.all, tc.want)
			}
			if tc.reason != "" && sel.Reason != tc.reason {
				t.Errorf("Reason = %q, want %q", sel.Reason, tc.reason)
			}
			if sel.Reason == "" {
				t.Error("empty Reason")
			}
			if len(sel.Why) != len(sel.Packages) {
				t.Errorf("Why = %v for %v", sel.Why, sel.Packages)
			}
			if sel.Empty() != (!tc.all && len(tc.want) == 0) {
				t.Errorf("Empty() = %v", sel.Empty())
			}
		})
	}
}

func TestSelectWhy(t *testing.T) {
	t.Parallel()
	_, g := loadModule(t, baseModule)
	sel := g.Select([]string{"a/a.go"})
	want := map[string]string{
		modPath + "/a": "changed",
		modPath + "/b": "imports example.com/m/a",
		modPath + "/c": "imports example.com/m/b",
		modPath + "/e": "test imports example.com/m/a",
		modPath + "/f": "test imports example.com/m/b",
	}
	if !reflect.DeepEqual(sel.Why, want) {
		t.Fatalf("Why = %v, want %v", sel.Why, want)
	}
}

// TestSelectStable checks that selecting is deterministic (map order does not leak).
func TestSelectStable(t *testing.T) {
	t.Parallel()
	_, g := loadModule(t, baseModule)
	first := g.Select([]string{"a/a.go", "d/d.go"})
	for range 20 {
		if got := g.Select([]string{"d/d.go", "a/a.go"}); !reflect.DeepEqual(got, first) {
			t.Fatalf("Select differs between calls: %+v vs %+v", got, first)
		}
	}
}

// extendedModule adds to the base fixture: a build-tagged file of b importing d, a
// test-only package "it" importing c, package k embedding a directory and l importing k,
// a local nested module example.com/dep used through a replace by package i, and a nested
// module tools/ that the main module does not use.
var extendedModule = withFiles(baseModule, map[string]string{
	"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ./dep\n",
	"b/b_integration.go": `//go:build integration

package b

import "example.com/m/d"

// Shout is only in integration builds.
func Shout() string { return d.D("b") }
`,
	"it/it_test.go": `package it

import (
	"testing"

	"example.com/m/c"
)

func TestIt(t *testing.T) {
	if c.C(10) != 111 {
		t.Fatal(c.C(10))
	}
}
`,
	"k/k.go": `package k

import "embed"

//go:embed assets
var assets embed.FS

// K lists the assets.
func K() ([]string, error) {
	entries, err := assets.ReadDir("assets")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}
`,
	"k/assets/site.css": "body{}\n",
	"l/l.go": `package l

import "example.com/m/k"

// L counts the assets.
func L() int { n, _ := k.K(); return len(n) }
`,
	"dep/go.mod": "module example.com/dep\n\ngo 1.22\n",
	"dep/dep.go": `package dep

// Dep is from another module.
func Dep() int { return 7 }
`,
	"i/i.go": `package i

import "example.com/dep"

// I uses dep.
func I() int { return dep.Dep() }
`,
	"tools/go.mod": "module example.com/tools\n\ngo 1.22\n",
	"tools/t.go":   "package tools\n",
})

func TestSelectExtendedModule(t *testing.T) {
	t.Parallel()
	dir, g := loadModule(t, extendedModule)
	// A file created after Load inside an embedded directory.
	writeFile(t, dir, "k/assets/new.css", "p{}\n")
	for _, tc := range []struct {
		name    string
		changed []string
		all     bool
		want    []string
		why     map[string]string
	}{
		{name: "leaf reaches test-only package", changed: []string{"a/a.go"},
			want: pkgs("a", "b", "c", "e", "f", "it"), why: map[string]string{modPath + "/it": "test imports example.com/m/c"}},
		{name: "import of a build-ignored file counts", changed: []string{"d/d.go"},
			want: pkgs("b", "c", "d", "f", "it"), why: map[string]string{modPath + "/b": "imports example.com/m/d"}},
		{name: "build-ignored file", changed: []string{"b/b_integration.go"}, want: pkgs("b", "c", "f", "it")},
		{name: "embedded directory, new file", changed: []string{"k/assets/new.css"}, want: pkgs("k", "l")},
		{name: "embedded directory, known file", changed: []string{"k/assets/site.css"}, want: pkgs("k", "l")},
		{name: "local replacement module", changed: []string{"dep/dep.go"}, want: pkgs("i"),
			why: map[string]string{modPath + "/i": "imports example.com/dep"}},
		{name: "nested module not used", changed: []string{"tools/t.go", "tools/go.sum"}, all: true},
		{name: "nested module source only", changed: []string{"tools/t.go"}},
		{name: "nested module, another file", changed: []string{"tools/config.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := g.Select(tc.changed)
			if sel.All != tc.all || !slices.Equal(sel.Packages, tc.want) {
				t.Fatalf("Select(%q) = all %v %v (%s), want all %v %v", tc.changed, sel.All, sel.Packages, sel.Reason, tc.all, tc.want)
			}
			for p, w := range tc.why {
				if sel.Why[p] != w {
					t.Errorf("Why[%s] = %q, want %q", p, sel.Why[p], w)
				}
			}
		})
	}
}

// TestSelectVendor vendors the local dependency: the vendored copy is what builds, so a
// change there selects its importers and a change to the replaced directory selects
// nothing; vendor/modules.txt selects everything.
func TestSelectVendor(t *testing.T) {
	t.Parallel()
	needGo(t)
	dir := writeModule(t, extendedModule)
	cmd := exec.Command("go", "mod", "vendor")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "vendor", "example.com", "dep", "dep.go")); err != nil {
		t.Fatal(err)
	}
	g := load(t, dir)
	if sel := g.Select([]string{"vendor/example.com/dep/dep.go"}); sel.All || !slices.Equal(sel.Packages, pkgs("i")) {
		t.Errorf("vendored file: %+v, want %v", sel, pkgs("i"))
	}
	if sel := g.Select([]string{"dep/dep.go"}); sel.All || len(sel.Packages) != 0 {
		t.Errorf("replaced dir while vendoring: %+v, want nothing", sel)
	}
	if sel := g.Select([]string{"vendor/modules.txt"}); !sel.All {
		t.Errorf("vendor/modules.txt: %+v, want All", sel)
	}
}

// TestSelectRootPackage: a module whose root is a package (a command); its README is
// documentation, other files at the root belong to the root package's tests.
func TestSelectRootPackage(t *testing.T) {
	t.Parallel()
	_, g := loadModule(t, withFiles(baseModule, map[string]string{
		"main.go": "package main\n\nimport \"example.com/m/d\"\n\nfunc main() { println(d.D(\"x\")) }\n",
	}))
	for _, tc := range []struct {
		changed string
		want    []string
	}{
		{"README.md", nil},
		{"config.json", pkgs(".")},
		{"d/d.go", pkgs(".", "d")},
		{"main.go", pkgs(".")},
	} {
		if sel := g.Select([]string{tc.changed}); sel.All || !slices.Equal(sel.Packages, tc.want) {
			t.Errorf("Select(%s) = %+v, want %v", tc.changed, sel, tc.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	needGo(t)
	dir := writeModule(t, withFiles(baseModule, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\nrequire (\n"}))
	_, err := Load(t.Context(), dir)
	var le *LoadError
	if !errors.As(err, &le) || !strings.Contains(le.Stderr, "go.mod") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Load of a broken go.mod: %v (%T)", err, err)
	}

	// A package with a syntax error still loads; the rest of the graph is intact.
	dir = writeModule(t, withFiles(baseModule, map[string]string{"d/d.go": "package d\n\nfunc D( {\n"}))
	g := load(t, dir)
	if sel := g.Select([]string{"a/a.go"}); !slices.Equal(sel.Packages, pkgs("a", "b", "c", "e", "f")) {
		t.Errorf("with a broken package: %+v", sel)
	}
	if sel := g.Select([]string{"d/d.go"}); !slices.Equal(sel.Packages, pkgs("d")) {
		t.Errorf("the broken package: %+v", sel)
	}
}

func TestLoadCancelled(t *testing.T) {
	t.Parallel()
	needGo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, writeModule(t, baseModule)); err == nil {
		t.Fatal("Load with a cancelled context succeeded")
	}
}

func TestIsDoc(t *testing.T) {
	for name, want := range map[string]bool{
		"README.md": true, "docs/x.MD": true, "LICENSE": true, "LICENSE.txt": true, "a/.gitignore": true,
		"CHANGELOG.md": true, "notes.rst": true,
		"data.txt": false, "a/b.go": false, "config.yaml": false, ".env": false, "Makefile": false,
	} {
		if got := isDoc(name); got != want {
			t.Errorf("isDoc(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestEmbedMatch(t *testing.T) {
	for _, tc := range []struct {
		patterns []string
		file     string
		want     bool
	}{
		{[]string{"data.txt"}, "data.txt", true},
		{[]string{"data.txt"}, "other.txt", false},
		{[]string{"static"}, "static/css/site.css", true},
		{[]string{"all:static"}, "static/.hidden", true},
		{[]string{"*.tmpl"}, "page.tmpl", true},
		{[]string{"*.tmpl"}, "sub/page.tmpl", false},
		{[]string{"static/*"}, "static/a/b.txt", true},
	} {
		if got := embedMatch(tc.patterns, tc.file); got != tc.want {
			t.Errorf("embedMatch(%q, %q) = %v, want %v", tc.patterns, tc.file, got, tc.want)
		}
	}
}
