package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// helperEnv names the helper a re-executed test binary plays instead of
// running the tests.
const helperEnv = "RUNNER_TEST_HELPER"

func TestMain(m *testing.M) {
	switch h := os.Getenv(helperEnv); h {
	case "":
		os.Exit(m.Run())
	case "run-until-killed":
		helperRunUntilKilled(os.Getenv("RUNNER_TEST_STEP"))
	default:
		fmt.Fprintf(os.Stderr, "unknown %s %q\n", helperEnv, h)
		os.Exit(2)
	}
}

// helperRunUntilKilled plays an Eightfold that dies hard mid-step: it runs
// command, writes the step's Group to stdout as one JSON line, then the
// step's output; the test SIGKILLs it while the step still runs.
func helperRunUntilKilled(command string) {
	enc := json.NewEncoder(os.Stdout)
	spec := Spec{Name: "crash", Command: command, OnStart: func(g Group) { must(enc.Encode(g)) }}
	res := Run(context.Background(), spec, func(c Chunk) { os.Stdout.Write(c.Data) })
	fmt.Fprintf(os.Stderr, "the step ended (%v) before the test killed the helper\n", res.Status)
	os.Exit(4)
}

// must stops a helper on an error.
func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}
