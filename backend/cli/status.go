package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"unicode/utf8"

	"eightfold/backend/workbench"
)

func cmdStatus(e *env) error {
	fs, c := e.flags("status", "status [--json] [--dir D] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print the StatusInfo of docs/api.md")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	st, err := onReadable(c, func(p *workbench.Project) (workbench.StatusInfo, error) { return p.Status() })
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, st)
	}
	return showStatus(e.stdout, st, isTerminal(e.stdout))
}

// showStatus prints the loop on one screen: the stages of the loop ring, then git, last run,
// release, targets, incidents.
func showStatus(w io.Writer, st workbench.StatusInfo, color bool) error {
	if err := showStages(w, st.Stages, color); err != nil {
		return err
	}
	pr := st.Project
	head := "no commit yet"
	if pr.Commit != "" {
		head = pr.Branch + " @ " + shortSHA(pr.Commit)
	}
	if pr.Dirty {
		head += ", uncommitted changes"
	}
	fmt.Fprintf(w, "%s  %s\n", pr.Name, head)
	if pr.ConfigError != "" {
		fmt.Fprintf(w, "Config     broken: %s\n", pr.ConfigError)
	}
	fmt.Fprintf(w, "Last run   %s\n", lastRunLine(st.LastRun, color))
	fmt.Fprintf(w, "Release    %s\n", releaseLine(st.Release))
	if len(st.Targets) > 0 {
		fmt.Fprintln(w, "Targets")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, t := range st.Targets {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Name, orDash(t.Version), orDash(t.Since), healthLine(t, color))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(st.Incidents) == 0 {
		fmt.Fprintln(w, "Incidents  none open")
		return nil
	}
	fmt.Fprintln(w, "Open incidents")
	for _, in := range st.Incidents {
		line := fmt.Sprintf("  #%d %s (since %s)", in.ID, in.Title, in.Started)
		if in.DeployID != 0 {
			line += fmt.Sprintf(", after deploy #%d of %s", in.DeployID, in.DeployVersion)
		}
		fmt.Fprintln(w, paint(color, "31", line))
	}
	return nil
}

// showStages prints a line per stage of the loop: "!" marks one that needs attention, and
// says why after its summary.
func showStages(w io.Writer, stages []workbench.Stage, color bool) error {
	width := 0
	for _, s := range stages {
		width = max(width, utf8.RuneCountInString(s.Title))
	}
	for _, s := range stages {
		title := fmt.Sprintf("%-*s", width, s.Title)
		line := "· " + title + "  " + s.Summary
		if s.Attention {
			line = paint(color, "31", "! "+title) + "  " + s.Summary + paint(color, "31", " — "+s.Reason)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

func lastRunLine(r *workbench.RunInfo, color bool) string {
	if r == nil {
		return "none yet: `eightfold run` or `eightfold watch`"
	}
	mark, code := statusMark(r.Status)
	line := fmt.Sprintf("#%d %s, started %s", r.ID, paint(color, code, mark+" "+r.Status), startedLabel(r.StartedAt))
	if r.DurationMs > 0 {
		line += ", took " + fmtDuration(r.DurationMs)
	}
	if t := r.Tests; t.Total > 0 {
		line += fmt.Sprintf("; tests %d passed, %d failed, %d skipped", t.Passed, t.Failed, t.Skipped)
	}
	return line
}

func releaseLine(r workbench.StatusRelease) string {
	switch {
	case r.Error != "":
		return r.Error
	case r.Next == "" && r.LastVersion == "":
		return "nothing released yet; " + r.Reason
	case r.Next == "":
		return fmt.Sprintf("%s is the last; nothing to release (%s)", r.LastVersion, r.Reason)
	}
	last := r.LastVersion
	if last == "" {
		last = "(first release)"
	}
	return fmt.Sprintf("%s → %s next (%s), %s unreleased", last, r.Next, r.Reason, count(r.Unreleased, "commit"))
}

func healthLine(t workbench.StatusTarget, color bool) string {
	if t.Health == "" {
		return "no health check"
	}
	line := t.Health
	if t.Reason != "" && t.Health != "UP" {
		line += ": " + t.Reason
	}
	if t.Uptime7 >= 0 {
		line += fmt.Sprintf(" (%.2f%% over 7 days)", t.Uptime7*100)
	}
	code := "32"
	if t.Health != "UP" {
		code = "31"
	}
	return paint(color, code, line)
}
