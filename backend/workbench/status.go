package workbench

import (
	"context"
	"errors"
	"sync"

	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// StatusInfo is the whole loop on one screen: `eightfold status` (docs/cli.md).
type StatusInfo struct {
	Project ProjectInfo `json:"project"`
	// Stages are the loop ring: the eight stages in loop order, each in a line (LoopStages).
	Stages    []Stage        `json:"stages"`
	Plan      StatusPlan     `json:"plan"`
	Code      StatusCode     `json:"code"`
	LastRun   *RunInfo       `json:"last_run"` // null before the first run
	Release   StatusRelease  `json:"release"`
	Targets   []StatusTarget `json:"targets"`
	Incidents []IncidentInfo `json:"incidents"` // the open ones, newest first
	Monitor   StatusMonitor  `json:"monitor"`
}

// StatusPlan is the board in short.
type StatusPlan struct {
	Open      int            `json:"open"`       // cards not in a done or canceled column
	OverLimit []StatusColumn `json:"over_limit"` // the columns over their WIP limit, in board order
}

// StatusColumn is a board column with its card count and WIP limit.
type StatusColumn struct {
	Name     string `json:"name"`
	Count    int    `json:"count"`
	WIPLimit int    `json:"wip_limit"`
}

// StatusCode is the work tree against its branch's upstream (the branch and commit are in
// Project).
type StatusCode struct {
	Changed  int    `json:"changed"`  // paths with uncommitted changes
	Upstream string `json:"upstream"` // the branch it tracks ("origin/main"); "" for none
	Ahead    int    `json:"ahead"`    // commits not pushed to the upstream
	Behind   int    `json:"behind"`   // commits of the upstream not pulled
}

// StatusMonitor is the DORA figures of the last StatusDoraDays days in short.
type StatusMonitor struct {
	Days              int      `json:"days"`
	Targets           []string `json:"targets"`             // the production targets counted
	Frequency         string   `json:"frequency"`           // the deployment frequency band
	PerWeek           float64  `json:"per_week"`            // production deploys per week
	ChangeFailure     string   `json:"change_failure"`      // the change failure rate band
	ChangeFailureRate *float64 `json:"change_failure_rate"` // null when nothing was deployed
	Error             string   `json:"error"`               // why the figures could not be worked out
}

// StatusDoraDays is the period of StatusInfo's DORA figures.
const StatusDoraDays = 30

// StatusRelease is what releasing HEAD now would give.
type StatusRelease struct {
	LastVersion string `json:"last_version"` // "" before the first release
	Unreleased  int    `json:"unreleased"`   // commits since the last release tag
	Next        string `json:"next"`         // the next version; "" when nothing needs a release
	Reason      string `json:"reason"`       // why that version, or why none
	Error       string `json:"error"`        // why it could not be worked out (no git, no commit)
}

// StatusTarget is a deploy target: what it runs and how it is.
type StatusTarget struct {
	Name       string `json:"name"`
	Production bool   `json:"production"`
	Version    string `json:"version"` // of its last successful deploy; "" before the first
	Since      string `json:"since"`   // when that deploy finished
	// Health is UP, DOWN or PENDING while the workbench monitors it; else DOWN with an open
	// incident, FAILING or UP from the last stored result, UNKNOWN without one, and "" for a
	// target without a health check.
	Health  string  `json:"health"`
	Reason  string  `json:"reason"`    // why the last result failed
	Uptime7 float64 `json:"uptime_7d"` // -1 without results
	// LastDeploy is its newest deploy, whatever its outcome; null before the first.
	LastDeploy *StatusDeploy `json:"last_deploy"`
}

// StatusDeploy is a deploy in short.
type StatusDeploy struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"` // deploy, promote, rollback
	Version string `json:"version"`
	Status  string `json:"status"` // running, succeeded, failed
}

// Status gathers the project's state: its git state, board, last run, what is unreleased,
// each target's version and health, the open incidents and the DORA figures, then the loop
// ring's stages from them. It runs on every refresh of the ring: BenchmarkStatus times it.
func (p *Project) Status() (StatusInfo, error) {
	st := StatusInfo{Targets: []StatusTarget{}, Incidents: []IncidentInfo{}}
	// The git reads wait on child processes: they overlap each other and the database's.
	var infoErr, codeErr error
	var wg sync.WaitGroup
	wg.Go(func() { st.Project, infoErr = p.Info() })
	wg.Go(func() { st.Code, codeErr = statusCode(p.dir) })
	wg.Go(func() { st.Release = p.statusRelease() })
	recordsErr := p.statusRecords(&st)
	wg.Wait()
	if err := errors.Join(infoErr, codeErr, recordsErr); err != nil {
		return StatusInfo{}, err
	}
	if err := p.statusDeploys(&st); err != nil {
		return StatusInfo{}, err
	}
	st.Stages = LoopStages(st)
	return st, nil
}

// statusRecords fills in what the database holds on the board, the last run and the open
// incidents.
func (p *Project) statusRecords(st *StatusInfo) error {
	var err error
	if st.Plan, err = p.statusPlan(); err != nil {
		return err
	}
	if st.LastRun, err = p.LastRun(); err != nil {
		return err
	}
	incidents, err := p.Incidents(0)
	if err != nil {
		return err
	}
	for _, in := range incidents {
		if in.Resolved == "" {
			st.Incidents = append(st.Incidents, in)
		}
	}
	return nil
}

// statusDeploys fills in the targets and the DORA figures, which the config names.
func (p *Project) statusDeploys(st *StatusInfo) error {
	if st.Project.ConfigError != "" {
		st.Monitor = StatusMonitor{Days: StatusDoraDays, Targets: []string{}, Error: "eightfold.yaml does not load"}
		return nil
	}
	var err error
	if st.Targets, err = p.statusTargets(st.Incidents); err != nil {
		return err
	}
	st.Monitor = p.statusMonitor()
	return nil
}

// statusPlan counts the open cards and finds the columns over their WIP limit.
func (p *Project) statusPlan() (StatusPlan, error) {
	b, err := p.store.Board(context.Background(), p.id, p.nowMs())
	if err != nil {
		return StatusPlan{}, err
	}
	count := map[int64]int{}
	for _, c := range b.Cards {
		count[c.ColumnID]++
	}
	plan := StatusPlan{OverLimit: []StatusColumn{}}
	for _, c := range b.Columns {
		n := count[c.ID]
		if c.Category != store.CategoryDone && c.Category != store.CategoryCanceled {
			plan.Open += n
		}
		if c.WIPLimit > 0 && n > c.WIPLimit {
			plan.OverLimit = append(plan.OverLimit, StatusColumn{Name: c.Name, Count: n, WIPLimit: c.WIPLimit})
		}
	}
	return plan, nil
}

// statusCode reads the uncommitted changes and how far the branch is from its upstream.
func statusCode(dir string) (StatusCode, error) {
	tr, err := vcs.ReadTracking(dir)
	if err != nil {
		return StatusCode{}, err
	}
	return StatusCode{Changed: tr.Changed, Upstream: tr.Upstream, Ahead: tr.Ahead, Behind: tr.Behind}, nil
}

// statusMonitor is the DORA report in short; a report that cannot be made says why.
func (p *Project) statusMonitor() StatusMonitor {
	m := StatusMonitor{Days: StatusDoraDays, Targets: []string{}}
	r, err := p.Dora(StatusDoraDays)
	if err != nil {
		m.Error = err.Error()
		return m
	}
	m.Targets, m.Frequency, m.PerWeek = r.Targets, r.Frequency.Band, r.Frequency.PerWeek
	m.ChangeFailure, m.ChangeFailureRate = r.ChangeFailure.Band, r.ChangeFailure.Rate
	return m
}

// statusRelease is the release preview in short; a project without commits says why.
func (p *Project) statusRelease() StatusRelease {
	pre, err := p.ReleasePreview("")
	if err != nil {
		return StatusRelease{Error: err.Error()}
	}
	r := StatusRelease{LastVersion: pre.LastVersion, Unreleased: pre.Commits, Reason: pre.Reason}
	if pre.Release {
		r.Next = pre.Version
	}
	return r
}

// statusTargets lists every target with its current version and health.
func (p *Project) statusTargets(open []IncidentInfo) ([]StatusTarget, error) {
	targets, err := p.Targets()
	if err != nil {
		return nil, err
	}
	checks, err := p.Checks()
	if err != nil {
		return nil, err
	}
	out := make([]StatusTarget, 0, len(targets))
	for _, t := range targets {
		s := StatusTarget{Name: t.Name, Production: t.Production, Uptime7: -1}
		if t.Current != nil {
			s.Version, s.Since = t.Current.Version, t.Current.FinishedAt
		}
		if d := t.Last; d != nil {
			s.LastDeploy = &StatusDeploy{ID: d.ID, Kind: d.Kind, Version: d.Version, Status: d.Status}
		}
		if c, ok := targetCheck(checks, t.Name); ok {
			s.Health, s.Reason, s.Uptime7 = targetHealth(c, open), c.Reason, c.Uptime7
		}
		out = append(out, s)
	}
	return out, nil
}

// targetHealth is a target check's state: the monitor's, else read from the store.
func targetHealth(c CheckInfo, open []IncidentInfo) string {
	if c.State != "" {
		return c.State
	}
	for _, in := range open {
		if target, _, ok := checkTarget(in.Check); in.Check == c.Name || ok && "target:"+target == c.Name { // or one of its hosts'
			return "DOWN"
		}
	}
	switch {
	case c.Reason != "":
		return "FAILING"
	case c.Status != 0:
		return "UP"
	}
	return "UNKNOWN"
}
