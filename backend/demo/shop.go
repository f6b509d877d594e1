package demo

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// The sample project's files, named after the file plus a suffix that keeps Go tools away
// from them here: ".tmpl" for a text/template filled in with templateData, ".txt" for a file
// copied as it is.
//
//go:embed all:shop
var shop embed.FS

// Edit is a change to one line of a file of the sample project.
type Edit struct {
	File string // relative to the project, such as "cart.go"
	Old  string // the line's text before, without its indentation; exactly one line has it
	New  string // its text after; "" deletes the line
}

// BreakTest makes TestTotal fail: an order of exactly 50.00 pays shipping again.
var BreakTest = Edit{File: "cart.go", Old: "if sum > 0 && sum < freeShippingFrom {", New: "if sum > 0 && sum <= freeShippingFrom {"}

// BreakHealth makes /healthz answer 503 while every test still passes.
var BreakHealth = Edit{File: "main.go", Old: "const healthy = true", New: "const healthy = false"}

// Undo is the edit that reverts e.
func (e Edit) Undo() Edit { return Edit{File: e.File, Old: e.New, New: e.Old} }

// Apply makes the edit to the file in the project at dir.
func (e Edit) Apply(dir string) error {
	path := filepath.Join(dir, e.File)
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("edit the demo: %w", err)
	}
	out, err := e.applyTo(string(src))
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(out), 0o644)
}

// applyTo makes the edit to src, keeping the line's indentation.
func (e Edit) applyTo(src string) (string, error) {
	lines := strings.SplitAfter(src, "\n")
	at := -1
	for i, l := range lines {
		if strings.TrimSpace(l) != e.Old {
			continue
		}
		if at >= 0 {
			return "", fmt.Errorf("edit %s: %q is on lines %d and %d; an edit needs exactly one", e.File, e.Old, at+1, i+1)
		}
		at = i
	}
	if at < 0 {
		return "", fmt.Errorf("edit %s: no line reads %q (was the file changed?)", e.File, e.Old)
	}
	if e.New == "" {
		lines[at] = ""
	} else {
		l := lines[at]
		lines[at] = l[:len(l)-len(strings.TrimLeft(l, " \t"))] + e.New + "\n"
	}
	return strings.Join(lines, ""), nil
}

// templateData is what the templates of the sample project fill in.
type templateData struct {
	Staging, Production Target // Path relative to the project
	TargetsDir          string // relative to the project
}

// render fills in the sample project's files for res, by path.
func render(res Result) (map[string]string, error) {
	rel := func(t Target) Target {
		t.Path = filepath.ToSlash(filepath.Join("..", filepath.Base(filepath.Dir(t.Path)), t.Name))
		return t
	}
	data := templateData{Staging: rel(res.Targets[0]), Production: rel(res.Targets[1]),
		TargetsDir: "../" + filepath.Base(res.Dir) + "-targets"}
	files := map[string]string{}
	err := fs.WalkDir(shop, "shop", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(path, "shop/")
		if name, ok := strings.CutSuffix(name, ".txt"); ok {
			b, err := fs.ReadFile(shop, path)
			files[name] = string(b)
			return err
		}
		t, err := template.ParseFS(shop, path)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		err = t.Execute(&b, data)
		files[strings.TrimSuffix(name, ".tmpl")] = b.String()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("render the demo's files (a bug in eightfold): %w", err)
	}
	return files, nil
}
