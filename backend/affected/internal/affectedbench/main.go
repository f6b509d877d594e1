// Command affectedbench times one test run of a Go module for bench/affected.sh.
//
//	affectedbench -mode full  -root DIR -command 'go test ./...'
//	    runs the command as it is.
//	affectedbench -mode cold  -root DIR -command 'go test ./...' -changed FILE
//	    affected.Load + Select + Narrow, then runs the narrowed command: what happens when
//	    the graph is not in memory yet.
//	affectedbench -mode warm  -root DIR -command 'go test ./...' -changed FILE -edit CMD
//	    loads the graph (not timed), runs the shell command CMD (not timed; it edits FILE),
//	    then times Stale + Select + Narrow and the narrowed command: what the workbench does
//	    on a save once the graph is warm.
//
// It prints one line of key=value pairs, times in milliseconds:
// mode, total_ms, load_ms, select_ms (Stale+Select+Narrow), test_ms, packages, stale.
// Every command runs with sh -c in DIR, in its own process group.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"eightfold/backend/affected"
)

func main() {
	mode := flag.String("mode", "full", "full, cold or warm")
	root := flag.String("root", ".", "the module root")
	command := flag.String("command", "go test ./...", "the test command")
	changed := flag.String("changed", "", "changed files, comma-separated, relative to root")
	edit := flag.String("edit", "", "warm mode: shell command that makes the change, run after loading")
	flag.Parse()
	if err := run(*mode, *root, *command, splitList(*changed), *edit); err != nil {
		fmt.Fprintln(os.Stderr, "affectedbench:", err)
		os.Exit(1)
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func run(mode, root, command string, changed []string, edit string) error {
	ctx := context.Background()
	var g *affected.Graph
	var err error
	var loadT, selectT time.Duration
	stale := false
	start := time.Now()
	switch mode {
	case "full":
	case "warm":
		if g, err = affected.Load(ctx, root); err != nil {
			return err
		}
		if edit != "" {
			if err := sh(root, edit, os.Stderr); err != nil {
				return fmt.Errorf("edit: %w", err)
			}
		}
		start = time.Now()
		stale = g.Stale(changed)
		if stale {
			return fmt.Errorf("the change made the graph stale; warm mode measures a body change")
		}
		fallthrough
	case "cold":
		if g == nil {
			if g, err = affected.Load(ctx, root); err != nil {
				return err
			}
			loadT = time.Since(start)
		}
		t := time.Now()
		sel := g.Select(changed)
		narrowed, ok := affected.Narrow(command, sel)
		selectT = time.Since(t)
		if !ok || sel.All {
			return fmt.Errorf("cannot narrow %q for %+v", command, sel)
		}
		fmt.Fprintf(os.Stderr, "affectedbench: %s: %s\n", sel.Reason, narrowed)
		command = narrowed
		defer func(n int) { fmt.Printf(" packages=%d\n", n) }(len(sel.Packages))
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	t := time.Now()
	if command != "" {
		if err := sh(root, command, os.Stderr); err != nil {
			return fmt.Errorf("%s: %w", command, err)
		}
	}
	testT := time.Since(t)
	fmt.Printf("mode=%s total_ms=%.1f load_ms=%.1f select_ms=%.3f test_ms=%.1f stale=%v",
		mode, ms(time.Since(start)), ms(loadT), ms(selectT), ms(testT), stale)
	if mode == "full" {
		fmt.Println()
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// sh runs command with sh -c in dir, in its own process group, with stdout and stderr to w.
func sh(dir, command string, w *os.File) error {
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err := cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return err
}
