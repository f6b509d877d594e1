package sshx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// credentials are the signers to log in with, and the agent connection they may use (closed
// once the connection is up: the agent is never forwarded).
type credentials struct {
	signers []ssh.Signer
	agent   io.Closer
}

func (c *credentials) close() {
	if c.agent != nil {
		c.agent.Close()
	}
}

// loadCredentials finds the keys for identityFile ("" → agent, then the default files).
func loadCredentials(identityFile string) (*credentials, error) {
	c := &credentials{}
	var agentSigners []ssh.Signer
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
		if conn, err := net.Dial("unix", sock); err == nil {
			c.agent = conn
			agentSigners, _ = agent.NewClient(conn).Signers()
		}
	}
	if identityFile != "" {
		s, err := readKey(identityFile, agentSigners)
		if err != nil {
			c.close()
			return nil, err
		}
		c.signers = []ssh.Signer{s}
		return c, nil
	}
	c.signers = append(c.signers, agentSigners...)
	home, err := os.UserHomeDir()
	var encrypted []string
	if err == nil {
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			f := filepath.Join(home, ".ssh", name)
			if _, err := os.Stat(f); err != nil {
				continue
			}
			s, err := readKey(f, agentSigners)
			var pm *passphraseError
			switch {
			case errors.As(err, &pm):
				encrypted = append(encrypted, f)
			case err != nil:
				c.close()
				return nil, err
			default:
				c.signers = append(c.signers, s)
			}
		}
	}
	if len(c.signers) == 0 {
		c.close()
		if len(encrypted) > 0 {
			return nil, fmt.Errorf("ssh: the keys %v are encrypted with a passphrase and no ssh-agent holds them: run ssh-agent and ssh-add, or set an identity file without a passphrase", encrypted)
		}
		return nil, errors.New("ssh: no key to log in with: no ssh-agent (SSH_AUTH_SOCK) with keys, and none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa: make one with ssh-keygen or name an identity file")
	}
	return c, nil
}

// passphraseError says that a key file is encrypted and no agent holds its key.
type passphraseError struct{ file string }

func (e *passphraseError) Error() string {
	return fmt.Sprintf("ssh: the key %s is encrypted with a passphrase, which Eightfold does not ask for: add it to ssh-agent (ssh-add %s) with SSH_AUTH_SOCK set, or use a key without a passphrase", e.file, e.file)
}

// readKey reads a private key file; for an encrypted one it uses the agent's signer of the
// same public key, if the agent holds it.
func readKey(file string, agentSigners []ssh.Signer) (ssh.Signer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("ssh: reading the identity file: %w", err)
	}
	s, err := ssh.ParsePrivateKey(b)
	var pm *ssh.PassphraseMissingError
	if errors.As(err, &pm) {
		pub := pm.PublicKey
		if pub == nil { // old PEM keys hide it: look for file.pub
			if pb, err := os.ReadFile(file + ".pub"); err == nil {
				pub, _, _, _, _ = ssh.ParseAuthorizedKey(pb)
			}
		}
		for _, as := range agentSigners {
			if pub != nil && bytes.Equal(as.PublicKey().Marshal(), pub.Marshal()) {
				return as, nil
			}
		}
		return nil, &passphraseError{file: file}
	}
	if err != nil {
		return nil, fmt.Errorf("ssh: the identity file %s is not a private key OpenSSH writes: %w", file, err)
	}
	return s, nil
}
