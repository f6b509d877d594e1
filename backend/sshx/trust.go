package sshx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Trust is where known host keys are read and written.
type Trust struct {
	// UserKnownHosts are the user's known_hosts files, read only. nil means what OpenSSH
	// reads: ~/.ssh/known_hosts, known_hosts2 and /etc/ssh/ssh_known_hosts{,2}; files that do
	// not exist are skipped.
	UserKnownHosts []string
	// OwnKnownHosts is Eightfold's own known_hosts file (e.g. <datadir>/known_hosts): read,
	// and where TrustHostKey appends the keys the user trusts.
	OwnKnownHosts string
}

// systemKnownHosts are the machine's known_hosts files, as OpenSSH's
// GlobalKnownHostsFile default names them.
var systemKnownHosts = []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}

// files are the known_hosts files that exist, the user's first.
func (tr Trust) files() ([]string, error) {
	names := tr.UserKnownHosts
	if names == nil {
		if home, err := os.UserHomeDir(); err == nil {
			names = []string{filepath.Join(home, ".ssh", "known_hosts"), filepath.Join(home, ".ssh", "known_hosts2")}
		}
		names = append(names, systemKnownHosts...)
	}
	if tr.OwnKnownHosts != "" {
		names = append(names[:len(names):len(names)], tr.OwnKnownHosts)
	}
	var have []string
	for _, f := range names {
		switch _, err := os.Stat(f); {
		case err == nil:
			have = append(have, f)
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("reading known hosts %s: %w", f, err)
		}
	}
	return have, nil
}

// callback checks host keys against the known_hosts files.
func (tr Trust) callback() (ssh.HostKeyCallback, error) {
	files, err := tr.files()
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return func(string, net.Addr, ssh.PublicKey) error { return &knownhosts.KeyError{} }, nil
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil, fmt.Errorf("reading known hosts (%s): %w; fix or remove the line it names", strings.Join(files, ", "), err)
	}
	return cb, nil
}

// UnknownHostError is returned when a host presents a key that no known_hosts file holds
// for it: the user must check the fingerprint and trust it before Eightfold connects.
type UnknownHostError struct {
	Host        string        // the host name or address
	Port        int           // its port
	KeyType     string        // the presented key's type, e.g. "ssh-ed25519"
	Fingerprint string        // "SHA256:…", as ssh-keygen -l prints it
	Key         ssh.PublicKey // the presented key, for TrustHostKey
}

func (e *UnknownHostError) Error() string {
	return fmt.Sprintf("ssh: %s is an unknown host: it presents the %s key %s, which is in no known_hosts file. "+
		"Check that fingerprint with the server's admin (on the server: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), "+
		"then trust it with --trust-host-key %s or in the dialog of the deploy view",
		hostPort(e.Host, e.Port), e.KeyType, e.Fingerprint, e.Fingerprint)
}

// ChangedHostKeyError is returned when a host presents a key other than the one known for
// it: a hard failure, never trusted by accident.
type ChangedHostKeyError struct {
	Host        string // the host name or address
	Port        int    // its port
	KeyType     string // the presented key's type
	Fingerprint string // the presented key's "SHA256:…"
	KnownIn     string // "file:line" of the key known for the host
}

func (e *ChangedHostKeyError) Error() string {
	file, line := e.KnownIn, ""
	if i := strings.LastIndexByte(e.KnownIn, ':'); i > 0 {
		file, line = e.KnownIn[:i], e.KnownIn[i+1:]
	}
	return fmt.Sprintf("ssh: WARNING: the host key of %s has CHANGED: it now presents the %s key %s, "+
		"not the key known for it at %s. Someone may be intercepting the connection (a man-in-the-middle attack), "+
		"or the server was reinstalled or its keys replaced. Eightfold will not connect. "+
		"Check the new fingerprint with the server's admin; only if it is right, remove the old key (line %s of %s, "+
		"or: ssh-keygen -R '%s' -f %s) and trust the new one",
		hostPort(e.Host, e.Port), e.KeyType, e.Fingerprint, e.KnownIn, line, file, knownhosts.Normalize(hostPort(e.Host, e.Port)), file)
}

// hostKeyError turns the known_hosts verdict on key into UnknownHostError or
// ChangedHostKeyError.
func hostKeyError(host string, port int, key ssh.PublicKey, err error) error {
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		var re *knownhosts.RevokedError
		if errors.As(err, &re) {
			return fmt.Errorf("ssh: %s presents the %s key %s, which is REVOKED in %s:%d: Eightfold will not connect; ask the server's admin",
				hostPort(host, port), key.Type(), ssh.FingerprintSHA256(key), re.Revoked.Filename, re.Revoked.Line)
		}
		return err
	}
	if len(ke.Want) == 0 {
		return &UnknownHostError{Host: host, Port: port, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), Key: key}
	}
	w := ke.Want[0]
	return &ChangedHostKeyError{Host: host, Port: port, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key),
		KnownIn: w.Filename + ":" + strconv.Itoa(w.Line)}
}

// TrustHostKey appends a known_hosts line for host:port with key to tr.OwnKnownHosts,
// creating the file 0600 (and its directories 0700).
func TrustHostKey(tr Trust, host string, port int, key ssh.PublicKey) error {
	if tr.OwnKnownHosts == "" {
		return errors.New("ssh: trusting a host key: no file of Eightfold's own known hosts is set")
	}
	if port == 0 {
		port = DefaultPort
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(hostPort(host, port))}, key) + "\n"
	if err := os.MkdirAll(filepath.Dir(tr.OwnKnownHosts), 0o700); err != nil {
		return fmt.Errorf("ssh: trusting the host key of %s: %w", hostPort(host, port), err)
	}
	f, err := os.OpenFile(tr.OwnKnownHosts, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("ssh: trusting the host key of %s: %w", hostPort(host, port), err)
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("ssh: trusting the host key of %s: %w", hostPort(host, port), err)
	}
	// Start on a line of its own when the file does not end with a newline.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && !bytes.Equal(last, []byte("\n")) {
			line = "\n" + line
		}
	}
	if _, err := io.WriteString(f, line); err != nil {
		return fmt.Errorf("ssh: trusting the host key of %s: writing %s: %w", hostPort(host, port), tr.OwnKnownHosts, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("ssh: trusting the host key of %s: writing %s: %w", hostPort(host, port), tr.OwnKnownHosts, err)
	}
	return f.Close()
}

func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
