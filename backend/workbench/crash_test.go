package workbench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"eightfold/backend/store"
)

// The test binary doubles as an eightfold that dies mid-run: with CRASH_HOME set it runs the
// pipeline in CRASH_DIR and waits to be killed.
func TestMain(m *testing.M) {
	if home := os.Getenv("CRASH_HOME"); home != "" {
		p, err := OpenInDataDir(home, os.Getenv("CRASH_DIR"), nil)
		if err != nil {
			os.Exit(3)
		}
		p.RunNow(context.Background(), TriggerManual, nil)
		os.Exit(4) // not reached: the parent kills us mid-run
	}
	os.Exit(m.Run())
}

// TestCrashLeavesNoOrphans kills an eightfold (SIGKILL: no handler runs) while its step has
// two children, checks they outlive it, then opens the data dir again: the children must be
// killed and the run marked interrupted.
func TestCrashLeavesNoOrphans(t *testing.T) {
	dir, home := t.TempDir(), t.TempDir()
	yaml := "steps:\n  - name: serve\n    run: \"sh -c 'echo $$ >> pids; exec sleep 300' & sh -c 'echo $$ >> pids; exec sleep 300' & wait\"\n"
	os.WriteFile(filepath.Join(dir, "eightfold.yaml"), []byte(yaml), 0o644)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CRASH_HOME="+home, "CRASH_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := waitForPIDs(t, filepath.Join(dir, "pids"), 2)
	cmd.Process.Kill()
	cmd.Wait()
	for _, pid := range pids {
		if !alive(pid) {
			t.Fatalf("child %d died with eightfold; the test needs it to outlive it", pid)
		}
	}

	p, err := OpenInDataDir(home, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	waitFor(t, func() bool { return !alive(pids[0]) && !alive(pids[1]) })
	runs, _ := p.Runs(1)
	if len(runs) != 1 || runs[0].Status != store.StatusInterrupted {
		t.Errorf("runs after the crash: %+v, want one interrupted", runs)
	}
}

func waitForPIDs(t *testing.T, path string, n int) []int {
	t.Helper()
	var pids []int
	waitFor(t, func() bool {
		b, _ := os.ReadFile(path)
		pids = pids[:0]
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
		return len(pids) >= n
	})
	return pids
}

// alive reports whether pid is a live process; a zombie (killed, not yet reaped by init,
// which does not reap here) counts as gone.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] != "Z"
}
