package main

import (
	"fmt"
	"path/filepath"

	"eightfold/backend/workbench"
)

// windowTitle is the desktop window's title: the product, the project and the newest run's
// state with its tests, as the browser tab shows it ("Eightfold — shop — ✖ failed · 3 of 42
// tests"). run is nil before the first run; dir is "" when no project is open.
func windowTitle(dir string, run *workbench.RunInfo) string {
	if dir == "" {
		return "Eightfold"
	}
	t := "Eightfold — " + filepath.Base(dir)
	if run == nil {
		return t
	}
	return t + " — " + statusMark(run.Status) + " " + run.Status + testsLabel(*run)
}

func statusMark(status string) string {
	switch status {
	case "running":
		return "●"
	case "passed":
		return "✔"
	case "failed", "error":
		return "✖"
	case "cancelled":
		return "⊘"
	case "interrupted":
		return "⚡"
	}
	return "?"
}

func testCount(n int) string {
	if n == 1 {
		return "1 test"
	}
	return fmt.Sprintf("%d tests", n)
}

// testsLabel is what the title says of a run's tests: so far while running, the failures of
// a failed run, the total of a passed one, and the flaky ones.
func testsLabel(r workbench.RunInfo) string {
	c := r.Tests
	if c.Total == 0 {
		return ""
	}
	flaky := ""
	if c.Flaky > 0 {
		flaky = fmt.Sprintf(", %d flaky", c.Flaky)
	}
	switch {
	case r.Status == "running" && c.Failed > 0:
		return fmt.Sprintf(" · %s, %d failed%s", testCount(c.Total), c.Failed, flaky)
	case r.Status == "running" || r.Status == "passed":
		return " · " + testCount(c.Total) + flaky
	case r.Status == "failed" && c.Failed > 0:
		return fmt.Sprintf(" · %d of %s%s", c.Failed, testCount(c.Total), flaky)
	}
	return ""
}
