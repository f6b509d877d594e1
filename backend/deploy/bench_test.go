package deploy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/sshx"
)

// BenchmarkDeploySSH50MB times a whole deploy of one 50 MB artifact over SSH on loopback
// (connect, verify the host key, lock, upload, env file, switch, start `true`, no health
// check, prune, unlock, audit), the figure bench/ssh-upload.sh sets beside scp:
//
//   - First: to a fresh deploy root each time, so the file is sent.
//   - Redeploy: the same artifact again: nothing is sent, the file is hard-linked.
//
// DEPLOY_BENCH_FILE names the file to deploy (else a random one is made).
func BenchmarkDeploySSH50MB(b *testing.B) {
	srv := sshdtest.Start(b)
	known := filepath.Join(b.TempDir(), "known_hosts")
	if err := os.WriteFile(known, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	tr := sshx.Trust{UserKnownHosts: []string{}, OwnKnownHosts: known}
	art := benchArtifact(b)
	deploy := func(b *testing.B, root string) Result {
		h, err := sshx.Dial(context.Background(), srv.Target(), tr)
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		spec := Spec{Target: "bench", Root: root, Version: "1.0.0", Who: "bench", Artifacts: []Artifact{art}, Start: "true", Keep: 2}
		res, err := Deploy(context.Background(), h, spec, nil)
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	b.Run("First", func(b *testing.B) {
		b.SetBytes(art.Size)
		for b.Loop() {
			b.StopTimer()
			root := b.TempDir()
			b.StartTimer()
			if res := deploy(b, root); res.Uploaded != 1 {
				b.Fatalf("%+v", res)
			}
		}
	})
	b.Run("Redeploy", func(b *testing.B) {
		root := b.TempDir()
		deploy(b, root)
		for b.Loop() {
			if res := deploy(b, root); res.Uploaded != 0 || res.Linked != 1 {
				b.Fatalf("%+v", res)
			}
		}
	})
}

// benchArtifact is the file to deploy, read from disk as a release's would be.
func benchArtifact(b *testing.B) Artifact {
	src := os.Getenv("DEPLOY_BENCH_FILE")
	if src == "" {
		src = filepath.Join(b.TempDir(), "artifact")
		data := make([]byte, 50_000_000)
		rand.Read(data)
		if err := os.WriteFile(src, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	f, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	return Artifact{Path: "app", SHA256: hex.EncodeToString(h.Sum(nil)), Size: n,
		Open: func() (io.ReadCloser, error) { return os.Open(src) }}
}

// BenchmarkBlueGreenSwitch deploys the test app blue-green on this machine again and again
// and reports the time from the candidate's passing health check to current pointing at
// it (goal ≤ 100 ms): what the zero-downtime switch costs.
func BenchmarkBlueGreenSwitch(b *testing.B) {
	s := newSite(b)
	candidate := freePort(b)
	b.Cleanup(func() { killPidFiles(s.root) })
	var total time.Duration
	n := 0
	for b.Loop() {
		spec := s.blueGreenSpec(fmt.Sprint("1.0.", n), candidate)
		spec.Health.Interval = 20 * time.Millisecond
		res, err := Deploy(context.Background(), LocalHost{}, spec, nil)
		if err != nil {
			b.Fatal(err)
		}
		total += res.SwitchedAt.Sub(res.HealthyAt)
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms-healthy-to-switched")
}
