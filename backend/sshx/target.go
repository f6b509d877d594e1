// Package sshx connects to servers over SSH with their host keys verified against
// known_hosts (the user's and Eightfold's own), and offers such a connection as a
// deploy.Host: files over SFTP, commands in sessions. It never skips host key checking and
// never forwards the SSH agent.
package sshx

import (
	"fmt"
	"net"
	"os/user"
	"strconv"
	"strings"
)

// DefaultPort is the SSH port used when a target names none.
const DefaultPort = 22

// Target is where to connect.
type Target struct {
	User string // the login name; ParseTarget fills in the current user when s names none
	Host string // a host name or IP address (IPv6 without brackets)
	Port int    // 0 means DefaultPort
	// IdentityFile is the private key to log in with. "" means the keys of ssh-agent (via
	// SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, id_ecdsa and id_rsa, those that exist.
	IdentityFile string
	// Jump is an optional jump host, "user@host:port": connected to first, the same way
	// (same identity, host key verified too), and the target dialled through it.
	Jump string
}

// ParseTarget parses "user@host", "user@host:port", "user@[v6addr]:port", "host" (the
// current user) and bare IPv6 addresses ("user@::1", port 22).
func ParseTarget(s string) (Target, error) {
	bad := func(why string) (Target, error) {
		return Target{}, fmt.Errorf("ssh target %q: %s: write it as user@host or user@host:port (IPv6 as user@[::1]:22)", s, why)
	}
	if s == "" {
		return bad("it is empty")
	}
	if strings.Contains(s, "://") {
		return bad("a URL is not a target")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return bad("it holds a space or a control character")
		}
	}
	var t Target
	rest := s
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		t.User, rest = s[:i], s[i+1:]
		if t.User == "" {
			return bad("the user before @ is empty")
		}
	} else {
		u, err := user.Current()
		if err != nil {
			return bad("it names no user and the current user is unknown (" + err.Error() + ")")
		}
		t.User = u.Username
	}
	t.Port = DefaultPort
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return bad("the [ of an IPv6 address is not closed")
		}
		t.Host = rest[1:end]
		after := rest[end+1:]
		if after != "" {
			if !strings.HasPrefix(after, ":") {
				return bad("only :port may follow ]")
			}
			p, err := parsePort(after[1:])
			if err != nil {
				return bad(err.Error())
			}
			t.Port = p
		}
	case strings.Count(rest, ":") > 1: // a bare IPv6 address: no port
		t.Host = rest
	case strings.Contains(rest, ":"):
		h, p, _ := strings.Cut(rest, ":")
		port, err := parsePort(p)
		if err != nil {
			return bad(err.Error())
		}
		t.Host, t.Port = h, port
	default:
		t.Host = rest
	}
	if t.Host == "" {
		return bad("the host is empty")
	}
	if strings.HasPrefix(t.Host, "-") || strings.ContainsAny(t.Host, "[]@/") {
		return bad("the host " + strconv.Quote(t.Host) + " is not a host name or address")
	}
	if strings.Contains(t.Host, ":") && net.ParseIP(t.Host) == nil {
		return bad(strconv.Quote(t.Host) + " is not an IPv6 address")
	}
	return t, nil
}

func parsePort(p string) (int, error) {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("the port %q is not a number from 1 to 65535", p)
	}
	return n, nil
}

// port is t.Port, or DefaultPort when unset.
func (t Target) port() int {
	if t.Port == 0 {
		return DefaultPort
	}
	return t.Port
}

// Addr is "host:port" (IPv6 in brackets), as net.Dial takes it.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.port())) }

// String is "user@host:port".
func (t Target) String() string { return t.User + "@" + t.Addr() }
