package affected

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// modPath is the module path of every fixture.
const modPath = "example.com/m"

// baseModule is the fixture of the issue: a (leaf), b imports a, c imports b, d unrelated,
// e whose test imports a, f whose external test package imports b, g embedding
// g/data.txt, h whose test reads h/testdata/in.txt. Every package has a test that does a
// little work with its package's function.
var baseModule = map[string]string{
	"go.mod":    "module example.com/m\n\ngo 1.22\n",
	"README.md": "# m\n",
	"a/a.go": `// Package a is the leaf.
package a

// A sums 1..n.
func A(n int) int {
	s := 0
	for i := 1; i <= n; i++ {
		s += i
	}
	return s
}
`,
	"a/a_test.go": `package a

import "testing"

func TestA(t *testing.T) {
	if A(10) != 55 {
		t.Fatal(A(10))
	}
}
`,
	"b/b.go": `package b

import "example.com/m/a"

// B doubles a.A.
func B(n int) int { return 2 * a.A(n) }
`,
	"b/b_test.go": `package b

import "testing"

func TestB(t *testing.T) {
	if B(10) != 110 {
		t.Fatal(B(10))
	}
}
`,
	"c/c.go": `package c

import "example.com/m/b"

// C adds one to b.B.
func C(n int) int { return b.B(n) + 1 }
`,
	"c/c_test.go": `package c

import "testing"

func TestC(t *testing.T) {
	if C(10) != 111 {
		t.Fatal(C(10))
	}
}
`,
	"d/d.go": `package d

import "strings"

// D shouts.
func D(s string) string { return strings.ToUpper(s) }
`,
	"d/d_test.go": `package d

import "testing"

func TestD(t *testing.T) {
	if D("x") != "X" {
		t.Fatal(D("x"))
	}
}
`,
	"e/e.go": `package e

// E is independent of a; only its test uses a.
func E() int { return 55 }
`,
	"e/e_test.go": `package e

import (
	"testing"

	"example.com/m/a"
)

func TestE(t *testing.T) {
	if E() != a.A(10) {
		t.Fatal(E())
	}
}
`,
	"f/f.go": `package f

// F is independent of b; only its external test uses b.
func F() int { return 110 }
`,
	"f/f_test.go": `package f_test

import (
	"testing"

	"example.com/m/b"
	"example.com/m/f"
)

func TestF(t *testing.T) {
	if f.F() != b.B(10) {
		t.Fatal(f.F())
	}
}
`,
	"g/g.go": `package g

import _ "embed"

//go:embed data.txt
var data string

// G is the embedded text.
func G() string { return data }
`,
	"g/data.txt": "hello\n",
	"g/g_test.go": `package g

import "testing"

func TestG(t *testing.T) {
	if G() != "hello\n" {
		t.Fatalf("%q", G())
	}
}
`,
	"h/h.go": `package h

import "strings"

// H trims.
func H(s string) string { return strings.TrimSpace(s) }
`,
	"h/h_test.go": `package h

import (
	"os"
	"testing"
)

func TestH(t *testing.T) {
	b, err := os.ReadFile("testdata/in.txt")
	if err != nil {
		t.Fatal(err)
	}
	if H(string(b)) != "in" {
		t.Fatalf("%q", b)
	}
}
`,
	"h/testdata/in.txt": "in\n",
}

// withFiles returns base with files added or replaced (an empty value removes a file).
func withFiles(base map[string]string, files map[string]string) map[string]string {
	m := make(map[string]string, len(base)+len(files))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range files {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// writeModule writes files into a new temp dir and returns it.
func writeModule(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, dir, name, content)
	}
	return dir
}

func writeFile(t testing.TB, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// needGo fails the test when the go command is missing (it always is present where Go
// tests run, but a PATH without it should say so plainly).
func needGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("these tests run the real go command, which is not on PATH: %v", err)
	}
}

// load loads the graph of dir, failing the test on error.
func load(t testing.TB, dir string) *Graph {
	t.Helper()
	needGo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g, err := Load(ctx, dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return g
}

// loadModule writes files and loads their graph.
func loadModule(t testing.TB, files map[string]string) (string, *Graph) {
	t.Helper()
	dir := writeModule(t, files)
	return dir, load(t, dir)
}

// pkgs turns short names ("a", "b") into import paths of the fixture module, sorted.
func pkgs(short ...string) []string {
	var out []string
	for _, s := range short {
		if s == "." {
			out = append(out, modPath)
		} else if strings.Contains(s, ".") {
			out = append(out, s)
		} else {
			out = append(out, modPath+"/"+s)
		}
	}
	slices.Sort(out)
	return out
}
