// Command ingestbench runs one shell command through runner.Run with a sink
// that discards the output, then prints the result and the peak RSS of this
// process. bench/log-ingest.sh uses it; swap the sink for the real log store
// to measure storing.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"eightfold/backend/runner"
)

func main() {
	command := flag.String("cmd", `yes "$(printf '%099d' 0)" | head -n 1000000`, "shell command to run")
	flag.Parse()
	chunks := 0
	sink := func(runner.Chunk) { chunks++ }
	res := runner.Run(context.Background(), runner.Spec{Name: "ingest", Command: *command, MaxOutput: -1}, sink)
	fmt.Printf("status=%s bytes=%d chunks=%d vmhwm_kb=%s\n", res.Status, res.OutputBytes, chunks, peakRSS())
	if res.Status != runner.Passed {
		os.Exit(1)
	}
}

// peakRSS returns VmHWM from /proc/self/status, in kB, or "?".
func peakRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return "?"
}
