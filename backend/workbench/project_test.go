package workbench

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"eightfold/backend/store"
)

// recorder is an Emitter that keeps every event for assertions.
type recorder struct {
	mu     sync.Mutex
	events []event
}

type event struct {
	topic   string
	payload any
}

func (r *recorder) Emit(topic string, payload any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{topic, payload})
}

// snapshot is a copy of the events so far.
func (r *recorder) snapshot() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

func (r *recorder) topics() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.topic)
	}
	return out
}

func (r *recorder) count(topic string) int {
	n := 0
	for _, t := range r.topics() {
		if t == topic {
			n++
		}
	}
	return n
}

// newProject makes a temp repository with the given eightfold.yaml (none when empty) and
// opens it on a fresh store.
func newProject(t testing.TB, yaml string) (*Project, *recorder) {
	t.Helper()
	dir := t.TempDir()
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(dir, "eightfold.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	p, err := Open(s, dir, rec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(); s.Close() })
	return p, rec
}

func logText(t *testing.T, p *Project, stepID int64) string {
	t.Helper()
	var b strings.Builder
	var after int64
	for {
		page, err := p.StepLog(stepID, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Chunks {
			b.WriteString(c.Text)
		}
		after = page.NextSeq
		if !page.More {
			return b.String()
		}
	}
}

func TestRunPassesAndRecordsEverything(t *testing.T) {
	p, rec := newProject(t, `
env: {GREETING: hello, SHARED: project}
steps:
  - name: first
    run: echo "$GREETING from $EIGHTFOLD_STEP $SHARED"; echo oops >&2
  - name: second
    run: echo "$SHARED"
    env: {SHARED: step}
`)
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusPassed || len(r.Steps) != 2 {
		t.Fatalf("run %+v", r)
	}
	// stdout and stderr are separate pipes: their relative order is the runner's business.
	if got := logText(t, p, r.Steps[0].ID); !strings.Contains(got, "hello from first project\n") || !strings.Contains(got, "oops\n") || len(got) != 30 {
		t.Errorf("first step log %q", got)
	}
	if got := logText(t, p, r.Steps[1].ID); got != "step\n" {
		t.Errorf("step env should override project env, log %q", got)
	}
	for _, s := range r.Steps {
		if s.Status != store.StatusPassed || s.ExitCode != 0 || s.StartedAt == "" {
			t.Errorf("step %+v", s)
		}
	}
	if r.FinishedAt == "" || r.Project != p.Dir() || r.Trigger != TriggerManual {
		t.Errorf("run fields %+v", r)
	}
	topics := rec.topics()
	// run.updated: when each of the 2 steps starts and ends, and once the git state is recorded.
	if topics[0] != TopicRunStarted || rec.count(TopicRunFinished) != 1 || rec.count(TopicRunUpdated) != 5 || rec.count(TopicLogAppended) < 2 {
		t.Errorf("events %v", topics)
	}
	runs, _ := p.Runs(0)
	if len(runs) != 1 || runs[0].ID != r.ID {
		t.Errorf("history %+v", runs)
	}
}

func TestFailureStopsThePipeline(t *testing.T) {
	p, _ := newProject(t, `
steps:
  - {name: build, run: "echo compiling; exit 3"}
  - {name: test, run: "echo never"}
`)
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusFailed || r.Steps[0].Status != store.StatusFailed || r.Steps[0].ExitCode != 3 {
		t.Errorf("run %+v", r)
	}
	if r.Steps[1].Status != store.StatusSkipped {
		t.Errorf("the step after a failure is %q, want skipped", r.Steps[1].Status)
	}
}

func TestBrokenConfigMakesAnErrorRun(t *testing.T) {
	p, rec := newProject(t, "steps:\n  - name: a\n    run: x\n    timeot: 5m\n")
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusError || !strings.Contains(r.Error, "eightfold.yaml:4:5") {
		t.Errorf("want an error run naming file:line:col, got %q: %q", r.Status, r.Error)
	}
	if rec.count(TopicRunFinished) != 1 {
		t.Errorf("events %v", rec.topics())
	}
	info, err := p.Info()
	if err != nil || info.ConfigError == "" {
		t.Errorf("Info should report the config error: %+v, %v", info, err)
	}
}

func TestCancelStopsTheRunAndItsProcesses(t *testing.T) {
	p, rec := newProject(t, `
steps:
  - {name: slow, run: "echo started; sleep 60"}
  - {name: after, run: "true"}
`)
	r, err := p.StartRun(TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.StartRun(TriggerManual); !isCode(err, CodeConflict) {
		t.Errorf("a second run while one is going: %v, want a conflict", err)
	}
	waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
	if err := p.CancelRun(r.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := p.GetRun(r.ID)
	if got.Status != store.StatusCancelled || got.Steps[0].Status != store.StatusCancelled || got.Steps[1].Status != store.StatusSkipped {
		t.Errorf("after cancel: %+v", got)
	}
	if got.Reason != "cancelled by the user" {
		t.Errorf("reason %q", got.Reason)
	}
	if err := p.CancelRun(r.ID); !isCode(err, CodeConflict) {
		t.Errorf("cancelling a finished run: %v, want a conflict", err)
	}
	if err := p.CancelRun(999); !isCode(err, CodeNotFound) {
		t.Errorf("cancelling a missing run: %v, want not found", err)
	}
}

func TestCloseCancelsRunsInProgress(t *testing.T) {
	p, rec := newProject(t, "steps:\n  - {name: slow, run: 'echo go; sleep 60'}\n")
	r, err := p.StartRun(TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return rec.count(TopicLogAppended) > 0 })
	p.Close()
	got, _ := p.GetRun(r.ID)
	if got.Status != store.StatusCancelled || got.Reason != "eightfold was closing" {
		t.Errorf("after Close: status %q, reason %q", got.Status, got.Reason)
	}
	if _, err := p.StartRun(TriggerManual); !isCode(err, CodeConflict) {
		t.Errorf("starting after Close: %v", err)
	}
}

func TestStepLogIsScopedToTheProject(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: a, run: 'printf \"\\\\000\\\\377ok\"'}\n")
	r, _ := p.RunNow(context.Background(), TriggerManual, nil)
	if got := logText(t, p, r.Steps[0].ID); got != `\x00\xffok` {
		t.Errorf("binary output should be shown escaped, got %q", got)
	}
	other, err := Open(p.store, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.StepLog(r.Steps[0].ID, 0, 0); !isCode(err, CodeNotFound) {
		t.Errorf("another project's step: %v, want not found", err)
	}
	if _, err := other.GetRun(r.ID); !isCode(err, CodeNotFound) {
		t.Errorf("another project's run: %v, want not found", err)
	}
}

func TestTruncatedOutputIsMarked(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: flood, run: 'head -c 300000 /dev/zero | tr \"\\\\0\" x', log_limit: 1KiB}\n")
	r, _ := p.RunNow(context.Background(), TriggerManual, nil)
	st := r.Steps[0]
	if !st.Truncated || st.LogBytes != 300000 {
		t.Errorf("step %+v, want truncated with 300000 bytes produced", st)
	}
	log := logText(t, p, st.ID)
	if !strings.HasPrefix(log, strings.Repeat("x", 1024)) || !strings.Contains(log, "truncated") {
		t.Errorf("log should hold the first KiB and a visible marker, got %d bytes ending %q", len(log), log[len(log)-80:])
	}
}

func TestOpenRejectsMissingDirectory(t *testing.T) {
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(s, filepath.Join(t.TempDir(), "nope"), nil)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("want a clear error, got %v", err)
	}
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code() == code
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLogEventsAreRateLimitedAndComplete(t *testing.T) {
	p, rec := newProject(t, "steps:\n  - {name: flood, run: 'head -c 30000000 /dev/zero | tr \"\\\\0\" x', log_limit: 100MiB}\n")
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	var events []LogAppended
	for _, e := range rec.events {
		if e.topic == TopicLogAppended {
			events = append(events, e.payload.(LogAppended))
		}
	}
	step := r.Steps[0]
	if limit := int(time.Duration(step.DurationMs)*time.Millisecond/flushInterval) + 2; len(events) == 0 || len(events) > limit {
		t.Errorf("%d log.appended events for a %d ms step, want 1..%d", len(events), step.DurationMs, limit)
	}
	page, _ := p.StepLog(step.ID, 0, 1<<30)
	if last := events[len(events)-1].Seq; last != page.NextSeq {
		t.Errorf("the last event announced seq %d, but %d were stored", last, page.NextSeq)
	}
}

// gitInit makes dir a repository with one commit of eightfold.yaml, on branch main.
func gitInit(t testing.TB, dir string) string {
	t.Helper()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "eightfold.yaml"},
		{"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init"}} {
		gitRun(t, dir, args...)
	}
	return gitRun(t, dir, "rev-parse", "HEAD")
}

// gitRun runs git in dir and returns its trimmed output.
func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// The git state is read after the first command has started (so the two do not compete for
// the CPU), yet it is on the run while a long step is still going.
func TestGitStateIsRecordedWhileTheFirstStepRuns(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: wait, run: 'while [ ! -e release ]; do sleep 0.01; done'}]\n")
	head := gitInit(t, p.Dir())
	if err := os.WriteFile(filepath.Join(p.Dir(), "untracked.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := p.StartRun(TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		got, err := p.GetRun(r.ID)
		return err == nil && got.Commit == head && got.FinishedAt == ""
	})
	if err := os.WriteFile(filepath.Join(p.Dir(), "release"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { got, _ := p.GetRun(r.ID); return got.FinishedAt != "" })
	got, _ := p.GetRun(r.ID)
	if got.Status != store.StatusPassed || got.Branch != "main" || !got.Dirty {
		t.Errorf("run %+v: want passed on main, dirty (untracked.txt)", got)
	}
}

func TestGitStateIsRecordedOnARunWhoseConfigFails(t *testing.T) {
	p, _ := newProject(t, "steps: [{name: a, run: true}]\n")
	head := gitInit(t, p.Dir())
	if err := os.WriteFile(filepath.Join(p.Dir(), "eightfold.yaml"), []byte("steps: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusError || r.Commit != head || !r.Dirty {
		t.Errorf("run %+v: want an error run at %s, dirty", r, head)
	}
}
