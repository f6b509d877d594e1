package workbench

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/health"
	"eightfold/backend/monitor"
	"eightfold/backend/sshx"
	"eightfold/backend/store"
)

// TopicCheckUpdated is sent with a CheckInfo when a health check changes state (UP, DOWN).
const TopicCheckUpdated = "check.updated"

// monitorChecks are the checks the config asks for: every deploy target's health URL
// ("target:NAME", every monitor.interval, checked from the server's side for ssh targets;
// a target with hosts has one per host, "target:NAME@HOST", each with the host's own URL)
// and each of checks: ("check:NAME").
func (p *Project) monitorChecks(cfg *config.Config, dialers map[string]*sshDialer) []monitor.Check {
	var out []monitor.Check
	for _, name := range cfg.TargetOrder {
		hosts, checks := cfg.Targets[name].PerHost(), targetCheckNames(cfg.Targets[name])
		for i, t := range hosts {
			if t.Health == nil {
				continue
			}
			probe := t.Health.Check()
			if !t.Local {
				d := dialers[checks[i]]
				if d == nil {
					d = &sshDialer{p: p, target: t}
					dialers[checks[i]] = d
				}
				probe.Dial = d.DialContext
			}
			out = append(out, monitor.Check{Name: checks[i], Probe: probe, Interval: cfg.Monitor.Interval,
				FailureThreshold: cfg.Monitor.FailureThreshold, SuccessThreshold: cfg.Monitor.SuccessThreshold})
		}
	}
	for _, name := range cfg.CheckOrder {
		c := cfg.Checks[name]
		out = append(out, monitor.Check{Name: "check:" + name, Probe: c.Health.Check(), Interval: c.Interval,
			FailureThreshold: c.FailureThreshold, SuccessThreshold: c.SuccessThreshold})
	}
	return out
}

// targetCheckNames name the checks of a target's health, in the order of PerHost:
// "target:NAME", or "target:NAME@HOST" for each host of a target with hosts (HOST as in
// HostNames).
func targetCheckNames(t config.Target) []string {
	if len(t.Hosts) == 0 {
		return []string{"target:" + t.Name}
	}
	var out []string
	for _, host := range t.HostNames() {
		out = append(out, "target:"+t.Name+"@"+host)
	}
	return out
}

// checkTarget is the target a check of targetCheckNames watches, and its host ("" for a
// target with one host); ok is false for a check of checks:.
func checkTarget(check string) (target, host string, ok bool) {
	rest, ok := strings.CutPrefix(check, "target:")
	if !ok {
		return "", "", false
	}
	target, host, _ = strings.Cut(rest, "@") // a target's name has no @
	return target, host, true
}

// targetCheck is the state of a target's health among checks: its check, or for a target
// with hosts the hosts' checks combined: DOWN when one is, PENDING when one is and none is
// DOWN, UP when all are, "" when one is not monitored now; the reason names the hosts.
func targetCheck(checks []CheckInfo, name string) (CheckInfo, bool) {
	var hosts []CheckInfo
	for _, c := range checks {
		if target, _, ok := checkTarget(c.Name); ok && target == name {
			hosts = append(hosts, c)
		}
	}
	switch {
	case len(hosts) == 0:
		return CheckInfo{}, false
	case len(hosts) == 1 && hosts[0].Name == "target:"+name:
		return hosts[0], true
	}
	out := CheckInfo{Name: "target:" + name, URL: hosts[0].URL, State: string(monitor.Up), Status: hosts[0].Status, Uptime7: -1}
	var reasons []string
	rank := map[string]int{string(monitor.Up): 0, "": 1, string(monitor.Pending): 2, string(monitor.Down): 3}
	for _, h := range hosts {
		if rank[h.State] > rank[out.State] {
			out.State = h.State
		}
		if h.Reason != "" {
			_, host, _ := checkTarget(h.Name)
			reasons = append(reasons, host+": "+h.Reason)
			out.Status = h.Status
		}
		out.Since, out.TookMs = max(out.Since, h.Since), max(out.TookMs, h.TookMs)
		if h.Uptime7 >= 0 && (out.Uptime7 < 0 || h.Uptime7 < out.Uptime7) {
			out.Uptime7 = h.Uptime7 // the worst host's
		}
	}
	out.Reason, out.Hosts = strings.Join(reasons, "; "), hosts
	return out, true
}

// sshDialer opens connections from an ssh target's side through one SSH connection,
// dialled when first needed and again after it broke.
type sshDialer struct {
	p      *Project
	target config.Target
	mu     sync.Mutex
	host   *sshx.Host
}

// DialContext opens a connection to addr as the server sees it.
func (d *sshDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.host == nil {
		st, err := d.p.sshTarget(d.target)
		if err != nil {
			return nil, err
		}
		if d.host, err = sshx.Dial(ctx, st, d.p.trust()); err != nil {
			return nil, fmt.Errorf("ssh to %s (%s): %w", d.target.Name, d.target.SSH, err)
		}
	}
	conn, err := d.host.DialContext(ctx, network, addr)
	if err != nil && ctx.Err() == nil { // the connection may be gone: dial afresh next time
		d.host.Close()
		d.host = nil
	}
	return conn, err
}

func (d *sshDialer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.host != nil {
		d.host.Close()
		d.host = nil
	}
}

// monitorSink stores every result (in batches, once a second), opens an incident when a
// check goes DOWN and resolves it when it is UP again.
type monitorSink struct {
	p     *Project
	mu    sync.Mutex
	ids   map[string]int64
	batch []store.CheckResult
}

// Observed records one result.
func (s *monitorSink) Observed(c monitor.Check, r health.Result, st monitor.Status, tr *monitor.Transition) {
	ctx := context.Background()
	id, err := s.checkID(ctx, c)
	if err != nil {
		return
	}
	at := time.Now()
	s.mu.Lock()
	s.batch = append(s.batch, store.CheckResult{CheckID: id, AtMs: at.UnixMilli(), OK: r.OK, Status: r.Status,
		TookMs: r.Took.Milliseconds(), Reason: r.Reason})
	s.mu.Unlock()
	if tr != nil {
		s.transition(ctx, c, id, *tr)
		s.p.emit.Emit(TopicCheckUpdated, checkInfo(c.Name, c.Probe.URL, st))
	}
}

// checkID is the store's id of a check, made on first use.
func (s *monitorSink) checkID(ctx context.Context, c monitor.Check) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.ids[c.Name]; ok {
		return id, nil
	}
	id, err := s.p.store.EnsureCheck(ctx, s.p.id, c.Name, c.Probe.URL)
	if err == nil {
		s.ids[c.Name] = id
	}
	return id, err
}

// transition opens or resolves the check's incident.
func (s *monitorSink) transition(ctx context.Context, c monitor.Check, id int64, tr monitor.Transition) {
	switch tr.To {
	case monitor.Down:
		in := store.Incident{ProjectID: s.p.id, CheckID: id, Kind: store.IncidentCheckDown, StartedMs: tr.At.UnixMilli(),
			Title: fmt.Sprintf("%s is DOWN: %s", c.Name, tr.Reason)}
		if target, host, ok := checkTarget(c.Name); ok {
			if host != "" {
				in.Title = fmt.Sprintf("target:%s is DOWN on %s: %s", target, host, tr.Reason)
			}
			deploying, stopped := s.p.targets.of(target)
			if stopped {
				return // stopped from the Operate view: down on purpose
			}
			in.DeployID = deploying // going down during a deploy is that deploy's doing
			if deploying == 0 {
				if d, found, err := s.p.store.CurrentDeploy(ctx, s.p.id, target); err == nil && found {
					in.DeployID = d.ID
				}
			}
		}
		s.p.openIncident(ctx, in)
	case monitor.Up:
		if in, ok, err := s.p.store.OpenIncidentOf(ctx, id); err == nil && ok {
			s.p.resolveIncident(ctx, in.ID, tr.At.UnixMilli())
		}
	}
}

// flush stores the results gathered since the last flush.
func (s *monitorSink) flush() {
	s.mu.Lock()
	batch := s.batch
	s.batch = nil
	s.mu.Unlock()
	if len(batch) > 0 {
		_ = s.p.store.AddCheckResults(context.Background(), batch)
	}
}

// monitorFlush is how often results are written; monitorReload how often eightfold.yaml is
// read again for new or changed checks; rollUpEvery how often old results are rolled up.
const (
	monitorFlush  = time.Second
	monitorReload = 30 * time.Second
	rollUpEvery   = time.Hour
)

// MonitorInBackground runs the config's health checks until the returned stop is called
// (which waits for them): results go to the store, state changes open and resolve
// incidents and are announced. eightfold.yaml is read again every 30 s.
func (p *Project) MonitorInBackground() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sink := &monitorSink{p: p, ids: map[string]int64{}}
	runner := monitor.NewRunner(sink)
	dialers := map[string]*sshDialer{}
	p.mu.Lock()
	p.monitor = runner
	p.mu.Unlock()
	reload := func() (config.Monitor, bool) {
		cfg, err := config.Load(p.dir)
		if err != nil {
			return config.Monitor{}, false
		}
		runner.Set(p.monitorChecks(cfg, dialers))
		return cfg.Monitor, true
	}
	reload()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); runner.Run(ctx) }()
	go func() { defer wg.Done(); p.monitorChores(ctx, sink, reload) }()
	return func() {
		cancel()
		wg.Wait()
		p.mu.Lock()
		p.monitor = nil
		p.mu.Unlock()
		sink.flush()
		for _, d := range dialers {
			d.close()
		}
	}
}

// monitorChores writes results, reads the config again and rolls up old results.
func (p *Project) monitorChores(ctx context.Context, sink *monitorSink, reload func() (config.Monitor, bool)) {
	flush, again, roll := time.NewTicker(monitorFlush), time.NewTicker(monitorReload), time.NewTicker(rollUpEvery)
	defer flush.Stop()
	defer again.Stop()
	defer roll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-flush.C:
			sink.flush()
		case <-again.C:
			reload()
		case <-roll.C:
			if m, ok := reload(); ok {
				_, _, _ = p.store.RollUpChecks(ctx, time.Now(), m.Retention.Raw, m.Retention.Hourly)
			}
		}
	}
}

// CheckInfo is a health check and how it stands.
type CheckInfo struct {
	Name    string  `json:"name"` // "target:staging", "check:api"
	URL     string  `json:"url"`
	State   string  `json:"state"` // UP, DOWN, PENDING; "" when not monitored now
	Since   string  `json:"since"`
	Status  int     `json:"status"` // of the last result
	TookMs  int64   `json:"took_ms"`
	Reason  string  `json:"reason"` // why the last result failed
	Uptime7 float64 `json:"uptime_7d"`
	// Hosts are the checks of each host when this is a target with hosts, combined above
	// (DOWN when one is, the reasons named by host); omitted otherwise.
	Hosts []CheckInfo `json:"hosts,omitempty"`
}

// checkInfo describes a check from its status.
func checkInfo(name, url string, st monitor.Status) CheckInfo {
	info := CheckInfo{Name: name, URL: url, State: string(st.State), Status: st.Last.Status,
		TookMs: st.Last.Took.Milliseconds(), Reason: st.Last.Reason, Uptime7: -1}
	if !st.Since.IsZero() { // a check not probed yet has no state to date
		info.Since = rfc3339(st.Since.UnixMilli())
	}
	return info
}

// Checks lists the config's checks: their state while the project is monitored, else the
// last stored result, and the uptime of the last 7 days.
func (p *Project) Checks() ([]CheckInfo, error) {
	cfg, err := config.Load(p.dir)
	if err != nil {
		return nil, errorf(CodeConflict, "%v", err)
	}
	p.mu.Lock()
	runner := p.monitor
	p.mu.Unlock()
	var statuses map[string]monitor.Status
	if runner != nil {
		statuses = runner.Statuses()
	}
	var out []CheckInfo
	for _, c := range p.monitorChecks(cfg, map[string]*sshDialer{}) {
		info := checkInfo(c.Name, c.Probe.URL, statuses[c.Name])
		if err := p.storedCheck(c, &info); err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// storedCheck fills in the last stored result and the 7-day uptime. It only reads (a
// command run while the workbench is open has a read-only store): a check nothing was stored
// about keeps its blanks.
func (p *Project) storedCheck(c monitor.Check, info *CheckInfo) error {
	ctx := context.Background()
	id, found, err := p.store.FindCheck(ctx, p.id, c.Name)
	if err != nil || !found {
		return err
	}
	if info.State == "" {
		last, err := p.store.LastCheckResults(ctx, id, 1)
		if err != nil {
			return err
		}
		if len(last) == 1 {
			info.Status, info.TookMs, info.Reason = last[0].Status, last[0].TookMs, last[0].Reason
		}
	}
	days, err := p.store.Uptime(ctx, id, 7, time.Now())
	if err != nil {
		return err
	}
	var total, ok int64
	for _, d := range days {
		total, ok = total+d.Total, ok+d.OK
	}
	if total > 0 {
		info.Uptime7 = float64(ok) / float64(total)
	}
	return nil
}

// ProbeChecks probes every check of the config once, now, concurrently: what `eightfold
// checks` shows beside the stored state.
func (p *Project) ProbeChecks(ctx context.Context) (map[string]health.Result, error) {
	cfg, err := config.Load(p.dir)
	if err != nil {
		return nil, errorf(CodeConflict, "%v", err)
	}
	dialers := map[string]*sshDialer{}
	defer func() {
		for _, d := range dialers {
			d.close()
		}
	}()
	checks := p.monitorChecks(cfg, dialers)
	out := make(map[string]health.Result, len(checks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range checks {
		wg.Go(func() {
			r := health.Probe(ctx, c.Probe)
			mu.Lock()
			out[c.Name] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out, nil
}
