package sshx_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

func TestRun(t *testing.T) {
	_, h := connected(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a dir with 'quotes' and $dollar")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, dir, cmd, out string
		status              int
	}{
		{"ok", "/", "echo hello", "hello\n", 0},
		{"status", "/", "echo out; echo err >&2; exit 3", "out\nerr\n", 3},
		{"dir", dir, "pwd", dir + "\n", 0},
		{"two commands", dir, "cd /; pwd", "/\n", 0},
		{"missing dir", "/no/such/dir", "echo never", "", 1},
		{"signal", "/", "kill -TERM $$", "", 128 + 15},
		{"no env sent", "/", "echo ${EIGHTFOLD_SENTINEL:-unset}", "unset\n", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("EIGHTFOLD_SENTINEL", "leaked")
			var out strings.Builder
			status, err := h.Run(ctx, c.dir, c.cmd, &out)
			if err != nil {
				t.Fatal(err)
			}
			if status != c.status {
				t.Errorf("status %d, want %d (output %q)", status, c.status, out.String())
			}
			if c.name == "status" { // stdout and stderr are two streams: their order is not kept
				lines := strings.Split(strings.TrimSpace(out.String()), "\n")
				slices.Sort(lines)
				if strings.Join(lines, " ") != "err out" {
					t.Errorf("output %q, want the lines out and err", out.String())
				}
			} else if c.name == "missing dir" {
				if !strings.Contains(out.String(), "/no/such/dir") {
					t.Errorf("output %q does not name the dir", out.String())
				}
			} else if out.String() != c.out {
				t.Errorf("output %q, want %q", out.String(), c.out)
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	_, h := connected(t)
	// A unique sleep, in a child of the shell, to find on this machine afterwards.
	arg := strconv.Itoa(900000 + os.Getpid()%99999)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	var out strings.Builder
	go func() {
		_, err := h.Run(ctx, "/", "echo started; sleep "+arg+"; echo never", &syncWriter{b: &out, started: cancel})
		errc <- err
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute): // a safety net against a hang, not a timing assertion
		t.Fatal("Run did not return after its context was cancelled")
	}
	// The sleep, a grandchild of sshd, is killed with its process group.
	deadline := time.Now().Add(30 * time.Second)
	for sleeping(arg) {
		if time.Now().After(deadline) {
			t.Fatalf("sleep %s still runs after Run was cancelled", arg)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The connection still works.
	var o strings.Builder
	if status, err := h.Run(context.Background(), "/", "echo again", &o); err != nil || status != 0 || o.String() != "again\n" {
		t.Errorf("Run after a cancelled Run: %d %v %q", status, err, o.String())
	}
}

// syncWriter calls started once the command has printed something.
type syncWriter struct {
	b       *strings.Builder
	started func()
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.b.Write(p)
	w.started()
	return len(p), nil
}

// sleeping says whether a process "sleep arg" runs on this machine.
func sleeping(arg string) bool {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && string(b) == "sleep\x00"+arg+"\x00" {
			return true
		}
	}
	return false
}

// Logged in through a real ssh-agent, the remote command sees no agent: it is not forwarded.
func TestNoAgentForwarding(t *testing.T) {
	s := sshdtest.Start(t)
	if _, err := exec.LookPath("ssh-agent"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ssh-agent is missing (build/scripts/deps.sh test installs openssh-client): %v", err)
		}
		t.Skipf("ssh-agent is missing (install openssh-client): %v", err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agent.Process.Kill(); agent.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 500 {
			t.Fatal("ssh-agent made no socket")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Setenv("SSH_AUTH_SOCK", sock)
	t.Setenv("HOME", t.TempDir()) // no ~/.ssh keys: only the agent's
	if out, err := exec.Command("ssh-add", "-q", s.ClientKeyFile).CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v %s", err, out)
	}
	target := s.Target()
	target.IdentityFile = ""
	h, err := sshx.Dial(context.Background(), target, trusting(t, s))
	if err != nil {
		t.Fatalf("Dial with the agent's key: %v", err)
	}
	defer h.Close()
	var out strings.Builder
	if _, err := h.Run(context.Background(), "/", "echo ${SSH_AUTH_SOCK:-none}", &out); err != nil || out.String() != "none\n" {
		t.Errorf("remote SSH_AUTH_SOCK: %q %v, want none", out.String(), err)
	}

	// An encrypted identity file is used through the agent that holds its key.
	key := encryptedKey(t)
	askpass := filepath.Join(t.TempDir(), "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho 'secret phrase'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	add := exec.Command("ssh-add", "-q", key)
	add.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=none")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add of the encrypted key: %v %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	ak, err := os.OpenFile(filepath.Join(s.Dir, "authorized_keys"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	ak.Write(pub)
	ak.Close()
	target.IdentityFile = key
	h2, err := sshx.Dial(context.Background(), target, trusting(t, s))
	if err != nil {
		t.Fatalf("Dial with an encrypted identity held by the agent: %v", err)
	}
	h2.Close()
}
