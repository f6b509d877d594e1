// Package demo writes the sample project of `eightfold demo`: a small Go HTTP service
// (module example.com/shop, standard library only) with table tests, a git history of
// conventional commits, an eightfold.yaml with two local targets (staging and production)
// on free loopback ports, and a plan board whose cards some of the commits close.
//
// The project goes into an empty or new directory DIR; the targets deploy into the sibling
// directory DIR-targets (a local target must not be inside the repository), and the board
// into the data dir. Nothing else is written. The project holds workbench.DemoMarker, ignored
// by git: the workbench offers its guided tour there.
//
// The guided tour changes the service one line at a time; BreakTest and BreakHealth hold the
// exact edits (Edit.Undo reverts one):
//
//   - Break a test: in cart.go, the line `if sum > 0 && sum < freeShippingFrom {` becomes
//     `if sum > 0 && sum <= freeShippingFrom {`. An order of exactly 50.00 then pays
//     shipping and TestTotal/exactly_50.00_ships_free fails; the reverse edit makes it pass.
//   - Break health: in main.go, the line `const healthy = true` becomes
//     `const healthy = false`. The tests still pass, so the change builds green and
//     releases, but /healthz answers 503: a deploy fails its health gate and switches back,
//     and a deployed release opens an incident.
package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"eightfold/backend/workbench"
)

// Options say where to write the demo.
type Options struct {
	// Dir is the project's directory: new, or empty. "" makes a new eightfold-demo-*
	// directory under os.TempDir().
	Dir string
	// Home is the data dir the board is written to ("" means $EIGHTFOLD_HOME or the default).
	Home string
}

// Target is a deploy target of the demo.
type Target struct {
	Name string `json:"name"`
	Path string `json:"path"` // absolute
	Port int    `json:"port"` // of its health URL, on 127.0.0.1
}

// HealthURL is where the target's shop answers its health check.
func (t Target) HealthURL() string { return fmt.Sprintf("http://127.0.0.1:%d/healthz", t.Port) }

// Result is what Create made.
type Result struct {
	Dir     string   `json:"dir"`     // the project, absolute
	Targets []Target `json:"targets"` // staging, then production
	Commits int      `json:"commits"`
	Cards   int      `json:"cards"`
	Linked  int      `json:"linked"` // cards the commits link to
}

// Create writes the sample project, its git history and its board. On failure it removes
// what it wrote to the directories (the board may stay in the data dir).
func Create(o Options) (res Result, err error) {
	dir, cleanup, err := projectDir(o.Dir)
	if err != nil {
		return Result{}, err
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	targets, err := targetsDir(dir)
	if err != nil {
		return Result{}, err
	}
	cleanup = both(cleanup, func() { os.RemoveAll(targets) })
	ports, err := freePorts(2, usedPorts(filepath.Dir(dir)))
	if err != nil {
		return Result{}, err
	}
	res = Result{Dir: dir, Targets: []Target{
		{Name: "staging", Path: filepath.Join(targets, "staging"), Port: ports[0]},
		{Name: "production", Path: filepath.Join(targets, "production"), Port: ports[1]},
	}}
	files, err := render(res)
	if err != nil {
		return Result{}, err
	}
	if err := writeHistory(&res, files, o.Home); err != nil {
		return Result{}, err
	}
	return res, markDemo(dir)
}

// markDemo leaves workbench.DemoMarker in the project, ignored by git, so that the faces
// offer the guided tour there and its edits work.
func markDemo(dir string) error {
	note := "Made by `eightfold demo`: the workbench offers its guided tour here.\n"
	info := filepath.Join(dir, ".git", "info")
	err := os.WriteFile(filepath.Join(dir, workbench.DemoMarker), []byte(note), 0o644)
	if err == nil {
		err = os.MkdirAll(info, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(info, "exclude"), []byte("/"+workbench.DemoMarker+"\n"), 0o644)
	}
	if err != nil {
		return fmt.Errorf("mark the demo project: %w", err)
	}
	return nil
}

// projectDir makes dir (or a new temp dir when it is ""), refusing one that is not empty,
// and returns its absolute path with what removes the demo from it again.
func projectDir(dir string) (string, func(), error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "eightfold-demo-*")
		if err != nil {
			return "", nil, fmt.Errorf("make a directory for the demo: %w", err)
		}
		return d, func() { os.RemoveAll(d) }, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("demo directory %s: %w", dir, err)
	}
	err = os.Mkdir(abs, 0o755)
	switch {
	case err == nil:
		return abs, func() { os.RemoveAll(abs) }, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil, fmt.Errorf("cannot make the demo directory %s: its parent does not exist; make it first or pick another place", abs)
	case !errors.Is(err, fs.ErrExist):
		return "", nil, fmt.Errorf("make the demo directory: %w", err)
	}
	if err := mustBeEmpty(abs); err != nil {
		return "", nil, err
	}
	return abs, func() { emptyDir(abs) }, nil
}

// targetsDir makes the sibling directory the targets deploy into, DIR-targets.
func targetsDir(dir string) (string, error) {
	t := dir + "-targets"
	err := os.Mkdir(t, 0o755)
	if errors.Is(err, fs.ErrExist) {
		err = mustBeEmpty(t)
	}
	if err != nil {
		return "", fmt.Errorf("make the targets' directory: %w", err)
	}
	return t, nil
}

// mustBeEmpty refuses a directory that holds anything: the demo never overwrites a file.
func mustBeEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s is not a directory the demo can use: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty (it holds %s): the demo writes only into a new or empty directory; pick another, or none for a temp dir",
			dir, entries[0].Name())
	}
	return nil
}

// emptyDir removes what is in dir, keeping dir.
func emptyDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

func both(a, b func()) func() { return func() { a(); b() } }
