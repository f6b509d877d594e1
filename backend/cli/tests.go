package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"eightfold/backend/workbench"
)

// testsView is what `eightfold tests` shows.
type testsView struct {
	failed, flaky, slow, all, asJSON bool
	runID                            int64
}

func cmdTests(e *env) error {
	fs, c := e.flags("tests", "tests [--dir D] [--run ID] [--failed|--flaky|--slow|--all] [--json] [--home DIR]", true)
	var v testsView
	fs.Int64Var(&v.runID, "run", 0, "the run to show (default: the newest run with test results)")
	fs.BoolVar(&v.failed, "failed", false, "only the failed tests, with their messages")
	fs.BoolVar(&v.flaky, "flaky", false, "the project's flaky tests and the runs that show it")
	fs.BoolVar(&v.slow, "slow", false, "the slowest tests, and those at least twice as slow as usual")
	fs.BoolVar(&v.all, "all", false, "every test of the run")
	fs.BoolVar(&v.asJSON, "json", false, "print JSON: the results, or with --flaky the flaky tests")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	if n := countTrue(v.failed, v.flaky, v.slow, v.all); n > 1 {
		return &usageError{"choose one of --failed, --flaky, --slow and --all"}
	}
	s, p, err := c.openReader()
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("no tests recorded yet for this project; run `eightfold run` first")
	}
	defer s.Close()
	if v.flaky {
		return showFlaky(e.stdout, p, v.asJSON)
	}
	run, err := pickRun(p, v.runID)
	if err != nil {
		return err
	}
	if v.asJSON {
		rs, err := p.RunTests(run.ID, v.query())
		if err != nil {
			return err
		}
		return writeJSON(e.stdout, rs)
	}
	return showRunTests(e.stdout, p, run, v, isTerminal(e.stdout))
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func (v testsView) query() workbench.TestQuery {
	switch {
	case v.failed:
		return workbench.TestQuery{Failed: true}
	case v.slow:
		return workbench.TestQuery{Slow: true, Limit: 20}
	case v.all:
		return workbench.TestQuery{}
	}
	return workbench.TestQuery{Failed: true}
}

// pickRun returns the run asked for, or the newest run with test results.
func pickRun(p *workbench.Project, id int64) (workbench.RunInfo, error) {
	if id != 0 {
		return p.GetRun(id)
	}
	runs, err := p.Runs(50)
	if err != nil {
		return workbench.RunInfo{}, err
	}
	for _, r := range runs {
		if r.Tests.Total > 0 {
			return r, nil
		}
	}
	return workbench.RunInfo{}, fmt.Errorf("none of the last %s has test results; a step reports them with `go test -json`, or report: junit:<glob> or tap in eightfold.yaml", count(len(runs), "run"))
}

func showRunTests(w io.Writer, p *workbench.Project, run workbench.RunInfo, v testsView, color bool) error {
	fmt.Fprintf(w, "Run #%d (%s) · %s\n", run.ID, run.Status, countsLine(run.Tests))
	rs, err := p.RunTests(run.ID, v.query())
	if err != nil {
		return err
	}
	if v.slow {
		return showSlow(w, p, run.ID, rs)
	}
	if len(rs) == 0 {
		fmt.Fprintln(w, "No test failed.")
	}
	printResults(w, rs, !v.all, color)
	if v.all {
		return nil
	}
	in, err := p.RunInsights(run.ID)
	if err != nil {
		return err
	}
	printInsights(w, in)
	return nil
}

func countsLine(c workbench.TestCounts) string {
	s := fmt.Sprintf("%s: %d passed, %d failed, %d skipped", count(c.Total, "test"), c.Passed, c.Failed, c.Skipped)
	if c.Flaky > 0 {
		s += fmt.Sprintf(", %d flaky", c.Flaky)
	}
	return s
}

// printResults lists results by suite; withMessages adds each failure's message.
func printResults(w io.Writer, rs []workbench.TestResultInfo, withMessages, color bool) {
	suite := ""
	for _, r := range rs {
		if r.Suite != suite {
			suite = r.Suite
			fmt.Fprintf(w, "\n%s\n", suite)
		}
		mark, code := statusMark(r.Status)
		if r.Flaky {
			mark, code = "~", "33"
		}
		fmt.Fprintf(w, "  %s %s  %s%s\n", paint(color, code, mark), r.Name, fmtDuration(r.DurationMs), position(r))
		if withMessages && r.Message != "" {
			for _, line := range strings.Split(strings.TrimRight(r.Message, "\n"), "\n") {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
}

func position(r workbench.TestResultInfo) string {
	switch {
	case r.File == "":
		return ""
	case r.Line == 0:
		return "  " + r.File
	}
	return fmt.Sprintf("  %s:%d", r.File, r.Line)
}

func printInsights(w io.Writer, in workbench.RunInsights) {
	if in.LastGreen != nil && len(in.NewlyFailing) > 0 {
		fmt.Fprintf(w, "\nNewly failing since the last green run #%d: %s\n", in.LastGreen.ID, names(in.NewlyFailing))
	}
	if in.LastRed != nil && len(in.Fixed) > 0 {
		fmt.Fprintf(w, "Fixed since the last red run #%d: %s\n", in.LastRed.ID, names(in.Fixed))
	}
	if ch := in.SinceGreen; ch != nil && len(in.NewlyFailing) > 0 {
		fmt.Fprintf(w, "Since #%d: %s, %s changed\n", in.LastGreen.ID, count(len(ch.Commits)+ch.MoreCommits, "commit"), count(len(ch.Files), "file"))
		for _, c := range ch.Commits[:min(len(ch.Commits), 10)] {
			fmt.Fprintf(w, "  %s %s (%s)\n", c.SHA[:min(len(c.SHA), 8)], c.Subject, c.Author)
		}
		if len(ch.Files) > 0 {
			fmt.Fprintf(w, "  changed: %s\n", listed(ch.Files))
		}
		if ch.Note != "" {
			fmt.Fprintf(w, "  (%s)\n", ch.Note)
		}
	}
}

func names(rs []workbench.TestResultInfo) string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return listed(out)
}

// listed joins the first ten items with commas and says how many more there are.
func listed(items []string) string {
	if len(items) > 10 {
		return strings.Join(items[:10], ", ") + fmt.Sprintf(" and %d more", len(items)-10)
	}
	return strings.Join(items, ", ")
}

func showSlow(w io.Writer, p *workbench.Project, runID int64, rs []workbench.TestResultInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nDURATION\tSUITE\tTEST")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", fmtDuration(r.DurationMs), r.Suite, r.Name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	in, err := p.RunInsights(runID)
	if err != nil {
		return err
	}
	for _, r := range in.Regressions {
		fmt.Fprintf(w, "Slower than usual: %s %s took %s, median %s over %s\n", r.Suite, r.Name,
			fmtDuration(r.DurationMs), fmtDuration(r.MedianMs), count(r.Samples, "run"))
	}
	return nil
}

func showFlaky(w io.Writer, p *workbench.Project, asJSON bool) error {
	fl, err := p.FlakyTests(0)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(w, fl)
	}
	if len(fl) == 0 {
		fmt.Fprintln(w, "No flaky tests in the last 50 runs.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SUITE\tTEST\tWHY\tFAILURES\tRUNS")
	for _, f := range fl {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", f.Suite, f.Name, strings.Join(f.Reasons, ", "), f.Failures, runList(f.Evidence))
	}
	return tw.Flush()
}

func runList(ids []int64) string {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("#%d", id))
	}
	return strings.Join(parts, " ")
}
