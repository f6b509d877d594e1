package deploy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitFor polls cond every 50 ms until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func readAppLog(root string) string {
	b, _ := os.ReadFile(AppLog(root))
	return string(b)
}

// A local start command writes to the app log: what it leaves running in the background
// keeps writing there after the shell exits, and the deploy still reports the shell's own
// output.
func TestStartOutputGoesToTheAppLog(t *testing.T) {
	s := newSite(t)
	spec := s.spec("1.0.0")
	spec.Start, spec.Health = `echo hi; (sleep 0.2; echo later) &`, nil
	res, rec, err := s.deploy(spec)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	if !strings.Contains(rec.text(), "hi") || strings.Contains(rec.text(), "=== ") {
		t.Errorf("the deploy's output should have the shell's line and not the header:\n%s", rec.text())
	}
	waitFor(t, "the background line in the app log", func() bool { return strings.Contains(readAppLog(s.root), "later") })
	log := readAppLog(s.root)
	if !strings.Contains(log, "eightfold start: releases/"+res.Release+" (1.0.0) by ann@laptop ===\nhi\n") {
		t.Errorf("the app log has no header before the shell's line:\n%s", log)
	}
	if info, err := os.Stat(AppLog(s.root)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the app log may hold secrets: it must be 0600: %v, %v", info, err)
	}
}

func TestReadLock(t *testing.T) {
	root := t.TempDir()
	if _, held, err := ReadLock(LocalHost{}, root); held || err != nil {
		t.Fatalf("a target never locked: held %v, %v", held, err)
	}
	since := time.Now().Add(-time.Minute).Truncate(time.Second)
	me := Holder{Who: "bob@ci", Since: since, Version: "1.2.0", Action: "deploy", Token: "secret-ish"}
	if err := lock(LocalHost{}, layout{root: root}, "staging", me, false); err != nil {
		t.Fatal(err)
	}
	h, held, err := ReadLock(LocalHost{}, root)
	if !held || err != nil || h.Who != "bob@ci" || !h.Since.Equal(since) || h.Version != "1.2.0" || h.Action != "deploy" || h.Token != "" {
		t.Fatalf("held lock: %+v, %v, %v", h, held, err)
	}
	os.Remove(filepath.Join(root, ".eightfold", "lock", "holder.json"))
	h, held, err = ReadLock(LocalHost{}, root)
	if !held || err != nil || h.Who != "" || h.Since.IsZero() {
		t.Fatalf("a lock without its holder file: %+v, %v, %v", h, held, err)
	}
}

// Restart and stop run the target's commands for the current release with its env file,
// under the lock, and refuse while another holds it.
func TestRestartAndStop(t *testing.T) {
	s := newSite(t)
	spec := s.spec("1.0.0")
	spec.Stop = `kill "$(cat app.pid)" && echo "stopped $EIGHTFOLD_VERSION"`
	if _, rec, err := s.deploy(spec); err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	ctx := context.Background()
	rec := &recorder{}
	res, err := Restart(ctx, LocalHost{}, spec, rec)
	if err != nil || res.Current == "" || !strings.Contains(rec.text(), "started 1.0.0") {
		t.Fatalf("restart: %+v, %v\n%s", res, err, rec.text())
	}
	waitFor(t, "the restarted app", func() bool { return s.serving() == "1.0.0" })

	other := Holder{Who: "bob@ci", Since: time.Now(), Action: "deploy", Token: "t"}
	if err := lock(LocalHost{}, layout{root: s.root}, "staging", other, false); err != nil {
		t.Fatal(err)
	}
	var held *LockHeldError
	if _, err := Stop(ctx, LocalHost{}, spec, &recorder{}); !errors.As(err, &held) || held.Holder.Who != "bob@ci" {
		t.Fatalf("a stop while the lock is held: %v", err)
	}
	if s.serving() != "1.0.0" {
		t.Fatal("a refused stop stopped the app")
	}
	os.RemoveAll(filepath.Join(s.root, ".eightfold", "lock"))

	rec = &recorder{}
	if _, err := Stop(ctx, LocalHost{}, spec, rec); err != nil || !strings.Contains(rec.text(), "stopped 1.0.0") {
		t.Fatalf("stop: %v\n%s", err, rec.text())
	}
	waitFor(t, "the app to stop", func() bool { return strings.HasPrefix(s.serving(), "error") })
	if _, held, _ := ReadLock(LocalHost{}, s.root); held {
		t.Error("the stop left the lock held")
	}
	audit, _ := os.ReadFile(filepath.Join(s.root, ".eightfold", "audit.log"))
	if !strings.Contains(string(audit), `"action":"restart"`) || !strings.Contains(string(audit), `"action":"stop"`) {
		t.Errorf("the audit log lacks the restart and the stop:\n%s", audit)
	}
}

func TestRestartWithNothingDeployed(t *testing.T) {
	s := newSite(t)
	_, err := Restart(context.Background(), LocalHost{}, s.spec("1.0.0"), &recorder{})
	var failed *Failed
	if !errors.As(err, &failed) || !strings.Contains(err.Error(), "nothing is deployed") {
		t.Fatalf("%v", err)
	}
	if _, held, _ := ReadLock(LocalHost{}, s.root); held {
		t.Error("the refused restart left the lock held")
	}
}

// lineSink collects lines from FollowLogs.
type lineSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineSink) add(s string) { l.mu.Lock(); l.lines = append(l.lines, s); l.mu.Unlock() }

func (l *lineSink) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// Without a logs command a local target's app log is followed: its last lines first, then
// what is written later, scrubbed of the secrets, until the context ends.
func TestFollowLogsOfTheAppLog(t *testing.T) {
	s := newSite(t)
	spec := s.spec("1.0.0")
	spec.Logs, spec.Health = "", nil
	spec.Start = `echo "old line"; echo "token $API_TOKEN"`
	if _, rec, err := s.deploy(spec); err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &lineSink{}
	done := make(chan error, 1)
	go func() { _, err := FollowLogs(ctx, LocalHost{}, spec, 200, sink.add); done <- err }()
	waitFor(t, "the last lines", func() bool { return strings.Contains(sink.text(), "old line") })
	f, err := os.OpenFile(AppLog(s.root), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new line\n")
	f.Close()
	waitFor(t, "the line written later", func() bool { return strings.Contains(sink.text(), "new line") })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("FollowLogs ended with %v", err)
	}
	if got := sink.text(); strings.Contains(got, secretValue) || !strings.Contains(got, "token ••••") {
		t.Errorf("the secret is not scrubbed:\n%s", got)
	}
}
