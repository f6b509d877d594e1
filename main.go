// Command eightfold is a local dev-to-deploy workbench: the whole DevOps loop of a repository
// in one binary with three faces. With no arguments it opens the desktop window; with a
// subcommand it is the terminal face (backend/cli), and `eightfold serve` the browser face.
package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"

	"eightfold/backend/cli"
	"eightfold/backend/workbench"
)

//go:embed all:frontend/dist
var dist embed.FS

func main() {
	assets, err := fs.Sub(dist, "frontend/dist")
	if err != nil {
		fmt.Fprintln(os.Stderr, "eightfold: the built frontend is missing:", err)
		os.Exit(1)
	}
	faces := cli.Faces{
		Assets:  assets,
		NewAPI:  func(w *workbench.Workspace) any { return NewApp(w) },
		Desktop: func(dir, home string) error { return runDesktop(dir, home, assets) },
	}
	if len(os.Args) < 2 {
		// The no-argument path must reach wails.Run: Wails' binding generator runs the binary so.
		os.Exit(cli.Main([]string{"open"}, os.Stdout, os.Stderr, faces))
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, faces))
}
