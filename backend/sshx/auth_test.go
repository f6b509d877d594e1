package sshx_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

// homeWithKey makes a HOME whose ~/.ssh/NAME is a copy of key (nothing else), and no agent.
func homeWithKey(t *testing.T, key, name string) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("SSH_AUTH_SOCK", "")
	if key == "" {
		return
	}
	b, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", name), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func encryptedKey(t *testing.T) string {
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret phrase", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	return key
}

func TestDefaultKeyFile(t *testing.T) {
	s := sshdtest.Start(t)
	homeWithKey(t, s.ClientKeyFile, "id_ed25519")
	target := s.Target()
	target.IdentityFile, target.User = "", "" // the default key, the current user
	h, err := sshx.Dial(context.Background(), target, trusting(t, s))
	if err != nil {
		t.Fatalf("Dial with ~/.ssh/id_ed25519: %v", err)
	}
	defer h.Close()
	if h.String() != s.User+"@"+s.Addr {
		t.Errorf("String() = %q, want %q", h.String(), s.User+"@"+s.Addr)
	}
}

func TestNoUsableKey(t *testing.T) {
	s := sshdtest.Start(t)
	target := s.Target()
	target.IdentityFile = ""
	for _, c := range []struct{ name, key, want string }{
		{"none", "", "no key to log in with"},
		{"encrypted default", encryptedKey(t), "passphrase"},
	} {
		t.Run(c.name, func(t *testing.T) {
			homeWithKey(t, c.key, "id_ed25519")
			_, err := sshx.Dial(context.Background(), target, trusting(t, s))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Dial: %v, want an error saying %q", err, c.want)
			}
		})
	}
}

func TestEncryptedKeyWithoutAgent(t *testing.T) {
	s := sshdtest.Start(t)
	t.Setenv("SSH_AUTH_SOCK", "")
	target := s.Target()
	target.IdentityFile = encryptedKey(t)
	_, err := sshx.Dial(context.Background(), target, trusting(t, s))
	if err == nil || !strings.Contains(err.Error(), "passphrase") || !strings.Contains(err.Error(), "ssh-add") {
		t.Fatalf("Dial with an encrypted key and no agent: %v, want an error about the passphrase and ssh-add", err)
	}
}

func TestWrongKeyIsRefused(t *testing.T) {
	s := sshdtest.Start(t)
	other := filepath.Join(t.TempDir(), "other")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	target := s.Target()
	target.IdentityFile = other
	_, err := sshx.Dial(context.Background(), target, trusting(t, s))
	if err == nil || !strings.Contains(err.Error(), "authorized_keys") {
		t.Errorf("Dial with a key the server does not know: %v, want a login error naming authorized_keys", err)
	}
}
