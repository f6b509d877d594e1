package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// The recent projects are the ones opened last, newest first, as many as asked.
func TestRecentProjectsNewestFirst(t *testing.T) {
	s := openT(t, t.TempDir())
	ctx := context.Background()
	ids := map[string]int64{}
	for i, name := range []string{"a", "b", "c"} {
		p, err := s.EnsureProject(ctx, "/src/"+name, name, int64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = p.ID
	}
	touch := func(name string, at int64) {
		t.Helper()
		if err := s.TouchProject(ctx, ids[name], at); err != nil {
			t.Fatal(err)
		}
	}
	touch("b", 100)
	touch("c", 200)
	touch("a", 300)
	got, err := s.RecentProjects(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []RecentProject{{ids["a"], "/src/a", "a", 300}, {ids["c"], "/src/c", "c", 200}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("recent %+v, want %+v", got, want)
	}
	// Opened in the same millisecond as the newest, or with the clock behind: newest still.
	touch("b", 300)
	touch("c", 250)
	got, err = s.RecentProjects(ctx, 0)
	if err != nil || len(got) != 3 || got[0].Path != "/src/c" || got[1].Path != "/src/b" || got[2].Path != "/src/a" || got[0].OpenedMs != 302 {
		t.Errorf("recent after touching at the same time %+v, %v", got, err)
	}
	if err := s.TouchProject(ctx, 999, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("touching an unknown project: %v", err)
	}
}

// Projects recorded before migration 0014 count as opened at their last run, or when they
// were recorded when they never ran.
func TestOpenedMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := open(filepath.Join(dir, DBName), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mustMigrations()[:13] {
		if err := old.apply(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO projects(id, path, name, created_ms) VALUES(1, '/ran', 'ran', 10), (2, '/idle', 'idle', 50)`,
		`INSERT INTO runs(project_id, trigger, status, started_ms) VALUES(1, 'manual', 'passed', 20), (1, 'manual', 'passed', 90)`,
	} {
		if _, err := old.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()
	s := openT(t, dir)
	got, err := s.RecentProjects(ctx, 0)
	if err != nil || len(got) != 2 || got[0] != (RecentProject{1, "/ran", "ran", 90}) || got[1] != (RecentProject{2, "/idle", "idle", 50}) {
		t.Errorf("recent after migration %+v, %v", got, err)
	}
}
