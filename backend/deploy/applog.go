package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"
)

// AppLog is the file under a local target's deploy root that its start command writes to:
// the shell's stdout and stderr are this file (appended), so whatever the command leaves
// running in the background (nohup app &) keeps writing to it after the shell is gone.
// Each start first appends a header line. The Operate view follows it.
func AppLog(root string) string { return path.Join(root, "logs", "app.log") }

// appLogMax is the size beyond which a start first moves the app log to app.log.1
// (replacing the one before): the log of a chatty app does not grow without end.
const appLogMax = 16 << 20

// appLogEcho caps what of the app log a start copies to the deploy's own output: the shell's
// output, and whatever the background app wrote while the shell ran.
const appLogEcho = 64 << 10

// start runs the start command for release name, its output reported under step. On this
// machine the command writes to the app log, and what it wrote there while it ran is
// reported as a command's output is.
func (d *run) start(ctx context.Context, step, name string) (ok bool, why string) {
	if _, local := d.h.(LocalHost); !local {
		return d.command(ctx, step, name, d.spec.Start)
	}
	header := fmt.Sprintf("=== %s eightfold %s: releases/%s (%s) by %s ===\n", d.now().UTC().Format(time.RFC3339),
		step, name, orWord(d.spec.Version, "version unknown"), orWord(d.spec.Who, "someone"))
	logged := *d // the same run, on a host whose commands write to the app log
	logged.h = appLogHost{path: AppLog(d.spec.Root), header: header}
	return logged.command(ctx, step, name, d.spec.Start)
}

// appLogHost is this machine, running commands with their output appended to a log file
// that the processes they start inherit.
type appLogHost struct {
	LocalHost
	path   string // the log file
	header string // the line written before each command
}

// Run runs command with its stdout and stderr appended to the log file, then copies what
// was appended while it ran (at most appLogEcho bytes) to out.
func (h appLogHost) Run(ctx context.Context, dir, command string, out io.Writer) (int, error) {
	f, from, err := openAppLog(h.path, h.header)
	if err != nil {
		return -1, err
	}
	cmd := shellCommand(dir, command)
	cmd.Stdout, cmd.Stderr = f, f // a file, not a pipe: nothing to wait for once the shell exits
	status, err := runGroup(ctx, cmd)
	f.Close()
	if echo, oerr := os.Open(h.path); oerr == nil {
		if _, serr := echo.Seek(from, io.SeekStart); serr == nil {
			io.Copy(out, io.LimitReader(echo, appLogEcho))
		}
		echo.Close()
	}
	return status, err
}

// openAppLog opens the app log for appending (moving a big one aside first), writes the
// header, and returns the file and its size after the header.
func openAppLog(file, header string) (*os.File, int64, error) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, 0, fmt.Errorf("make the app log's directory: %w", err)
	}
	if info, err := os.Stat(file); err == nil && info.Size() > appLogMax {
		if err := os.Rename(file, file+".1"); err != nil {
			return nil, 0, fmt.Errorf("move the app log %s aside: %w", file, err)
		}
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("open the app log: %w", err)
	}
	if _, err := f.WriteString(header); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("write to the app log %s: %w", file, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("read the app log's size: %w", err)
	}
	return f, info.Size(), nil
}
