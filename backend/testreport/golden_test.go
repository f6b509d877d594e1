package testreport

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites golden files: go test ./backend/testreport -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// render writes cases and warnings in a stable, readable text form for golden files.
func render(cases []Case, warnings []Warning) string {
	var b strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&b, "%s | %s | %s", c.Status, c.Suite, c.Name)
		if c.File != "" {
			fmt.Fprintf(&b, " | %s:%d", c.File, c.Line)
		}
		if c.Duration > 0 {
			fmt.Fprintf(&b, " | %s", c.Duration)
		}
		b.WriteString("\n")
		writeIndented(&b, "message", c.Message)
		writeIndented(&b, "output", c.Output)
	}
	for _, w := range warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

func writeIndented(b *strings.Builder, label, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(b, "  %s:\n", label)
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(b, "    %s\n", line)
	}
}

// golden compares got with testdata/<name>, or rewrites that file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./backend/testreport -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from what the parser gives now (if the change is right: go test ./backend/testreport -update)\n--- got ---\n%s", path, got)
	}
}
