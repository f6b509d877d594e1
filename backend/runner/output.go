package runner

import (
	"fmt"
	"sync"
	"time"
)

// output serialises calls to the sink and applies the output cap.
type output struct {
	mu      sync.Mutex
	sink    func(Chunk)
	limit   int64 // bytes passed to the sink; <0 unlimited
	total   int64 // bytes written by the process
	kept    int64 // bytes of process output passed to the sink
	midLine bool  // the last byte passed to the sink was not a newline
	cut     bool  // the cap discarded some output
	filter  func(Stream, []byte) []byte
}

// newOutput returns an output that feeds sink (nil discards everything).
func newOutput(sink func(Chunk), limit int64) *output {
	if sink == nil {
		sink = func(Chunk) {}
	}
	return &output{sink: sink, limit: limit}
}

// write counts p and passes the part of it that fits under the cap to the
// sink. It never blocks on anything but the sink.
func (o *output) write(stream Stream, p []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.total += int64(len(p))
	if o.filter != nil {
		if p = o.filter(stream, p); len(p) == 0 {
			return
		}
	}
	if o.limit >= 0 {
		room := o.limit - o.kept
		if int64(len(p)) > room {
			o.cut = true
			p = p[:max(room, 0)]
		}
		if len(p) == 0 {
			return
		}
	}
	o.kept += int64(len(p))
	o.deliver(stream, p)
}

// meta passes a message from eightfold to the sink as one line of its own,
// prefixed with "[eightfold] ". Meta messages do not count against the cap.
func (o *output) meta(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	msg := "[eightfold] " + fmt.Sprintf(format, args...) + "\n"
	if o.midLine {
		msg = "\n" + msg
	}
	o.deliver(Meta, []byte(msg))
}

// deliver copies p into a chunk of its own and calls the sink; o.mu is held.
func (o *output) deliver(stream Stream, p []byte) {
	if len(p) == 0 {
		return
	}
	o.midLine = p[len(p)-1] != '\n'
	o.sink(Chunk{Stream: stream, Time: time.Now(), Data: append([]byte(nil), p...)})
}

// counts returns the number of bytes the process wrote and whether some of
// them were discarded.
func (o *output) counts() (total int64, truncated bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.total, o.cut
}

// humanBytes formats n with binary units: "512 B", "50.0 MiB", "1.2 GiB".
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	const units = "KMGTPE"
	v, i := float64(n)/1024, 0
	for v >= 1023.95 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}
