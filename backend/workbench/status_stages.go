package workbench

import (
	"fmt"
	"strings"
)

// Stage is one stage of the loop ring: its state in a line, and whether it needs attention.
type Stage struct {
	ID        string `json:"id"` // plan, code, build, test, release, deploy, operate, monitor
	Title     string `json:"title"`
	Summary   string `json:"summary"`   // one short line: "5 open · Code 3/2 WIP"
	Attention bool   `json:"attention"` // something here wants a look
	Reason    string `json:"reason"`    // why it needs attention; "" when it does not
	Place     string `json:"place"`     // the place of the UI that shows it (Places)
}

// stageRule makes a stage's summary and, when it needs attention, the reason.
type stageRule struct {
	id, title, place string
	rule             func(StatusInfo) (summary, reason string)
}

// stageRules are the eight stages in loop order.
var stageRules = []stageRule{
	{"plan", "Plan", "plan", planStage},
	{"code", "Code", "code", codeStage},
	{"build", "Build", "build", buildStage},
	{"test", "Test", "build", testStage},
	{"release", "Release", "release", releaseStage},
	{"deploy", "Deploy", "deploy", deployStage},
	{"operate", "Operate", "operate", operateStage},
	{"monitor", "Monitor", "monitor", monitorStage},
}

// LoopStages works out the loop ring from the facts of st (its Stages aside): a pure function.
func LoopStages(st StatusInfo) []Stage {
	out := make([]Stage, 0, len(stageRules))
	for _, r := range stageRules {
		summary, reason := r.rule(st)
		out = append(out, Stage{ID: r.id, Title: r.title, Summary: summary, Attention: reason != "", Reason: reason, Place: r.place})
	}
	return out
}

// planStage: the open cards; a column over its WIP limit needs attention.
func planStage(st StatusInfo) (string, string) {
	parts := []string{fmt.Sprintf("%d open", st.Plan.Open)}
	var over []string
	for _, c := range st.Plan.OverLimit {
		parts = append(parts, fmt.Sprintf("%s %d/%d WIP", c.Name, c.Count, c.WIPLimit))
		over = append(over, fmt.Sprintf("%s holds %d %s, over its WIP limit of %d", c.Name, c.Count, plural(c.Count, "card"), c.WIPLimit))
	}
	return strings.Join(parts, " · "), strings.Join(over, "; ")
}

// codeStage: the branch, the uncommitted changes and the commits not pushed (information only).
func codeStage(st StatusInfo) (string, string) {
	pr, c := st.Project, st.Code
	switch {
	case !pr.IsGit:
		return "not a git repository", ""
	case pr.Branch == "" && pr.Commit != "":
		return "detached at " + pr.Commit[:min(len(pr.Commit), 7)] + changedPart(c.Changed), ""
	case pr.Commit == "":
		return pr.Branch + " · no commit yet" + changedPart(c.Changed), ""
	}
	line := pr.Branch + changedPart(c.Changed)
	if c.Changed == 0 {
		line += " · clean"
	}
	if c.Ahead > 0 {
		line += fmt.Sprintf(" · %d ahead of %s", c.Ahead, c.Upstream)
	}
	if c.Behind > 0 {
		line += fmt.Sprintf(" · %d behind", c.Behind)
	}
	return line, ""
}

func changedPart(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" · %d changed", n)
}

// buildStage: the last run; one that failed, ended in an error or timed out needs attention,
// and so does a config that does not load.
func buildStage(st StatusInfo) (string, string) {
	if e := st.Project.ConfigError; e != "" {
		return "config broken", "eightfold.yaml does not load: " + e
	}
	r := st.LastRun
	if r == nil {
		return "no run yet", ""
	}
	summary := fmt.Sprintf("#%d %s", r.ID, r.Status)
	if r.Status != "failed" && r.Status != "error" && r.Status != "timeout" {
		return summary, ""
	}
	if r.Trigger == TriggerCI {
		return "CI " + summary, fmt.Sprintf("CI run #%d (%s) %s: %s", r.ID, r.Name, r.Status, testsFailed(r.Tests))
	}
	reason := fmt.Sprintf("run #%d %s", r.ID, r.Status)
	for _, s := range r.Steps {
		if s.Status == "failed" || s.Status == "error" || s.Status == "timeout" {
			return summary, fmt.Sprintf("%s: step %s %s", reason, s.Name, s.Status)
		}
	}
	if r.Error != "" {
		reason += ": " + r.Error
	}
	return summary, reason
}

// testStage: the last run's tests; a failing test needs attention.
func testStage(st StatusInfo) (string, string) {
	r := st.LastRun
	if r == nil {
		return "no run yet", ""
	}
	t := r.Tests
	if t.Total == 0 {
		return "no tests reported", ""
	}
	summary := fmt.Sprintf("%d passed", t.Passed)
	if t.Failed == 0 {
		return summary, ""
	}
	return fmt.Sprintf("%s · %d failed", summary, t.Failed), fmt.Sprintf("%s in run #%d", testsFailed(t), r.ID)
}

// testsFailed says how many tests failed: "3 tests failed".
func testsFailed(t TestCounts) string {
	return fmt.Sprintf("%d %s failed", t.Failed, plural(t.Failed, "test"))
}

// releaseStage: the last version, the next and the commits not released (information only).
func releaseStage(st StatusInfo) (string, string) {
	r := st.Release
	switch {
	case r.Error != "":
		return "nothing to release yet", ""
	case r.Next == "" && r.LastVersion == "":
		return "nothing released", ""
	case r.Next == "":
		return r.LastVersion + " · up to date", ""
	case r.LastVersion == "":
		return fmt.Sprintf("%s next · %d unreleased", r.Next, r.Unreleased), ""
	}
	return fmt.Sprintf("%s → %s · %d unreleased", r.LastVersion, r.Next, r.Unreleased), ""
}

// deployStage: the version on each target; a target whose last deploy failed needs attention.
func deployStage(st StatusInfo) (string, string) {
	if st.Project.ConfigError != "" {
		return "config broken", ""
	}
	if len(st.Targets) == 0 {
		return "no targets", ""
	}
	var parts, failed []string
	for _, t := range st.Targets {
		parts = append(parts, t.Name+" "+orNone(t.Version))
		if d := t.LastDeploy; d != nil && d.Status == "failed" {
			failed = append(failed, fmt.Sprintf("the last %s to %s (#%d) failed", d.Kind, t.Name, d.ID))
		}
	}
	return strings.Join(parts, " · "), strings.Join(failed, "; ")
}

// operateStage: the health of the targets and the open incidents; a target DOWN or an open
// incident needs attention.
func operateStage(st StatusInfo) (string, string) {
	byHealth := map[string]int{}
	var order, reasons []string
	for _, t := range st.Targets {
		if t.Health == "" {
			continue
		}
		if byHealth[t.Health] == 0 {
			order = append(order, t.Health)
		}
		byHealth[t.Health]++
		if t.Health == "DOWN" {
			reasons = append(reasons, t.Name+" is DOWN")
		}
	}
	var parts []string
	for _, h := range order {
		parts = append(parts, fmt.Sprintf("%d %s", byHealth[h], h))
	}
	if n := len(st.Incidents); n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, "incident")))
		reasons = append(reasons, fmt.Sprintf("incident #%d is open: %s", st.Incidents[0].ID, st.Incidents[0].Title))
	}
	if len(parts) == 0 {
		return "no health checks", ""
	}
	return strings.Join(parts, " · "), strings.Join(reasons, "; ")
}

// worseChangeFailure are the change failure bands worse than 16-30%.
var worseChangeFailure = map[string]bool{"31-45%": true, "46-60%": true, "61-100%": true}

// monitorStage: the DORA deployment frequency and change failure rate; a change failure band
// worse than 16-30% needs attention.
func monitorStage(st StatusInfo) (string, string) {
	m := st.Monitor
	switch {
	case m.Error != "":
		return "no figures", ""
	case len(m.Targets) == 0:
		return "no production target", ""
	case m.ChangeFailureRate == nil:
		return fmt.Sprintf("no deploys in %d %s", m.Days, plural(m.Days, "day")), ""
	}
	rate := fmt.Sprintf("%.0f%%", *m.ChangeFailureRate*100)
	summary := fmt.Sprintf("%s · %s failed", m.Frequency, rate)
	if !worseChangeFailure[m.ChangeFailure] {
		return summary, ""
	}
	return summary, fmt.Sprintf("change failure rate %s over %d %s (band %s)", rate, m.Days, plural(m.Days, "day"), m.ChangeFailure)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
