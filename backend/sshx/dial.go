package sshx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// Timeouts of a connection. A connection whose server answers no keepalive request within
// keepaliveTimeout is closed, so that what waits on it fails instead of hanging.
var (
	connectTimeout    = 15 * time.Second // TCP connect plus SSH handshake and login, per hop
	keepaliveInterval = 15 * time.Second // TCP keepalives and SSH keepalive requests
	keepaliveTimeout  = 30 * time.Second
)

// Host is a deploy.Host on a server over SSH: files over SFTP, commands in sessions. Its
// methods may be called concurrently.
type Host struct {
	target Target
	client *ssh.Client
	jump   *ssh.Client // nil without a jump host
	sftp   *sftp.Client
	fsync  bool // the server has fsync@openssh.com

	stop      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Dial connects to t, verifying its host key (and the jump host's) against tr, logs in and
// starts SFTP. An unknown host key gives *UnknownHostError, a changed one
// *ChangedHostKeyError.
func Dial(ctx context.Context, t Target, tr Trust) (*Host, error) {
	h, _, err := dial(ctx, t, tr)
	return h, err
}

// presented records the host keys the servers on the way presented.
type presented struct {
	mu   sync.Mutex
	keys []presentedKey
}

type presentedKey struct {
	host string
	port int
	key  ssh.PublicKey
}

func dial(ctx context.Context, t Target, tr Trust) (*Host, *presented, error) {
	seen := &presented{}
	if t.Host == "" {
		return nil, seen, errors.New("ssh: the target names no host: write it as user@host:port")
	}
	if t.User == "" {
		u, err := user.Current()
		if err != nil {
			return nil, seen, fmt.Errorf("ssh: the target %s names no user and the current user is unknown (%w): write it as user@host:port", t.Addr(), err)
		}
		t.User = u.Username
	}
	creds, err := loadCredentials(t.IdentityFile)
	if err != nil {
		return nil, seen, err
	}
	defer creds.close() // the agent is used to log in only, never forwarded
	h := &Host{target: t, stop: make(chan struct{})}
	interval, timeout := keepaliveInterval, keepaliveTimeout
	if t.Jump != "" {
		j, err := ParseTarget(t.Jump)
		if err != nil {
			return nil, seen, fmt.Errorf("ssh: the jump host of %s: %w", t, err)
		}
		if h.jump, err = connect(ctx, j, tr, nil, creds, seen); err != nil {
			return nil, seen, fmt.Errorf("ssh: through the jump host %s: %w", j, err)
		}
		go keepalive(h.jump, h.stop, interval, timeout)
	}
	if h.client, err = connect(ctx, t, tr, h.jump, creds, seen); err != nil {
		h.Close()
		return nil, seen, err
	}
	go keepalive(h.client, h.stop, interval, timeout)
	if h.sftp, err = sftp.NewClient(h.client, sftp.UseConcurrentWrites(true)); err != nil {
		h.Close()
		return nil, seen, fmt.Errorf("ssh: starting SFTP on %s: %w (the server must offer the sftp subsystem)", t, err)
	}
	_, h.fsync = h.sftp.HasExtension("fsync@openssh.com")
	return h, seen, nil
}

// connect makes one SSH connection to t, directly or through via.
func connect(ctx context.Context, t Target, tr Trust, via *ssh.Client, creds *credentials, seen *presented) (*ssh.Client, error) {
	known, err := tr.callback()
	if err != nil {
		return nil, err
	}
	port := t.port()
	var keyErr error
	cfg := &ssh.ClientConfig{
		User: t.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) { return creds.signers, nil })},
		HostKeyCallback: func(hostname string, remote net.Addr, key ssh.PublicKey) error {
			seen.mu.Lock()
			seen.keys = append(seen.keys, presentedKey{t.Host, port, key})
			seen.mu.Unlock()
			if err := known(hostname, remote, key); err != nil {
				keyErr = hostKeyError(t.Host, port, key, err)
				return keyErr
			}
			return nil
		},
		HostKeyAlgorithms: hostKeyAlgorithms(known, t.Host, port),
		Timeout:           connectTimeout,
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	var conn net.Conn
	if via == nil {
		d := net.Dialer{Timeout: connectTimeout, KeepAlive: keepaliveInterval}
		conn, err = d.DialContext(ctx, "tcp", t.Addr())
	} else {
		conn, err = via.DialContext(ctx, "tcp", t.Addr())
	}
	if err != nil {
		if ctx.Err() != nil && err == ctx.Err() {
			return nil, fmt.Errorf("ssh: connecting to %s: %w", t, err)
		}
		return nil, fmt.Errorf("ssh: connecting to %s: %w (is the host up and is sshd listening on port %d?)", t, err, port)
	}
	// The handshake has no context of its own: closing the connection ends it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, chans, reqs, err := ssh.NewClientConn(conn, t.Addr(), cfg)
	stopped := stop() // false: ctx ended (or timed out) and closed conn
	switch {
	case keyErr != nil:
		conn.Close()
		return nil, keyErr
	case !stopped:
		conn.Close()
		if err == nil {
			c.Close()
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("ssh: connecting to %s: no SSH handshake and login within %s: check that port %d is sshd's and that the network is up", t, connectTimeout, port)
		}
		return nil, fmt.Errorf("ssh: connecting to %s: %w", t, ctx.Err())
	case err != nil && strings.Contains(err.Error(), "unable to authenticate"):
		conn.Close()
		return nil, fmt.Errorf("ssh: logging in to %s: %w: is the key's public half in the server's authorized_keys of %s?", t, err, t.User)
	case err != nil:
		conn.Close()
		return nil, fmt.Errorf("ssh: connecting to %s: %w", t, err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// keepalive asks the server for a reply every interval and closes the connection when none
// comes within timeout: a dead connection then fails what waits on it.
func keepalive(c *ssh.Client, stop <-chan struct{}, interval, timeout time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		replied := make(chan error, 1)
		go func() {
			_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
			replied <- err
		}()
		select {
		case <-stop:
			return
		case err := <-replied:
			if err != nil {
				c.Close()
				return
			}
		case <-time.After(timeout):
			c.Close()
			return
		}
	}
}

// String is "user@host:port".
func (h *Host) String() string { return h.target.String() }

// Close ends SFTP and the connection (and the jump host's).
func (h *Host) Close() error {
	h.closeOnce.Do(func() {
		close(h.stop)
		var errs []error
		if h.sftp != nil {
			h.sftp.Close()
		}
		if h.client != nil {
			if err := h.client.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		if h.jump != nil {
			if err := h.jump.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			h.closeErr = fmt.Errorf("ssh: closing the connection to %s: %w", h, err)
		}
	})
	return h.closeErr
}

// DialContext opens a connection from the server's side (an SSH direct-tcpip channel): a
// health check of http://127.0.0.1:8080/ reaches the app on the server, not this machine.
func (h *Host) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return h.client.DialContext(ctx, network, addr)
}
