package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"eightfold/backend/workbench"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type pingAPI struct{ w *workbench.Workspace }

func (a *pingAPI) Ping() string {
	p, err := a.w.Current()
	if err != nil {
		return err.Error()
	}
	return "pong " + p.Dir()
}

// TestOpenWithoutDisplayServes checks the fallback of `eightfold open` (and so of `make run`)
// on a machine with no display: the browser face starts, serves the API with the token, and
// stops cleanly on Ctrl+C.
func TestOpenWithoutDisplayServes(t *testing.T) {
	dir := repo(t, goProject)
	faces := Faces{
		Assets:  fstest.MapFS{"index.html": {Data: []byte("<title>Eightfold</title>")}},
		NewAPI:  func(w *workbench.Workspace) any { return &pingAPI{w} },
		Desktop: func(string, string) error { return fmt.Errorf("%w (test)", ErrNoDisplay) },
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int)
	go func() { done <- Main([]string{"open", dir, "--home", t.TempDir()}, stdout, stderr, faces) }()

	url := waitForURL(t, stdout)
	if !strings.Contains(stderr.String(), "starting the browser face instead") {
		t.Errorf("stderr should explain the fallback: %q", stderr.String())
	}
	base, token, _ := strings.Cut(url, "/?token=")
	req, _ := http.NewRequest(http.MethodPost, base+"/api/Ping", strings.NewReader("[]"))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("%q", "pong "+dir); string(bytes.TrimSpace(body)) != want {
		t.Errorf("Ping: %d %s, want %s", resp.StatusCode, body, want)
	}

	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after Ctrl+C; stderr %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
}

var servingLine = regexp.MustCompile(`Eightfold serving on (http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+)\n`)

func waitForURL(t *testing.T, out *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal(errors.New("no serving line within 20 s: " + out.String()))
	return ""
}
