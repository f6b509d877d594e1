package sshx_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"eightfold/backend/deploy"
	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

var _ deploy.Host = (*sshx.Host)(nil)

// emptyTrust trusts nothing: no user file, and its own file (not made yet) in a temp dir.
func emptyTrust(t *testing.T) sshx.Trust {
	dir := t.TempDir()
	return sshx.Trust{
		UserKnownHosts: []string{filepath.Join(dir, "user_known_hosts")},
		OwnKnownHosts:  filepath.Join(dir, "eightfold", "known_hosts"),
	}
}

// trusting is a Trust whose user file holds the server's key.
func trusting(t *testing.T, s *sshdtest.Server) sshx.Trust {
	tr := emptyTrust(t)
	if err := os.WriteFile(tr.UserKnownHosts[0], []byte(s.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return tr
}

// connected starts a server and dials it with its key trusted; both end with the test.
func connected(t *testing.T) (*sshdtest.Server, *sshx.Host) {
	t.Helper()
	s := sshdtest.Start(t)
	return s, dialed(t, s)
}

func dialed(t *testing.T, s *sshdtest.Server) *sshx.Host {
	t.Helper()
	h, err := sshx.Dial(context.Background(), s.Target(), trusting(t, s))
	if err != nil {
		t.Fatalf("Dial: %v\nsshd log:\n%s", err, s.Log())
	}
	t.Cleanup(func() { h.Close() })
	return h
}
