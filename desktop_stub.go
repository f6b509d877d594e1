//go:build !desktop && !bindings && !launcher

package main

import (
	"fmt"
	"io/fs"

	"eightfold/backend/cli"
)

// runDesktop in a binary built without the desktop tag has no window to open.
func runDesktop(string, string, fs.FS) error {
	return fmt.Errorf("%w (this binary was built without the desktop face; `make build` builds it)", cli.ErrNoDisplay)
}
