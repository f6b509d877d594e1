package watch

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// LimitError reports that the kernel refused an inotify watch or instance
// because a system limit is reached. Its message names the limit, its value
// now and the commands that raise it.
type LimitError struct {
	Path    string // the directory being watched when the limit was hit
	Setting string // the sysctl that sets the limit, e.g. "fs.inotify.max_user_watches"
	Current string // the setting's value now, or "unknown"
	Raise   int    // a value to raise the setting to
	Watched int    // directories this watcher watched already
	Err     error  // the cause: syscall.ENOSPC or syscall.EMFILE, possibly wrapped
}

// Error returns a message that says which limit is reached and how to
// raise it, now and across reboots.
func (e *LimitError) Error() string {
	raise := fmt.Sprintf("Raise it with `sudo sysctl %s=%d`; to keep it across reboots: "+
		"`echo %s=%d | sudo tee -a /etc/sysctl.d/90-inotify.conf`", e.Setting, e.Raise, e.Setting, e.Raise)
	if errors.Is(e.Err, syscall.ENOSPC) {
		return fmt.Sprintf("cannot watch %s: the inotify watch limit is reached "+
			"(%s = %s; this watcher holds %d watches, other programs the rest). %s. "+
			"Ignoring big generated directories (watch.ignore in eightfold.yaml) also helps. %s",
			e.Path, e.Setting, e.Current, e.Watched, raise, pollHint)
	}
	return fmt.Sprintf("cannot watch %s: too many inotify instances or open files "+
		"(%s = %s, or the open files limit shown by `ulimit -n`). %s. %s",
		e.Path, e.Setting, e.Current, raise, pollHint)
}

// pollHint is the alternative to raising a limit that every LimitError offers.
const pollHint = "Or poll instead of using inotify: `watch: {poll: 1s}` in eightfold.yaml " +
	"(changes are seen up to a second late and scans cost CPU on big trees)"

// Unwrap returns Err.
func (e *LimitError) Unwrap() error { return e.Err }

// limitError returns a *LimitError when err is ENOSPC (the watch limit) or
// EMFILE (the instance or open files limit), else nil.
func limitError(err error, path string, watched int) *LimitError {
	setting, floor := "", 0
	switch {
	case errors.Is(err, syscall.ENOSPC):
		setting, floor = "max_user_watches", 524288
	case errors.Is(err, syscall.EMFILE):
		setting, floor = "max_user_instances", 1024
	default:
		return nil
	}
	e := &LimitError{Path: path, Setting: "fs.inotify." + setting, Current: "unknown", Raise: floor,
		Watched: watched, Err: err}
	if data, err := os.ReadFile("/proc/sys/fs/inotify/" + setting); err == nil {
		e.Current = strings.TrimSpace(string(data))
		if n, err := strconv.Atoi(e.Current); err == nil && 2*n > floor {
			e.Raise = 2 * n
		}
	}
	return e
}
