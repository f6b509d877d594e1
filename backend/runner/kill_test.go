package runner

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// familyScript starts a family of processes, writes their pids to
// $PIDFILE and prints "ready" once all are written: two sleeping children, a
// child that ignores SIGTERM, a subshell with a child of its own, and the
// shell itself.
const familyScript = `
sleep 300 & echo $! >> "$PIDFILE"
sleep 300 & echo $! >> "$PIDFILE"
sh -c 'trap "" TERM; echo $$ >> "$PIDFILE"; exec sleep 300' &
sh -c 'sleep 300 & echo $! >> "$PIDFILE"; echo $$ >> "$PIDFILE"; wait' &
echo $$ >> "$PIDFILE"
until [ "$(wc -l < "$PIDFILE")" -ge 6 ]; do sleep 0.01; done
echo ready
wait
`

// familySpec returns a spec that runs script with PIDFILE set, and the
// path of the pid file.
func familySpec(t *testing.T, script string) (Spec, string) {
	pidfile := filepath.Join(t.TempDir(), "pids")
	spec := Spec{
		Name:      "test",
		Command:   script,
		Env:       append(syscall.Environ(), "PIDFILE="+pidfile),
		KillGrace: 300 * time.Millisecond,
	}
	return spec, pidfile
}

// whenReady waits for the family to be ready, checks that some process of
// it ignores SIGTERM (so that the test covers SIGKILL), then calls then. It
// runs in its own goroutine; the returned channel is closed when it is done.
func whenReady(t *testing.T, rec *recorder, pidfile string, then func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer then()
		if !waitReady(rec) {
			t.Error("the step never printed ready")
			return
		}
		if err := ignorerPresent(pidfile); err != nil {
			t.Error(err)
		}
	}()
	return done
}

// ignorerPresent checks that some process in pidfile ignores SIGTERM.
func ignorerPresent(pidfile string) error {
	pids, err := parsePIDFile(pidfile)
	if err != nil {
		return err
	}
	for _, pid := range pids {
		if ok, err := ignoresTERM(pid); ok || err != nil {
			return err
		}
	}
	return errors.New("no process ignores SIGTERM; the test is broken")
}

// checkFamily asserts that every process the script wrote down is gone.
func checkFamily(t *testing.T, pidfile string, wantPIDs int) {
	t.Helper()
	pids := readPIDs(t, pidfile)
	if len(pids) < wantPIDs {
		t.Fatalf("script wrote %d pids, want %d", len(pids), wantPIDs)
	}
	assertGone(t, pids)
}

func TestCancelKillsProcessGroup(t *testing.T) {
	tests := []struct {
		name   string
		script string
		cause  error
		meta   string
	}{
		{"plain cancel", familyScript, nil,
			`[eightfold] step "test" cancelled; killed its process group`},
		{"cancel with a cause", familyScript, errors.New("a file changed"),
			`[eightfold] step "test" cancelled (a file changed); killed its process group`},
		{"main process ignores TERM", "trap '' TERM\n" + familyScript, nil,
			`[eightfold] step "test" cancelled; killed its process group`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec, pidfile := familySpec(t, tt.script)
			ctx, cancel := context.WithCancelCause(t.Context())
			defer cancel(nil)
			rec := newRecorder()
			checked := whenReady(t, rec, pidfile, func() { cancel(tt.cause) })
			res := run(t, ctx, spec, rec)
			<-checked
			if res.Status != Cancelled || res.ExitCode != -1 {
				t.Errorf("got %v/%d, want cancelled/-1", res.Status, res.ExitCode)
			}
			if meta := rec.text(Meta); !strings.Contains(meta, tt.meta) {
				t.Errorf("meta %q, want it to contain %q", meta, tt.meta)
			}
			checkFamily(t, pidfile, 6)
		})
	}
}

func TestTimeoutKillsProcessGroup(t *testing.T) {
	spec, pidfile := familySpec(t, familyScript)
	spec.Timeout = 3 * time.Second
	rec := newRecorder()
	checked := whenReady(t, rec, pidfile, func() {})
	res := run(t, t.Context(), spec, rec)
	<-checked
	if res.Status != TimedOut || res.ExitCode != -1 {
		t.Errorf("got %v/%d, want timeout/-1", res.Status, res.ExitCode)
	}
	select {
	case <-rec.ready:
	default:
		t.Fatal("the step timed out before it was ready; the machine is very slow")
	}
	want := `[eightfold] step "test" timed out after 3s; killed its process group`
	if meta := rec.text(Meta); !strings.Contains(meta, want) {
		t.Errorf("meta %q, want it to contain %q", meta, want)
	}
	checkFamily(t, pidfile, 6)
}

// TestBackgroundProcessesKilledOnExit: when the main process exits, what
// it left running in its group is killed, and Run says so.
func TestBackgroundProcessesKilledOnExit(t *testing.T) {
	spec, pidfile := familySpec(t, `
sleep 300 & echo $! >> "$PIDFILE"
sh -c 'trap "" TERM; echo $$ >> "$PIDFILE"; exec sleep 300' &
until [ "$(wc -l < "$PIDFILE")" -ge 2 ]; do sleep 0.01; done
echo started`)
	rec := newRecorder()
	res := run(t, t.Context(), spec, rec)
	if res.Status != Passed {
		t.Errorf("status %v, want passed", res.Status)
	}
	want := `[eightfold] step "test" exited but left processes running in its process group; killed them`
	if meta := rec.text(Meta); !strings.Contains(meta, want) {
		t.Errorf("meta %q, want it to contain %q", meta, want)
	}
	checkFamily(t, pidfile, 2)
}
