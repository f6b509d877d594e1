package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"eightfold/backend/runner"
	"eightfold/backend/workbench"
)

func cmdWatch(e *env) error {
	fs, c := e.flags("watch", "watch [--dir D] [--home DIR]", true)
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	out := newWatchPrinter(e.stdout)
	p, err := c.openWriter(workbench.EmitFunc(out.event))
	if err != nil {
		return err
	}
	defer p.Close()
	ctx, stop := untilStopped()
	defer stop()
	keys := startKeys(ctx, stop, p, out)
	defer keys.restore()
	fmt.Fprintf(e.stdout, "Watching %s. %s\n", p.Dir(), keys.help())
	return p.Watch(ctx, workbench.WatchOptions{RunAtStart: true, Reporter: out})
}

// watchPrinter prints one line per run and the full output of the steps that fail; it is
// the Reporter of the runs and the Emitter of the project's events. On a terminal the run in
// progress is one live line at the bottom ("… #12 changed: a.go · test") that the result
// replaces; elsewhere each start and end is a line of its own.
type watchPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	color bool         // a terminal: colours and the live line
	step  bytes.Buffer // output of the step in progress, shown only if it fails
	lastW workbench.WatchState
	head  string // "… #12 changed: a.go" of the run in progress
	live  string // the live line shown now, "" when none
}

// stepOutputCap bounds the output kept for a step in case it fails; the tail is kept.
const stepOutputCap = 1 << 20

func newWatchPrinter(w io.Writer) *watchPrinter {
	return &watchPrinter{w: w, color: isTerminal(w)}
}

// StepStarted starts collecting the step's output and shows it in the live line.
func (o *watchPrinter) StepStarted(s workbench.StepInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.step.Reset()
	if o.color && o.head != "" {
		o.showLive(o.head + " · " + s.Name)
	}
}

// showLive replaces the live line (terminal only).
func (o *watchPrinter) showLive(text string) {
	o.live = text
	fmt.Fprintf(o.w, "\r\x1b[K%s", paint(true, "36", text))
}

// clearLive removes the live line, so that whole lines can be printed.
func (o *watchPrinter) clearLive() {
	if o.live != "" {
		io.WriteString(o.w, "\r\x1b[K")
		o.live = ""
	}
}

// Output collects output, keeping the last stepOutputCap bytes.
func (o *watchPrinter) Output(_ workbench.StepInfo, c runner.Chunk) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.step.Write(c.Data)
	if extra := o.step.Len() - stepOutputCap; extra > 0 {
		o.step.Next(extra)
	}
}

// StepFinished prints the output of a step that failed.
func (o *watchPrinter) StepFinished(s workbench.StepInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s.Status != "failed" && s.Status != "timeout" && s.Status != "error" {
		return
	}
	o.clearLive()
	fmt.Fprintf(o.w, "%s\n", paint(o.color, "1;31", fmt.Sprintf("── %s %s (exit %d):", s.Name, s.Status, s.ExitCode)))
	text := o.step.Bytes()
	if o.color {
		text = []byte(workbench.SafeText(text))
	}
	o.w.Write(text)
}

// event prints a line when a run starts or ends, and news from the watcher.
func (o *watchPrinter) event(topic string, payload any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch v := payload.(type) {
	case workbench.RunInfo:
		if topic == workbench.TopicRunStarted && v.Status == "running" {
			o.runStarted(v)
		}
		if topic == workbench.TopicRunFinished {
			o.runLine(v)
		}
	case workbench.WatchState:
		o.watchNews(v)
	case workbench.Notice:
		if v.Level == workbench.NoticeFail {
			o.bell(v)
		}
	}
}

// bell prints a failure notice (a run that failed after a green one) with a terminal bell
// (\a), so that a watch running in another window is heard.
func (o *watchPrinter) bell(n workbench.Notice) {
	live := o.live
	o.clearLive()
	fmt.Fprintf(o.w, "\a%s\n", paint(o.color, "1;31", "🔔 "+n.Title+": "+n.Body))
	if live != "" {
		o.showLive(live)
	}
}

func (o *watchPrinter) runStarted(r workbench.RunInfo) {
	o.head = fmt.Sprintf("… #%d %s", r.ID, causeText(r))
	if o.color {
		o.showLive(o.head)
		return
	}
	fmt.Fprintln(o.w, o.head)
}

func (o *watchPrinter) runLine(r workbench.RunInfo) {
	o.clearLive()
	o.head = ""
	mark, code := statusMark(r.Status)
	line := fmt.Sprintf("%s #%d %s in %s", mark, r.ID, r.Status, fmtDuration(r.DurationMs))
	for _, extra := range []string{r.Reason, r.Error} {
		if extra != "" {
			line += ": " + extra
		}
	}
	fmt.Fprintln(o.w, paint(o.color, code, line))
}

// watchNews prints what changed in the watcher's state that the user must know.
func (o *watchPrinter) watchNews(s workbench.WatchState) {
	if live := o.live; live != "" && (s.Loop != o.lastW.Loop || s.Error != o.lastW.Error || s.Auto != o.lastW.Auto) {
		o.clearLive()
		defer o.showLive(live)
	}
	if s.Loop != "" && s.Loop != o.lastW.Loop {
		fmt.Fprintln(o.w, paint(o.color, "33", s.Loop+" Press p to turn auto-run back on."))
	}
	if s.Error != "" && s.Error != o.lastW.Error {
		fmt.Fprintln(o.w, paint(o.color, "31", "watch: "+s.Error))
	}
	if s.Auto != o.lastW.Auto && o.lastW.Watching {
		fmt.Fprintf(o.w, "auto-run %s\n", map[bool]string{true: "on", false: "off"}[s.Auto])
	}
	o.lastW = s
}

func causeText(r workbench.RunInfo) string {
	text := r.Trigger
	if r.Trigger == workbench.TriggerChange {
		files := r.Changed[:min(len(r.Changed), 3)]
		text = "changed: " + strings.Join(files, ", ")
		if more := r.ChangedN - len(files); more > 0 {
			text += fmt.Sprintf(" and %d more", more)
		}
	}
	if r.Scope != nil {
		text += " (" + r.Scope.Reason + ")"
	}
	return text
}
