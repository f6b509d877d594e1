package sshx_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

func TestUnknownHostRefusedUntilTrusted(t *testing.T) {
	s := sshdtest.Start(t)
	tr := emptyTrust(t)
	ctx := context.Background()

	_, err := sshx.Dial(ctx, s.Target(), tr)
	var unknown *sshx.UnknownHostError
	if !errors.As(err, &unknown) {
		t.Fatalf("Dial to an unknown host: %v, want *UnknownHostError", err)
	}
	out, err := exec.Command("ssh-keygen", "-lf", s.HostKeyFile).Output()
	if err != nil {
		t.Fatal(err)
	}
	// "256 SHA256:… comment (ED25519)"
	if fields := strings.Fields(string(out)); len(fields) < 2 || unknown.Fingerprint != fields[1] {
		t.Errorf("fingerprint %q, ssh-keygen -l says %q", unknown.Fingerprint, out)
	}
	if unknown.KeyType != "ssh-ed25519" || unknown.Host != "127.0.0.1" || unknown.Port != s.Port {
		t.Errorf("error names %s %s:%d", unknown.KeyType, unknown.Host, unknown.Port)
	}
	for _, want := range []string{"unknown host", unknown.Fingerprint, "--trust-host-key " + unknown.Fingerprint} {
		if !strings.Contains(unknown.Error(), want) {
			t.Errorf("message %q does not say %q", unknown.Error(), want)
		}
	}
	if _, err := os.Stat(tr.OwnKnownHosts); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the own known_hosts exists before anything was trusted: %v", err)
	}

	if err := sshx.TrustHostKey(tr, unknown.Host, unknown.Port, unknown.Key); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(tr.OwnKnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("own known_hosts is %v, want 0600", st.Mode().Perm())
	}
	h, err := sshx.Dial(ctx, s.Target(), tr)
	if err != nil {
		t.Fatalf("Dial after trusting: %v", err)
	}
	h.Close()
}

func TestTrustFingerprint(t *testing.T) {
	s := sshdtest.Start(t)
	tr := emptyTrust(t)
	ctx := context.Background()

	wrong := "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
	err := tr.TrustFingerprint(ctx, s.Target(), wrong)
	if err == nil || !strings.Contains(err.Error(), "fingerprints differ") {
		t.Fatalf("TrustFingerprint with a wrong fingerprint: %v, want a refusal", err)
	}
	if _, err := sshx.Dial(ctx, s.Target(), tr); !errors.As(err, new(*sshx.UnknownHostError)) {
		t.Fatalf("after a refused fingerprint, Dial: %v, want *UnknownHostError", err)
	}
	if err := tr.TrustFingerprint(ctx, s.Target(), "not-a-fingerprint"); err == nil {
		t.Error("TrustFingerprint accepted a malformed fingerprint")
	}
	if err := tr.TrustFingerprint(ctx, s.Target(), s.HostKeyFingerprint); err != nil {
		t.Fatalf("TrustFingerprint with the right fingerprint: %v", err)
	}
	h, err := sshx.Dial(ctx, s.Target(), tr)
	if err != nil {
		t.Fatalf("Dial after TrustFingerprint: %v", err)
	}
	h.Close()
	// Known now: the same fingerprint is no error, another one is.
	if err := tr.TrustFingerprint(ctx, s.Target(), s.HostKeyFingerprint); err != nil {
		t.Errorf("TrustFingerprint of a known key: %v", err)
	}
	if err := tr.TrustFingerprint(ctx, s.Target(), wrong); err == nil {
		t.Error("TrustFingerprint of another key for a known host: no error")
	}
}

func TestChangedHostKeyIsHardFailure(t *testing.T) {
	s := sshdtest.Start(t)
	tr := trusting(t, s)
	ctx := context.Background()
	h, err := sshx.Dial(ctx, s.Target(), tr)
	if err != nil {
		t.Fatal(err)
	}
	h.Close()

	s.RotateHostKey(t)
	_, err = sshx.Dial(ctx, s.Target(), tr)
	var changed *sshx.ChangedHostKeyError
	if !errors.As(err, &changed) {
		t.Fatalf("Dial after the host key changed: %v, want *ChangedHostKeyError", err)
	}
	if changed.Fingerprint != s.HostKeyFingerprint || changed.KnownIn != tr.UserKnownHosts[0]+":1" {
		t.Errorf("error names %s known in %s", changed.Fingerprint, changed.KnownIn)
	}
	for _, want := range []string{"CHANGED", "intercepting", "reinstalled", tr.UserKnownHosts[0]} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	// Not trusted by accident, not even with the new fingerprint.
	if err := tr.TrustFingerprint(ctx, s.Target(), s.HostKeyFingerprint); !errors.As(err, &changed) {
		t.Errorf("TrustFingerprint of a changed key: %v, want *ChangedHostKeyError", err)
	}
	if _, err := sshx.Dial(ctx, s.Target(), tr); !errors.As(err, &changed) {
		t.Errorf("Dial again: %v, want *ChangedHostKeyError", err)
	}
}

// A server with ECDSA and ed25519 keys, known by its ed25519 one: x/crypto would pick ECDSA
// first and see a changed key, unless the known key's type is asked for first.
func TestKnownKeyTypeIsPreferred(t *testing.T) {
	s := sshdtest.StartWith(t, sshdtest.Options{ExtraHostKeyTypes: []string{"ecdsa", "rsa"}})
	h, err := sshx.Dial(context.Background(), s.Target(), trusting(t, s))
	if err != nil {
		t.Fatalf("Dial, known by the ed25519 key: %v", err)
	}
	h.Close()

	// Known by its RSA key only: known_hosts says "ssh-rsa", which must be asked for as
	// rsa-sha2-512/256 (OpenSSH 9 offers no SHA-1 signatures).
	pub, err := os.ReadFile(filepath.Join(s.Dir, "host_rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	tr := emptyTrust(t)
	if err := sshx.TrustHostKey(tr, "127.0.0.1", s.Port, key); err != nil {
		t.Fatal(err)
	}
	h, err = sshx.Dial(context.Background(), s.Target(), tr)
	if err != nil {
		t.Fatalf("Dial, known by the RSA key: %v", err)
	}
	h.Close()
}

func TestJumpHost(t *testing.T) {
	s := sshdtest.Start(t)
	target := s.Target()
	target.Jump = s.User + "@" + s.Addr // the server is its own jump host
	h, err := sshx.Dial(context.Background(), target, trusting(t, s))
	if err != nil {
		t.Fatalf("Dial through a jump host: %v", err)
	}
	defer h.Close()
	var out strings.Builder
	if status, err := h.Run(context.Background(), "/", "echo through", &out); err != nil || status != 0 || out.String() != "through\n" {
		t.Errorf("Run: %d %v %q", status, err, out.String())
	}
	// The jump host's key is checked too.
	if _, err := sshx.Dial(context.Background(), target, emptyTrust(t)); !errors.As(err, new(*sshx.UnknownHostError)) || !strings.Contains(err.Error(), "jump host") {
		t.Errorf("Dial through an unknown jump host: %v", err)
	}
}
