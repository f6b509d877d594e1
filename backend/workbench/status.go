package workbench

// StatusInfo is the whole loop on one screen: `eightfold status` (docs/cli.md).
type StatusInfo struct {
	Project   ProjectInfo    `json:"project"`
	LastRun   *RunInfo       `json:"last_run"` // null before the first run
	Release   StatusRelease  `json:"release"`
	Targets   []StatusTarget `json:"targets"`
	Incidents []IncidentInfo `json:"incidents"` // the open ones, newest first
}

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
}

// Status gathers the project's state: its git state, last run, what is unreleased, each
// target's version and health, and the open incidents.
func (p *Project) Status() (StatusInfo, error) {
	info, err := p.Info()
	if err != nil {
		return StatusInfo{}, err
	}
	st := StatusInfo{Project: info, Targets: []StatusTarget{}, Incidents: []IncidentInfo{}}
	runs, err := p.Runs(1)
	if err != nil {
		return StatusInfo{}, err
	}
	if len(runs) > 0 {
		st.LastRun = &runs[0]
	}
	st.Release = p.statusRelease()
	incidents, err := p.Incidents(0)
	if err != nil {
		return StatusInfo{}, err
	}
	for _, in := range incidents {
		if in.Resolved == "" {
			st.Incidents = append(st.Incidents, in)
		}
	}
	if info.ConfigError != "" {
		return st, nil // the targets are in the config
	}
	if st.Targets, err = p.statusTargets(st.Incidents); err != nil {
		return StatusInfo{}, err
	}
	return st, nil
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
	byName := map[string]CheckInfo{}
	for _, c := range checks {
		byName[c.Name] = c
	}
	out := make([]StatusTarget, 0, len(targets))
	for _, t := range targets {
		s := StatusTarget{Name: t.Name, Production: t.Production, Uptime7: -1}
		if t.Current != nil {
			s.Version, s.Since = t.Current.Version, t.Current.FinishedAt
		}
		if c, ok := byName["target:"+t.Name]; ok {
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
		if in.Check == c.Name {
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
