package workbench

import (
	"context"
	"fmt"
	"strings"

	"eightfold/backend/config"
	"eightfold/backend/store"
)

// TopicNotify is sent with a Notice when something the user must hear about happened: a
// run failed after a green one, a deploy failed, an incident opened or was resolved. Each
// such change is announced once.
const TopicNotify = "notify"

// Notice levels.
const (
	NoticeFail = "fail"
	NoticeOK   = "ok"
	NoticeInfo = "info"
)

// Notice is a notification: a toast in the UI, an OS notification from the desktop face, a
// line with a bell in `eightfold watch`.
type Notice struct {
	Kind  string `json:"kind"`  // run, deploy or incident
	Level string `json:"level"` // fail, ok or info
	Title string `json:"title"`
	Body  string `json:"body"`
	Link  string `json:"link"` // a hash route of the UI: "#/build/12", "#/deploy/41", "#/monitor"
}

func (p *Project) notify(n Notice) { p.emit.Emit(TopicNotify, n) }

// noticeTests is how many newly failing tests a run's notice names.
const noticeTests = 3

// runFinished tells the user about a run that failed after a green one, and makes cards
// for its newly failing tests when monitor.auto_cards asks for it. Only failed and timed-out
// runs count: a cancelled run, or one that could not start, says nothing about the code.
func (p *Project) runFinished(r RunInfo) {
	if r.Status != store.StatusFailed && r.Status != store.StatusTimeout {
		return
	}
	ctx := context.Background()
	green, err := p.store.LastRunWith(ctx, p.id, r.ID, store.StatusPassed)
	if err != nil {
		return
	}
	newly, err := p.store.NewlyFailing(ctx, r.ID, green.ID)
	if err != nil {
		return
	}
	if p.autoCards() {
		p.autoTestCards(newly)
	}
	if green.ID != 0 && p.lastVerdictWas(ctx, r.ID, green.ID) {
		p.notify(runNotice(r, green.ID, newly))
	}
}

// lastVerdictWas reports whether the newest failed or timed-out run before runID is older
// than greenID: the run before this one that said anything about the code passed.
func (p *Project) lastVerdictWas(ctx context.Context, runID, greenID int64) bool {
	for _, status := range []string{store.StatusFailed, store.StatusTimeout} {
		red, err := p.store.LastRunWith(ctx, p.id, runID, status)
		if err != nil || red.ID > greenID {
			return false
		}
	}
	return true
}

// runNotice says which run failed after which green one, and what fails.
func runNotice(r RunInfo, greenID int64, newly []store.TestResult) Notice {
	n := Notice{Kind: "run", Level: NoticeFail, Title: fmt.Sprintf("Run #%d %s after green #%d", r.ID, r.Status, greenID),
		Link: fmt.Sprintf("#/build/%d", r.ID)}
	var names []string
	for _, t := range newly[:min(len(newly), noticeTests)] {
		names = append(names, t.Name)
	}
	switch {
	case len(names) == 0:
		n.Body = "No test fails that passed before: see the steps."
	case len(newly) > len(names):
		n.Body = fmt.Sprintf("Newly failing: %s and %d more", strings.Join(names, ", "), len(newly)-len(names))
	default:
		n.Body = "Newly failing: " + strings.Join(names, ", ")
	}
	return n
}

// deployNotice says which deploy failed and why.
func deployNotice(d DeployInfo) Notice {
	what := "Deploy"
	switch d.Kind {
	case "promote":
		what = "Promotion"
	case "rollback":
		what = "Rollback"
	}
	body := d.Failure
	if d.RolledBack {
		body += " (rolled back: the target runs the release it ran before)"
	}
	return Notice{Kind: "deploy", Level: NoticeFail, Title: fmt.Sprintf("%s #%d of %s to %s failed", what, d.ID, d.Version, d.Target),
		Body: body, Link: fmt.Sprintf("#/deploy/%d", d.ID)}
}

// notifyIncident tells the user that an incident opened or was resolved. An incident of a
// deploy opening is not told again: the deploy's own notice said it failed.
func (p *Project) notifyIncident(in IncidentInfo, what string) {
	n := Notice{Kind: "incident", Title: "Incident: " + in.Title, Link: "#/monitor"}
	switch {
	case what == incidentOpened && in.Kind == store.IncidentCheckDown:
		n.Level, n.Body = NoticeFail, "since "+in.Started
	case what == incidentResolved:
		n.Level, n.Title, n.Body = NoticeOK, "Resolved: "+in.Title, "after "+fmtMs(in.DurationMs)
	default:
		return
	}
	p.notify(n)
}

// fmtMs writes a duration for people: 850ms, 12s, 3m20s, 2h5m.
func fmtMs(ms int64) string {
	switch s := ms / 1000; {
	case ms < 1000:
		return fmt.Sprintf("%dms", ms)
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
}

// autoCards reports whether eightfold.yaml asks for cards made automatically
// (monitor.auto_cards); a config that does not load asks for nothing.
func (p *Project) autoCards() bool {
	cfg, err := config.Load(p.dir)
	return err == nil && cfg.Monitor.AutoCards
}
