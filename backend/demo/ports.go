package demo

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// loopbackPort finds the loopback ports a config names, such as 127.0.0.1:41234.
var loopbackPort = regexp.MustCompile(`127\.0\.0\.1:(\d{1,5})\b`)

// usedPorts are the loopback ports named by the eightfold.yaml of other demos (in the temp
// dir) and of the projects beside the new one in parent: their targets may be stopped now,
// and must not collide with this demo's once they start.
func usedPorts(parent string) map[int]bool {
	used := map[int]bool{}
	for _, pattern := range []string{filepath.Join(os.TempDir(), "eightfold-demo-*", "eightfold.yaml"), filepath.Join(parent, "*", "eightfold.yaml")} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			for _, m := range loopbackPort.FindAllSubmatch(b, -1) {
				n, _ := strconv.Atoi(string(m[1]))
				used[n] = true
			}
		}
	}
	return used
}

// freePorts returns n different loopback ports that nothing listens on now and that are not
// in used. The ports are held open until all are chosen, so that they differ.
func freePorts(n int, used map[int]bool) ([]int, error) {
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries == 100 {
			return nil, fmt.Errorf("found no %d free loopback ports in 100 tries: close some programs or other demos", n)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free loopback port for the demo's targets: %w", err)
		}
		defer l.Close()
		if p := l.Addr().(*net.TCPAddr).Port; !used[p] {
			ports = append(ports, p)
		}
	}
	return ports, nil
}
