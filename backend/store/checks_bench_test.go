package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkChecksQueries times the monitor's queries over 100,000 results of 50 checks
// taken over the last 7 days (goal ≤ 50 ms each): the 30-day uptime of one check and its
// 50 last results.
func BenchmarkChecksQueries(b *testing.B) {
	s, pid := checkStore(b)
	ctx := context.Background()
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	const checks, results = 50, 100_000
	ids := make([]int64, checks)
	for i := range ids {
		ids[i] = ensureCheck(b, s, pid, "check:"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	step := int64(7*24*time.Hour/time.Millisecond) / (results / checks)
	rs := make([]CheckResult, 0, results)
	for i := range results {
		r := CheckResult{CheckID: ids[i%checks], AtMs: now.UnixMilli() - int64(i/checks)*step, OK: i%37 != 0, Status: 200, TookMs: int64(i % 300)}
		if !r.OK {
			r.Status, r.Reason = 503, "status 503, want 200"
		}
		rs = append(rs, r)
	}
	start := time.Now()
	if err := s.AddCheckResults(ctx, rs); err != nil {
		b.Fatal(err)
	}
	b.Logf("stored %d results in %v", results, time.Since(start))
	// A check probed every 10 s for 7 days (60,480 results: what one of 500 checks at 10 s
	// keeps raw), with the 23 days before that rolled up into hours.
	dense := ensureCheck(b, s, pid, "check:dense")
	var dense7d []CheckResult
	for at := now.Add(-7 * 24 * time.Hour).UnixMilli(); at <= now.UnixMilli(); at += 10_000 {
		dense7d = append(dense7d, CheckResult{CheckID: dense, AtMs: at, OK: at%7 != 0, Status: 200, TookMs: at % 100})
	}
	if err := s.AddCheckResults(ctx, dense7d); err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < 23 * 24)
		INSERT INTO check_hours SELECT ?, ? - i * 3600000, 360, 359, 3600, 90 FROM h`, dense, now.Add(-7*24*time.Hour).UnixMilli()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()

	b.Run("Uptime30d", func(b *testing.B) {
		for b.Loop() {
			days, err := s.Uptime(ctx, ids[7], 30, now)
			if err != nil || days[29].Total == 0 {
				b.Fatal(days, err)
			}
		}
	})
	b.Run("LastCheckResults50", func(b *testing.B) {
		for b.Loop() {
			last, err := s.LastCheckResults(ctx, ids[7], 50)
			if err != nil || len(last) != 50 {
				b.Fatal(len(last), err)
			}
		}
	})
	b.Run("Uptime30dEvery10s", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Uptime(ctx, dense, 30, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same uptime once the results older than a day are rolled up into hours.
	b.Run("Uptime30dRolledUp", func(b *testing.B) {
		if _, _, err := s.RollUpChecks(ctx, now, 24*time.Hour, 0); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.Uptime(ctx, ids[7], 30, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
