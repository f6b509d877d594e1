package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// The test binary doubles as a helper process: with STORE_HELPER set it opens the store in
// STORE_DIR, does what STORE_HELPER says, and then dies or waits, as a real eightfold would.
func TestMain(m *testing.M) {
	switch os.Getenv("STORE_HELPER") {
	case "":
		os.Exit(m.Run())
	case "crash-mid-run":
		helperCrashMidRun(os.Getenv("STORE_DIR"))
	case "hold-lock":
		helperHoldLock(os.Getenv("STORE_DIR"))
	}
}

func helperCrashMidRun(dir string) {
	s, err := Open(dir)
	must(err)
	ctx := context.Background()
	p, err := s.EnsureProject(ctx, "/repo", "repo", 1)
	must(err)
	r, err := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", StartedMs: 2, Steps: []NewStep{{"build", "make"}, {"test", "make test"}}})
	must(err)
	must(s.StartStep(ctx, r.Steps[0].ID, 3, ProcessGroup{}))
	must(s.AppendLog(ctx, r.Steps[0].ID, []LogChunk{{Seq: 1, TimeMs: 3, Stream: StreamStdout, Data: []byte("compiling\n")}}))
	// Die without closing anything, as a killed process would.
	p2, _ := os.FindProcess(os.Getpid())
	p2.Kill()
	select {}
}

func helperHoldLock(dir string) {
	s, err := Open(dir)
	must(err)
	defer s.Close()
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n') // hold until the parent closes our stdin
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}

func helper(t *testing.T, what, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STORE_HELPER="+what, "STORE_DIR="+dir)
	return cmd
}

func openT(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMigrationsFromEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	s := openT(t, dir)
	v, err := s.schemaVersion(context.Background())
	if err != nil || v != len(mustMigrations()) {
		t.Fatalf("schema version %d, %v; want %d", v, err, len(mustMigrations()))
	}
	for _, table := range []string{"projects", "runs", "steps", "log_chunks", "test_results"} {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s missing (%v)", table, err)
		}
	}
	var mode string
	s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	var fk int
	s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode=%s foreign_keys=%d, want wal and 1", mode, fk)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, DBName): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
	// Opening again applies nothing new and keeps the data.
	s.Close()
	s2 := openT(t, dir)
	if v2, _ := s2.schemaVersion(context.Background()); v2 != v {
		t.Errorf("reopen: version %d, want %d", v2, v)
	}
}

func TestLoadMigrationsRejectsGaps(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte("SELECT 1;")},
		"migrations/0003_c.sql": {Data: []byte("SELECT 1;")},
	}
	if _, err := loadMigrations(fsys); err == nil || !strings.Contains(err.Error(), "0002_what.sql") {
		t.Fatalf("want an error naming the missing number, got %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	s.db.Exec(`PRAGMA user_version = 99`)
	s.Close()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer than this eightfold knows") {
		t.Fatalf("want a refusal of a newer schema, got %v", err)
	}
}

func TestCrashMidRunIsMarkedInterrupted(t *testing.T) {
	dir := t.TempDir()
	out, err := helper(t, "crash-mid-run", dir).CombinedOutput()
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) {
		t.Fatalf("helper should have been killed, got %v: %s", err, out)
	}
	s := openT(t, dir)
	runs, err := s.Runs(context.Background(), 1, 10)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	r := runs[0]
	if r.Status != StatusInterrupted {
		t.Errorf("run status %q, want interrupted", r.Status)
	}
	for _, st := range r.Steps {
		if st.Status != StatusInterrupted {
			t.Errorf("step %s status %q, want interrupted", st.Name, st.Status)
		}
	}
	chunks, _, err := s.LogChunks(context.Background(), r.Steps[0].ID, 0, 0)
	if err != nil || len(chunks) != 1 || string(chunks[0].Data) != "compiling\n" {
		t.Errorf("log written before the crash was lost: %v %v", chunks, err)
	}
}

func TestSecondWriterGetsHolderPID(t *testing.T) {
	dir := t.TempDir()
	cmd := helper(t, "hold-lock", dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}

	_, err := Open(dir)
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("want *LockedError, got %v", err)
	}
	if le.Holder.PID != cmd.Process.Pid {
		t.Errorf("holder PID %d, want %d", le.Holder.PID, cmd.Process.Pid)
	}
	if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("PID %d", cmd.Process.Pid)) || !strings.Contains(msg, "--home") {
		t.Errorf("message should name the PID and the way out: %s", msg)
	}
	// Readers still work while the lock is held.
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("read-only open while locked: %v", err)
	}
	r.Close()

	// Once the holder exits, the lock is free again.
	stdin.Close()
	cmd.Wait()
	openT(t, dir)
}

func TestOpenReadOnlyWithoutDatabase(t *testing.T) {
	if _, err := OpenReadOnly(t.TempDir()); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("want ErrNoDatabase, got %v", err)
	}
}

func TestRunLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	p, err := s.EnsureProject(ctx, "/r", "r", 1)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.EnsureProject(ctx, "/r", "r", 5); again.ID != p.ID {
		t.Fatalf("EnsureProject made a second project")
	}
	r, err := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", Commit: "abc", Branch: "main", Dirty: true, StartedMs: 10,
		Steps: []NewStep{{"build", "go build ./..."}, {"test", "go test ./..."}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusRunning || len(r.Steps) != 2 || r.Steps[1].Status != StatusPending || !r.Dirty || r.ProjectPath != "/r" {
		t.Fatalf("new run %+v", r)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.StartStep(ctx, r.Steps[0].ID, 11, ProcessGroup{}))
	must(s.FinishStep(ctx, r.Steps[0].ID, StepEnd{Status: StatusFailed, ExitCode: 2, FinishedMs: 20, LogBytes: 7, Truncated: true}))
	must(s.FinishRun(ctx, r.ID, RunEnd{Status: StatusFailed, Reason: "superseded", FinishedMs: 21}))
	got, err := s.Run(ctx, r.ID)
	must(err)
	if got.Status != StatusFailed || got.FinishedMs != 21 || got.Reason != "superseded" {
		t.Errorf("run %+v", got)
	}
	if st := got.Steps[0]; st.ExitCode != 2 || st.FinishedMs != 20 || !st.Truncated || st.LogBytes != 7 {
		t.Errorf("step 0 %+v", st)
	}
	if got.Steps[1].Status != StatusSkipped {
		t.Errorf("step after a failure: %q, want skipped", got.Steps[1].Status)
	}
	if _, err := s.Run(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}
	if err := s.StartStep(ctx, 999, 1, ProcessGroup{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing step: %v", err)
	}
}

func TestRunsNewestFirstWithLimit(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	p, _ := s.EnsureProject(ctx, "/r", "r", 1)
	other, _ := s.EnsureProject(ctx, "/other", "other", 1)
	for i := 0; i < 5; i++ {
		s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", StartedMs: int64(i), Steps: []NewStep{{"a", "true"}}})
	}
	s.CreateRun(ctx, NewRun{ProjectID: other.ID, Trigger: "manual", StartedMs: 9})
	runs, err := s.Runs(ctx, p.ID, 3)
	if err != nil || len(runs) != 3 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	for i, want := range []int64{5, 4, 3} {
		if runs[i].ID != want || len(runs[i].Steps) != 1 {
			t.Errorf("runs[%d] = #%d with %d steps, want #%d with 1", i, runs[i].ID, len(runs[i].Steps), want)
		}
	}
}

func TestLogChunksPaging(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	p, _ := s.EnsureProject(ctx, "/r", "r", 1)
	r, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", Steps: []NewStep{{"a", "x"}}})
	step := r.Steps[0].ID
	binary := []byte{0, 0xff, 0xfe, '\n'}
	var chunks []LogChunk
	for i := 1; i <= 10; i++ {
		chunks = append(chunks, LogChunk{Seq: int64(i), TimeMs: int64(i), Stream: StreamStdout, Data: binary})
	}
	if err := s.AppendLog(ctx, step, chunks); err != nil {
		t.Fatal(err)
	}
	page, more, err := s.LogChunks(ctx, step, 0, 8)
	if err != nil || len(page) != 2 || !more {
		t.Fatalf("first page: %d chunks, more=%v, %v", len(page), more, err)
	}
	if string(page[0].Data) != string(binary) {
		t.Errorf("binary bytes changed: %q", page[0].Data)
	}
	rest, more, _ := s.LogChunks(ctx, step, page[1].Seq, 0)
	if len(rest) != 8 || more || rest[0].Seq != 3 {
		t.Errorf("rest: %d chunks from seq %d, more=%v", len(rest), rest[0].Seq, more)
	}
}

func TestLargeChunksRoundTripCompressed(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	p, _ := s.EnsureProject(ctx, "/r", "r", 1)
	r, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual", Steps: []NewStep{{"a", "x"}}})
	big := make([]byte, 300<<10)
	for i := range big {
		big[i] = byte(i*7) ^ byte(i>>9) // varied bytes, binary included
	}
	if err := s.AppendLog(ctx, r.Steps[0].ID, []LogChunk{{Seq: 1, Stream: StreamStderr, Data: big}}); err != nil {
		t.Fatal(err)
	}
	var stored, compressed int
	s.db.QueryRow(`SELECT length(data), zstd FROM log_chunks`).Scan(&stored, &compressed)
	if compressed != 1 {
		t.Errorf("a %d-byte chunk was not compressed", len(big))
	}
	got, _, err := s.LogChunks(ctx, r.Steps[0].ID, 0, 0)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Data, big) || got[0].Stream != StreamStderr {
		t.Fatalf("round trip changed the data (%v)", err)
	}
}

func TestDamagedDatabaseIsExplainedAndKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DBName)
	garbage := bytes.Repeat([]byte("not a database "), 400)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(string) (*Store, error){"writer": Open, "reader": OpenReadOnly} {
		_, err := open(dir)
		if err == nil || !strings.Contains(err.Error(), "is damaged or is not an Eightfold database") || !strings.Contains(err.Error(), "move it aside") {
			t.Errorf("%s: want a clear message, got %v", name, err)
		}
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, garbage) {
		t.Error("the damaged file was changed")
	}
}

func TestRunKeepsItsCause(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	p, _ := s.EnsureProject(ctx, "/r", "r", 1)
	var files []string
	for i := 0; i < 150; i++ {
		files = append(files, fmt.Sprintf("pkg/f%03d.go", i))
	}
	r, err := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "change", Changed: files, ChangedN: 150})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changed) != 100 || r.Changed[99] != "pkg/f099.go" || r.ChangedN != 150 {
		t.Errorf("kept %d paths (last %q) of %d; want the first 100 of 150", len(r.Changed), r.Changed[len(r.Changed)-1], r.ChangedN)
	}
	manual, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual"})
	if manual.Changed == nil || len(manual.Changed) != 0 || manual.ChangedN != 0 {
		t.Errorf("a manual run: %v %d", manual.Changed, manual.ChangedN)
	}
}

// A run keeps the first 1,000 of its uncommitted paths by name with their content hashes,
// and how many there were; a clean run and one recorded before SetRunGit keep none.
func TestRunKeepsItsUncommittedChanges(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	p, _ := s.EnsureProject(ctx, "/r", "r", 1)
	paths := map[string]string{}
	for i := 1200; i > 0; i-- {
		paths[fmt.Sprintf("f%04d.go", i)] = fmt.Sprintf("hash %d", i)
	}
	dirty, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "change"})
	if err := s.SetRunGit(ctx, dirty.ID, GitState{Commit: "c1", Dirty: true, Tree: "t1", Uncommitted: paths}); err != nil {
		t.Fatal(err)
	}
	got, err := s.RunUncommitted(ctx, dirty.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Paths) != maxUncommitted || got.Count != 1200 || got.Paths["f0001.go"] != "hash 1" || got.Paths["f1000.go"] != "hash 1000" {
		t.Errorf("kept %d paths of %d (f0001.go %q, f1000.go %q); want f0001.go to f1000.go of 1200",
			len(got.Paths), got.Count, got.Paths["f0001.go"], got.Paths["f1000.go"])
	}
	if _, ok := got.Paths["f1001.go"]; ok {
		t.Error("f1001.go is beyond the first 1,000 and was kept")
	}
	clean, _ := s.CreateRun(ctx, NewRun{ProjectID: p.ID, Trigger: "manual"})
	if got, err := s.RunUncommitted(ctx, clean.ID); err != nil || len(got.Paths) != 0 || got.Count != 0 {
		t.Errorf("a run without git state: %+v, %v", got, err)
	}
	if err := s.SetRunGit(ctx, clean.ID, GitState{Commit: "c1", Tree: "t0"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RunUncommitted(ctx, clean.ID); err != nil || len(got.Paths) != 0 || got.Count != 0 {
		t.Errorf("a clean run: %+v, %v", got, err)
	}
	if _, err := s.RunUncommitted(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing run: %v", err)
	}
}
