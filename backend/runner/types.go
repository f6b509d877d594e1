package runner

import "time"

// Status says how a step ended.
type Status uint8

// The statuses of a finished step. The zero Status means unknown.
const (
	Passed    Status = iota + 1 // the process exited with code 0
	Failed                      // the process exited non-zero or was killed by a signal it did not get from eightfold
	TimedOut                    // the step ran longer than its timeout and was killed
	Cancelled                   // the caller's context was cancelled and the step was killed
	Error                       // the step could not start; Result.Err says why
)

// String returns "passed", "failed", "timeout", "cancelled" or "error".
func (s Status) String() string {
	switch s {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case TimedOut:
		return "timeout"
	case Cancelled:
		return "cancelled"
	case Error:
		return "error"
	}
	return "unknown"
}

// Stream says where a chunk of output came from.
type Stream uint8

// The output streams. The values of Stdout and Stderr match their file
// descriptors. The zero Stream means unknown.
const (
	Stdout Stream = 1 // the process's standard output
	Stderr Stream = 2 // the process's standard error
	Meta   Stream = 3 // messages from eightfold itself, such as the truncation marker
)

// String returns "stdout", "stderr" or "meta".
func (s Stream) String() string {
	switch s {
	case Stdout:
		return "stdout"
	case Stderr:
		return "stderr"
	case Meta:
		return "meta"
	}
	return "unknown"
}

// Chunk is one piece of output, as read from a pipe. Data holds the bytes
// unchanged (they need not be UTF-8) and belongs to the sink: Run never
// touches it again.
type Chunk struct {
	Stream Stream
	Time   time.Time // when the bytes were read
	Data   []byte
}
