package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"eightfold/backend/workbench"
)

func cmdDora(e *env) error {
	fs, c := e.flags("dora", "dora [--days N] [--json] [--dir D] [--home DIR]", true)
	days := fs.Int("days", 30, "the period: the last N days (7, 30 and 90 are usual)")
	asJSON := fs.Bool("json", false, "print the DoraReport of docs/api.md")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	r, err := onReadable(c, func(p *workbench.Project) (workbench.DoraReport, error) { return p.Dora(*days) })
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, r)
	}
	return showDora(e.stdout, r)
}

// onReadable runs fn on the project opened read-only (so that it works while the workbench
// is open), or for writing before anything was recorded.
func onReadable[T any](c *common, fn func(p *workbench.Project) (T, error)) (T, error) {
	s, p, err := c.openReader()
	if err != nil {
		var zero T
		return zero, err
	}
	if s != nil {
		defer s.Close()
		return fn(p)
	}
	var out T
	err = onProject(c, func(p *workbench.Project) error {
		out, err = fn(p)
		return err
	})
	return out, err
}

// showDora prints the four keys, then the failed changes behind the change failure rate.
func showDora(w io.Writer, r workbench.DoraReport) error {
	if len(r.Targets) == 0 {
		fmt.Fprintln(w, "No production target: mark one with `production: true` in targets: (or name it production) to get DORA figures.")
		return nil
	}
	fmt.Fprintf(w, "DORA keys of %s over the last %s (since %s)\n\n", strings.Join(r.Targets, ", "), count(r.Days, "day"), r.From[:10])
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tFIGURE\tFROM\tBAND")
	f := r.Frequency
	fmt.Fprintf(tw, "Deployment frequency\t%.1f / week\t%s on %s\t%s\n", f.PerWeek, count(f.Deploys, "deploy"), count(f.DeployDays, "day"), f.Band)
	lt := r.LeadTime
	fmt.Fprintf(tw, "Lead time for changes\t%s\t%s\t%s\n", optionalSpan(lt.MedianMs), count(lt.Commits, "commit"), lt.Band)
	cf := r.ChangeFailure
	rate := "-"
	if cf.Rate != nil {
		rate = fmt.Sprintf("%.0f%%", *cf.Rate*100)
	}
	fmt.Fprintf(tw, "Change failure rate\t%s\t%d of %s\t%s\n", rate, cf.Failed, count(cf.Deploys, "deploy"), cf.Band)
	rs := r.Restore
	fmt.Fprintf(tw, "Time to restore\t%s\t%s (%d open)\t%s\n", optionalSpan(rs.MedianMs), count(rs.Incidents, "incident"), rs.Open, rs.Band)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range r.Deploys {
		if d.Failed {
			fmt.Fprintf(w, "  failed change: deploy #%d of %s to %s (%s): %s\n", d.ID, d.Version, d.Target, d.Finished, strings.Join(d.FailedBy, ", "))
		}
	}
	return nil
}

// optionalSpan is a median for people, or "-" when there is none.
func optionalSpan(ms *int64) string {
	if ms == nil {
		return "-"
	}
	return span(time.Duration(*ms) * time.Millisecond)
}

// span writes a duration in its two largest units: "40 s", "3 h 20 min", "2 d 4 h".
func span(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Second:
		return "under 1 s"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < day:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d/day), int(d.Hours())%24)
}
