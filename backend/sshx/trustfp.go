package sshx

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// TrustFingerprint connects to t and, when the first host on the way whose key is unknown
// (the jump host, else t) presents a key with exactly this fingerprint ("SHA256:…"), trusts
// it (TrustHostKey). A different fingerprint is refused with an error naming both; a
// changed host key is refused as by Dial. When every key on the way is known already it
// does nothing, or fails if the fingerprint is not the one t presents. Trusting an unknown
// jump host leaves t to trust with a second call.
func (tr Trust) TrustFingerprint(ctx context.Context, t Target, fingerprint string) error {
	fingerprint = strings.TrimSpace(fingerprint)
	if !strings.HasPrefix(fingerprint, "SHA256:") {
		return fmt.Errorf("ssh: %q is not a SHA256 fingerprint: copy the SHA256:… that Eightfold or ssh-keygen -l shows", fingerprint)
	}
	h, seen, err := dial(ctx, t, tr)
	var unknown *UnknownHostError
	switch {
	case errors.As(err, &unknown):
		if unknown.Fingerprint != fingerprint {
			return fmt.Errorf("ssh: not trusted: %s presents the %s key %s, not %s as given: the fingerprints differ; check with the server's admin which one is right",
				hostPort(unknown.Host, unknown.Port), unknown.KeyType, unknown.Fingerprint, fingerprint)
		}
		return TrustHostKey(tr, unknown.Host, unknown.Port, unknown.Key)
	case err != nil:
		return err
	}
	h.Close()
	// Every key on the way is known already: say so if t's is not the one given.
	last := seen.keys[len(seen.keys)-1]
	if got := ssh.FingerprintSHA256(last.key); got != fingerprint {
		return fmt.Errorf("ssh: nothing trusted: %s is known already with the %s key %s, not %s as given", hostPort(last.host, last.port), last.key.Type(), got, fingerprint)
	}
	return nil
}
