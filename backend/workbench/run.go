package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"eightfold/backend/affected"
	"eightfold/backend/config"
	"eightfold/backend/runner"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// Reporter sees a run as it happens; the terminal face prints from it. Its methods are called
// from the goroutine that executes the run, in order.
type Reporter interface {
	StepStarted(step StepInfo)
	Output(step StepInfo, c runner.Chunk)
	StepFinished(step StepInfo)
}

// Triggers name why a run started.
const (
	TriggerManual = "manual" // the Run button, `eightfold run`
	TriggerStart  = "start"  // `eightfold watch` runs once when it starts
	TriggerChange = "change" // files changed while watching
)

// Cause is why a run starts: its trigger and, for a change, the changed paths.
type Cause struct {
	Trigger string
	Files   []string            // relative to the repository, at most the first 100 are kept
	Count   int                 // all changed paths
	Scope   *affected.Selection // Go packages to test (nil: run the pipeline as configured)
}

// StartRun starts the pipeline in the background and returns the new run at once. It is a
// conflict to start a run while another one of this project is going.
func (p *Project) StartRun(trigger string) (RunInfo, error) {
	r, plan, err := p.begin(Cause{Trigger: trigger})
	if err != nil || plan == nil {
		return r, err
	}
	go p.execute(r, plan, nil)
	return r, nil
}

// RunNow runs the pipeline and returns the finished run. Cancelling ctx cancels the run.
func (p *Project) RunNow(ctx context.Context, trigger string, rep Reporter) (RunInfo, error) {
	r, plan, err := p.begin(Cause{Trigger: trigger})
	if err != nil || plan == nil {
		return r, err
	}
	stop := context.AfterFunc(ctx, func() { plan.cancel(errStopAsked) })
	defer stop()
	return p.execute(r, plan, rep), nil
}

// CancelRun stops a run in progress; it ends as cancelled.
func (p *Project) CancelRun(id int64) error {
	if _, err := p.GetRun(id); err != nil {
		return err
	}
	p.mu.Lock()
	a, ok := p.active[id]
	p.mu.Unlock()
	if !ok {
		return errorf(CodeConflict, "run #%d is not running", id)
	}
	a.cancel(errCancelledByUser)
	<-a.done
	return nil
}

// Reasons a run is cancelled, recorded with it.
var (
	errCancelledByUser = errors.New("cancelled by the user")
	errStopAsked       = errors.New("the terminal asked to stop (Ctrl+C, SIGTERM or SIGHUP)")
	errClosing         = errors.New("eightfold was closing")
)

// plan is a started run's pipeline and its cancel handle.
type plan struct {
	cfg  *config.Config
	skip map[int]bool // steps the run's scope leaves nothing to do for
	// original are the steps as configured, before the scope narrowed their commands.
	original []config.Step
	// recordGit starts reading and storing the run's git state, once; the channel it returns
	// is closed when that is done, and the run ends after it.
	recordGit func() <-chan struct{}
	ctx       context.Context
	cancel    context.CancelCauseFunc // the cause is recorded as the run's reason
	done      chan struct{}
	status    string      // how the run ended (store.Status…), set before done is closed
	over      atomic.Bool // its last command has ended: only recording is left
}

// begin records a new run. A config that does not load still makes a run, one that ends at
// once in "error" with the config's message, so the history shows why nothing ran; plan is
// nil then.
func (p *Project) begin(cause Cause) (RunInfo, *plan, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return RunInfo{}, nil, errorf(CodeConflict, "the project %s is closing", p.dir)
	}
	for id := range p.active {
		return RunInfo{}, nil, errorf(CodeConflict, "run #%d is still going; wait for it or cancel it first", id)
	}
	cfg, cfgErr := config.Load(p.dir)
	nr := store.NewRun{ProjectID: p.id, Trigger: cause.Trigger, StartedMs: p.now().UnixMilli(),
		Changed: cause.Files, ChangedN: cause.Count}
	var skip map[int]bool
	var original []config.Step
	if cfgErr == nil {
		original = cfg.Steps
		cfg, skip, nr.Scope = narrow(cfg, cause.Scope)
		for _, s := range cfg.Steps {
			nr.Steps = append(nr.Steps, store.NewStep{Name: s.Name, Command: s.Run})
		}
	}
	rec, err := p.store.CreateRun(context.Background(), nr)
	if err != nil {
		return RunInfo{}, nil, err
	}
	p.emit.Emit(TopicRunStarted, runInfo(rec, p.now()))
	// Reading git state starts a process (`git status`). It starts once the first command
	// has had a head start (gitHeadStart, or its end): on a small machine the two compete for
	// the CPU, and starting both at once delays the command a developer waits for by 5 ms.
	recordGit := sync.OnceValue(func() <-chan struct{} { return p.recordGit(rec.ID, readGit(p.dir)) })
	if cfgErr != nil {
		<-recordGit()
		return p.finish(rec.ID, store.RunEnd{Status: store.StatusError, Error: cfgErr.Error()}), nil, nil
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	pl := &plan{cfg: cfg, skip: skip, original: original, ctx: ctx, cancel: cancel, done: make(chan struct{}), recordGit: recordGit}
	p.active[rec.ID] = &activeRun{cancel: cancel, done: pl.done}
	p.wg.Add(1)
	return runInfo(rec, p.now()), pl, nil
}

// execute runs the steps in order until one does not pass, then records the outcome.
func (p *Project) execute(r RunInfo, pl *plan, rep Reporter) RunInfo {
	defer p.wg.Done()
	defer close(pl.done)
	defer pl.cancel(nil)
	end := store.RunEnd{Status: store.StatusPassed}
	for i := range pl.cfg.Steps {
		if pl.skip[i] {
			_ = p.store.SkipStep(context.Background(), r.Steps[i].ID)
			continue
		}
		res := p.runStep(pl, r, i, rep)
		if res.Status != runner.Passed {
			end = runEnd(res, pl.ctx)
			break
		}
	}
	pl.over.Store(true)
	if end.Status == store.StatusPassed {
		if err := p.recordArtifacts(r, pl); err != nil {
			end = store.RunEnd{Status: store.StatusError, Error: err.Error()}
		}
	}
	if errors.As(context.Cause(pl.ctx), new(superseded)) {
		return p.endSuperseded(r.ID, pl, end)
	}
	<-pl.recordGit()
	final := p.end(r.ID, pl, end)
	p.afterRun(final)
	p.runFinished(final)
	p.announceProject()
	p.runEnded()
	return final
}

// superseded is the reason of a run cancelled for another one that starts at once.
type superseded struct{ reason string }

func (s superseded) Error() string { return s.reason }

// end records the run's end, which lets the next run begin.
func (p *Project) end(runID int64, pl *plan, end store.RunEnd) RunInfo {
	p.mu.Lock()
	delete(p.active, runID)
	p.mu.Unlock()
	final := p.finish(runID, end)
	pl.status = final.Status
	return final
}

// endSuperseded ends a run cancelled for another one, which must not wait for this one's
// `git status` nor for what needs its answer (the cards' journey, the project's state):
// those follow in the background, and Close waits for them.
func (p *Project) endSuperseded(runID int64, pl *plan, end store.RunEnd) RunInfo {
	final := p.end(runID, pl, end)
	p.runFinished(final)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		<-pl.recordGit()
		if r, err := p.GetRun(runID); err == nil {
			p.afterRun(r)
		}
		p.announceProject()
	}()
	p.runEnded()
	return final
}

// gitHeadStart is how long a run's first command runs before its git state is read.
const gitHeadStart = 50 * time.Millisecond

// readGit reads the repository's git state in the background. A broken .git must not stop
// the build: the run is then recorded without git state.
func readGit(dir string) <-chan vcs.State {
	ch := make(chan vcs.State, 1)
	go func() {
		st, err := vcs.Read(dir)
		if err != nil {
			st = vcs.State{}
		}
		ch <- st
	}()
	return ch
}

// recordGit stores the git state on the run once it is read, and announces the run again.
func (p *Project) recordGit(runID int64, git <-chan vcs.State) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		st := <-git
		ctx := context.Background()
		if err := p.store.SetRunGit(ctx, runID, store.GitState{Commit: st.Commit, Branch: st.Branch, Dirty: st.Dirty, Tree: st.Tree, Uncommitted: st.Uncommitted}); err != nil {
			return
		}
		if rec, err := p.store.Run(ctx, runID); err == nil {
			p.emit.Emit(TopicRunUpdated, runInfo(rec, p.now()))
		}
	}()
	return done
}

// narrow applies a Go test scope to the pipeline: `go test ./...` steps test only the
// selected packages, and a step left with none is skipped. It returns the pipeline to run,
// the steps to skip, and the scope as recorded ("" when nothing was narrowed).
func narrow(cfg *config.Config, scope *affected.Selection) (*config.Config, map[int]bool, string) {
	if scope == nil || scope.All {
		return cfg, nil, ""
	}
	out := *cfg
	out.Steps = slices.Clone(cfg.Steps)
	skip := map[int]bool{}
	narrowed := false
	for i, s := range out.Steps {
		cmd, ok := affected.Narrow(s.Run, *scope)
		if !ok {
			continue
		}
		narrowed = true
		if cmd == "" {
			skip[i] = true
			continue
		}
		out.Steps[i].Run = cmd
	}
	if !narrowed {
		return cfg, nil, ""
	}
	b, _ := json.Marshal(scope)
	return &out, skip, string(b)
}

// announceProject sends the project's state after a run (a build may have changed files); it
// skips the git and config reads when nobody listens.
func (p *Project) announceProject() {
	if p.emit == Discard {
		return
	}
	if info, err := p.Info(); err == nil {
		p.emit.Emit(TopicProjectChanged, info)
	}
}

// finish records a run's end and announces it. When the store fails, the run is announced
// as an error with the reason, so that no face shows it running forever.
func (p *Project) finish(runID int64, end store.RunEnd) RunInfo {
	ctx := context.Background()
	end.FinishedMs = p.now().UnixMilli()
	err := p.store.FinishRun(ctx, runID, end)
	var rec store.Run
	if err == nil {
		rec, err = p.store.Run(ctx, runID)
	}
	ri := runInfo(rec, p.now())
	if err != nil {
		ri = RunInfo{ID: runID, Project: p.dir, Status: store.StatusError, Steps: []StepInfo{}, Changed: []string{}, Error: fmt.Sprintf("record the end of run #%d: %v", runID, err)}
	}
	p.emit.Emit(TopicRunFinished, ri)
	return ri
}

// runEnd is how a run ends after a step that did not pass; a cancelled run records the
// cause it was cancelled with.
func runEnd(res runner.Result, ctx context.Context) store.RunEnd {
	switch res.Status {
	case runner.Cancelled:
		reason := "cancelled"
		if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
			reason = cause.Error()
		}
		return store.RunEnd{Status: store.StatusCancelled, Reason: reason}
	case runner.Error:
		return store.RunEnd{Status: store.StatusError, Error: fmt.Sprint(res.Err)}
	default: // failed or timed out
		return store.RunEnd{Status: store.StatusFailed}
	}
}

// runStep runs step i of the plan, streaming its output into the store and the reporter and
// its test results into the store; failed Go tests are rerun when the step has retries.
func (p *Project) runStep(pl *plan, r RunInfo, i int, rep Reporter) runner.Result {
	ctx := context.Background()
	step, stepID := pl.cfg.Steps[i], r.Steps[i].ID
	lw := newLogWriter(p.store, p.emit, r.ID, stepID)
	var info StepInfo
	started := false
	// The step is recorded as started once its process runs (and before any output flows), so
	// that recording it never delays the command.
	begin := func(g runner.Group) {
		started = true
		time.AfterFunc(gitHeadStart, func() { pl.recordGit() })
		group := store.ProcessGroup{StepID: stepID, PGID: g.PGID, StartTicks: g.StartTicks, BootID: runner.BootID()}
		_ = p.store.StartStep(ctx, stepID, p.now().UnixMilli(), group)
		info = p.stepUpdate(r.ID, stepID)
		if rep != nil {
			rep.StepStarted(info)
		}
	}
	out := func(c runner.Chunk) {
		if !started {
			begin(runner.Group{}) // the process never started: its error is the output
		}
		lw.Add(c)
		if rep != nil {
			rep.Output(info, c)
		}
	}
	a := attempt{p: p, pl: pl, runID: r.ID, stepID: stepID, step: step, spec: p.spec(pl.cfg, r.ID, step), out: out}
	a.spec.OnStart = begin
	res, reportErr := a.runWithRetries(pl.original[i].Run)
	if i == len(pl.cfg.Steps)-1 || res.Status != runner.Passed {
		pl.over.Store(true)
	}
	if !started {
		begin(runner.Group{})
	}
	pl.recordGit()
	logErr := lw.Close()
	end := store.StepEnd{Status: stepStatus(res.Status), ExitCode: res.ExitCode, FinishedMs: p.now().UnixMilli(),
		LogBytes: a.logBytes, Truncated: a.truncated}
	if err := p.store.FinishStep(ctx, stepID, end); err != nil {
		return runner.Result{Status: runner.Error, Err: err}
	}
	if err := errors.Join(logErr, reportErr); err != nil {
		return runner.Result{Status: runner.Error, Err: fmt.Errorf("store the output of step %s: %w", step.Name, err)}
	}
	info = p.stepUpdate(r.ID, stepID)
	if rep != nil {
		rep.StepFinished(info)
	}
	return res
}

// stepUpdate announces the run's new state and returns the step's.
func (p *Project) stepUpdate(runID, stepID int64) StepInfo {
	rec, err := p.store.Run(context.Background(), runID)
	if err != nil {
		return StepInfo{ID: stepID}
	}
	ri := runInfo(rec, p.now())
	p.emit.Emit(TopicRunUpdated, ri)
	for _, s := range ri.Steps {
		if s.ID == stepID {
			return s
		}
	}
	return StepInfo{ID: stepID}
}

func (p *Project) spec(cfg *config.Config, runID int64, step config.Step) runner.Spec {
	env := os.Environ()
	for _, m := range []map[string]string{cfg.Env, step.Env} {
		for k, v := range m {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, "EIGHTFOLD=1", "EIGHTFOLD_RUN_ID="+strconv.FormatInt(runID, 10), "EIGHTFOLD_STEP="+step.Name)
	return runner.Spec{Name: step.Name, Command: step.Run, Dir: p.dir, Env: env, Timeout: step.Timeout, MaxOutput: cfg.LogLimitFor(step)}
}

func stepStatus(s runner.Status) string {
	switch s {
	case runner.Passed:
		return store.StatusPassed
	case runner.Failed:
		return store.StatusFailed
	case runner.TimedOut:
		return store.StatusTimeout
	case runner.Cancelled:
		return store.StatusCancelled
	default:
		return store.StatusError
	}
}

// checkDir says clearly when a project directory is missing or not a directory.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("project directory %s does not exist: pass --dir with the path of a repository", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("project path %s is not a directory: pass --dir with the path of a repository", dir)
	}
	return nil
}
