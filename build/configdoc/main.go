// Command configdoc writes docs/config-reference.md, the reference of eightfold.yaml, from
// the JSON Schema the config package embeds (backend/config/eightfold.schema.json). Run it
// from the repository root after changing the schema:
//
//	go run ./build/configdoc
//
// The test of this package fails while the committed reference differs from what it writes.
package main

import (
	"fmt"
	"os"

	"eightfold/backend/config"
)

// referencePath is where the reference goes, relative to the repository root.
const referencePath = "docs/config-reference.md"

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./build/configdoc (from the repository root; writes "+referencePath+")")
		os.Exit(2)
	}
	if err := write(referencePath); err != nil {
		fmt.Fprintln(os.Stderr, "configdoc:", err)
		os.Exit(1)
	}
}

// write renders the embedded schema to path.
func write(path string) error {
	out, err := render(config.Schema)
	if err != nil {
		return fmt.Errorf("backend/config/eightfold.schema.json: %w", err)
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return fmt.Errorf("run it from the repository root (no go.mod here): %w", err)
	}
	return os.WriteFile(path, out, 0o644)
}
