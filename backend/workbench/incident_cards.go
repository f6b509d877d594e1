package workbench

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"eightfold/backend/store"
)

// Labels of the cards made from what went wrong, and their colours when they are made.
var cardLabels = map[string]string{
	store.SourceIncident: "#b60205",
	store.SourceTest:     "#d93f0b",
	store.SourceDeploy:   "#5319e7",
}

// evidenceLines and evidenceBytes bound the output a card quotes: its last lines.
const (
	evidenceLines = 30
	evidenceBytes = 4 << 10
)

// IncidentCard makes a card on the plan board from an incident: what went wrong, when, and
// the deploy it concerns. Asking again returns the same card while it is open.
func (p *Project) IncidentCard(id int64) (CardInfo, error) {
	in, err := p.incident(id)
	if err != nil {
		return CardInfo{}, err
	}
	title := "Incident: " + strings.TrimPrefix(strings.TrimPrefix(in.Title, "target:"), "check:")
	var b strings.Builder
	fmt.Fprintf(&b, "Incident %d (%s)", in.ID, in.Kind)
	if in.Target != "" {
		fmt.Fprintf(&b, " on **%s**", in.Target)
	}
	fmt.Fprintf(&b, ": %s.\n\n- Started: %s\n", in.Title, in.Started)
	if in.Resolved != "" {
		fmt.Fprintf(&b, "- Resolved: %s, after %s\n", in.Resolved, fmtMs(in.DurationMs))
	} else {
		b.WriteString("- Still open\n")
	}
	if in.Check != "" {
		fmt.Fprintf(&b, "- Check: `%s`\n", in.Check)
	}
	if in.DeployID != 0 {
		fmt.Fprintf(&b, "- Deploy: [#%d of %s](#/deploy/%d)\n", in.DeployID, in.DeployVersion, in.DeployID)
	}
	if in.RootCause != "" {
		fmt.Fprintf(&b, "- Root cause: `%s` %s\n", in.RootCause, in.RootCauseSubject)
	}
	if in.Note != "" {
		fmt.Fprintf(&b, "\n%s\n", in.Note)
	}
	b.WriteString("\nSee the [incidents](#/monitor).\n")
	c, err := p.cardFrom(store.CardSource{Kind: store.SourceIncident, ID: id}, title, b.String(), nil)
	if err == nil {
		_, _ = p.incidentChanged(id, incidentEdited)
	}
	return c, err
}

// TestCard makes a card on the plan board from a failing test result: the test, its
// failure message and the last lines of its output, with a link to the run. One card per
// test: asking again, from this or a later result of the same test, returns it while it is
// open.
func (p *Project) TestCard(resultID int64) (CardInfo, error) {
	ctx := context.Background()
	r, err := p.store.TestResultDetail(ctx, resultID)
	if err == nil {
		var owner int64
		if owner, err = p.store.ResultProject(ctx, resultID); err == nil && owner != p.id {
			err = store.ErrNotFound
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return CardInfo{}, errorf(CodeNotFound, "test result %d does not exist", resultID)
	}
	if err != nil {
		return CardInfo{}, err
	}
	if r.Status != store.TestFailed && r.Status != store.TestErrored {
		return CardInfo{}, errorf(CodeConflict, "%s %s %s in run #%d: only a failing test makes a card", r.Suite, r.Name, r.Status, r.RunID)
	}
	return p.testCard(r)
}

// testCard makes (or finds) the card of a failing result, loaded with its output.
func (p *Project) testCard(r store.TestResult) (CardInfo, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "`%s` › `%s` %s in [run #%d](#/build/%d/tests/%d) (test %d, result %d)", r.Suite, r.Name, r.Status,
		r.RunID, r.RunID, r.ID, r.TestID, r.ID)
	if r.File != "" {
		fmt.Fprintf(&b, " at `%s:%d`", r.File, r.Line)
	}
	b.WriteString(".\n")
	if r.Message != "" {
		fmt.Fprintf(&b, "\n%s", codeBlock(lastLines(r.Message)))
	}
	if r.Output != "" {
		fmt.Fprintf(&b, "\nThe last lines of its output:\n\n%s", codeBlock(lastLines(r.Output)))
	}
	link := store.Link{Kind: store.LinkRun, Ref: runCause(r.RunID), Title: r.Status, AtMs: p.nowMs()}
	return p.cardFrom(store.CardSource{Kind: store.SourceTest, ID: r.TestID}, fmt.Sprintf("Failing test: %s %s", r.Suite, r.Name),
		b.String(), []store.Link{link})
}

// DeployCard makes a card on the plan board from a failed deploy: why it failed, how far
// it got and the last lines of its log (scrubbed of the secrets when it was recorded).
// Asking again returns the same card while it is open.
func (p *Project) DeployCard(deployID int64) (CardInfo, error) {
	d, err := p.GetDeploy(deployID)
	if err != nil {
		return CardInfo{}, err
	}
	if d.Status != store.DeployFailed {
		return CardInfo{}, errorf(CodeConflict, "deploy #%d is %s: only a failed deploy makes a card", d.ID, d.Status)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s #%d](#/deploy/%d) of %s to **%s** failed: %s\n\n- Started: %s by %s\n- Finished: %s\n",
		d.Kind, d.ID, d.ID, d.Version, d.Target, d.Failure, d.StartedAt, d.Who, d.FinishedAt)
	if d.RolledBack {
		b.WriteString("- Rolled back: the target runs the release it ran before\n")
	}
	for _, s := range d.Steps {
		if s.Status == "failed" {
			fmt.Fprintf(&b, "- Step %s failed: %s\n", s.Name, s.Detail)
		}
	}
	if d.Log != "" {
		fmt.Fprintf(&b, "\nThe last lines of its log:\n\n%s", codeBlock(lastLines(d.Log)))
	}
	return p.cardFrom(store.CardSource{Kind: store.SourceDeploy, ID: d.ID},
		fmt.Sprintf("Deploy #%d of %s to %s failed", d.ID, d.Version, d.Target), b.String(), nil)
}

// cardFrom makes (or finds) the card of a source in the first backlog column, labelled
// with the source's kind, and announces it when it is new.
func (p *Project) cardFrom(src store.CardSource, title, description string, links []store.Link) (CardInfo, error) {
	title, err := checkLine("title", title, maxTitle, true)
	if err != nil {
		return CardInfo{}, err
	}
	description = truncateBytes(description, maxDescription)
	c, made, err := p.store.CardFrom(context.Background(), src, store.NewCard{ProjectID: p.id, Title: title,
		Description: description, NowMs: p.nowMs()}, src.Kind, cardLabels[src.Kind], links)
	if err != nil {
		return CardInfo{}, boardError(err)
	}
	if !made {
		return p.cardInfo(c)
	}
	return p.cardChanged(c, nil)
}

// lastLines is the end of text: at most evidenceLines lines and evidenceBytes bytes.
func lastLines(text string) string {
	text = strings.TrimRight(text, "\n")
	lines := strings.Split(text, "\n")
	cut := len(lines) > evidenceLines
	if cut {
		lines = lines[len(lines)-evidenceLines:]
	}
	text = strings.Join(lines, "\n")
	if len(text) > evidenceBytes {
		text, cut = strings.ToValidUTF8(text[len(text)-evidenceBytes:], ""), true
	}
	if cut {
		text = "…\n" + text
	}
	return text
}

// truncateBytes cuts s to at most n bytes, at a rune boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// codeBlock fences text as markdown code, with a fence longer than any run of backticks in it.
func codeBlock(text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence + "\n" + text + "\n" + fence + "\n"
}
