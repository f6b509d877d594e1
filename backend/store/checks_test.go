package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func checkStore(t testing.TB) (*Store, int64) {
	t.Helper()
	s := openT(t, t.TempDir())
	p, err := s.EnsureProject(context.Background(), "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	return s, p.ID
}

func ensureCheck(t testing.TB, s *Store, projectID int64, name string) int64 {
	t.Helper()
	id, err := s.EnsureCheck(context.Background(), projectID, name, "http://127.0.0.1/healthz")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func utcMs(s string) int64 {
	at, err := time.Parse("2006-01-02 15:04:05.000", s)
	if err != nil {
		panic(err)
	}
	return at.UnixMilli()
}

func TestEnsureCheck(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	a := ensureCheck(t, s, pid, "target:staging")
	b, err := s.EnsureCheck(ctx, pid, "target:staging", "http://example.com/up")
	if err != nil || b != a {
		t.Fatalf("second EnsureCheck = %d, %v; want %d", b, err, a)
	}
	var url string
	s.db.QueryRow(`SELECT url FROM checks WHERE id = ?`, a).Scan(&url)
	if url != "http://example.com/up" {
		t.Errorf("url = %q, want the new one", url)
	}
	if c := ensureCheck(t, s, pid, "check:api"); c == a {
		t.Errorf("another name got the same id %d", c)
	}
}

func TestCheckResultsRoundTrip(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	a, b := ensureCheck(t, s, pid, "check:a"), ensureCheck(t, s, pid, "check:b")
	in := []CheckResult{
		{CheckID: a, AtMs: 1000, OK: true, Status: 200, TookMs: 12},
		{CheckID: b, AtMs: 1500, OK: false, Status: 0, TookMs: 5000, Reason: "timeout after 5s"},
		{CheckID: a, AtMs: 3000, OK: false, Status: 503, TookMs: 40, Reason: "status 503, want 200"},
		{CheckID: a, AtMs: 2000, OK: true, Status: 200, TookMs: 9},
	}
	if err := s.AddCheckResults(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCheckResults(ctx, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.LastCheckResults(ctx, a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []CheckResult{in[2], in[3], in[0]}; !reflect.DeepEqual(got, want) {
		t.Errorf("LastCheckResults(a) =\n%+v\nwant\n%+v", got, want)
	}
	got, _ = s.LastCheckResults(ctx, a, 1)
	if len(got) != 1 || got[0] != in[2] {
		t.Errorf("LastCheckResults(a, 1) = %+v", got)
	}
	got, _ = s.LastCheckResults(ctx, b, 0)
	if len(got) != 1 || got[0] != in[1] {
		t.Errorf("LastCheckResults(b) = %+v", got)
	}
	// A batch with an unknown check stores nothing.
	if err := s.AddCheckResults(ctx, []CheckResult{{CheckID: a, AtMs: 4000, OK: true}, {CheckID: 999, AtMs: 4000}}); err == nil {
		t.Error("a result of an unknown check was stored")
	}
	if got, _ := s.LastCheckResults(ctx, a, 10); len(got) != 3 {
		t.Errorf("a failed batch left %d results of a, want 3", len(got))
	}
}

type hourRow struct {
	CheckID, HourMs, Total, OK, TookSum, TookMax int64
}

func hourRows(t *testing.T, s *Store) []hourRow {
	t.Helper()
	rows, err := s.db.Query(`SELECT check_id, hour_ms, total, ok, took_sum_ms, took_max_ms FROM check_hours ORDER BY check_id, hour_ms`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []hourRow
	for rows.Next() {
		var h hourRow
		if err := rows.Scan(&h.CheckID, &h.HourMs, &h.Total, &h.OK, &h.TookSum, &h.TookMax); err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

func rawRows(t *testing.T, s *Store) []CheckResult {
	t.Helper()
	rows, err := s.db.Query(`SELECT check_id, at_ms, ok, status, took_ms, reason FROM check_results ORDER BY check_id, at_ms`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []CheckResult
	for rows.Next() {
		var r CheckResult
		if err := rows.Scan(&r.CheckID, &r.AtMs, &r.OK, &r.Status, &r.TookMs, &r.Reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestRollUpAndUptime rolls up a crafted history at 2026-03-20 12:30 UTC with the default
// retention: raw results before 2026-03-13 12:30 go into hours, hours before 2025-12-20 12:30
// go away. The expected rows and uptimes are worked out by hand.
func TestRollUpAndUptime(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	a, b := ensureCheck(t, s, pid, "check:a"), ensureCheck(t, s, pid, "check:b")
	now := time.Date(2026, 3, 20, 12, 30, 0, 0, time.UTC)
	results := []CheckResult{
		{CheckID: a, AtMs: utcMs("2025-12-01 10:05:00.000"), OK: true, Status: 200, TookMs: 100}, // older than the hours kept
		{CheckID: a, AtMs: utcMs("2026-03-10 09:10:00.000"), OK: true, Status: 200, TookMs: 100},
		{CheckID: a, AtMs: utcMs("2026-03-10 09:50:00.000"), OK: false, Status: 500, TookMs: 300, Reason: "status 500"},
		{CheckID: a, AtMs: utcMs("2026-03-10 10:00:00.000"), OK: true, Status: 200, TookMs: 50}, // first ms of the 10:00 hour
		{CheckID: a, AtMs: utcMs("2026-03-12 23:59:59.999"), OK: true, Status: 200, TookMs: 10},
		{CheckID: a, AtMs: utcMs("2026-03-13 12:00:00.000"), OK: true, Status: 200, TookMs: 20},        // rolled up…
		{CheckID: a, AtMs: utcMs("2026-03-13 12:45:00.000"), OK: false, Reason: "timeout", TookMs: 40}, // …but this one, same hour, stays raw
		{CheckID: a, AtMs: utcMs("2026-03-20 12:00:00.000"), OK: true, Status: 200, TookMs: 5},
		{CheckID: b, AtMs: utcMs("2026-03-10 09:20:00.000"), OK: true, Status: 200, TookMs: 70},
	}
	if err := s.AddCheckResults(ctx, results); err != nil {
		t.Fatal(err)
	}
	// Hours that an earlier roll-up left: one to merge with, one to drop, one to keep.
	if _, err := s.db.Exec(`INSERT INTO check_hours VALUES (?, ?, 2, 1, 1000, 900), (?, ?, 5, 5, 50, 10), (?, ?, 10, 9, 100, 30)`,
		a, utcMs("2026-03-10 09:00:00.000"), b, utcMs("2025-12-15 00:00:00.000"), b, utcMs("2025-12-21 00:00:00.000")); err != nil {
		t.Fatal(err)
	}

	wantDays := []UptimeDay{
		{"2026-03-09", 0, 0, -1},
		{"2026-03-10", 5, 3, 0.6}, // hour 09: 2+2 results, 1+1 OK; hour 10: 1 OK
		{"2026-03-11", 0, 0, -1},
		{"2026-03-12", 1, 1, 1},
		{"2026-03-13", 2, 1, 0.5}, // one rolled up, one raw
		{"2026-03-14", 0, 0, -1}, {"2026-03-15", 0, 0, -1}, {"2026-03-16", 0, 0, -1},
		{"2026-03-17", 0, 0, -1}, {"2026-03-18", 0, 0, -1}, {"2026-03-19", 0, 0, -1},
		{"2026-03-20", 1, 1, 1},
	}
	uptime := func(when string) {
		t.Helper()
		got, err := s.Uptime(ctx, a, 12, now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wantDays) {
			t.Errorf("Uptime %s roll-up =\n%+v\nwant\n%+v", when, got, wantDays)
		}
	}
	uptime("before")

	rolled, deleted, err := s.RollUpChecks(ctx, now, 7*24*time.Hour, 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rolled != 7 || deleted != 2 {
		t.Errorf("RollUpChecks = %d rolled, %d deleted; want 7 and 2 (a's hour of 2025-12-01 and b's of 2025-12-15)", rolled, deleted)
	}
	wantHours := []hourRow{
		{a, utcMs("2026-03-10 09:00:00.000"), 4, 2, 1400, 900},
		{a, utcMs("2026-03-10 10:00:00.000"), 1, 1, 50, 50},
		{a, utcMs("2026-03-12 23:00:00.000"), 1, 1, 10, 10},
		{a, utcMs("2026-03-13 12:00:00.000"), 1, 1, 20, 20},
		{b, utcMs("2025-12-21 00:00:00.000"), 10, 9, 100, 30},
		{b, utcMs("2026-03-10 09:00:00.000"), 1, 1, 70, 70},
	}
	wantRaw := []CheckResult{results[6], results[7]}
	check := func(when string) {
		t.Helper()
		if got := hourRows(t, s); !reflect.DeepEqual(got, wantHours) {
			t.Errorf("hours %s =\n%+v\nwant\n%+v", when, got, wantHours)
		}
		if got := rawRows(t, s); !reflect.DeepEqual(got, wantRaw) {
			t.Errorf("raw results %s =\n%+v\nwant\n%+v", when, got, wantRaw)
		}
	}
	check("after the roll-up")
	uptime("after")

	rolled, deleted, err = s.RollUpChecks(ctx, now, 0, 0) // the defaults are the same retention
	if err != nil || rolled != 0 || deleted != 0 {
		t.Errorf("second RollUpChecks = %d, %d, %v; want nothing to do", rolled, deleted, err)
	}
	check("after a second roll-up")
	uptime("after a second")

	// Today only, and a check without any result.
	if got, _ := s.Uptime(ctx, a, 1, now); !reflect.DeepEqual(got, wantDays[11:]) {
		t.Errorf("Uptime(1 day) = %+v", got)
	}
	got, _ := s.Uptime(ctx, ensureCheck(t, s, pid, "check:new"), 0, now)
	if len(got) != 30 || got[0].Day != "2026-02-19" || got[29].Day != "2026-03-20" || got[0].Uptime != -1 || got[29].Uptime != -1 {
		t.Errorf("Uptime of a new check over the default 30 days = %+v", got)
	}
}

func TestIncidents(t *testing.T) {
	s, pid := checkStore(t)
	ctx := context.Background()
	api := ensureCheck(t, s, pid, "check:api")
	dep, err := s.CreateDeploy(ctx, Deploy{ProjectID: pid, Target: "staging", Kind: "deploy", StartedMs: 50})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureBoard(ctx, pid, 1); err != nil {
		t.Fatal(err)
	}
	card, err := s.AddCard(ctx, NewCard{ProjectID: pid, Title: "api down", NowMs: 1})
	if err != nil {
		t.Fatal(err)
	}

	down := Incident{ProjectID: pid, CheckID: api, DeployID: dep, Kind: IncidentCheckDown, Title: "check:api is DOWN", StartedMs: 100}
	id, err := s.OpenIncident(ctx, down)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.OpenIncident(ctx, Incident{ProjectID: pid, CheckID: api, Kind: IncidentCheckDown, Title: "again", StartedMs: 130})
	if err != nil || again != id {
		t.Fatalf("second OpenIncident of the check = %d, %v; want the open one, %d", again, err, id)
	}
	open, ok, err := s.OpenIncidentOf(ctx, api)
	down.ID = id
	if err != nil || !ok || open != down || !open.Open() {
		t.Fatalf("OpenIncidentOf = %+v, %v, %v; want %+v", open, ok, err, down)
	}
	if _, err := s.db.Exec(`INSERT INTO incidents (project_id, check_id, kind, started_ms) VALUES (?, ?, 'check_down', 140)`, pid, api); err == nil {
		t.Error("the schema let a check have two open incidents")
	}
	if _, err := s.OpenIncident(ctx, Incident{ProjectID: pid, Kind: "meltdown", StartedMs: 1}); err == nil {
		t.Error("an unknown kind was recorded")
	}

	if err := s.ResolveIncident(ctx, id, 400); err != nil {
		t.Fatal(err)
	}
	if err := s.ResolveIncident(ctx, id, 900); err != nil { // resolved already: keeps 400
		t.Fatal(err)
	}
	if err := s.ResolveIncident(ctx, 999, 900); err == nil {
		t.Error("resolving an unknown incident succeeded")
	}
	if _, ok, _ := s.OpenIncidentOf(ctx, api); ok {
		t.Error("the check still has an open incident")
	}
	// Down again: a new incident; a failed deploy (resolved when recorded) and a rollback.
	id2, err := s.OpenIncident(ctx, Incident{ProjectID: pid, CheckID: api, Kind: IncidentCheckDown, Title: "down again", StartedMs: 500})
	if err != nil || id2 == id {
		t.Fatalf("OpenIncident after resolve = %d, %v; want a new incident", id2, err)
	}
	failed, err := s.OpenIncident(ctx, Incident{ProjectID: pid, DeployID: dep, CardID: card.ID, Kind: IncidentDeployFailed,
		Title: "deploy to staging failed", StartedMs: 300, ResolvedMs: 300})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := s.OpenIncident(ctx, Incident{ProjectID: pid, DeployID: dep, Kind: IncidentRollback, Title: "rolled back", StartedMs: 600})
	if err != nil {
		t.Fatal(err)
	}

	if err := s.UpdateIncident(ctx, pid, id, "the disk filled up", " ABCDEF1234 "); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateIncident(ctx, pid, id, "x", "not a sha"); err == nil {
		t.Error("a root cause that is not a SHA was stored")
	}
	if err := s.UpdateIncident(ctx, pid+1, id, "x", ""); err == nil {
		t.Error("another project's incident was updated")
	}

	all, err := s.Incidents(ctx, pid, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Incident{
		{ID: rb, ProjectID: pid, DeployID: dep, Kind: IncidentRollback, Title: "rolled back", StartedMs: 600},
		{ID: id2, ProjectID: pid, CheckID: api, Kind: IncidentCheckDown, Title: "down again", StartedMs: 500},
		{ID: failed, ProjectID: pid, DeployID: dep, CardID: card.ID, Kind: IncidentDeployFailed, Title: "deploy to staging failed", StartedMs: 300, ResolvedMs: 300},
		{ID: id, ProjectID: pid, CheckID: api, DeployID: dep, Kind: IncidentCheckDown, Title: "check:api is DOWN", StartedMs: 100, ResolvedMs: 400,
			Note: "the disk filled up", RootCause: "abcdef1234"},
	}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("Incidents =\n%+v\nwant\n%+v", all, want)
	}
	if got, _ := s.Incidents(ctx, pid, 300, 2); !reflect.DeepEqual(got, want[:2]) {
		t.Errorf("Incidents(since 300, limit 2) = %+v", got)
	}
	if got, _ := s.Incidents(ctx, pid, 301, 0); !reflect.DeepEqual(got, want[:2]) {
		t.Errorf("Incidents(since 301) = %+v", got)
	}

	// Deleting the check, the deploy or the card keeps the incidents, without the link.
	if err := s.AddCheckResults(ctx, []CheckResult{{CheckID: api, AtMs: 500, OK: false}}); err != nil {
		t.Fatal(err)
	}
	s.db.Exec(`INSERT INTO check_hours VALUES (?, 0, 1, 1, 1, 1)`, api)
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`DELETE FROM checks WHERE id = ?`, api)
	mustExec(`DELETE FROM deploys WHERE id = ?`, dep)
	mustExec(`DELETE FROM cards WHERE id = ?`, card.ID)
	for i := range want {
		want[i].CheckID, want[i].DeployID, want[i].CardID = 0, 0, 0
	}
	if all, _ := s.Incidents(ctx, pid, 0, 0); !reflect.DeepEqual(all, want) {
		t.Errorf("Incidents after the deletes =\n%+v\nwant\n%+v", all, want)
	}
	var n int
	s.db.QueryRow(`SELECT (SELECT count(*) FROM check_results) + (SELECT count(*) FROM check_hours)`).Scan(&n)
	if n != 0 {
		t.Errorf("%d results and hours of the deleted check are left", n)
	}
	// Deleting the project takes its incidents with it.
	mustExec(`DELETE FROM projects WHERE id = ?`, pid)
	if all, _ := s.Incidents(ctx, pid, 0, 0); len(all) != 0 {
		t.Errorf("incidents left after the project was deleted: %+v", all)
	}
}

// FindCheck reads without recording: a read-only store answers it.
func TestFindCheckOnlyReads(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	if err != nil {
		t.Fatal(err)
	}
	id := ensureCheck(t, s, p.ID, "target:staging")
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got, ok, err := ro.FindCheck(ctx, p.ID, "target:staging"); err != nil || !ok || got != id {
		t.Errorf("FindCheck(staging) = %d, %v, %v; want %d", got, ok, err, id)
	}
	if _, ok, err := ro.FindCheck(ctx, p.ID, "target:production"); err != nil || ok {
		t.Errorf("FindCheck(production) = %v, %v; want not found, no error", ok, err)
	}
}
