package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// dashboardHistory fills a store with plain SQL: 3,000 finished runs over the last 90 days
// (build, test and lint steps; 30 tests each, 90,000 results, some flaky), 10,000 ended
// deploys to 3 targets over the last 365 days (each with a 2 KiB log and its steps' JSON, as
// real deploys keep), and 20 health checks with 100,000 raw results over the last 7 days and
// hourly roll-ups for the 83 days before.
func dashboardHistory(b *testing.B, now time.Time) (*Store, int64, []int64) {
	b.Helper()
	s, pid := checkStore(b)
	ctx := context.Background()
	day := int64(24 * time.Hour / time.Millisecond)
	end := now.UnixMilli()
	log := strings.Repeat("uploading releases/app … ok\n", 2048/28)
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
		 INSERT INTO runs(id, project_id, trigger, commit_sha, tree_sha, dirty, status, started_ms, finished_ms)
		 SELECT i, ?1, 'change', 'c' || (i / 4), 't' || (i / 2), i % 3 = 0,
		   CASE WHEN i % 50 = 0 THEN 'cancelled' WHEN i % 7 = 0 THEN 'failed' ELSE 'passed' END,
		   ?2 - 90 * ?3 + i * (90 * ?3 / 3000) - 60000, ?2 - 90 * ?3 + i * (90 * ?3 / 3000) FROM n`,
		`INSERT INTO steps(run_id, idx, name, command, status, started_ms, finished_ms)
		 SELECT r.id, s.idx, s.name, 'make ' || s.name, 'passed', r.started_ms, r.started_ms + (r.id * 37 + s.idx * 11) % 20000
		 FROM runs r CROSS JOIN (SELECT 0 AS idx, 'build' AS name UNION ALL SELECT 1, 'unit' UNION ALL SELECT 2, 'lint') s`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
		 INSERT INTO tests(id, project_id, suite, name) SELECT i, ?1, 'example.com/mod/pkg' || (i / 10), 'Test' || i FROM n`,
		`INSERT INTO test_results(run_id, step_id, test_id, status, duration_ms, attempts)
		 SELECT st.run_id, st.id, t.id,
		   CASE WHEN t.id % 10 = 0 AND (st.run_id + t.id) % 9 = 0 THEN 'failed' ELSE 'passed' END, (t.id * 13 + st.run_id) % 200,
		   CASE WHEN t.id = 7 AND st.run_id % 40 = 0 THEN 2 ELSE 1 END
		 FROM steps st CROSS JOIN tests t WHERE st.idx = 1 ORDER BY st.run_id, t.id`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
		 INSERT INTO deploys(project_id, target, kind, version, commit_sha, status, failure, steps, log, started_ms, finished_ms)
		 SELECT ?1, CASE i % 3 WHEN 0 THEN 'staging' WHEN 1 THEN 'production' ELSE 'canary' END,
		   CASE WHEN i % 29 = 0 THEN 'rollback' WHEN i % 3 = 1 THEN 'promote' ELSE 'deploy' END,
		   '1.' || (i / 100) || '.' || (i % 100), printf('%040x', i), CASE WHEN i % 11 = 0 THEN 'failed' ELSE 'succeeded' END,
		   CASE WHEN i % 11 = 0 THEN 'health check failed' ELSE '' END,
		   '[{"name":"upload","status":"done"},{"name":"switch","status":"done"},{"name":"health","status":"done"}]', ?4,
		   ?2 - 365 * ?3 + i * (365 * ?3 / 10000) - 30000, ?2 - 365 * ?3 + i * (365 * ?3 / 10000) FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
		 INSERT INTO checks(id, project_id, name, url) SELECT i, ?1, CASE WHEN i <= 3 THEN 'target:t' ELSE 'check:c' END || i, 'http://127.0.0.1/' FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
		 INSERT INTO check_results(check_id, at_ms, ok, status, took_ms) SELECT i % 20 + 1, ?2 - 7 * ?3 + (i / 20) * (7 * ?3 / 5000), i % 37 != 0, 200, i % 300 FROM n`,
		`WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < 83 * 24)
		 INSERT INTO check_hours(check_id, hour_ms, total, ok, took_sum_ms, took_max_ms)
		 SELECT c.id, ?2 - 7 * ?3 - h.i * 3600000 - (?2 - 7 * ?3) % 3600000, 360, 359 - h.i % 3, 36000, 290 FROM checks c CROSS JOIN h`,
		`ANALYZE`,
	} {
		if _, err := s.db.ExecContext(ctx, q, pid, end, day, log); err != nil {
			b.Fatal(err)
		}
	}
	checks, err := s.Checks(ctx, pid)
	if err != nil || len(checks) != 20 {
		b.Fatal(len(checks), err)
	}
	ids := make([]int64, len(checks))
	for i, c := range checks {
		ids[i] = c.ID
	}
	return s, pid, ids
}

// BenchmarkDashboardQueries times each query of the Monitor dashboard over 90 days, the
// longest period (goal ≤ 50 ms each): the runs with their build and test time, the flaky
// tests of those runs, the deploys that ended, and every check's uptime per day.
func BenchmarkDashboardQueries(b *testing.B) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	s, pid, checks := dashboardHistory(b, now)
	ctx := context.Background()
	from, to := now.AddDate(0, 0, -89).Truncate(24*time.Hour).UnixMilli(), now.Truncate(24*time.Hour).AddDate(0, 0, 1).UnixMilli()
	b.ResetTimer()

	b.Run("TrendRuns90d", func(b *testing.B) {
		for b.Loop() {
			runs, err := s.TrendRuns(ctx, pid, from, to)
			if err != nil || len(runs) < 2900 || runs[0].BuildSteps != 2 || runs[0].TestSteps != 1 {
				b.Fatal(len(runs), err)
			}
		}
	})
	b.Run("Flaky90d", func(b *testing.B) {
		for b.Loop() {
			flaky, err := s.FlakyAmong(ctx, pid, 1, 3000)
			if err != nil || len(flaky) == 0 {
				b.Fatal(len(flaky), err)
			}
		}
	})
	b.Run("DeployOutcomes90d", func(b *testing.B) {
		for b.Loop() {
			ds, err := s.DeployOutcomes(ctx, pid, from, to)
			if err != nil || len(ds) < 2400 {
				b.Fatal(len(ds), err)
			}
		}
	})
	b.Run("Uptime90dAllChecks", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Checks(ctx, pid); err != nil {
				b.Fatal(err)
			}
			for _, id := range checks {
				days, err := s.Uptime(ctx, id, 90, now)
				if err != nil || days[89].Total == 0 || days[0].Total == 0 {
					b.Fatal(days, err)
				}
			}
		}
	})
}
