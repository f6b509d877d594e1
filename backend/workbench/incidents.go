package workbench

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// TopicIncidentUpdated is sent with an IncidentInfo when an incident opens, is resolved or
// is edited (its note, root cause or card).
const TopicIncidentUpdated = "incident.updated"

// IncidentInfo is an incident as the faces show it.
type IncidentInfo struct {
	ID               int64  `json:"id"`
	Kind             string `json:"kind"` // check_down, deploy_failed or rollback
	Title            string `json:"title"`
	Target           string `json:"target"` // the target it concerns; "" for none
	Check            string `json:"check"`  // the check that went down ("check:api"); "" for none
	Started          string `json:"started"`
	Resolved         string `json:"resolved"`    // "" while open
	DurationMs       int64  `json:"duration_ms"` // 0 while open
	DeployID         int64  `json:"deploy_id"`   // the deploy it is about or that preceded it; 0: none
	DeployVersion    string `json:"deploy_version"`
	Note             string `json:"note"`
	RootCause        string `json:"root_cause"` // the full SHA of the commit that caused it, or ""
	RootCauseSubject string `json:"root_cause_subject"`
	CardID           int64  `json:"card_id"`  // the card made from it; 0: none
	CardKey          string `json:"card_key"` // "#12" or "APP-12"; "" without a card
}

// incidentDays is the period Incidents shows by default; maxIncidentDays bounds it.
const (
	incidentDays    = 30
	maxIncidentDays = 3660
)

// maxNote bounds an incident's note (bytes).
const maxNote = 10_000

// Incidents lists the incidents that started in the last days days (0: 30), and every open
// one, newest first.
func (p *Project) Incidents(days int) ([]IncidentInfo, error) {
	if days < 0 || days > maxIncidentDays {
		return nil, errorf(CodeBadRequest, "incidents of the last %d days: give 1 to %d days, or 0 for %d", days, maxIncidentDays, incidentDays)
	}
	if days == 0 {
		days = incidentDays
	}
	ctx := context.Background()
	rows, err := p.store.IncidentRows(ctx, p.id, p.now().Add(-time.Duration(days)*24*time.Hour).UnixMilli())
	if err != nil {
		return nil, err
	}
	key, _, err := p.store.BoardKey(ctx, p.id)
	if err != nil {
		return nil, err
	}
	out := make([]IncidentInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, p.incidentInfo(r, key))
	}
	return out, nil
}

// incident loads one incident as the faces show it.
func (p *Project) incident(id int64) (IncidentInfo, error) {
	ctx := context.Background()
	r, err := p.store.IncidentRow(ctx, p.id, id)
	if errors.Is(err, store.ErrNotFound) {
		return IncidentInfo{}, errorf(CodeNotFound, "incident %d does not exist", id)
	}
	if err != nil {
		return IncidentInfo{}, err
	}
	key, _, err := p.store.BoardKey(ctx, p.id)
	if err != nil {
		return IncidentInfo{}, err
	}
	return p.incidentInfo(r, key), nil
}

// incidentInfo is the API's view of an incident; key is the board's key.
func (p *Project) incidentInfo(r store.IncidentRow, key string) IncidentInfo {
	in := IncidentInfo{ID: r.ID, Kind: r.Kind, Title: r.Title, Target: r.Target, Check: r.Check, Started: rfc3339(r.StartedMs),
		Resolved: rfc3339(r.ResolvedMs), DeployID: r.DeployID, DeployVersion: r.DeployVersion, Note: r.Note, RootCause: r.RootCause, CardID: r.CardID}
	if r.ResolvedMs != 0 {
		in.DurationMs = r.ResolvedMs - r.StartedMs
	}
	if r.CardNumber != 0 {
		in.CardKey = cardKey(key, r.CardNumber)
	}
	if r.RootCause != "" {
		if c, err := vcs.ResolveCommit(p.dir, r.RootCause); err == nil {
			in.RootCause, in.RootCauseSubject = c.SHA, c.Subject
		}
	}
	return in
}

// UpdateIncident sets an incident's note and root-cause commit: a commit of the repository,
// by its SHA (abbreviated or not) or any revision git understands, stored as its full SHA;
// "" for none.
func (p *Project) UpdateIncident(id int64, note, rootCause string) (IncidentInfo, error) {
	if len(note) > maxNote || !utf8.ValidString(note) {
		return IncidentInfo{}, errorf(CodeBadRequest, "the note of incident %d is not text of at most %d bytes", id, maxNote)
	}
	sha, err := p.rootCause(rootCause)
	if err != nil {
		return IncidentInfo{}, err
	}
	err = p.store.UpdateIncident(context.Background(), p.id, id, strings.TrimSpace(note), sha)
	if errors.Is(err, store.ErrNotFound) {
		return IncidentInfo{}, errorf(CodeNotFound, "incident %d does not exist", id)
	}
	if err != nil {
		return IncidentInfo{}, err
	}
	return p.incidentChanged(id, incidentEdited)
}

// rootCause resolves a root-cause commit to its full SHA ("" stays "").
func (p *Project) rootCause(rev string) (string, error) {
	rev = strings.TrimSpace(rev)
	if rev == "" {
		return "", nil
	}
	if strings.HasPrefix(rev, "-") {
		return "", errorf(CodeBadRequest, "root cause %q: give the SHA of a commit of %s", rev, p.dir)
	}
	c, err := vcs.ResolveCommit(p.dir, rev)
	if errors.Is(err, vcs.ErrNoCommit) {
		return "", errorf(CodeNotFound, "root cause %q is not a commit of the repository at %s: check the SHA with `git log`", rev, p.dir)
	}
	if err != nil {
		return "", errorf(CodeConflict, "cannot check the root cause %q: %v", rev, err)
	}
	return c.SHA, nil
}

// What happened to an incident, for incidentChanged.
const (
	incidentOpened   = "opened"
	incidentResolved = "resolved"
	incidentEdited   = "edited"
)

// openIncident records an incident and announces it. A check that already has an open
// incident keeps it: nothing new is recorded then.
func (p *Project) openIncident(ctx context.Context, in store.Incident) {
	if in.CheckID != 0 {
		if _, open, err := p.store.OpenIncidentOf(ctx, in.CheckID); err != nil || open {
			return
		}
	}
	if id, err := p.store.OpenIncident(ctx, in); err == nil {
		_, _ = p.incidentChanged(id, incidentOpened)
	}
}

// resolveIncident resolves an open incident at atMs and announces it.
func (p *Project) resolveIncident(ctx context.Context, id, atMs int64) {
	if err := p.store.ResolveIncident(ctx, id, atMs); err == nil {
		_, _ = p.incidentChanged(id, incidentResolved)
	}
}

// incidentChanged announces an incident as it is now, tells the user when it opened or was
// resolved, and makes its card when monitor.auto_cards asks for it.
func (p *Project) incidentChanged(id int64, what string) (IncidentInfo, error) {
	in, err := p.incident(id)
	if err != nil {
		return in, err
	}
	p.emit.Emit(TopicIncidentUpdated, in)
	if what == incidentEdited {
		return in, nil
	}
	p.notifyIncident(in, what)
	if what == incidentOpened && p.autoCards() {
		_, _ = p.IncidentCard(id) // announces the incident again, with its card
	}
	return in, nil
}
