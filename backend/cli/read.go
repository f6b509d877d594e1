package cli

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/workbench"
)

func cmdHistory(e *env) error {
	fs, c := e.flags("history", "history [--dir D] [--json] [--limit N] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print a JSON array of runs (the objects of `run --json`)")
	limit := fs.Int("limit", 20, "how many runs to list")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	runs := []workbench.RunInfo{}
	s, p, err := c.openReader()
	if err != nil {
		return err
	}
	if s != nil {
		defer s.Close()
		if runs, err = p.Runs(*limit); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(e.stdout, runs)
	}
	if len(runs) == 0 {
		fmt.Fprintln(e.stdout, "No runs recorded yet for this project. Start one with `eightfold run`.")
		return nil
	}
	return printHistory(e.stdout, runs, isTerminal(e.stdout))
}

func printHistory(w io.Writer, runs []workbench.RunInfo, color bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTATUS\tTRIGGER\tCOMMIT\tSTARTED\tDURATION\tSTEPS")
	for _, r := range runs {
		mark, code := statusMark(r.Status)
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, paint(color, code, mark+" "+r.Status), triggerLabel(r),
			commitLabel(r), startedLabel(r.StartedAt), fmtDuration(r.DurationMs), stepsLabel(r.Steps))
	}
	return tw.Flush()
}

func commitLabel(r workbench.RunInfo) string {
	sha := r.Commit
	if len(sha) > 8 {
		sha = sha[:8]
	}
	if sha == "" {
		sha = "-"
	}
	label := r.Branch + "@" + sha
	if r.Dirty {
		label += "+dirty"
	}
	return label
}

func startedLabel(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return ts
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func stepsLabel(steps []workbench.StepInfo) string {
	out := ""
	for _, s := range steps {
		mark, _ := statusMark(s.Status)
		out += mark
	}
	return out
}

func cmdLogs(e *env) error {
	fs, c := e.flags("logs", "logs RUN_ID [--step NAME] [--dir D] [--home DIR]", true)
	stepName := fs.String("step", "", "print only this step")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"logs needs one run id, e.g. `eightfold logs 12` (see `eightfold history`)"}
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return &usageError{fmt.Sprintf("run id %q is not a number; see `eightfold history`", pos[0])}
	}
	s, p, err := c.openReader()
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("run #%d does not exist: nothing has been recorded yet", id)
	}
	defer s.Close()
	r, err := p.GetRun(id)
	if err != nil {
		return err
	}
	return printLogs(e.stdout, p, r, *stepName)
}

func printLogs(w io.Writer, p *workbench.Project, r workbench.RunInfo, only string) error {
	found := false
	for _, st := range r.Steps {
		if only != "" && st.Name != only {
			continue
		}
		found = true
		if only == "" {
			fmt.Fprintf(w, "── %s: %s (%s)\n", st.Name, st.Command, st.Status)
		}
		if err := p.WriteStepLog(w, st.ID, !isTerminal(w)); err != nil {
			return err
		}
	}
	if !found && only != "" {
		return fmt.Errorf("run #%d has no step %q; its steps are %s", r.ID, only, stepsList(r.Steps))
	}
	return nil
}

func stepsList(steps []workbench.StepInfo) string {
	out := ""
	for i, s := range steps {
		if i > 0 {
			out += ", "
		}
		out += strconv.Quote(s.Name)
	}
	return out
}

func cmdConfig(e *env) error {
	fs, c := e.flags("config", "config [--dir D] [--schema]", true)
	schema := fs.Bool("schema", false, "print the JSON Schema of eightfold.yaml")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	if *schema {
		_, err := e.stdout.Write(config.Schema)
		return err
	}
	cfg, err := config.Load(c.dir)
	if err != nil {
		return err
	}
	_, err = io.WriteString(e.stdout, cfg.Describe())
	return err
}
