package sshx_test

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

// BenchmarkUpload50MB uploads a 50 MB file (Create + io.Copy from the file) over loopback:
// "connected" on an open connection, "dial" with a new connection each time (Dial, upload,
// Close: what one scp does). bench/ssh-upload.sh sets it beside scp of the same file.
// SSHX_BENCH_FILE names the file to upload (else a random one is made).
func BenchmarkUpload50MB(b *testing.B) {
	s := sshdtest.Start(b)
	tr := benchTrust(b, s)
	src := os.Getenv("SSHX_BENCH_FILE")
	if src == "" {
		src = filepath.Join(b.TempDir(), "artifact")
		data := make([]byte, 50_000_000)
		_, _ = rand.Read(data)
		if err := os.WriteFile(src, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	dst := filepath.Join(b.TempDir(), "upload")
	b.Run("connected", func(b *testing.B) {
		h := dial(b, s, tr)
		defer h.Close()
		b.SetBytes(st.Size())
		for b.Loop() {
			upload(b, h, src, dst)
		}
	})
	b.Run("dial", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			h := dial(b, s, tr)
			upload(b, h, src, dst)
			if err := h.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func upload(b *testing.B, h *sshx.Host, src, dst string) {
	f, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w, err := h.Create(dst, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(w, f); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRunTrue runs `true` on the server: the cost of one command (a new session).
func BenchmarkRunTrue(b *testing.B) {
	s := sshdtest.Start(b)
	h := dial(b, s, benchTrust(b, s))
	defer h.Close()
	for b.Loop() {
		if status, err := h.Run(context.Background(), "/", "true", io.Discard); err != nil || status != 0 {
			b.Fatal(status, err)
		}
	}
}

// benchTrust trusts the server in a temp file of Eightfold's own.
func benchTrust(b *testing.B, s *sshdtest.Server) sshx.Trust {
	tr := sshx.Trust{UserKnownHosts: []string{}, OwnKnownHosts: filepath.Join(b.TempDir(), "known_hosts")}
	if err := sshx.TrustHostKey(tr, "127.0.0.1", s.Port, s.HostKey); err != nil {
		b.Fatal(err)
	}
	return tr
}

func dial(b *testing.B, s *sshdtest.Server, tr sshx.Trust) *sshx.Host {
	h, err := sshx.Dial(context.Background(), s.Target(), tr)
	if err != nil {
		b.Fatal(err)
	}
	return h
}
