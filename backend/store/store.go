// Package store keeps Eightfold's history in one SQLite file in the data dir: projects, runs,
// steps, their log output and test results. Nothing else in Eightfold touches SQL.
//
// A writer (Open) takes an advisory lock on the data dir, applies the embedded numbered
// migrations and marks runs that a crashed process left running as interrupted. A reader
// (OpenReadOnly) takes no lock, so read-only commands work while another process writes.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DBName is the file name of the database inside the data dir.
const DBName = "eightfold.db"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNoDatabase is returned by OpenReadOnly when the data dir holds no database yet.
var ErrNoDatabase = errors.New("no Eightfold database yet")

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	db    *sql.DB
	lock  *DirLock // nil for readers
	path  string
	stale []ProcessGroup
	tests testIDs // ids of the tests recorded, so a run of known tests skips their upsert
}

// Open opens (creating if needed) the database in dir for writing. It takes the data dir's
// advisory lock first: when another process holds it, the error is a *LockedError naming it.
// Runs and steps left running by a crashed process are marked interrupted.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir %s: %w", dir, err)
	}
	lock, err := LockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := open(filepath.Join(dir, DBName), false)
	if err != nil {
		lock.Release()
		return nil, err
	}
	s.lock = lock
	if err := s.migrate(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := s.RecoverInterrupted(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly opens the database in dir for reading, without taking the lock. It returns
// ErrNoDatabase when nothing has been recorded yet.
func OpenReadOnly(dir string) (*Store, error) {
	path := filepath.Join(dir, DBName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNoDatabase, dir)
	}
	s, err := open(path, true)
	if err != nil {
		return nil, err
	}
	v, err := s.schemaVersion(context.Background())
	if err != nil {
		s.Close()
		return nil, err
	}
	if latest := len(mustMigrations()); v < latest {
		s.Close()
		return nil, fmt.Errorf("database %s has schema version %d, this eightfold needs %d: run any writing command (such as `eightfold run`) once to migrate it", path, v, latest)
	}
	return s, nil
}

func open(path string, readOnly bool) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		if err := createPrivate(path); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	return &Store{db: db, path: path}, nil
}

// openError explains a database that cannot be opened; a damaged file is named with the way
// out, and nothing is deleted.
func openError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_NOTADB || se.Code()&0xff == sqlite3.SQLITE_CORRUPT) {
		return fmt.Errorf("the database %s is damaged or is not an Eightfold database (%w); move it aside (Eightfold then starts a new history) or pass --home DIR to use another data dir", path, err)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// createPrivate makes sure the database file exists with mode 0600 before SQLite opens it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	return f.Close()
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database and releases the data dir's lock.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.lock != nil {
		s.lock.Release()
	}
	return err
}

type migration struct {
	version int
	name    string
	sql     string
}

func mustMigrations() []migration {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		panic(err) // the embedded files are part of the binary: a bad name is a build bug
	}
	return ms
}

// loadMigrations reads NNNN_name.sql files, sorted, numbered 1, 2, 3… without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for i, name := range names {
		base := filepath.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want a name like %04d_what.sql", name, i+1)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	return ms, nil
}

func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", s.path, err)
	}
	return v, nil
}

// migrate applies every embedded migration newer than the database, each in its own
// transaction together with the new user_version.
func (s *Store) migrate(ctx context.Context) error {
	current, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	ms := mustMigrations()
	if current > len(ms) {
		return fmt.Errorf("database %s has schema version %d, newer than this eightfold knows (%d): use a newer eightfold or another --home", s.path, current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := s.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s on %s: %w", m.name, s.path, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("migration %s on %s: %w", m.name, s.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s on %s: %w", m.name, s.path, err)
	}
	return nil
}

// DataDir resolves the data dir: flagValue when set (--home), else $EIGHTFOLD_HOME, else
// os.UserConfigDir()/eightfold. The result is absolute.
func DataDir(flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		dir = os.Getenv("EIGHTFOLD_HOME")
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the data dir: %w; set EIGHTFOLD_HOME or pass --home DIR", err)
		}
		dir = filepath.Join(base, "eightfold")
	}
	return filepath.Abs(dir)
}
