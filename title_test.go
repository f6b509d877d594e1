package main

import (
	"testing"

	"eightfold/backend/workbench"
)

func TestWindowTitle(t *testing.T) {
	run := func(status string, c workbench.TestCounts) *workbench.RunInfo {
		return &workbench.RunInfo{Status: status, Tests: c}
	}
	for _, tc := range []struct {
		run  *workbench.RunInfo
		want string
	}{
		{nil, "Eightfold — shop"},
		{run("running", workbench.TestCounts{}), "Eightfold — shop — ● running"},
		{run("running", workbench.TestCounts{Total: 120, Failed: 2}), "Eightfold — shop — ● running · 120 tests, 2 failed"},
		{run("passed", workbench.TestCounts{Total: 42, Passed: 42, Flaky: 1}), "Eightfold — shop — ✔ passed · 42 tests, 1 flaky"},
		{run("failed", workbench.TestCounts{Total: 42, Failed: 3}), "Eightfold — shop — ✖ failed · 3 of 42 tests"},
		{run("failed", workbench.TestCounts{Total: 1}), "Eightfold — shop — ✖ failed"},
		{run("cancelled", workbench.TestCounts{Total: 1, Passed: 1}), "Eightfold — shop — ⊘ cancelled"},
	} {
		if got := windowTitle("/src/shop", tc.run); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	if got := windowTitle("", nil); got != "Eightfold" {
		t.Errorf("with no project open: %q", got)
	}
}
