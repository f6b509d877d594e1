package store

import (
	"context"
	"testing"
)

// FlakyAmong judges only the runs of its id range: a test that passed on retry in run 2 is
// flaky among runs 1 to 3 and not among runs 3 to 4; unfinished runs are left out.
func TestFlakyAmongRunsOfARange(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	record := func(attempts int, finished bool) int64 {
		t.Helper()
		r, err := s.CreateRun(ctx, NewRun{ProjectID: pid, Trigger: "manual", StartedMs: 1, Steps: []NewStep{{"test", "go test"}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddTestResults(ctx, pid, r.ID, r.Steps[0].ID, []TestResult{{Suite: "pkg", Name: "TestRetried", Status: TestPassed, Attempts: attempts}}); err != nil {
			t.Fatal(err)
		}
		if finished {
			if err := s.FinishRun(ctx, r.ID, RunEnd{Status: StatusPassed, FinishedMs: 2}); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	r1, r2, r3, r4 := record(1, true), record(2, true), record(1, true), record(3, false)
	got, err := s.FlakyAmong(ctx, pid, r1, r3)
	if err != nil || len(got) != 1 || got[0].Name != "TestRetried" || len(got[0].Evidence) != 1 || got[0].Evidence[0] != r2 || got[0].Reasons[0] != FlakyRetry {
		t.Fatalf("runs %d to %d: %+v, %v", r1, r3, got, err)
	}
	if got, err := s.FlakyAmong(ctx, pid, r3, r4); err != nil || len(got) != 0 {
		t.Fatalf("runs %d to %d (the retry in the unfinished run): %+v, %v", r3, r4, got, err)
	}
}
