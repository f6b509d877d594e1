package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Retention defaults of check results: raw results for a week, hourly roll-ups for 90 days.
const (
	DefaultRawRetention    = 7 * 24 * time.Hour
	DefaultHourlyRetention = 90 * 24 * time.Hour
)

const (
	hourMs = int64(time.Hour / time.Millisecond)
	dayMs  = 24 * hourMs
)

// CheckResult is one probe of a health check.
type CheckResult struct {
	CheckID int64
	AtMs    int64
	OK      bool
	Status  int // the HTTP status, 0 when there was no response
	TookMs  int64
	Reason  string // why it failed; "" when OK
}

// UptimeDay is a check's uptime on one UTC day.
type UptimeDay struct {
	Day    string // YYYY-MM-DD, UTC
	Total  int64
	OK     int64
	Uptime float64 // OK/Total, from 0 to 1; -1 when the day has no result
}

// FindCheck is the id of the project's check called name, without recording it: ok is
// false when it was never recorded (nothing was stored about it yet).
func (s *Store) FindCheck(ctx context.Context, projectID int64, name string) (id int64, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT id FROM checks WHERE project_id = ? AND name = ?`, projectID, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find the check %s: %w", name, err)
	}
	return id, true, nil
}

// EnsureCheck records the project's check called name (such as "target:staging" or
// "check:api") and returns its id; a check known by that name gets url as its new URL.
func (s *Store) EnsureCheck(ctx context.Context, projectID int64, name, url string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO checks (project_id, name, url) VALUES (?, ?, ?)
		ON CONFLICT (project_id, name) DO UPDATE SET url = excluded.url RETURNING id`, projectID, name, url).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record the check %s: %w", name, err)
	}
	return id, nil
}

// AddCheckResults stores a batch of results in one transaction (the monitor batches them:
// hundreds of checks every few seconds).
func (s *Store) AddCheckResults(ctx context.Context, rs []CheckResult) error {
	if len(rs) == 0 {
		return nil
	}
	return s.inTx(ctx, "store check results", func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO check_results (check_id, at_ms, ok, status, took_ms, reason) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rs {
			if _, err := st.ExecContext(ctx, r.CheckID, r.AtMs, r.OK, r.Status, r.TookMs, r.Reason); err != nil {
				return fmt.Errorf("check %d at %d: %w", r.CheckID, r.AtMs, err)
			}
		}
		return nil
	})
}

// LastCheckResults returns the check's n newest raw results, newest first; n ≤ 0 means 50.
func (s *Store) LastCheckResults(ctx context.Context, checkID int64, n int) ([]CheckResult, error) {
	if n <= 0 {
		n = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT check_id, at_ms, ok, status, took_ms, reason FROM check_results
		WHERE check_id = ? ORDER BY at_ms DESC, id DESC LIMIT ?`, checkID, n)
	if err != nil {
		return nil, fmt.Errorf("load the results of check %d: %w", checkID, err)
	}
	defer rows.Close()
	out := make([]CheckResult, 0, n)
	for rows.Next() {
		var r CheckResult
		if err := rows.Scan(&r.CheckID, &r.AtMs, &r.OK, &r.Status, &r.TookMs, &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RollUpChecks applies the retention of check results at now, in one transaction: raw
// results older than raw are summed into their UTC hour's row of check_hours (merged with
// the row that an earlier roll-up left for that hour) and deleted; hour rows that start
// before now-hourly are deleted. rolled counts the raw results rolled up, deleted the hour
// rows removed. Running it again at the same now changes nothing. raw or hourly ≤ 0 mean
// DefaultRawRetention and DefaultHourlyRetention.
func (s *Store) RollUpChecks(ctx context.Context, now time.Time, raw, hourly time.Duration) (rolled, deleted int64, err error) {
	if raw <= 0 {
		raw = DefaultRawRetention
	}
	if hourly <= 0 {
		hourly = DefaultHourlyRetention
	}
	rawCut, hourCut := now.Add(-raw).UnixMilli(), now.Add(-hourly).UnixMilli()
	err = s.inTx(ctx, "roll up check results", func(tx *sql.Tx) error {
		// Through checks, so that each check's old results come from the (check_id, at_ms)
		// index rather than a scan of the whole table.
		if _, err := tx.ExecContext(ctx, `INSERT INTO check_hours (check_id, hour_ms, total, ok, took_sum_ms, took_max_ms)
			SELECT r.check_id, r.at_ms - r.at_ms % ?2, count(*), sum(r.ok), sum(r.took_ms), max(r.took_ms)
			FROM checks c JOIN check_results r ON r.check_id = c.id AND r.at_ms < ?1
			WHERE true GROUP BY r.check_id, r.at_ms - r.at_ms % ?2
			ON CONFLICT (check_id, hour_ms) DO UPDATE SET total = total + excluded.total, ok = ok + excluded.ok,
				took_sum_ms = took_sum_ms + excluded.took_sum_ms, took_max_ms = max(took_max_ms, excluded.took_max_ms)`,
			rawCut, hourMs); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM check_results WHERE id IN (SELECT r.id FROM checks c
			JOIN check_results r ON r.check_id = c.id AND r.at_ms < ?)`, rawCut)
		if err != nil {
			return err
		}
		rolled, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM check_hours WHERE hour_ms < ?`, hourCut)
		if err != nil {
			return err
		}
		deleted, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return rolled, deleted, nil
}

// Uptime is the check's uptime per UTC day, oldest first: days entries (≤ 0 means 30), the
// last one today (the UTC day of now). It counts the raw results and the hourly roll-ups
// together; a result is in one or the other, never both.
func (s *Store) Uptime(ctx context.Context, checkID int64, days int, now time.Time) ([]UptimeDay, error) {
	if days <= 0 {
		days = 30
	}
	y, m, d := now.UTC().Date()
	first := time.Date(y, m, d-days+1, 0, 0, 0, 0, time.UTC)
	from := first.UnixMilli()
	out := make([]UptimeDay, days)
	for i := range out {
		out[i].Day = first.AddDate(0, 0, i).Format(time.DateOnly)
	}
	// Day by day, so that each day is one range of the covering index, summed in order.
	rows, err := s.db.QueryContext(ctx, `WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < ?3 - 1)
		SELECT d.i, count(*), sum(r.ok) FROM d CROSS JOIN check_results r
			WHERE r.check_id = ?1 AND r.at_ms >= ?2 + d.i * ?4 AND r.at_ms < ?2 + (d.i + 1) * ?4 GROUP BY d.i
		UNION ALL
		SELECT (hour_ms - ?2) / ?4, sum(total), sum(ok) FROM check_hours
			WHERE check_id = ?1 AND hour_ms >= ?2 AND hour_ms < ?2 + ?3 * ?4 GROUP BY 1`, checkID, from, days, dayMs)
	if err != nil {
		return nil, fmt.Errorf("uptime of check %d: %w", checkID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var total, ok int64
		if err := rows.Scan(&i, &total, &ok); err != nil {
			return nil, err
		}
		if i >= 0 && i < days { // always, by the WHERE clauses
			out[i].Total += total
			out[i].OK += ok
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Uptime = -1
		if out[i].Total > 0 {
			out[i].Uptime = float64(out[i].OK) / float64(out[i].Total)
		}
	}
	return out, nil
}
