package store

import (
	"context"
	"strings"
	"testing"
)

// deployHistory fills a store with plain SQL: 20,000 deploys to 4 targets, one a minute,
// each with a 2 KiB log and its steps' JSON, as real deploys keep; every 97th was synced from
// a target's audit log late (recorded after later ones), and the last one is running.
func deployHistory(b *testing.B) (*Store, int64) {
	b.Helper()
	s, pid := checkStore(b)
	log := strings.Repeat("uploading releases/app … ok\n", 2048/28)
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		 INSERT INTO deploys(project_id, target, kind, version, status, steps, log, started_ms, finished_ms)
		 SELECT ?1, CASE i % 4 WHEN 0 THEN 'staging' WHEN 1 THEN 'production' WHEN 2 THEN 'canary' ELSE 'eu' END, 'deploy',
		   '1.' || (i / 100) || '.' || (i % 100), CASE WHEN i = 20000 THEN 'running' ELSE 'succeeded' END,
		   '[{"name":"upload","status":"done"},{"name":"switch","status":"done"},{"name":"health","status":"done"}]', ?2,
		   (CASE WHEN i % 97 = 0 THEN i - 500 ELSE i END) * 60000,
		   CASE WHEN i = 20000 THEN 0 ELSE (CASE WHEN i % 97 = 0 THEN i - 500 ELSE i END) * 60000 + 30000 END FROM n`,
		`ANALYZE`,
	} {
		if _, err := s.db.Exec(q, pid, log); err != nil {
			b.Fatal(err)
		}
	}
	return s, pid
}

// BenchmarkDeploys lists the newest 50 deploys of one target, and of all targets, as the
// Deploy view does, over 20,000 deploys.
func BenchmarkDeploys(b *testing.B) {
	s, pid := deployHistory(b)
	ctx := context.Background()
	for _, target := range []string{"production", ""} {
		name := "target"
		if target == "" {
			name = "all"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if ds, err := s.Deploys(ctx, pid, target, 50); err != nil || len(ds) != 50 {
					b.Fatalf("%d deploys, %v", len(ds), err)
				}
			}
		})
	}
}
