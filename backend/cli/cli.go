// Package cli is Eightfold's terminal face: `eightfold run`, `history`, `logs`, `config`,
// `serve`, `open`, `version` and `help`. main.go hands it every subcommand.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// Version is the release of this binary; the build may set it with
// -ldflags "-X eightfold/backend/cli.Version=v1.2.3".
var Version = "0.1.0-dev"

// Faces are what the terminal face needs from package main to start the other faces.
type Faces struct {
	// Assets is the built frontend, served by `eightfold serve`.
	Assets fs.FS
	// NewAPI makes the App for a workspace (its current project, and opening others); its
	// exported methods are the API served over HTTP.
	NewAPI func(w *workbench.Workspace) any
	// Desktop opens the desktop window on dir with the data dir home. It returns an error
	// when this binary has no desktop face or there is no display.
	Desktop func(dir, home string) error
}

// env is what every command gets: its arguments, output streams and the faces.
type env struct {
	args           []string
	stdout, stderr io.Writer
	faces          Faces
}

type command struct {
	name    string
	summary string
	run     func(e *env) error
}

func commands() []command {
	return []command{
		{"run", "run the pipeline once and record it", cmdRun},
		{"watch", "run the pipeline now and again on every change", cmdWatch},
		{"history", "list recorded runs, newest first", cmdHistory},
		{"logs", "print a run's stored output", cmdLogs},
		{"tests", "show a run's test results, flaky tests and slow tests", cmdTests},
		{"import", "record a CI run from its test reports (import junit|go-test-json FILE...), or deploys made elsewhere (import deploys)", cmdImport},
		{"card", "the plan board's cards: add, ls, show, move, undo, key", cmdCard},
		{"release", "tag the next version of HEAD with its changelog and keep its artifacts", cmdRelease},
		{"releases", "list the releases, newest first", cmdReleases},
		{"deploy", "ship a release to a target and switch to it once it is healthy", cmdDeploy},
		{"promote", "deploy to a target the release that is healthy on another", cmdPromote},
		{"rollback", "switch a target back to its previous healthy release", cmdRollback},
		{"deploys", "list the deploys, newest first, or show one's log", cmdDeploys},
		{"export", "write the pipeline as a GitHub Actions workflow or a GitLab CI file", cmdExport},
		{"checks", "probe the health checks now, with their uptime over 7 days", cmdChecks},
		{"status", "the whole loop on one screen: last run, release, targets, health, incidents", cmdStatus},
		{"dora", "the four DORA keys of the production targets over the last N days", cmdDora},
		{"config", "print the effective pipeline and where each part came from", cmdConfig},
		{"serve", "serve the workbench to a browser on 127.0.0.1", cmdServe},
		{"open", "open the desktop window on a repository", cmdOpen},
		{"demo", "make a sample project with a history, a board and two local targets, and open it", cmdDemo},
		{"version", "print the version", cmdVersion},
		{"help", "show this help", cmdHelp},
	}
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitError ends a command with a status and no further message.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs the subcommand in args (without the program name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer, faces Faces) int {
	if len(args) == 0 {
		args = []string{"help"}
	}
	name := args[0]
	if name == "-h" || name == "--help" {
		name = "help"
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(c.run(&env{args: args[1:], stdout: stdout, stderr: stderr, faces: faces}), stderr)
		}
	}
	fmt.Fprintf(stderr, "eightfold: unknown command %q; run `eightfold help` for the list\n", name)
	return 2
}

func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "eightfold: %s\n", ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "eightfold: %v\n", err)
		return 1
	}
}

// common are the flags every project command takes.
type common struct {
	home string
	dir  string
}

// flags makes a FlagSet with --home (and --dir when withDir) for command name.
func (e *env) flags(name, usage string, withDir bool) (*flag.FlagSet, *common) {
	c := &common{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&c.home, "home", "", "data dir (default $EIGHTFOLD_HOME, else the user config dir's eightfold/)")
	if withDir {
		fs.StringVar(&c.dir, "dir", ".", "the repository")
	}
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: eightfold %s\n\nflags:\n", usage)
		fs.PrintDefaults()
	}
	return fs, c
}

// parse parses args, allowing flags after positional arguments; it returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *common) dataDir() (string, error) { return store.DataDir(c.home) }

// openWriter opens the data dir for writing and the project in c.dir; closing the project
// closes the store.
func (c *common) openWriter(emit workbench.Emitter) (*workbench.Project, error) {
	return workbench.OpenInDataDir(c.home, c.dir, emit)
}

// openReader opens the store read-only and the project in c.dir; the store is nil when
// nothing has been recorded yet.
func (c *common) openReader() (*store.Store, *workbench.Project, error) {
	home, err := c.dataDir()
	if err != nil {
		return nil, nil, err
	}
	s, err := store.OpenReadOnly(home)
	if errors.Is(err, store.ErrNoDatabase) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := workbench.OpenExisting(s, c.dir)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, p, nil
}

func cmdVersion(e *env) error {
	fs, _ := e.flags("version", "version", false)
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
		fmt.Fprintf(e.stdout, "eightfold %s%s (%s)\n", Version, rev, bi.GoVersion)
		return nil
	}
	fmt.Fprintf(e.stdout, "eightfold %s\n", Version)
	return nil
}

func cmdHelp(e *env) error {
	var b strings.Builder
	b.WriteString("Eightfold: the whole DevOps loop of your repository, on your machine.\n\n")
	b.WriteString("usage:\n  eightfold                 open the desktop window on the current directory\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  eightfold %-15s %s\n", c.name, c.summary)
	}
	b.WriteString("\nEvery command takes --home DIR (the data dir; default $EIGHTFOLD_HOME, else ~/.config/eightfold).\n")
	b.WriteString("Run `eightfold COMMAND -h` for a command's flags. Docs: docs/cli.md.\n")
	_, err := io.WriteString(e.stdout, b.String())
	return err
}

// untilStopped is the context of a long command: it ends on Ctrl+C, SIGTERM or SIGHUP (a
// closed terminal), so that runs in progress are cancelled and recorded. SIGPIPE is ignored:
// with `eightfold run | head`, a closed stdout is a write error, not a death mid-run that
// would orphan the step.
func untilStopped() (context.Context, context.CancelFunc) {
	signal.Ignore(syscall.SIGPIPE)
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
}

// isTerminal reports whether w is a character device, so colour makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
