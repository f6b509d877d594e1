package affected

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestStale(t *testing.T) {
	t.Parallel()
	dir, g := loadModule(t, extendedModule)
	// edit changes one file for the duration of a case and puts it back afterwards;
	// content "" removes the file.
	edit := func(t *testing.T, name, content string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		old, err := os.ReadFile(p)
		existed := err == nil
		t.Cleanup(func() {
			if existed {
				writeFile(t, dir, name, string(old))
			} else {
				os.Remove(p)
			}
		})
		if content == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return
		}
		writeFile(t, dir, name, content)
	}
	replace := func(t *testing.T, name, old, new string) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		edit(t, name, strings.Replace(string(b), old, new, 1))
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T) []string
		want   bool
	}{
		{"untouched file", func(t *testing.T) []string { return []string{"a/a.go"} }, false},
		{"body change", func(t *testing.T) []string {
			replace(t, "a/a.go", "s += i", "s += i * 1")
			return []string{"a/a.go"}
		}, false},
		{"new import", func(t *testing.T) []string {
			replace(t, "c/c.go", `import "example.com/m/b"`, "import (\n\t\"example.com/m/b\"\n\t_ \"example.com/m/d\"\n)")
			return []string{"c/c.go"}
		}, true},
		{"import already in the package, other file", func(t *testing.T) []string {
			edit(t, "b/b2.go", "package b\n\nimport \"example.com/m/a\"\n\nvar _ = a.A\n")
			return []string{"b/b2.go"} // a new file: stale even though its import is known
		}, true},
		{"removed import", func(t *testing.T) []string {
			edit(t, "b/b.go", "package b\n\n// B is now alone.\nfunc B(n int) int { return n }\n")
			return []string{"b/b.go"}
		}, false},
		{"new import in a test file", func(t *testing.T) []string {
			replace(t, "a/a_test.go", `import "testing"`, "import (\n\t\"strings\"\n\t\"testing\"\n)\n\nvar _ = strings.ToUpper")
			return []string{"a/a_test.go"}
		}, true},
		{"test import already used by the tests", func(t *testing.T) []string {
			replace(t, "f/f_test.go", `"example.com/m/f"`, `"example.com/m/f"`+"\n\t_ \"example.com/m/b\"")
			return []string{"f/f_test.go"}
		}, false},
		{"new file", func(t *testing.T) []string {
			edit(t, "a/new.go", "package a\n")
			return []string{"a/new.go"}
		}, true},
		{"new package", func(t *testing.T) []string {
			edit(t, "n/n.go", "package n\n")
			return []string{"n/n.go"}
		}, true},
		{"removed file", func(t *testing.T) []string {
			edit(t, "d/d_test.go", "")
			return []string{"d/d_test.go"}
		}, true},
		{"package clause", func(t *testing.T) []string {
			replace(t, "e/e_test.go", "package e", "package e_test")
			return []string{"e/e_test.go"}
		}, true},
		{"new embed pattern", func(t *testing.T) []string {
			replace(t, "g/g.go", "//go:embed data.txt", "//go:embed data.txt more.txt")
			return []string{"g/g.go"}
		}, true},
		{"same embed pattern, quoted", func(t *testing.T) []string {
			replace(t, "g/g.go", "//go:embed data.txt", `//go:embed "data.txt"`)
			return []string{"g/g.go"}
		}, false},
		{"syntax error in the imports", func(t *testing.T) []string {
			replace(t, "d/d.go", `import "strings"`, `import "strings`)
			return []string{"d/d.go"}
		}, true},
		{"syntax error after the imports", func(t *testing.T) []string {
			replace(t, "d/d.go", "func D(", "func D((")
			return []string{"d/d.go"}
		}, false},
		{"build-ignored file, new import", func(t *testing.T) []string {
			replace(t, "b/b_integration.go", `import "example.com/m/d"`, "import (\n\t\"example.com/m/d\"\n\t_ \"example.com/m/h\"\n)")
			return []string{"b/b_integration.go"}
		}, true},
		{"go.mod", func(t *testing.T) []string { return []string{"go.mod"} }, true},
		{"go.sum", func(t *testing.T) []string { return []string{"go.sum"} }, true},
		{"README", func(t *testing.T) []string { return []string{"README.md"} }, false},
		{"embedded file", func(t *testing.T) []string { return []string{"g/data.txt"} }, false},
		{"go file in testdata", func(t *testing.T) []string {
			edit(t, "h/testdata/x.go", "package x\n")
			return []string{"h/testdata/x.go"}
		}, false},
		{"go file in a nested module", func(t *testing.T) []string {
			edit(t, "tools/u.go", "package tools\n")
			return []string{"tools/u.go"}
		}, false},
		{"file never there", func(t *testing.T) []string { return []string{"zz/gone.go"} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed := tc.change(t)
			if got := g.Stale(changed); got != tc.want {
				t.Errorf("Stale(%q) = %v, want %v", changed, got, tc.want)
			}
		})
	}
}

func TestEmbedPatterns(t *testing.T) {
	src := "package p\n\n//go:embed a.txt  b/*.css\n//go:embed \"with space.txt\" `raw`\n  //go:embed\tall:static\n//go:embedded x\n// go:embed no\n"
	want := []string{"a.txt", "b/*.css", "with space.txt", "raw", "all:static"}
	if got := embedPatterns([]byte(src)); !reflect.DeepEqual(got, want) {
		t.Fatalf("embedPatterns = %q, want %q", got, want)
	}
}

func FuzzSplitEmbedArgs(f *testing.F) {
	for _, s := range []string{` a b`, ` "x y" z`, " `r` \"q\\\"\"", ` "unterminated`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range splitEmbedArgs(s) {
			if w == "" && !strings.Contains(s, `""`) && !strings.Contains(s, "``") {
				t.Fatalf("empty word from %q", s)
			}
		}
	})
}
