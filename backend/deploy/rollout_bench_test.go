package deploy

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkRollout3Hosts times a whole rollout of the test app to three hosts over SSH on
// loopback (three real sshd servers: connect and lock all three, then on each host upload,
// env file, switch, restart the app, health gate, prune; unlock all three), one host after
// another and with parallel: 3. Each iteration deploys a new version, so the app is
// restarted and gated on every host. The figure is in docs/benchmarks.md.
func BenchmarkRollout3Hosts(b *testing.B) {
	for _, parallel := range []int{1, 3} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			f := newFleet(b, 3)
			n := 0
			for b.Loop() {
				n++
				if _, err := DeployAll(context.Background(), f.rollout(fmt.Sprint("1.0.", n), parallel, nil), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
