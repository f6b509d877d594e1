package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"eightfold/backend/runner"
	"eightfold/backend/workbench"
)

func cmdRun(e *env) error {
	fs, c := e.flags("run", "run [--dir D] [--json] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print only the finished run as one JSON object (docs/cli.md)")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("run takes no arguments, got %q; use --dir to choose the repository", pos[0])}
	}
	p, err := c.openWriter(nil)
	if err != nil {
		return err
	}
	defer p.Close()
	ctx, stop := untilStopped()
	defer stop()
	var rep workbench.Reporter
	if !*asJSON {
		rep = newTermReporter(e.stdout)
	}
	r, err := p.RunNow(ctx, workbench.TriggerManual, rep)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(e.stdout, r); err != nil {
			return err
		}
	} else {
		printSummary(e.stdout, r, isTerminal(e.stdout))
	}
	if r.Status != "passed" {
		return &exitError{1}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// termReporter prints a run as it happens: a header per step, its output as it comes. On a
// terminal the output is made safe (binary bytes escaped) and meta lines are coloured; into a
// file or pipe it goes byte for byte.
type termReporter struct {
	w      io.Writer
	color  bool
	broken bool // a write failed (say, the reader of a pipe went away): print no more
}

func newTermReporter(w io.Writer) *termReporter {
	return &termReporter{w: w, color: isTerminal(w)}
}

// StepStarted prints the step's header.
func (t *termReporter) StepStarted(s workbench.StepInfo) {
	t.write([]byte(t.paint("1;36", fmt.Sprintf("── %s: %s", s.Name, s.Command)) + "\n"))
}

// Output prints a chunk of the step's output.
func (t *termReporter) Output(_ workbench.StepInfo, c runner.Chunk) {
	if !t.color {
		t.write(c.Data)
		return
	}
	text := workbench.SafeText(c.Data)
	if c.Stream == runner.Meta {
		text = t.paint("33", text)
	}
	t.write([]byte(text))
}

func (t *termReporter) write(b []byte) {
	if t.broken {
		return
	}
	if _, err := t.w.Write(b); err != nil {
		t.broken = true
	}
}

// StepFinished prints nothing: the summary comes at the end.
func (t *termReporter) StepFinished(workbench.StepInfo) {}

func (t *termReporter) paint(code, s string) string { return paint(t.color, code, s) }

func paint(color bool, code, s string) string {
	if !color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// statusMark is a symbol and colour for a status.
func statusMark(status string) (mark, color string) {
	switch status {
	case "passed":
		return "✓", "32"
	case "failed", "timeout", "error", "errored":
		return "✗", "31"
	case "running":
		return "…", "36"
	default:
		return "·", "33"
	}
}

func printSummary(w io.Writer, r workbench.RunInfo, color bool) {
	fmt.Fprintln(w)
	for _, s := range r.Steps {
		mark, code := statusMark(s.Status)
		line := fmt.Sprintf("%s %-20s %-11s %8s", mark, s.Name, s.Status, fmtDuration(s.DurationMs))
		if s.Status == "failed" {
			line += fmt.Sprintf("  exit %d", s.ExitCode)
		}
		if s.Truncated {
			line += "  (output truncated)"
		}
		fmt.Fprintln(w, paint(color, code, line))
	}
	mark, code := statusMark(r.Status)
	line := fmt.Sprintf("%s run #%d %s in %s", mark, r.ID, r.Status, fmtDuration(r.DurationMs))
	if r.Tests.Total > 0 {
		line += " · " + countsLine(r.Tests)
	}
	fmt.Fprintln(w, paint(color, "1;"+code, line))
	if r.Tests.Failed > 0 {
		fmt.Fprintf(w, "See the failed tests with `eightfold tests --run %d`.\n", r.ID)
	}
	if r.Error != "" {
		fmt.Fprintln(w, r.Error)
	}
}

func fmtDuration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}
