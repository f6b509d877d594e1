package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
	"eightfold/backend/sshx"
	"eightfold/backend/store"
)

// HostInfo is how a deploy or rollback of a target with several hosts went on one host.
type HostInfo struct {
	Host            string `json:"host"`             // user@host:port (with :path when two hosts share the address)
	State           string `json:"state"`            // untouched, running, deployed, failed, rolled back
	Release         string `json:"release"`          // the release directory the deploy made (or the rollback chose) there
	Version         string `json:"version"`          // its version
	Previous        string `json:"previous"`         // what current pointed to before; "" for a first deploy
	PreviousVersion string `json:"previous_version"` // its version
	Current         string `json:"current"`          // what current points to after; "" when nothing does
	Failure         string `json:"failure"`          // why it failed on this host
	HostKey         string `json:"host_key"`         // "SHA256:…": this host's key is unknown and stopped the rollout; trust it with TrustHostKey
	StartedAt       string `json:"started_at"`       // RFC 3339: when its own deploy (or rollback) started; "" while untouched
	TookMs          int64  `json:"took_ms"`          // its deploy from StartedAt, plus its switch back (not the wait between them)
}

// TargetHostInfo is one host of a target with what it runs, as far as Eightfold's records
// say: the release of the newest deploy or rollback that left it on a release.
type TargetHostInfo struct {
	Host    string `json:"host"`    // user@host:port (with :path when two hosts share the address)
	Path    string `json:"path"`    // its deploy root
	Release string `json:"release"` // the release directory current points to; "" when unknown or none
	Version string `json:"version"` // its version
}

// Hosts records the hosts' states of a rollout and announces them.
func (j *deployJob) Hosts(hosts []deploy.HostResult) { j.saveHosts(j.hostInfos(hosts)) }

// hostInfos are the API's view of a rollout's hosts.
func (j *deployJob) hostInfos(hosts []deploy.HostResult) []HostInfo {
	out := make([]HostInfo, len(hosts))
	for i, h := range hosts {
		out[i] = HostInfo{Host: h.Host, State: h.State, Release: h.Release, Version: h.Version, Previous: h.Previous,
			PreviousVersion: h.PreviousVersion, Current: h.Current, Failure: j.scrub.Scrub(h.Failure), TookMs: h.Took.Milliseconds()}
		if !h.Started.IsZero() {
			out[i].StartedAt = rfc3339(h.Started.UnixMilli())
		}
	}
	return out
}

// saveHosts records the hosts of a rollout and announces them.
func (j *deployJob) saveHosts(out []HostInfo) {
	b, _ := json.Marshal(out)
	j.mu.Lock()
	j.rec.Hosts = string(b)
	j.mu.Unlock()
	j.save()
}

// finishRollout records a rollout's result: each host's outcome, and the sums of the hosts'
// uploads and warnings on the deploy.
func (j *deployJob) finishRollout(res deploy.RolloutResult, err error, now time.Time) DeployInfo {
	hosts := j.hostInfos(res.Hosts)
	var refused *deploy.HostError
	var unknown *sshx.UnknownHostError
	if errors.As(err, &refused) && errors.As(err, &unknown) {
		for i := range hosts {
			if hosts[i].Host == refused.Host {
				hosts[i].HostKey = unknown.Fingerprint
			}
		}
	}
	j.saveHosts(hosts)
	sum := deploy.Result{}
	if reached(res) {
		sum.Release = res.Release
	}
	j.mu.Lock()
	for _, h := range res.Hosts {
		r := h.Result
		sum.Uploaded, sum.Linked = sum.Uploaded+r.Uploaded, sum.Linked+r.Linked
		sum.UploadedBytes, sum.TotalBytes = sum.UploadedBytes+r.UploadedBytes, sum.TotalBytes+r.TotalBytes
		sum.RolledBack = sum.RolledBack || h.State == deploy.HostRolledBack || r.RolledBack
		for _, w := range r.Warnings {
			sum.Warnings = append(sum.Warnings, h.Host+": "+w)
		}
		if r.Logs != "" {
			fmt.Fprintf(&j.log, "[logs] the failed release's last lines on %s:\n%s", h.Host, r.Logs)
		}
	}
	j.mu.Unlock()
	return j.finish(sum, err, now)
}

// reached reports whether a rollout did anything on a host: a verdict on the release, not
// on a connection or a lock.
func reached(res deploy.RolloutResult) bool {
	for _, h := range res.Hosts {
		if h.State != deploy.HostUntouched {
			return true
		}
	}
	return false
}

// rollout is the rollout of spec to every host of t: the same deploy on each, with the
// host's own path, env and health check.
func (p *Project) rollout(t config.Target, spec deploy.Spec) *deploy.Rollout {
	r := &deploy.Rollout{Parallel: t.Parallel}
	names := t.HostNames()
	for i, ht := range t.PerHost() {
		s := spec
		s.Root, s.Env, s.Health = ht.Path, ht.Env, gate(ht)
		r.Sites = append(r.Sites, deploy.Site{Name: names[i], Spec: s,
			Connect: func(ctx context.Context) (deploy.Host, error) { return p.connect(ctx, ht) }})
	}
	return r
}

// gate is a target's health gate for the deploy engine; nil without a health check.
func gate(t config.Target) *deploy.Gate {
	if t.Health == nil {
		return nil
	}
	return &deploy.Gate{Check: t.Health.Check(), Interval: t.Health.Interval, Deadline: t.Health.Deadline}
}

// runRollout deploys (or rolls back, with do) a target on several hosts, and records each
// host's outcome; a lock a host could not release over a dropped connection is released
// over a new one.
func (p *Project) runRollout(ctx context.Context, job *deployJob, t config.Target, r *deploy.Rollout,
	do func(context.Context, deploy.Rollout, deploy.Reporter) (deploy.RolloutResult, error)) (deploy.RolloutResult, DeployInfo, error) {
	res, err := do(ctx, *r, job)
	hosts := t.PerHost()
	for i := range res.Hosts {
		p.unlockAfterDrop(ctx, hosts[i], &res.Hosts[i].Result)
	}
	job.mu.Lock()
	if res.Version != "" {
		job.rec.Version, job.rec.Commit = res.Version, res.Commit
	}
	job.mu.Unlock()
	return res, job.finishRollout(res, err, p.now()), err
}

// targetHosts are a target's hosts with what each runs: walking the target's deploys from
// the newest, a host's release is the one the first deploy that left it on a release says.
func (p *Project) targetHosts(t config.Target) ([]TargetHostInfo, error) {
	if len(t.Hosts) == 0 {
		return []TargetHostInfo{}, nil
	}
	ds, err := p.store.Deploys(context.Background(), p.id, t.Name, 0)
	if err != nil {
		return nil, err
	}
	per, names := t.PerHost(), t.HostNames()
	out := make([]TargetHostInfo, len(per))
	known := map[string]bool{}
	for i, ht := range per {
		out[i] = TargetHostInfo{Host: names[i], Path: ht.Path}
	}
	for _, d := range ds {
		var hosts []HostInfo
		_ = json.Unmarshal([]byte(d.Hosts), &hosts)
		for _, h := range hosts {
			release, version, ok := hostRuns(h)
			if !ok || known[h.Host] {
				continue
			}
			known[h.Host] = true
			for i := range out {
				if out[i].Host == h.Host {
					out[i].Release, out[i].Version = release, version
				}
			}
		}
	}
	return out, nil
}

// hostRuns is what a host runs after a deploy's outcome on it; ok is false when the deploy
// did not touch it (or is still running there).
func hostRuns(h HostInfo) (release, version string, ok bool) {
	switch {
	case h.State == deploy.HostUntouched || h.State == deploy.HostRunning:
		return "", "", false
	case h.Current == h.Release:
		return h.Release, h.Version, true
	case h.Current == h.Previous:
		return h.Previous, h.PreviousVersion, true
	}
	return h.Current, "", true // a release neither of them: only its directory is known
}

// hostsLabel names a target's hosts for a deploy's record: "local", user@host:port, or the
// hosts joined.
func hostsLabel(t config.Target) string {
	if len(t.Hosts) > 0 {
		return strings.Join(t.HostNames(), ", ")
	}
	return hostName(t)
}

// hostsInfo decodes a deploy record's hosts.
func hostsInfo(d store.Deploy) []HostInfo {
	out := []HostInfo{}
	_ = json.Unmarshal([]byte(d.Hosts), &out)
	return out
}

// hostKeyHost is the host of a deploy record whose unknown key stopped it; "" when none did.
func hostKeyHost(hosts []HostInfo) string {
	for _, h := range hosts {
		if h.HostKey != "" {
			return h.Host
		}
	}
	return ""
}

// keyHost is the host of a target with several hosts whose unknown key has fingerprint: the
// one the newest deploy it stopped names, matched among the target's hosts.
func (p *Project) keyHost(t config.Target, fingerprint string) (config.Target, error) {
	ds, err := p.store.Deploys(context.Background(), p.id, t.Name, 0)
	if err != nil {
		return config.Target{}, err
	}
	fingerprint = strings.TrimSpace(fingerprint)
	names := t.HostNames()
	for _, d := range ds {
		for _, h := range hostsInfo(d) {
			if h.HostKey != fingerprint {
				continue
			}
			if i := slices.Index(names, h.Host); i >= 0 {
				return t.PerHost()[i], nil
			}
		}
	}
	return config.Target{}, errorf(CodeConflict, "no deploy of %s was stopped by a host presenting the key %s, so Eightfold does not know which of its hosts (%s) to trust it for: deploy first, then trust the key the refusal names",
		t.Name, fingerprint, strings.Join(names, ", "))
}
