package cli

import (
	"errors"
	"fmt"
	"io"

	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// cmdImport records a run that a CI engine made, from its test reports, or (import deploys)
// the deploys made elsewhere, from the targets' audit logs.
func cmdImport(e *env) error {
	if len(e.args) > 0 && e.args[0] == "deploys" {
		return cmdImportDeploys(&env{args: e.args[1:], stdout: e.stdout, stderr: e.stderr, faces: e.faces})
	}
	fs, c := e.flags("import", "import junit|go-test-json FILE... [--run-name NAME] [--commit SHA] [--again] [--dir D] [--json] [--home DIR]", true)
	name := fs.String("run-name", "", `the run's name in the history (default "CI: junit (3 files)", or the one file's name)`)
	commit := fs.String("commit", "", "the commit the CI run tested: a SHA, short or full, or a ref (default HEAD)")
	again := fs.Bool("again", false, "record the run even when the same reports of the same commit were imported already")
	asJSON := fs.Bool("json", false, "print only the recorded run as one JSON object, as `run --json` does")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &usageError{"import needs a report format and files, e.g. `eightfold import junit reports/*.xml` or `eightfold import go-test-json test.json`"}
	}
	format := pos[0]
	if format != workbench.CIJUnit && format != workbench.CIGoTestJSON {
		return &usageError{fmt.Sprintf("unknown report format %q: import reads %s or %s (or the targets' deploys: import deploys)", format, workbench.CIJUnit, workbench.CIGoTestJSON)}
	}
	if len(pos) == 1 {
		return &usageError{fmt.Sprintf("import %s needs the report files a CI job wrote, e.g. `eightfold import %s reports/*.xml`", format, format)}
	}
	p, err := c.openWriter(nil)
	if locked := (*store.LockedError)(nil); errors.As(err, &locked) {
		return fmt.Errorf("%w. The open window (or the page of `eightfold serve`) can import them: Build & Test → Run on CI → Bring CI results back", err)
	}
	if err != nil {
		return err
	}
	defer p.Close()
	r, err := p.ImportCI(workbench.CIImport{Format: format, Files: pos[1:], Name: *name, Commit: *commit, Again: *again})
	if dup := (*workbench.DuplicateImportError)(nil); errors.As(err, &dup) {
		return fmt.Errorf("%w; if the CI job really ran twice with the same output, pass --again to record it once more", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, r)
	}
	printImported(e.stdout, r, isTerminal(e.stdout))
	return nil
}

// printImported says what run was recorded, then sums it up as `eightfold run` does. A CI run
// whose tests failed is recorded all the same: the exit status is 0.
func printImported(w io.Writer, r workbench.RunInfo, color bool) {
	fmt.Fprintf(w, "Recorded the CI run %q of %s as run #%d.\n", r.Name, commitLabel(r), r.ID)
	printSummary(w, r, color)
}

// triggerLabel is a run's trigger as the history lists it, with an imported run's name.
func triggerLabel(r workbench.RunInfo) string {
	if r.Name == "" {
		return r.Trigger
	}
	return r.Trigger + " · " + r.Name
}
