package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// StartError says why a step could not start. Msg says what went wrong and
// what to do; Err is the underlying cause, reachable with errors.Is and
// errors.As.
type StartError struct {
	Step string // the step's name
	Msg  string
	Err  error
}

// Error returns a message like `step "build": working directory /x does not
// exist; create it or fix the step's dir`.
func (e *StartError) Error() string {
	return fmt.Sprintf("step %q: %s", e.Step, e.Msg)
}

// Unwrap returns the cause.
func (e *StartError) Unwrap() error { return e.Err }

// checkDir makes sure the step's working directory exists and is a
// directory, so that the common mistakes get clear messages.
func checkDir(spec Spec) error {
	if spec.Dir == "" {
		return nil
	}
	info, err := os.Stat(spec.Dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &StartError{Step: spec.Name, Err: err,
			Msg: fmt.Sprintf("working directory %s does not exist; create it or fix the step's dir", spec.Dir)}
	case err != nil:
		return &StartError{Step: spec.Name, Err: err,
			Msg: fmt.Sprintf("cannot use working directory %s: %v; check its permissions", spec.Dir, err)}
	case !info.IsDir():
		return &StartError{Step: spec.Name, Err: fs.ErrInvalid,
			Msg: fmt.Sprintf("working directory %s is not a directory; fix the step's dir", spec.Dir)}
	}
	return nil
}

// startFailure explains an error from exec.Cmd.Start.
func startFailure(spec Spec, err error) error {
	msg := fmt.Sprintf("cannot start /bin/sh: %v", err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg += "; eightfold runs steps with /bin/sh, install a POSIX shell there"
	case errors.Is(err, fs.ErrPermission):
		msg += "; check the permissions of /bin/sh and of the working directory"
	default:
		msg += "; check the working directory and the system's process and file limits"
	}
	return &StartError{Step: spec.Name, Msg: msg, Err: err}
}
