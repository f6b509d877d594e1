package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"eightfold/backend/health"
	"eightfold/backend/workbench"
)

// checkRow is a check as `eightfold checks --json` prints it: its stored state and a probe
// made now.
type checkRow struct {
	workbench.CheckInfo
	Now probeNow `json:"now"`
}

// probeNow is a probe made now.
type probeNow struct {
	OK     bool   `json:"ok"`
	Status int    `json:"status"`
	TookMs int64  `json:"took_ms"`
	Reason string `json:"reason"`
}

func toProbeNow(r health.Result) probeNow {
	return probeNow{OK: r.OK, Status: r.Status, TookMs: r.Took.Milliseconds(), Reason: r.Reason}
}

func cmdChecks(e *env) error {
	fs, c := e.flags("checks", "checks [--dir D] [--json] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print the checks as JSON: the CheckInfo of docs/api.md with a probe made now")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	return onProject(c, func(p *workbench.Project) error {
		infos, err := p.Checks()
		if err != nil {
			return err
		}
		ctx, stop := untilStopped()
		defer stop()
		now, err := p.ProbeChecks(ctx)
		if err != nil {
			return err
		}
		rows := make([]checkRow, len(infos))
		for i, in := range infos {
			rows[i] = checkRow{CheckInfo: in, Now: toProbeNow(now[in.Name])}
		}
		if *asJSON {
			return writeJSON(e.stdout, rows)
		}
		return showChecks(e.stdout, rows)
	})
}

// showChecks prints a table: each check, its result now, and its uptime over 7 days.
func showChecks(w io.Writer, rows []checkRow) error {
	if len(rows) == 0 {
		fmt.Fprintln(w, "No health checks: give a target a health: URL, or add checks: (docs/config.md).")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tURL\tNOW\tTOOK\tUPTIME 7D")
	for _, r := range rows {
		now := "ok"
		if !r.Now.OK {
			now = "failing: " + r.Now.Reason
		}
		uptime := "-"
		if r.Uptime7 >= 0 {
			uptime = fmt.Sprintf("%.2f%%", r.Uptime7*100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d ms\t%s\n", r.Name, r.URL, now, r.Now.TookMs, uptime)
	}
	return tw.Flush()
}
