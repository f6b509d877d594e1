package deploy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

// sshSite is a site deployed to over SSH, through a real sshd on loopback (the server is
// this machine, so the files and the app can be checked directly).
type sshSite struct {
	*site
	srv   *sshdtest.Server
	trust sshx.Trust
}

func newSSHSite(t testing.TB) *sshSite {
	t.Helper()
	srv := sshdtest.Start(t)
	known := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(known, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &sshSite{site: newSite(t), srv: srv, trust: sshx.Trust{UserKnownHosts: []string{}, OwnKnownHosts: known}}
}

func (s *sshSite) dial() *sshx.Host {
	s.t.Helper()
	h, err := sshx.Dial(context.Background(), s.srv.Target(), s.trust)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { h.Close() })
	return h
}

func (s *sshSite) deploySSH(spec Spec) (Result, *recorder, error) {
	s.t.Helper()
	rec := &recorder{}
	res, err := Deploy(context.Background(), s.dial(), spec, rec)
	return res, rec, err
}

// Over SSH: the layout, the health gate (checked from the server's side), a redeploy that
// sends nothing, a failing release rolled back, and the secret on no command line.
func TestDeployOverSSH(t *testing.T) {
	s := newSSHSite(t)
	first := deployHidingSecret(t, s.deploySSH, s.spec("1.0.0"))
	if s.current() != "releases/"+first.Release || s.serving() != "1.0.0" || first.Uploaded != 2 {
		t.Fatalf("%+v; current %s; serving %q", first, s.current(), s.serving())
	}
	again, rec, err := s.deploySSH(s.spec("1.0.0"))
	if err != nil || again.Uploaded != 0 || again.Linked != 2 {
		t.Fatalf("redeploy: %+v, %v\n%s", again, err, rec.text())
	}
	sameInode(t, filepath.Join(s.root, "releases", first.Release, "app"), filepath.Join(s.root, "releases", again.Release, "app"))

	bad := s.spec("broken")
	bad.Health.Deadline = 2 * time.Second
	res, rec, err := s.deploySSH(bad)
	if err == nil || !res.RolledBack || s.current() != "releases/"+again.Release || s.serving() != "1.0.0" {
		t.Fatalf("a failing release: %+v, %v; current %s; serving %q\n%s", res, err, s.current(), s.serving(), rec.text())
	}
	audit, _ := os.ReadFile(filepath.Join(s.root, ".eightfold", "audit.log"))
	if strings.Count(string(audit), "\n") != 3 || !strings.Contains(string(audit), `"result":"failed"`) {
		t.Errorf("audit log:\n%s", audit)
	}
}

// Two deploys at once: the second is refused with the first one's holder.
func TestConcurrentDeploysOverSSH(t *testing.T) {
	s := newSSHSite(t)
	slow := s.spec("1.0.0")
	slow.BeforeSwitch = "sleep 2"
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.deploySSH(slow)
	}()
	lockFile := filepath.Join(s.root, ".eightfold", "lock", "holder.json")
	for range 200 {
		if _, err := os.Stat(lockFile); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	second := s.spec("1.1.0")
	second.Who = "bob@ci"
	_, _, err := s.deploySSH(second)
	var held *LockHeldError
	if !errors.As(err, &held) || held.Holder.Who != "ann@laptop" || held.Holder.Version != "1.0.0" {
		t.Fatalf("the second deploy: %v", err)
	}
	wg.Wait()
	if s.serving() != "1.0.0" {
		t.Errorf("serving %q", s.serving())
	}
}

// A connection killed during the upload leaves current as it was; the lock is released
// if the engine could, else reported with its holder on the next deploy.
func TestConnectionDroppedMidUpload(t *testing.T) {
	s := newSSHSite(t)
	first, rec, err := s.deploySSH(s.spec("1.0.0"))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	spec := s.spec("2.0.0")
	big := bytes.Repeat([]byte("y"), 64<<20)
	killed := false
	spec.Artifacts = append(spec.Artifacts, Artifact{Path: "big.bin", SHA256: "00", Size: int64(len(big)),
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(&afterBytes{r: bytes.NewReader(big), n: 4 << 20, fn: func() { killed = true; s.srv.KillConnections() }}), nil
		}})
	res, _, err := s.deploySSH(spec)
	if err == nil || !killed {
		t.Fatalf("a deploy over a killed connection: %+v, %v (killed %v)", res, err, killed)
	}
	if s.current() != "releases/"+first.Release || s.serving() != "1.0.0" {
		t.Errorf("current %s, serving %q", s.current(), s.serving())
	}
	// The engine could not unlock over the dead connection: the next deploy names the holder.
	next := s.spec("3.0.0")
	if _, _, err := s.deploySSH(next); err != nil {
		var held *LockHeldError
		if !errors.As(err, &held) || held.Holder.Version != "2.0.0" || !strings.Contains(err.Error(), "--force-unlock") {
			t.Fatalf("after the drop: %v", err)
		}
		next.ForceUnlock = true
		if _, rec, err := s.deploySSH(next); err != nil {
			t.Fatalf("with force unlock: %v\n%s", err, rec.text())
		}
	}
	if s.serving() != "3.0.0" {
		t.Errorf("serving %q", s.serving())
	}
	if got := s.releases(); len(got) != 2 {
		t.Errorf("the half-uploaded release was not cleaned up by the next deploy: %v", got)
	}
}

// afterBytes calls fn once n bytes were read.
type afterBytes struct {
	r    io.Reader
	n    int
	read int
	fn   func()
	done bool
}

func (a *afterBytes) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if a.read += n; a.read >= a.n && !a.done {
		a.done = true
		a.fn()
	}
	return n, err
}

// An unknown host key stops the deploy before anything is touched, until it is trusted.
func TestUnknownHostKeyOverSSH(t *testing.T) {
	s := newSSHSite(t)
	empty := sshx.Trust{UserKnownHosts: []string{}, OwnKnownHosts: filepath.Join(t.TempDir(), "known_hosts")}
	_, err := sshx.Dial(context.Background(), s.srv.Target(), empty)
	var unknown *sshx.UnknownHostError
	if !errors.As(err, &unknown) || unknown.Fingerprint != s.srv.HostKeyFingerprint {
		t.Fatalf("%v", err)
	}
	if err := empty.TrustFingerprint(context.Background(), s.srv.Target(), unknown.Fingerprint); err != nil {
		t.Fatal(err)
	}
	s.trust = empty
	if _, rec, err := s.deploySSH(s.spec("1.0.0")); err != nil {
		t.Fatalf("after trusting: %v\n%s", err, rec.text())
	}
}
