package sshx

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"slices"
	"strconv"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// probeKey is a throwaway key that no known_hosts file holds: checking it for a host makes
// the known_hosts callback list the keys it does hold for that host.
var probeKey = func() ssh.PublicKey {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic(err)
	}
	return k
}()

// hostKeyAlgorithms orders the host key algorithms the client asks for: the types of the
// keys known for host:port first (as OpenSSH does), then the rest of x/crypto's supported
// ones. Without it x/crypto prefers ECDSA, and a server with both keys, known by its
// ed25519 one, would look like a changed host key. nil (x/crypto's default) when no key is
// known.
//
// The pitfall: a known_hosts line says "ssh-rsa" for an RSA key, but that names the SHA-1
// signature algorithm, which OpenSSH servers no longer offer and x/crypto leaves out of its
// defaults; the key type has to be mapped to its signature algorithms (rsa-sha2-256/512),
// else the handshake fails with "no common algorithm for host key".
func hostKeyAlgorithms(cb ssh.HostKeyCallback, host string, port int) []string {
	remote := &net.TCPAddr{IP: net.ParseIP(host), Port: port}
	err := cb(net.JoinHostPort(host, strconv.Itoa(port)), remote, probeKey)
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	for _, w := range ke.Want {
		for _, a := range signatureAlgorithms(w.Key.Type()) {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	for _, a := range ssh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	return algos
}

// signatureAlgorithms are the host key algorithms that sign with a key of type keyType.
func signatureAlgorithms(keyType string) []string {
	switch keyType {
	case ssh.KeyAlgoRSA:
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	case ssh.CertAlgoRSAv01:
		return []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01}
	default:
		return []string{keyType}
	}
}
