package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"eightfold/backend/runner"
	"eightfold/backend/workbench"
)

// TestWatch runs `eightfold watch` on a repository: a run at start, a run per change with its
// cause, the output of a failing step in full, and a clean stop on Ctrl+C.
func TestWatch(t *testing.T) {
	dir := repo(t, map[string]string{
		"eightfold.yaml": "steps:\n  - {name: check, run: 'echo checking; if [ -f broken ]; then echo \"it is broken\" >&2; exit 3; fi'}\n",
	})
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int)
	go func() { done <- Main([]string{"watch", "--dir", dir, "--home", t.TempDir()}, stdout, stderr, Faces{}) }()

	waitOutput(t, stdout, "✓ #1 passed")
	os.WriteFile(filepath.Join(dir, "broken"), nil, 0o644)
	out := waitOutput(t, stdout, "✗ #2 failed")
	for _, want := range []string{"Watching " + dir, "… #1 start", "… #2 changed: broken", "── check failed (exit 3):", "it is broken"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out[:strings.Index(out, "… #2")], "checking") {
		t.Errorf("a passing step's output should not be printed:\n%s", out)
	}

	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d; stderr %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("watch did not stop on Ctrl+C")
	}
}

func waitOutput(t *testing.T, out *syncBuffer, want string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if s := out.String(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %q within 30 s in:\n%s", want, out.String())
	return ""
}

// TestWatchPrinterLiveLine: on a terminal the run in progress is one line that is rewritten
// in place (carriage return, erase line) and replaced by the result; a failing step's output
// comes on lines of its own.
func TestWatchPrinterLiveLine(t *testing.T) {
	var buf bytes.Buffer
	o := &watchPrinter{w: &buf, color: true}
	run := workbench.RunInfo{ID: 7, Status: "running", Trigger: workbench.TriggerChange, Changed: []string{"a.go"}, ChangedN: 1}
	o.event(workbench.TopicRunStarted, run)
	o.StepStarted(workbench.StepInfo{Name: "build"})
	o.StepFinished(workbench.StepInfo{Name: "build", Status: "passed"})
	o.StepStarted(workbench.StepInfo{Name: "test"})
	o.Output(workbench.StepInfo{Name: "test"}, runner.Chunk{Data: []byte("FAIL x\n")})
	o.StepFinished(workbench.StepInfo{Name: "test", Status: "failed", ExitCode: 1})
	run.Status = "failed"
	o.event(workbench.TopicRunFinished, run)

	out := buf.String()
	for _, want := range []string{
		"\r\x1b[K\x1b[36m… #7 changed: a.go\x1b[0m",
		"\r\x1b[K\x1b[36m… #7 changed: a.go · build\x1b[0m",
		"\r\x1b[K\x1b[36m… #7 changed: a.go · test\x1b[0m\r\x1b[K",
		"(exit 1):\x1b[0m\nFAIL x\n",
		"✗ #7 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	if strings.Count(out, "\n") != 3 {
		t.Errorf("want 3 whole lines (failure header, its output, the result), got %q", out)
	}
}

// A run that fails after a green one rings the terminal bell on a line of its own, once; a
// second failing run does not ring again, nor a green one.
func TestWatchBellsWhenARunFailsAfterGreen(t *testing.T) {
	dir := repo(t, map[string]string{
		"eightfold.yaml": "steps:\n  - {name: check, run: '[ ! -d broken ]'}\n",
	})
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int)
	go func() { done <- Main([]string{"watch", "--dir", dir, "--home", t.TempDir()}, stdout, stderr, Faces{}) }()

	waitOutput(t, stdout, "✓ #1 passed")
	os.Mkdir(filepath.Join(dir, "broken"), 0o755)
	os.WriteFile(filepath.Join(dir, "broken", "a"), nil, 0o644)
	waitOutput(t, stdout, "\a🔔 Run #2 failed after green #1")
	os.WriteFile(filepath.Join(dir, "broken", "b"), nil, 0o644) // another file: the same one thrice pauses auto-run
	waitOutput(t, stdout, "✗ #3 failed")
	os.RemoveAll(filepath.Join(dir, "broken"))
	out := waitOutput(t, stdout, "✓ #4 passed") // run #3's notices came before run #4 started
	if n := strings.Count(out, "\a"); n != 1 {
		t.Errorf("%d bells; want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "\a🔔 Run #2 failed after green #1: No test fails that passed before: see the steps.\n") {
		t.Errorf("the bell line:\n%q", out)
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("watch did not stop on Ctrl+C")
	}
}
