package workbench

import (
	"fmt"
	"os"
	"path/filepath"

	"eightfold/backend/vcs"
)

// DemoMarker is the file `eightfold demo` leaves at the top of its project, ignored by git
// through .git/info/exclude: the faces offer the guided tour, and DemoEdit changes files,
// only where it is.
const DemoMarker = ".eightfold-demo"

// IsDemo reports whether dir is a project made by `eightfold demo`.
func IsDemo(dir string) bool {
	fi, err := os.Lstat(filepath.Join(dir, DemoMarker))
	return err == nil && fi.Mode().IsRegular()
}

// DemoChange is one of the guided tour's changes to the demo's files (backend/demo's edits,
// which this package cannot import: the demo opens projects).
type DemoChange struct {
	// File is the file it changes, relative to the project.
	File string
	// Apply makes the change to File in the project at dir.
	Apply func(dir string) error
	// Commit, when not "", commits File with this message, so that a release can ship the
	// change; "" leaves it in the work tree for the watcher to build and test.
	Commit string
}

// DemoEdit makes a change of the guided tour. It refuses a project that `eightfold demo`
// did not make, so that the tour never edits anyone's own code.
func (p *Project) DemoEdit(c DemoChange) error {
	if !IsDemo(p.dir) {
		return errorf(CodeBadRequest, "%s was not made by `eightfold demo` (it has no %s): the tour's edits change only a demo project's files; make one with `eightfold demo`",
			p.dir, DemoMarker)
	}
	if c.Commit == "" {
		if err := c.Apply(p.dir); err != nil {
			return errorf(CodeConflict, "%v", err)
		}
		return nil
	}
	return p.commitDemoChange(c)
}

// commitDemoChange commits c's file as c makes it. The file changes in the work tree only
// with the commit: a run the watcher starts on that change then builds the commit a release
// can ship, not a work tree that differs from it.
func (p *Project) commitDemoChange(c DemoChange) error {
	content, err := demoChanged(p.dir, c)
	if err != nil {
		return err
	}
	repo, err := vcs.OpenRepo(p.dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	who, err := repo.Identity()
	if err != nil {
		return err
	}
	if _, err := repo.CommitFile("", c.File, content, c.Commit, who, p.now()); err != nil {
		return fmt.Errorf("commit the tour's change to %s: %w", c.File, err)
	}
	return nil
}

// demoChanged is what c makes of its file in dir, worked out on a copy in a temp dir.
func demoChanged(dir string, c DemoChange) ([]byte, error) {
	src, err := os.ReadFile(filepath.Join(dir, c.File))
	if err != nil {
		return nil, fmt.Errorf("read the demo's %s: %w", c.File, err)
	}
	tmp, err := os.MkdirTemp("", "eightfold-tour-*")
	if err != nil {
		return nil, fmt.Errorf("make a temp dir for the tour's change: %w", err)
	}
	defer os.RemoveAll(tmp)
	copyPath := filepath.Join(tmp, c.File)
	if err := os.MkdirAll(filepath.Dir(copyPath), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(copyPath, src, 0o600); err != nil {
		return nil, err
	}
	if err := c.Apply(tmp); err != nil {
		return nil, errorf(CodeConflict, "%v", err)
	}
	return os.ReadFile(copyPath)
}
