package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"eightfold/backend/demo"
	"eightfold/backend/workbench"
)

// tourEdit is a change the guided tour makes to the demo, and the commit messages that
// ship it (none: it stays in the work tree).
type tourEdit struct {
	edit             demo.Edit
	commit, uncommit string
}

// tourEdits are the guided tour's changes, by the name DemoEdit takes. Breaking health is
// committed as a fix, so that it builds green, releases and reaches staging's health gate.
var tourEdits = map[string]tourEdit{
	"break-test": {edit: demo.BreakTest},
	"break-health": {edit: demo.BreakHealth, commit: "fix: report the shop's health from its state",
		uncommit: "fix: report the shop healthy again"},
}

// DemoEdit makes (or, with undo, reverts) one of the guided tour's changes to a project made
// by `eightfold demo`: "break-test" makes TestTotal fail in the work tree; "break-health"
// commits a change that makes /healthz answer 503. Any other project is refused.
func (a *App) DemoEdit(name string, undo bool) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	c, err := demoChange(name, undo)
	if err != nil {
		return err
	}
	return p.DemoEdit(c)
}

// demoChange is the tour's edit called name, or its undoing.
func demoChange(name string, undo bool) (workbench.DemoChange, error) {
	t, ok := tourEdits[name]
	if !ok {
		return workbench.DemoChange{}, unknownEdit(name)
	}
	e, msg := t.edit, t.commit
	if undo {
		e, msg = e.Undo(), t.uncommit
	}
	return workbench.DemoChange{File: e.File, Apply: e.Apply, Commit: msg}, nil
}

// unknownEdit is DemoEdit's error for a name the tour does not have.
type unknownEdit string

func (e unknownEdit) Error() string {
	names := slices.Sorted(maps.Keys(tourEdits))
	return fmt.Sprintf("the tour has no edit %q: use one of %s", string(e), strings.Join(names, ", "))
}

// Code makes it a bad request for the faces.
func (unknownEdit) Code() string { return workbench.CodeBadRequest }
