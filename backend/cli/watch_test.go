package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
