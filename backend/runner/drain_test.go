package runner

import (
	"strings"
	"testing"
	"time"
)

// TestSlowSinkGetsAllOutput: a sink that applies back-pressure (here 400 ms
// per chunk) makes the readers fall far behind a step that has long exited.
// The time spent in the sink is not idle time: Run reads the pipes to the
// end and does not blame an escaped process.
func TestSlowSinkGetsAllOutput(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	rec.slow = 400 * time.Millisecond
	res := run(t, t.Context(), Spec{Name: "s", Command: "head -c 3000000 /dev/zero"}, rec)
	if res.Status != Passed || res.OutputBytes != 3_000_000 {
		t.Errorf("got %v with %d bytes, want passed with 3000000", res.Status, res.OutputBytes)
	}
	if got := len(rec.bytes(Stdout)); got != 3_000_000 {
		t.Errorf("sink got %d bytes, want 3000000", got)
	}
	if meta := rec.text(Meta); meta != "" {
		t.Errorf("unexpected meta output %q", meta)
	}
}

// TestEscapedProcessHoldingOutput: a process that left the group with
// setsid cannot be killed by group. It keeps stdout open, so Run never sees
// EOF; it stops reading once the pipes have been idle for WaitDelay, even
// if the escaped process writes without pause into a slow sink. The
// process keeps running (the test kills it).
func TestEscapedProcessHoldingOutput(t *testing.T) {
	tests := []struct {
		name   string
		daemon string
		slow   time.Duration
		want   string
	}{
		{"ticking, fast sink", `while :; do echo tick; sleep 0.05; done`, 0, "tick\n"},
		{"flooding, slow sink", `exec yes flood`, 50 * time.Millisecond, "flood\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec, pidfile := familySpec(t, `
setsid sh -c 'echo $$ >> "$PIDFILE"; `+tt.daemon+`' &
sleep 0.2
echo parent done`)
			spec.WaitDelay = 300 * time.Millisecond
			spec.MaxOutput = -1
			t.Cleanup(func() { killPIDFile(pidfile) })
			rec := newRecorder()
			rec.slow = tt.slow
			res := run(t, t.Context(), spec, rec)
			if pids := readPIDs(t, pidfile); len(pids) != 1 {
				t.Errorf("pids %v, want the escaped process's", pids)
			}
			if res.Status != Passed || res.ExitCode != 0 {
				t.Errorf("got %v/%d, want passed/0", res.Status, res.ExitCode)
			}
			if out := rec.text(Stdout); !strings.Contains(out, "parent done") || !strings.Contains(out, tt.want) {
				t.Errorf("stdout %.200q", out)
			}
			if meta := rec.text(Meta); !strings.Contains(meta, "kept the output open") {
				t.Errorf("meta %q does not explain the held pipe", meta)
			}
			// Give the process time to write more; the recorder flags late calls.
			time.Sleep(200 * time.Millisecond)
		})
	}
}
