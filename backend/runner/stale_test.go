package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// Fields 4 to 21, then 22 (starttime) and a few more.
	const rest = " 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 2576384 150 18446744073709551615\n"
	tests := []struct {
		name string
		in   string
		want procInfo
		ok   bool
	}{
		{"plain", "4242 (sh) S" + rest, procInfo{'S', 4242, 987654321}, true},
		{"spaces in the name", "4242 (my prog) R" + rest, procInfo{'R', 4242, 987654321}, true},
		{"parentheses in the name", "4242 (a) S 1 (b)) Z" + rest, procInfo{'Z', 4242, 987654321}, true},
		{"empty name", "4242 () S" + rest, procInfo{'S', 4242, 987654321}, true},
		{"no parenthesis", "4242 sh S" + rest, procInfo{}, false},
		{"cut short", "4242 (sh) S 1 4242 4242", procInfo{}, false},
		{"bad pgrp", "4242 (sh) S 1 x" + rest[8:], procInfo{}, false},
		{"bad start time", strings.Replace("4242 (sh) S"+rest, "987654321", "-1", 1), procInfo{}, false},
		{"long state", "4242 (sh) SS" + rest, procInfo{}, false},
		{"empty", "", procInfo{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStat([]byte(tt.in))
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseStat(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseStat(f *testing.F) {
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(self)
	f.Add([]byte("1 (a) b) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, ok := parseStat(data)
		if !ok && p != (procInfo{}) {
			t.Errorf("parseStat(%q) failed but returned %+v", data, p)
		}
	})
}

// TestOnStart: OnStart gets the group of the step's shell, exactly once,
// before any output; steps that never start do not call it.
func TestOnStart(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		dir     string
		started bool
	}{
		{"started", t.Context(), "", true},
		{"missing directory", t.Context(), filepath.Join(t.TempDir(), "missing"), false},
		{"cancelled before start", cancelled, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			var g Group
			rec := newRecorder()
			rec.check = func(c Chunk) {
				if c.Stream != Meta && calls.Load() != 1 {
					t.Errorf("sink called with %q after %d calls of OnStart", c.Data, calls.Load())
				}
			}
			spec := Spec{Name: "s", Dir: tt.dir, Command: `echo $$; cut -d' ' -f22 /proc/$$/stat`,
				OnStart: func(got Group) { calls.Add(1); g = got }}
			res := run(t, tt.ctx, spec, rec)
			if !tt.started {
				if calls.Load() != 0 {
					t.Errorf("OnStart called for a step with status %v", res.Status)
				}
				return
			}
			if res.Status != Passed || calls.Load() != 1 {
				t.Fatalf("status %v, %d calls of OnStart", res.Status, calls.Load())
			}
			if got, want := rec.text(Stdout), fmtGroup(g); got != want {
				t.Errorf("the step says its group is %q; OnStart got %q", got, want)
			}
		})
	}
}

// fmtGroup formats g the way TestOnStart's step prints its own group.
func fmtGroup(g Group) string {
	return fmt.Sprintf("%d\n%d\n", g.PGID, g.StartTicks)
}

// sleepers is a step with two background processes and a shell that waits
// for them.
const sleepers = `sleep 300 & sleep 300 & echo started; wait`

// startGroup runs sleepers in the background and returns its Group once it
// printed "started", and a channel that gets the Result.
func startGroup(t *testing.T, ctx context.Context) (Group, <-chan Result) {
	t.Helper()
	groups := make(chan Group, 1)
	rec := newRecorderFor("started")
	results := make(chan Result, 1)
	spec := Spec{Name: "sleepers", Command: sleepers, OnStart: func(g Group) { groups <- g }}
	go func() { results <- Run(ctx, spec, rec.sink) }()
	if !waitReady(rec) {
		t.Fatal("the step never printed started")
	}
	return <-groups, results
}

// waitResult waits for Run to return; the limit only catches a hang.
func waitResult(t *testing.T, results <-chan Result) Result {
	t.Helper()
	select {
	case res := <-results:
		return res
	case <-time.After(hangLimit):
		t.Fatal("Run did not return")
		return Result{}
	}
}

// TestKillStaleKillsLiveGroup: KillStale kills every member of a running
// step's group, which ends the step; calling it again finds nothing.
func TestKillStaleKillsLiveGroup(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testDeadline)
	defer cancel()
	g, results := startGroup(t, ctx)
	n, err := KillStale(g)
	if err != nil || n < 3 {
		t.Errorf("KillStale(%+v) = %d, %v; want the shell and both sleeps", g, n, err)
	}
	res := waitResult(t, results)
	if res.Status != Failed || res.ExitCode != -1 {
		t.Errorf("got %v/%d, want failed/-1", res.Status, res.ExitCode)
	}
	if hasLiveMember(g.PGID) {
		t.Errorf("group %d still has live members", g.PGID)
	}
	if n, err := KillStale(g); n != 0 || err != nil {
		t.Errorf("second KillStale = %d, %v; want 0, nil", n, err)
	}
}

// TestKillStaleLeavesOthersAlone: groups that are not the recorded one are
// not touched.
func TestKillStaleLeavesOthersAlone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testDeadline)
	defer cancel()
	g, results := startGroup(t, ctx)
	tests := []struct {
		name  string
		group Group
		err   bool
	}{
		{"started in the future (PID reuse)", Group{g.PGID, math.MaxUint64}, false},
		{"started before the recorded start", Group{g.PGID, g.StartTicks - 1}, false},
		{"no such group", Group{1<<22 + 1, g.StartTicks}, false},
		{"unknown start time", Group{g.PGID, 0}, true},
		{"init", Group{1, g.StartTicks}, true},
		{"zero", Group{0, g.StartTicks}, true},
		{"negative", Group{-g.PGID, g.StartTicks}, true},
		{"own group", Group{syscall.Getpgrp(), 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := KillStale(tt.group)
			if n != 0 || (err != nil) != tt.err {
				t.Errorf("KillStale(%+v) = %d, %v; want 0 and error %v", tt.group, n, err, tt.err)
			}
			if !hasLiveMember(g.PGID) {
				t.Fatal("the step's group is gone")
			}
		})
	}
	if members, err := staleMembers(Group{g.PGID, math.MaxUint64}); len(members) != 0 || err != nil {
		t.Errorf("processes that started before the group count as members: %v, %v", members, err)
	}
	cancel()
	if res := waitResult(t, results); res.Status != Cancelled {
		t.Errorf("status %v, want cancelled", res.Status)
	}
}

// TestKillStaleEndedGroup: a group whose step has finished is gone.
func TestKillStaleEndedGroup(t *testing.T) {
	var g Group
	res := Run(t.Context(), Spec{Name: "s", Command: "true", OnStart: func(got Group) { g = got }}, nil)
	if res.Status != Passed || g.PGID == 0 || g.StartTicks == 0 {
		t.Fatalf("status %v, group %+v", res.Status, g)
	}
	if n, err := KillStale(g); n != 0 || err != nil {
		t.Errorf("KillStale(%+v) = %d, %v; want 0, nil", g, n, err)
	}
}

// crashStep starts a family of processes, writes their pids to $PIDFILE and
// prints "ready" once all are written.
const crashStep = `
sleep 300 & echo $! >> "$PIDFILE"
sleep 300 & echo $! >> "$PIDFILE"
sh -c 'sleep 300 & echo $! >> "$PIDFILE"; echo $$ >> "$PIDFILE"; wait' &
echo $$ >> "$PIDFILE"
until [ "$(wc -l < "$PIDFILE")" -ge 5 ]; do sleep 0.01; done
echo ready
wait
`

// TestKillStaleAfterCrash: when the process running a step dies by SIGKILL,
// the step's group lives on; KillStale with the Group that OnStart reported
// kills all of it.
func TestKillStaleAfterCrash(t *testing.T) {
	t.Parallel()
	pidfile := filepath.Join(t.TempDir(), "pids")
	t.Cleanup(func() { killPIDFile(pidfile) })
	helper, g := startCrashHelper(t, pidfile)
	pids := readPIDs(t, pidfile)
	if err := helper.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	helper.Wait()
	for _, pid := range pids {
		if gone(pid) {
			t.Fatalf("process %d of the step died with the helper; the test shows nothing", pid)
		}
	}
	n, err := KillStale(g)
	if err != nil || n != len(pids) {
		t.Errorf("KillStale(%+v) = %d, %v; want %d, nil", g, n, err, len(pids))
	}
	assertGone(t, pids)
	if hasLiveMember(g.PGID) {
		t.Errorf("group %d still has live members", g.PGID)
	}
}

// startCrashHelper re-executes the test binary to run crashStep, and
// returns it and the step's Group once the step is ready.
func startCrashHelper(t *testing.T, pidfile string) (*exec.Cmd, Group) {
	t.Helper()
	helper := exec.Command(os.Args[0])
	helper.Env = append(os.Environ(), helperEnv+"=run-until-killed", "RUNNER_TEST_STEP="+crashStep, "PIDFILE="+pidfile)
	helper.Stderr = os.Stderr
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { helper.Process.Kill(); helper.Wait() })
	ready := make(chan Group, 1)
	go readCrashHelper(out, ready)
	select {
	case g, ok := <-ready:
		if !ok {
			t.Fatal("the helper did not report its group and then ready")
		}
		return helper, g
	case <-time.After(testDeadline):
		t.Fatal("the helper did not get ready")
	}
	return nil, Group{}
}

// readCrashHelper reads the helper's Group line and sends the Group once the
// step printed "ready"; it closes ready without sending if it never does.
func readCrashHelper(out io.Reader, ready chan<- Group) {
	defer close(ready)
	sc := bufio.NewScanner(out)
	var g Group
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &g) != nil {
		return
	}
	for sc.Scan() {
		if sc.Text() == "ready" {
			ready <- g
			return
		}
	}
}
