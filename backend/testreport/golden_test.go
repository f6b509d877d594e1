package testreport

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "eightfold/backend/internal/golden"
)

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
		if c.Attempts > 1 {
			fmt.Fprintf(&b, " | %d attempts", c.Attempts)
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
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}
