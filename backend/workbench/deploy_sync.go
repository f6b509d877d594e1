package workbench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
	"eightfold/backend/sshx"
	"eightfold/backend/store"
)

// A deploy made elsewhere (a CI job running `eightfold deploy --from-tree` with a data dir
// of its own, a colleague's laptop) never reaches this machine's history, but it writes a
// line to the audit log of every host it touched, as Eightfold's own deploys do. SyncDeploys
// reads those logs and records what the history lacks, so the target cards, the hosts'
// versions and DORA count every deployer's deploys.

// DeploySync is what SyncDeploys did for one target.
type DeploySync struct {
	Target   string       `json:"target"`
	Recorded []DeployInfo `json:"recorded"` // the deploys and rollbacks recorded now, oldest first
	Known    int          `json:"known"`    // those of the audit logs the history had already
	Skipped  []string     `json:"skipped"`  // audit lines that could not be read: host, line number and why
	Failure  string       `json:"failure"`  // why the target's logs could not be read; nothing was recorded for it
	HostKey  string       `json:"host_key"` // "SHA256:…": a host's key is unknown; trust it with TrustHostKey, then sync again
}

// SyncDeploys reads the audit logs of targets (every target of eightfold.yaml when none is
// named), on each of their hosts, and records the deploys and rollbacks the history does not
// know yet. A target whose logs cannot all be read (a host down, an unknown host key) records
// nothing and says why; the others go on. Syncing again records nothing new.
func (p *Project) SyncDeploys(ctx context.Context, targets []string) ([]DeploySync, error) {
	cfg, err := config.Load(p.dir)
	if err != nil {
		return nil, errorf(CodeConflict, "%v", err)
	}
	if len(targets) == 0 {
		targets = cfg.TargetOrder
	}
	for _, name := range targets {
		if _, ok := cfg.Targets[name]; !ok {
			return nil, errorf(CodeNotFound, "there is no target %q in eightfold.yaml%s", name, targetList(cfg))
		}
	}
	out := make([]DeploySync, 0, len(targets))
	for _, name := range targets {
		out = append(out, p.syncTarget(ctx, cfg.Targets[name]))
	}
	return out, nil
}

// syncTarget reads a target's audit logs and records what is new in them.
func (p *Project) syncTarget(ctx context.Context, t config.Target) DeploySync {
	res := DeploySync{Target: t.Name, Recorded: []DeployInfo{}, Skipped: []string{}}
	logs, err := p.readAudits(ctx, t, &res)
	if err != nil {
		res.Failure = err.Error()
		var unknown *sshx.UnknownHostError
		if errors.As(err, &unknown) {
			res.HostKey = unknown.Fingerprint
		}
		return res
	}
	events := auditEvents(logs)
	ds := make([]store.Deploy, len(events))
	for i, ev := range events {
		ds[i] = p.auditDeploy(ctx, t, logs, ev)
	}
	recorded, err := p.store.ImportDeploys(ctx, ds)
	if err != nil {
		res.Failure = err.Error()
		return res
	}
	res.Known = len(ds) - len(recorded)
	for _, d := range recorded {
		info := deployInfo(d)
		res.Recorded = append(res.Recorded, info)
		p.emit.Emit(TopicDeployUpdated, info)
		if d.Kind != "rollback" {
			p.applyDeploy(t, d, d.Status == store.DeploySucceeded, time.UnixMilli(d.FinishedMs))
		}
	}
	if t.Production && len(recorded) > 0 {
		_, _ = p.recordDeployCommits(ctx, []string{t.Name}) // DORA's lead time reads them
	}
	return res
}

// hostAudit is the audit log of one host of a target, in its order.
type hostAudit struct {
	host  string
	lines []auditEntry
}

// auditEntry is a deploy's or rollback's line of a host's audit log.
type auditEntry struct {
	deploy.AuditLine
	host int // the host's index among the target's
}

// readAudits reads the audit log of each of a target's hosts, keeping the deploys' and
// rollbacks' lines; the lines it skips are added to res.
func (p *Project) readAudits(ctx context.Context, t config.Target, res *DeploySync) ([]hostAudit, error) {
	per, names := t.PerHost(), t.HostNames()
	out := make([]hostAudit, len(per))
	for i, ht := range per {
		out[i].host = hostName(ht)
		if len(t.Hosts) > 0 {
			out[i].host = names[i]
		}
		lines, skipped, err := p.readAudit(ctx, ht)
		if err != nil {
			return nil, err
		}
		for _, s := range skipped {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: line %d of %s/.eightfold/audit.log skipped: %s", out[i].host, s.Line, ht.Path, s.Reason))
		}
		for _, l := range lines {
			if (ships(l.Action) || l.Action == "rollback") && l.Result != deploy.AuditForcedUnlock {
				out[i].lines = append(out[i].lines, auditEntry{AuditLine: l, host: i})
			}
		}
	}
	return out, nil
}

// readAudit reads the audit log on one host: a local target is read where it is (not made
// when it is missing), a server over SSH with its host key checked as for a deploy.
func (p *Project) readAudit(ctx context.Context, t config.Target) ([]deploy.AuditLine, []deploy.AuditSkip, error) {
	var h deploy.Host = deploy.LocalHost{}
	if !t.Local {
		var err error
		if h, err = p.connect(ctx, t); err != nil {
			return nil, nil, err
		}
	}
	defer h.Close()
	return deploy.ReadAudit(h, t.Path)
}

// auditEvent is one deploy or rollback as the audit logs tell it: its line on each host it
// reached, in the hosts' order, and for a rollout that failed the lines of the hosts it
// switched back.
type auditEvent struct {
	kind    string
	lines   []auditEntry
	reverts map[int]auditEntry // host → the line of its switch back
}

// has reports whether the event has its own line on host.
func (ev *auditEvent) has(host int) bool {
	return slices.ContainsFunc(ev.lines, func(e auditEntry) bool { return e.host == host })
}

// switched reports whether the deploy made its release current somewhere before it failed:
// a line says so, or a host was switched back.
func (ev *auditEvent) switched() bool {
	return len(ev.reverts) > 0 || slices.ContainsFunc(ev.lines, func(e auditEntry) bool { return e.Switched })
}

// switchedSteps are the steps of a failed deploy recorded from the audit logs that had
// switched: the audit log keeps no steps, but DORA counts a deploy that failed after its
// switch as a change failure by its switch step (store.ChangeDeploys).
func switchedSteps() string {
	b, _ := json.Marshal([]deploy.StepEvent{{Name: deploy.StepSwitch, Status: deploy.StepPassed,
		Detail: "the audit log says the release was made current before the deploy failed"}})
	return string(b)
}

// ships reports whether an audit line's action put a release on the host: a deploy or a
// promotion.
func ships(action string) bool {
	return action == deploy.ActionDeploy || action == deploy.ActionPromote
}

// failed reports whether a rollout to hosts hosts did not end on its release everywhere.
func (ev *auditEvent) failed(hosts int) bool {
	return len(ev.lines) < hosts || slices.ContainsFunc(ev.lines, func(e auditEntry) bool { return e.Result != deploy.AuditOK })
}

// auditEvents groups the hosts' lines into deploys and rollbacks, oldest first. On one host
// each line is one. A rollout writes a line on each host it reached, all with one release
// name; when it failed, a host it switched back writes a rollback line right after its
// deploy line (its lock held all along). A rollback of every host writes a line on each,
// with one version.
func auditEvents(logs []hostAudit) []*auditEvent {
	var all []auditEntry
	for _, l := range logs {
		all = append(all, l.lines...)
	}
	slices.SortStableFunc(all, func(a, b auditEntry) int { return a.At.Compare(b.At) })
	var out []*auditEvent
	open := map[string]*auditEvent{} // the newest event of each release (deploys) or who and version (rollbacks)
	last := map[int]*auditEvent{}    // the event of each host's newest line
	lastLine := map[int]auditEntry{}
	for _, e := range all {
		if ev := last[e.host]; len(logs) > 1 && e.Action == "rollback" && isRevert(ev, lastLine[e.host], e, len(logs)) {
			ev.reverts[e.host] = e
			last[e.host] = nil
			continue
		}
		key := e.Action + "\x00" + e.Release
		if e.Action == "rollback" {
			key = e.Action + "\x00" + e.Who + "\x00" + e.Version
		}
		ev := open[key]
		if len(logs) == 1 || ev == nil || ev.has(e.host) || (ships(e.Action) && e.Release == "") {
			ev = &auditEvent{kind: e.Action, reverts: map[int]auditEntry{}}
			open[key] = ev
			out = append(out, ev)
		}
		ev.lines = append(ev.lines, e)
		last[e.host], lastLine[e.host] = ev, e
	}
	for _, ev := range out {
		slices.SortFunc(ev.lines, func(a, b auditEntry) int { return a.host - b.host })
	}
	return out
}

// isRevert reports whether rollback line e switches its host back after the host's deploy
// line prev of rollout ev, which failed: by the same deployer, after a deploy that succeeded
// there (or, a withdrawal that chose no release, after its own failed first deploy).
func isRevert(ev *auditEvent, prev, e auditEntry, hosts int) bool {
	return ev != nil && ships(ev.kind) && prev.Who == e.Who && ev.failed(hosts) &&
		(prev.Result == deploy.AuditOK || e.Release == "")
}

// auditDeploy is the record of a deploy or rollback the audit logs tell: finished when its
// last line was written, started when its first was (as close as the logs say).
func (p *Project) auditDeploy(ctx context.Context, t config.Target, logs []hostAudit, ev *auditEvent) store.Deploy {
	first := ev.lines[0]
	d := store.Deploy{ProjectID: p.id, Target: t.Name, Kind: ev.kind, Version: first.Version, Commit: first.Commit, Who: first.Who,
		Host: hostsLabel(t), ReleaseDir: first.Release, Status: store.DeploySucceeded, Failure: first.Reason,
		StartedMs: first.At.UnixMilli(), FinishedMs: first.At.UnixMilli()}
	var where []string
	for _, e := range slices.Concat(ev.lines, slices.Collect(maps.Values(ev.reverts))) {
		d.StartedMs, d.FinishedMs = min(d.StartedMs, e.At.UnixMilli()), max(d.FinishedMs, e.At.UnixMilli())
		where = append(where, fmt.Sprintf("%s line %d", logs[e.host].host, e.Line))
	}
	slices.Sort(where)
	d.Log = fmt.Sprintf("Recorded from the target's audit log (%s) by `eightfold import deploys`: %s ran it elsewhere, "+
		"so its steps and output are with them.\n", strings.Join(where, ", "), cmp.Or(d.Who, "someone"))
	if ships(ev.kind) {
		if r, err := p.store.ReleaseByVersion(ctx, p.id, d.Version); err == nil && r.Commit == d.Commit {
			d.ReleaseID = r.ID
		}
	}
	if len(logs) > 1 {
		hosts, failure := rolloutHosts(logs, ev)
		b, _ := json.Marshal(hosts)
		d.Hosts, d.Failure = string(b), failure
		d.RolledBack = len(ev.reverts) > 0
	}
	if d.Failure != "" || first.Result != deploy.AuditOK {
		d.Status = store.DeployFailed
	}
	if d.Status == store.DeployFailed && ships(ev.kind) && ev.switched() {
		d.Steps = switchedSteps()
	}
	return d
}

// rolloutHosts is how a deploy or rollback of several hosts went on each, and its failure
// worded host by host as a rollout's own is ("" when every host is on its release).
func rolloutHosts(logs []hostAudit, ev *auditEvent) ([]HostInfo, string) {
	out := make([]HostInfo, len(logs))
	var failed, back, untouched []string
	for i, l := range logs {
		h := HostInfo{Host: l.host, State: deploy.HostUntouched}
		if k := slices.IndexFunc(ev.lines, func(e auditEntry) bool { return e.host == i }); k >= 0 {
			e := ev.lines[k]
			h.State, h.Release, h.Version, h.Previous, h.Current = deploy.HostDeployed, e.Release, e.Version, e.Previous, e.Release
			h.StartedAt = rfc3339(e.At.UnixMilli())
			if e.Result != deploy.AuditOK {
				h.State, h.Failure, h.Current = deploy.HostFailed, e.Reason, e.Previous
			}
		}
		if r, ok := ev.reverts[i]; ok {
			switch {
			case r.Result != deploy.AuditOK && h.State == deploy.HostDeployed:
				h.State, h.Failure = deploy.HostFailed, "it was deployed, but switching it back failed: "+r.Reason
			case r.Result != deploy.AuditOK:
				h.Failure += "; " + r.Reason
			case h.State == deploy.HostDeployed:
				h.State, h.Current = deploy.HostRolledBack, r.Release
			default: // its own first deploy failed, and its app was stopped
				h.Current = ""
			}
		}
		switch h.State {
		case deploy.HostFailed:
			failed = append(failed, h.Host+": "+h.Failure)
		case deploy.HostRolledBack:
			back = append(back, h.Host)
		case deploy.HostUntouched:
			untouched = append(untouched, h.Host)
		}
		out[i] = h
	}
	return out, rolloutFailure(failed, back, untouched)
}

// rolloutFailure words how a rollout failed, as deploy's rollout does: the failed hosts with
// their reasons, then those switched back and those not touched.
func rolloutFailure(failed, back, untouched []string) string {
	parts := slices.Clone(failed)
	if len(parts) == 0 && len(back)+len(untouched) > 0 {
		parts = []string{"the rollout was cancelled"}
	}
	say := func(what string, hosts []string) {
		if len(hosts) > 0 {
			parts = append(parts, what+strings.Join(hosts, ", "))
		}
	}
	say("switched back to what they ran before: ", back)
	say("not touched: ", untouched)
	return strings.Join(parts, "; ")
}
