package main

import (
	"strings"
	"testing"

	"eightfold/backend/demo"
	"eightfold/backend/workbench"
)

func TestDemoChangeNames(t *testing.T) {
	for _, tc := range []struct {
		name         string
		undo         bool
		file, commit string
	}{
		{"break-test", false, demo.BreakTest.File, ""},
		{"break-test", true, demo.BreakTest.File, ""},
		{"break-health", false, demo.BreakHealth.File, "fix: report the shop's health from its state"},
		{"break-health", true, demo.BreakHealth.File, "fix: report the shop healthy again"},
	} {
		c, err := demoChange(tc.name, tc.undo)
		if err != nil || c.File != tc.file || c.Commit != tc.commit || c.Apply == nil {
			t.Errorf("demoChange(%q, %v) = {%s %q}, %v", tc.name, tc.undo, c.File, c.Commit, err)
		}
	}
	_, err := demoChange("break-all", false)
	if c, ok := err.(interface{ Code() string }); !ok || c.Code() != workbench.CodeBadRequest ||
		!strings.Contains(err.Error(), `"break-all": use one of break-health, break-test`) {
		t.Errorf("an unknown name: %v", err)
	}
}
