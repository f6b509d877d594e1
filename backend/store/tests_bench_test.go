package store

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkAddTestResults stores one run with 100,000 test cases (goal ≤ 2 s per op): "new"
// into a fresh store (every test is recorded for the first time), "known" into a store that
// has recorded them before (the usual case: the same tests run again).
func BenchmarkAddTestResults(b *testing.B) {
	cases := make([]TestResult, 100_000)
	for i := range cases {
		cases[i] = TestResult{Suite: fmt.Sprintf("example.com/mod/pkg%03d", i/500), Name: fmt.Sprintf("TestCase%05d/sub", i),
			Status: TestPassed, DurationMs: int64(i % 97), Attempts: 1}
		if i%1000 == 0 {
			cases[i].Status, cases[i].Message, cases[i].File, cases[i].Line = TestFailed, "want 1, got 2", "x_test.go", 12
		}
	}
	store := func(b *testing.B, s *Store, projectID int64) {
		ctx := context.Background()
		r, err := s.CreateRun(ctx, NewRun{ProjectID: projectID, Trigger: "manual", StartedMs: 1, Steps: []NewStep{{"test", "go test"}}})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.AddTestResults(ctx, projectID, r.ID, r.Steps[0].ID, cases); err != nil {
			b.Fatal(err)
		}
	}
	open := func(b *testing.B) (*Store, int64) {
		s := openT(b, b.TempDir())
		p, _ := s.EnsureProject(context.Background(), "/repo", "repo", 1)
		return s, p.ID
	}
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s, pid := open(b)
			b.StartTimer()
			store(b, s, pid)
		}
		b.ReportMetric(float64(len(cases))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
	b.Run("known", func(b *testing.B) {
		s, pid := open(b)
		store(b, s, pid)
		for b.Loop() {
			store(b, s, pid)
		}
		b.ReportMetric(float64(len(cases))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
}

// bigHistory fills a store with 10,000 finished runs of 100 tests each (1,000,000 results)
// with plain SQL, so that the query benchmarks start in seconds. One test in 50 fails now
// and then; trees repeat every 3 runs and every other run is dirty.
func bigHistory(b *testing.B) (*Store, int64) {
	b.Helper()
	s := openT(b, b.TempDir())
	ctx := context.Background()
	p, _ := s.EnsureProject(ctx, "/repo", "repo", 1)
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
		 INSERT INTO runs(id, project_id, trigger, commit_sha, tree_sha, dirty, status, started_ms, finished_ms)
		 SELECT i, ?1, 'change', 'c' || (i / 10), 't' || (i / 3), i % 2, CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'passed' END, i * 1000, i * 1000 + 500 FROM n`,
		`INSERT INTO steps(id, run_id, idx, name, command, status) SELECT id, id, 0, 'test', 'go test ./...', 'passed' FROM runs`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)
		 INSERT INTO tests(id, project_id, suite, name) SELECT i + 1, ?1, 'example.com/mod/pkg' || (i / 10), 'Test' || i FROM n`,
		`INSERT INTO test_results(run_id, step_id, test_id, status, duration_ms)
		 SELECT r.id, r.id, t.id,
		   CASE WHEN t.id % 50 = 0 AND (r.id * 7 + t.id) % 5 = 0 THEN 'failed' ELSE 'passed' END,
		   (t.id * 13 + r.id) % 200
		 FROM runs r CROSS JOIN tests t ORDER BY r.id, t.id`,
		`ANALYZE`,
	} {
		if _, err := s.db.ExecContext(ctx, q, p.ID); err != nil {
			b.Fatal(err)
		}
	}
	return s, p.ID
}

// BenchmarkTestQueries runs a test's history and the flaky-test query on 1,000,000 results
// (goal ≤ 20 ms each).
func BenchmarkTestQueries(b *testing.B) {
	s, pid := bigHistory(b)
	ctx := context.Background()
	b.Run("history", func(b *testing.B) {
		for b.Loop() {
			h, err := s.History(ctx, 50, 0, 30)
			if err != nil || len(h.Outcomes) != 30 {
				b.Fatalf("%+v %v", h, err)
			}
		}
	})
	b.Run("flaky", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Flaky(ctx, pid, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("run-flaky", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.RunFlaky(ctx, pid, 9000, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("run-list", func(b *testing.B) {
		for b.Loop() {
			if runs, err := s.Runs(ctx, pid, 50); err != nil || runs[0].Tests.Total != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("since-last-green", func(b *testing.B) {
		for b.Loop() {
			green, err := s.LastRunWith(ctx, pid, 10000, StatusPassed)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.NewlyFailing(ctx, 10000, green.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("regressions", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Regressions(ctx, 10000); err != nil {
				b.Fatal(err)
			}
		}
	})
}
