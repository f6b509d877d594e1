package cli

import (
	"fmt"

	"eightfold/backend/workbench"
)

func cmdExport(e *env) error {
	fs, c := e.flags("export", "export github-actions|gitlab-ci [--stdout] [--force] [--json] [--dir D]", true)
	stdout := fs.Bool("stdout", false, "print the file instead of writing it")
	force := fs.Bool("force", false, "overwrite a file that was edited by hand since it was exported")
	asJSON := fs.Bool("json", false, "print the export as JSON (the CIExport of docs/api.md)")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"export needs one CI engine: eightfold export github-actions, or eightfold export gitlab-ci"}
	}
	var x workbench.CIExport
	if *stdout {
		x, err = workbench.ExportPreviewIn(c.dir, pos[0])
	} else {
		x, err = workbench.ExportIn(c.dir, pos[0], *force)
	}
	switch {
	case err != nil:
		return err
	case *asJSON:
		return writeJSON(e.stdout, x)
	case *stdout:
		fmt.Fprint(e.stdout, x.Content)
	default:
		showExport(e, x)
	}
	for _, n := range x.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	return nil
}

// showExport says what the export did to the file.
func showExport(e *env, x workbench.CIExport) {
	switch x.Status {
	case "unchanged":
		fmt.Fprintf(e.stdout, "%s is up to date (unchanged)\n", x.Path)
	case "new":
		fmt.Fprintf(e.stdout, "Wrote %s (new); commit it to run the pipeline on %s\n", x.Path, x.Engine)
	default:
		fmt.Fprintf(e.stdout, "Wrote %s (%s: %s)\n", x.Path, x.Status, x.Diff)
	}
}
