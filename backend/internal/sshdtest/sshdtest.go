// Package sshdtest runs a private OpenSSH server (Debian's /usr/sbin/sshd) on 127.0.0.1 at a
// free port, as the current user, with its own host key, client key, authorized_keys and
// config in a temp dir: the real server that the SSH tests talk to. Nothing under the real
// ~/.ssh is read or written.
package sshdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"eightfold/backend/sshx"
)

// Paths of the programs the server needs.
const (
	SSHD      = "/usr/sbin/sshd"
	SSHKeygen = "ssh-keygen"
)

// Options changes how Start sets the server up.
type Options struct {
	// ExtraHostKeyTypes are host key types (ssh-keygen -t: "ecdsa", "rsa") the server
	// offers besides its ed25519 key, which stays the one in HostKey.
	ExtraHostKeyTypes []string
	// ClientKeyFile is a private key (with its .pub beside it) the server accepts instead of
	// one of its own: servers that share it stand for the hosts of one target, reached
	// with one identity.
	ClientKeyFile string
}

// Server is a private sshd on 127.0.0.1.
type Server struct {
	Addr               string        // "127.0.0.1:PORT"
	Port               int           // the port it listens on
	User               string        // the current user, whom it lets in with ClientKeyFile
	HostKey            ssh.PublicKey // its ed25519 host key
	HostKeyFile        string        // that key's .pub file (for ssh-keygen -lf)
	HostKeyFingerprint string        // "SHA256:…", as ssh-keygen -l prints it
	ClientKeyFile      string        // an unencrypted ed25519 private key it accepts
	Dir                string        // the temp dir with its keys, config and log
	LogFile            string        // sshd's log (LogLevel VERBOSE)

	t       testing.TB
	opts    Options
	cfg     string
	cmd     *exec.Cmd
	exited  chan struct{}
	rotated int
}

// Start starts a server for the test and stops it in t.Cleanup. It skips the test, saying
// why, when sshd or ssh-keygen is missing (outside CI; with CI=true it fails instead), or
// when sshd cannot run here (its privilege separation dir /run/sshd is missing and we are
// not root).
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") == "true" {
		skip = t.Fatalf
	}
	if _, err := os.Stat(SSHD); err != nil {
		skip("sshdtest: %s is missing (install openssh-server: build/scripts/deps.sh test): %v", SSHD, err)
	}
	if _, err := exec.LookPath(SSHKeygen); err != nil {
		skip("sshdtest: ssh-keygen is missing (install openssh-client: build/scripts/deps.sh test): %v", err)
	}
	if _, err := os.Stat("/run/sshd"); err != nil {
		if os.Geteuid() != 0 {
			skip("sshdtest: sshd needs its privilege separation dir /run/sshd, which is missing, and only root can make it: sudo mkdir -p /run/sshd")
		}
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshdtest: making sshd's privilege separation dir: %v", err)
		}
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("sshdtest: who is the current user: %v", err)
	}
	s := &Server{t: t, opts: opts, User: u.Username, Dir: t.TempDir(), exited: make(chan struct{})}
	close(s.exited) // nothing runs yet
	s.LogFile = filepath.Join(s.Dir, "sshd.log")
	s.ClientKeyFile = opts.ClientKeyFile
	if s.ClientKeyFile == "" {
		s.ClientKeyFile = filepath.Join(s.Dir, "client_key")
		keygen(t, "ed25519", s.ClientKeyFile)
	}
	pub, err := os.ReadFile(s.ClientKeyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	s.Port = freePort(t)
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
	s.newHostKeys(t)
	s.start(t)
	t.Cleanup(s.Stop)
	return s
}

// Target is where to connect as the test user, with the client key.
func (s *Server) Target() sshx.Target {
	return sshx.Target{User: s.User, Host: "127.0.0.1", Port: s.Port, IdentityFile: s.ClientKeyFile}
}

// KnownHostsLine is the known_hosts line that trusts the server's current ed25519 host key.
func (s *Server) KnownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, s.HostKey)
}

// Log returns what sshd has logged so far (for failure messages).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogFile)
	return string(b)
}

// RotateHostKey restarts the server on the same port with new host keys, as a reinstalled
// server (or a man in the middle) would present.
func (s *Server) RotateHostKey(t testing.TB) {
	t.Helper()
	s.Stop()
	s.rotated++
	s.newHostKeys(t)
	s.start(t)
}

// newHostKeys makes the host keys (ed25519 and the extra types) and the config naming them.
func (s *Server) newHostKeys(t testing.TB) {
	t.Helper()
	suffix := ""
	if s.rotated > 0 {
		suffix = "_" + strconv.Itoa(s.rotated)
	}
	var hostKeys []string
	for _, typ := range append([]string{"ed25519"}, s.opts.ExtraHostKeyTypes...) {
		f := filepath.Join(s.Dir, "host_"+typ+suffix)
		keygen(t, typ, f)
		hostKeys = append(hostKeys, f)
	}
	s.HostKeyFile = hostKeys[0] + ".pub"
	b, err := os.ReadFile(s.HostKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	s.HostKey, _, _, _, err = ssh.ParseAuthorizedKey(b)
	if err != nil {
		t.Fatalf("sshdtest: parsing %s: %v", s.HostKeyFile, err)
	}
	s.HostKeyFingerprint = ssh.FingerprintSHA256(s.HostKey)
	s.cfg = filepath.Join(s.Dir, "sshd_config")
	var c strings.Builder
	for _, k := range hostKeys {
		fmt.Fprintf(&c, "HostKey %s\n", k)
	}
	fmt.Fprintf(&c, `ListenAddress 127.0.0.1
Port %d
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowAgentForwarding no
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
MaxSessions 32
Subsystem sftp internal-sftp
LogLevel VERBOSE
SetEnv "HOME=%s"
`, s.Port, filepath.Join(s.Dir, "sshd.pid"), filepath.Join(s.Dir, "authorized_keys"), s.home())
	if err := os.WriteFile(s.cfg, []byte(c.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// home is the HOME of the server's sessions: an empty dir, so that the login shell reads no
// dotfiles of the real user (bash sources ~/.bashrc for commands run over SSH; a .bashrc
// that runs `pyenv init` costs seconds per command).
func (s *Server) home() string {
	h := filepath.Join(s.Dir, "home")
	if err := os.MkdirAll(h, 0o700); err != nil {
		s.t.Fatal(err)
	}
	return h
}

// start checks the config with sshd -t, runs sshd -D and waits until the port accepts.
func (s *Server) start(t testing.TB) {
	t.Helper()
	if out, err := exec.Command(SSHD, "-t", "-f", s.cfg).CombinedOutput(); err != nil {
		t.Fatalf("sshdtest: sshd -t rejects %s: %v\n%s", s.cfg, err, out)
	}
	log, err := os.OpenFile(s.LogFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(SSHD, "-D", "-e", "-f", s.cfg)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("sshdtest: starting %s: %v", SSHD, err)
	}
	s.cmd = cmd
	exited := make(chan struct{})
	s.exited = exited
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("sshdtest: sshd exited before accepting on %s (%s); its log:\n%s", s.Addr, cmd.ProcessState, s.Log())
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			t.Fatalf("sshdtest: sshd did not accept on %s within 15 s: %v; its log:\n%s", s.Addr, err, s.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server, its connections and what they run. Start calls it in t.Cleanup;
// calling it again does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	signalTree(s.cmd.Process.Pid, false, syscall.SIGKILL)
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// KillConnections kills the per-connection sshd processes (not the listener), as a dropped
// connection would end them: clients see their connection closed mid-transfer. Commands
// those connections started are left running.
func (s *Server) KillConnections() { s.SignalConnections(syscall.SIGKILL) }

// SignalConnections sends sig to the per-connection sshd processes. SIGSTOP freezes the
// connections as a dead network would (the TCP connections stay open, nothing answers);
// SIGCONT thaws them.
func (s *Server) SignalConnections(sig syscall.Signal) {
	if s.cmd != nil {
		signalTree(s.cmd.Process.Pid, true, sig)
	}
}

// keygen makes an unencrypted key pair of type typ at file (and file.pub).
func keygen(t testing.TB, typ, file string) {
	t.Helper()
	out, err := exec.Command(SSHKeygen, "-q", "-t", typ, "-N", "", "-C", "sshdtest", "-f", file).CombinedOutput()
	if err != nil {
		t.Fatalf("sshdtest: ssh-keygen -t %s: %v\n%s", typ, err, bytes.TrimSpace(out))
	}
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sshdtest: finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
