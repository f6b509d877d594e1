// Package workbench is Eightfold's core: one Project per opened repository, wiring its
// config, the step runner, the git state and the store together, and announcing every change
// through an Emitter. It never imports a face (Wails, HTTP or terminal).
package workbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/monitor"
	"eightfold/backend/runner"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// Emitter is how events leave the core: the desktop adapts it to Wails events, the browser
// face to server-sent events, tests to a recorder.
type Emitter interface {
	Emit(topic string, payload any)
}

// EmitFunc adapts a function to Emitter.
type EmitFunc func(topic string, payload any)

// Emit calls f.
func (f EmitFunc) Emit(topic string, payload any) { f(topic, payload) }

// Discard is an Emitter that drops every event.
var Discard Emitter = discard{}

type discard struct{}

func (discard) Emit(string, any) {}

// Error codes that faces map to HTTP statuses and UI messages.
const (
	CodeNotFound = "not_found"
	CodeConflict = "conflict"
)

// Error is a user-facing error with a code.
type Error struct {
	code string
	msg  string
}

// Error is the message for the user.
func (e *Error) Error() string { return e.msg }

// Code is one of the Code* constants.
func (e *Error) Code() string { return e.code }

func errorf(code, format string, args ...any) error {
	return &Error{code: code, msg: fmt.Sprintf(format, args...)}
}

// Project is an opened repository.
type Project struct {
	dir   string
	name  string
	id    int64
	store *store.Store
	emit  Emitter
	now   func() time.Time

	mu      sync.Mutex
	active  map[int64]*activeRun
	deploys map[int64]backgroundDeploy // deploys going in the background, by record id
	monitor *monitor.Runner            // the health checks, while MonitorInBackground runs
	operate operateJobs                // log streams, restarts and stops of the Operate view (operate_jobs.go)
	targets targetActivity             // deploys going and deliberate stops, per target, for the monitor
	wg      sync.WaitGroup
	closed  bool

	ownStore bool // Close closes the store too (OpenInDataDir)

	watchMu    sync.Mutex // guards watchState and watching
	watchState WatchState
	watching   bool
	watchCmds  chan func(*watchLoop) // work for the Watch goroutine

	journeyMu sync.Mutex    // serialises every change to the cards' journeys (journey.go)
	scanned   chan struct{} // closed once the scan made on opening is over

	releaseMu sync.Mutex // one release at a time (release_make.go)
}

type activeRun struct {
	cancel context.CancelCauseFunc
	done   chan struct{}
}

// Open opens the repository at dir (made absolute, its symlinks resolved) on the store, recording it as a project
// on first use and as opened now. Events go to emit (nil: Discard).
func Open(s *store.Store, dir string, emit Emitter) (*Project, error) {
	abs, err := folderKey(dir)
	if err != nil {
		return nil, fmt.Errorf("project directory %s: %w", dir, err)
	}
	if err := checkDir(abs); err != nil {
		return nil, err
	}
	if emit == nil {
		emit = Discard
	}
	name := filepath.Base(abs)
	now := time.Now().UnixMilli()
	rec, err := s.EnsureProject(context.Background(), abs, name, now)
	if err != nil {
		return nil, err
	}
	if err := s.TouchProject(context.Background(), rec.ID, now); err != nil { // for the recent projects
		return nil, err
	}
	p := &Project{dir: abs, name: name, id: rec.ID, store: s, emit: emit, now: time.Now,
		active: map[int64]*activeRun{}, deploys: map[int64]backgroundDeploy{}, watchCmds: make(chan func(*watchLoop), 8),
		scanned: make(chan struct{})}
	p.wg.Add(1)
	go func() { // the board catches up with what was committed while eightfold was not looking
		defer p.wg.Done()
		defer close(p.scanned)
		p.scanQuietly()
	}()
	return p, nil
}

// OpenInDataDir opens the data dir (the --home flag's value; "" means $EIGHTFOLD_HOME or the
// default) for writing, and the project at dir on it. Closing the project closes the store.
func OpenInDataDir(home, dir string, emit Emitter) (*Project, error) {
	s, err := openDataDir(home)
	if err != nil {
		return nil, err
	}
	p, err := Open(s, dir, emit)
	if err != nil {
		s.Close()
		return nil, err
	}
	p.ownStore = true
	return p, nil
}

// openDataDir opens the store of the data dir home for writing ("" means $EIGHTFOLD_HOME
// or the default) and reaps what a crashed eightfold left running.
func openDataDir(home string) (*store.Store, error) {
	path, err := store.DataDir(home)
	if err != nil {
		return nil, err
	}
	s, err := store.Open(path)
	if err != nil {
		return nil, err
	}
	reapStale(s)
	return s, nil
}

// reapStale kills what is left of the process groups of steps that were running when an
// earlier eightfold died (rule: no orphans, even after a crash). Groups recorded under
// another boot are gone already and their numbers mean nothing now.
func reapStale(s *store.Store) {
	boot := runner.BootID()
	for _, g := range s.StaleGroups() {
		if boot != "" && g.BootID == boot {
			_, _ = runner.KillStale(runner.Group{PGID: g.PGID, StartTicks: g.StartTicks})
		}
	}
}

// DatabasePath is the SQLite file the project is recorded in.
func (p *Project) DatabasePath() string { return p.store.Path() }

// Dir is the project's absolute path.
func (p *Project) Dir() string { return p.dir }

// Info reads the project's git state and effective pipeline. A broken config is reported in
// ConfigError, not as an error, so that faces can show it.
func (p *Project) Info() (ProjectInfo, error) {
	st, err := vcs.Read(p.dir)
	if err != nil {
		return ProjectInfo{}, err
	}
	info := ProjectInfo{Path: p.dir, Name: p.name, Branch: st.Branch, Commit: st.Commit, Dirty: st.Dirty,
		IsGit: st.IsGit, Steps: []StepPlan{}, Places: Places(), Demo: IsDemo(p.dir)}
	cfg, err := config.Load(p.dir)
	if err != nil {
		info.ConfigError = err.Error()
		return info, nil
	}
	info.ConfigSource = cfg.Source
	for _, s := range cfg.Steps {
		info.Steps = append(info.Steps, StepPlan{Name: s.Name, Run: s.Run, Origin: s.Origin, TimeoutMs: s.Timeout.Milliseconds()})
	}
	return info, nil
}

// Runs lists the project's runs, newest first; limit ≤ 0 means 50.
func (p *Project) Runs(limit int) ([]RunInfo, error) {
	runs, err := p.store.Runs(context.Background(), p.id, limit)
	if err != nil {
		return nil, err
	}
	out := make([]RunInfo, 0, len(runs))
	now := p.now()
	for _, r := range runs {
		out = append(out, runInfo(r, now))
	}
	return out, nil
}

// GetRun loads one run of this project.
func (p *Project) GetRun(id int64) (RunInfo, error) {
	r, err := p.store.Run(context.Background(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.ProjectID != p.id) {
		return RunInfo{}, errorf(CodeNotFound, "run #%d does not exist in %s", id, p.dir)
	}
	if err != nil {
		return RunInfo{}, err
	}
	return runInfo(r, p.now()), nil
}

// StepLog returns a page of a step's output after afterSeq, made safe to show.
func (p *Project) StepLog(stepID, afterSeq int64, maxBytes int) (LogPage, error) {
	if err := p.ownStep(stepID); err != nil {
		return LogPage{}, err
	}
	chunks, more, err := p.store.LogChunks(context.Background(), stepID, afterSeq, maxBytes)
	if err != nil {
		return LogPage{}, err
	}
	page := LogPage{Chunks: make([]LogChunk, 0, len(chunks)), NextSeq: afterSeq, More: more}
	for _, c := range chunks {
		page.Chunks = append(page.Chunks, LogChunk{Seq: c.Seq, Ts: c.TimeMs, Stream: streamName(c.Stream), Text: SafeText(c.Data)})
		page.NextSeq = c.Seq
	}
	return page, nil
}

// ownStep checks, with one query, that a step exists and belongs to this project.
func (p *Project) ownStep(stepID int64) error {
	projectID, err := p.store.StepProject(context.Background(), stepID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && projectID != p.id) {
		return errorf(CodeNotFound, "step %d does not exist in %s", stepID, p.dir)
	}
	return err
}

// WriteStepLog writes a step's whole stored output to w: as stored when raw (binary output
// stays byte for byte), else made safe for a terminal with SafeText.
func (p *Project) WriteStepLog(w io.Writer, stepID int64, raw bool) error {
	if err := p.ownStep(stepID); err != nil {
		return err
	}
	var after int64
	for {
		chunks, more, err := p.store.LogChunks(context.Background(), stepID, after, 0)
		if err != nil {
			return err
		}
		for _, c := range chunks {
			data := c.Data
			if !raw {
				data = []byte(SafeText(data))
			}
			if _, err := w.Write(data); err != nil {
				return err
			}
			after = c.Seq
		}
		if !more {
			return nil
		}
	}
}

// Close cancels the runs in progress and waits for them to be recorded.
func (p *Project) Close() {
	p.mu.Lock()
	p.closed = true
	for _, a := range p.active {
		a.cancel(errClosing)
	}
	for _, d := range p.deploys { // the engine still switches back and unlocks
		d.cancel()
	}
	p.operate.cancelAll()
	p.mu.Unlock()
	p.wg.Wait()
	if p.ownStore {
		p.store.Close()
	}
}

// OpenExisting opens a project for reading only: it never writes to the store, and a
// directory that has never been run yields a project with no runs.
func OpenExisting(s *store.Store, dir string) (*Project, error) {
	abs, err := folderKey(dir)
	if err != nil {
		return nil, fmt.Errorf("project directory %s: %w", dir, err)
	}
	rec, err := s.ProjectByPath(context.Background(), abs)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &Project{dir: abs, name: filepath.Base(abs), id: rec.ID, store: s, emit: Discard, now: time.Now,
		active: map[int64]*activeRun{}, closed: true}, nil
}
