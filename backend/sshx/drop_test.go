package sshx_test

import (
	"crypto/rand"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"eightfold/backend/sshx"
)

// A connection killed mid-upload fails the upload: the write or Close returns an error, and
// nothing hangs.
func TestConnectionKilledMidUpload(t *testing.T) {
	s, h := connected(t)
	w, err := h.Create(filepath.Join(t.TempDir(), "artifact"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	const size = 50_000_000
	chunk := make([]byte, 256<<10)
	_, _ = rand.Read(chunk)
	done := make(chan error, 1)
	halfway := make(chan struct{})
	go func() {
		var err error
		signalled := false
		for n := 0; n < size && err == nil; n += len(chunk) {
			if n >= size/10 && !signalled {
				close(halfway)
				signalled = true
			}
			_, err = w.Write(chunk)
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		done <- err
	}()
	select {
	case <-halfway:
	case err := <-done:
		t.Fatalf("the upload ended before the connection was killed: %v", err)
	}
	s.KillConnections()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the upload succeeded although its connection was killed")
		}
		t.Logf("upload error: %v", err)
	case <-time.After(2 * time.Minute): // a safety net against a hang, not a timing assertion
		t.Fatal("the upload hangs after its connection was killed")
	}
	if _, err := h.ReadDir("/"); err == nil {
		t.Error("the host still answers after its connection was killed")
	}
}

// A connection whose server stops answering (frozen, as behind a dead network: the TCP
// connection stays open) is closed by the keepalives, and what waits on it fails.
func TestFrozenConnectionIsNoticed(t *testing.T) {
	restore := sshx.SetKeepalive(100*time.Millisecond, 3*time.Second)
	defer restore()
	s, h := connected(t)
	if _, err := h.ReadDir("/"); err != nil {
		t.Fatal(err)
	}
	s.SignalConnections(syscall.SIGSTOP)
	defer s.SignalConnections(syscall.SIGCONT)
	done := make(chan error, 1)
	go func() {
		_, err := h.ReadDir("/")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("ReadDir succeeded on a frozen connection")
		}
		t.Logf("ReadDir error: %v", err)
	case <-time.After(2 * time.Minute): // a safety net against a hang, not a timing assertion
		t.Fatal("ReadDir hangs on a frozen connection")
	}
}
