package cli

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"text/tabwriter"

	"eightfold/backend/demo"
)

func cmdDemo(e *env) error {
	fs, c := e.flags("demo", "demo [DIR] [--no-open] [--home DIR]", false)
	noOpen := fs.Bool("no-open", false, "make the project and print the next commands; do not open the workbench")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return &usageError{"demo takes one directory (new or empty; none makes one in the temp dir)"}
	}
	if _, err := exec.LookPath("go"); err != nil {
		return errors.New("the demo is a Go service and needs the go command, which is not on PATH: install Go 1.22 or later (https://go.dev/dl/ or `apt-get install golang`) and try again")
	}
	var dir string
	if len(pos) == 1 {
		dir = pos[0]
	}
	res, err := demo.Create(demo.Options{Dir: dir, Home: c.home})
	if err != nil {
		return err
	}
	showDemo(e.stdout, res)
	if *noOpen {
		showNext(e.stdout, res, c.home)
		return nil
	}
	return cmdOpen(&env{args: []string{res.Dir, "--home", c.home}, stdout: e.stdout, stderr: e.stderr, faces: e.faces})
}

// showDemo prints what the demo made.
func showDemo(w io.Writer, res demo.Result) {
	fmt.Fprintf(w, "Made the demo project %s:\n", res.Dir)
	fmt.Fprintf(w, "  a Go HTTP service with table tests, %s, %s on the board (%d linked to commits)\n",
		count(res.Commits, "commit"), count(res.Cards, "card"), res.Linked)
	for _, t := range res.Targets {
		fmt.Fprintf(w, "  target %-10s  health %s  deploys to %s\n", t.Name, t.HealthURL(), t.Path)
	}
}

// showNext prints the commands that walk the demo's loop.
func showNext(w io.Writer, res demo.Result, home string) {
	flags := ""
	if home != "" {
		flags = " --home " + home
	}
	fmt.Fprintf(w, "\nNext: cd %s, then\n", res.Dir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	for _, l := range [][2]string{
		{"open .", "the workbench (or `eightfold serve` for the browser)"},
		{"run", "build and test"},
		{"release", "tag v0.1.0 and keep bin/shop"},
		{"deploy staging", "then: curl " + res.Targets[0].HealthURL()},
		{"promote staging production --yes", "the same bytes to production"},
	} {
		fmt.Fprintf(tw, "  eightfold %s%s\t# %s\n", l[0], flags, l[1])
	}
}
