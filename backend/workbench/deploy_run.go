package workbench

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
	"eightfold/backend/sshx"
	"eightfold/backend/store"
)

// deployPlan is a deploy ready to run: its record, the engine's spec and the target, and
// for a target with several hosts the rollout to them.
type deployPlan struct {
	job     *deployJob
	spec    deploy.Spec
	target  config.Target
	rollout *deploy.Rollout
}

// Deploy deploys a release to a target and waits for the outcome: the terminal's way. A
// deploy that ran and failed is returned with its record and a conflict error.
func (p *Project) Deploy(ctx context.Context, opts DeployOptions, kind string) (DeployInfo, error) {
	dp, err := p.planDeploy(opts, kind)
	if err != nil {
		return DeployInfo{}, err
	}
	return p.runDeploy(ctx, dp)
}

// StartDeploy starts a deploy and returns its record at once (status running); the rest
// arrives as deploy.updated events.
func (p *Project) StartDeploy(opts DeployOptions) (DeployInfo, error) {
	dp, err := p.planDeploy(opts, "deploy")
	if err != nil {
		return DeployInfo{}, err
	}
	return p.inBackground(dp.job, func(ctx context.Context) { p.runDeploy(ctx, dp) })
}

// planDeploy checks a deploy and records it as running.
func (p *Project) planDeploy(opts DeployOptions, kind string) (*deployPlan, error) {
	_, t, err := p.targetConfig(opts.Target)
	if err != nil {
		return nil, err
	}
	rel, err := p.deployRelease(opts)
	if err != nil {
		return nil, err
	}
	if t.Production && rel.ID == 0 {
		return nil, errorf(CodeConflict, "%s is production: it takes releases only, not HEAD's build %s; release it first", t.Name, rel.Version)
	}
	if t.Production && rel.Dirty {
		return nil, errorf(CodeConflict, "%s is a build of uncommitted changes: it can never go to production (%s)", rel.Tag, t.Name)
	}
	if t.Production && !opts.Confirm {
		return nil, errorf(CodeConflict, "%s is production: confirm the deploy of %s", t.Name, rel.Tag)
	}
	arts, err := p.artifacts(rel)
	if err != nil {
		return nil, err
	}
	secrets, err := readSecrets(t)
	if err != nil {
		return nil, err
	}
	spec := deploy.Spec{Target: t.Name, Root: t.Path, Version: rel.Version, Commit: rel.Commit, Who: whoAmI(), Artifacts: arts, Action: kind,
		Start: t.Start, Stop: t.Stop, Logs: t.Logs, BeforeSwitch: t.BeforeSwitch, AfterDeploy: t.AfterDeploy, Env: t.Env, Secrets: secrets,
		Shared: t.Shared, Keep: t.Keep, CandidatePort: t.CandidatePort, ForceUnlock: opts.ForceUnlock, Now: p.now,
		Health: gate(t.PerHost()[0])}
	rec := store.Deploy{ProjectID: p.id, Target: t.Name, Kind: kind, ReleaseID: rel.ID, Version: rel.Version, Commit: rel.Commit,
		Who: spec.Who, Host: hostsLabel(t), Status: store.DeployRunning, StartedMs: p.nowMs(), Steps: "[]"}
	if rec.ID, err = p.store.CreateDeploy(context.Background(), rec); err != nil {
		return nil, err
	}
	job := &deployJob{p: p, rec: rec, scrub: deploy.NewScrubber(slices.Collect(maps.Values(secrets)))}
	job.save()
	dp := &deployPlan{job: job, spec: spec, target: t}
	if len(t.Hosts) > 0 {
		dp.rollout = p.rollout(t, spec)
	}
	return dp, nil
}

// runDeploy connects to the target, runs the engine and records the outcome.
func (p *Project) runDeploy(ctx context.Context, dp *deployPlan) (DeployInfo, error) {
	defer p.targets.deployStarted(dp.target.Name, dp.job.rec.ID)()
	now, info, touched, err := p.deployTo(ctx, dp)
	p.deployFinished(ctx, info)
	if info.Status == store.DeploySucceeded {
		p.targets.setStopped(dp.target.Name, false)
	}
	if dp.target.Production && info.Status == store.DeploySucceeded {
		_, _ = p.recordDeployCommits(context.WithoutCancel(ctx), []string{dp.target.Name}) // DORA reads them
	}
	if touched { // it reached the target: a verdict on the release, not on the connection or the lock
		p.applyDeploy(dp.target, dp.job.rec, err == nil, now)
	}
	if err != nil {
		return info, errorf(CodeConflict, "%s", info.Failure)
	}
	return info, nil
}

// deployTo runs the engine on the target's host (or its hosts) and records the outcome;
// touched is false when it never got past the connection or the lock.
func (p *Project) deployTo(ctx context.Context, dp *deployPlan) (now time.Time, info DeployInfo, touched bool, err error) {
	if dp.rollout != nil {
		var res deploy.RolloutResult
		res, info, err = p.runRollout(ctx, dp.job, dp.target, dp.rollout, deploy.DeployAll)
		return p.now(), info, reached(res), err
	}
	h, err := p.connect(ctx, dp.target)
	var res deploy.Result
	if err == nil {
		res, err = deploy.Deploy(ctx, h, dp.spec, dp.job)
		h.Close()
		p.unlockAfterDrop(ctx, dp.target, &res)
	}
	now = p.now()
	return now, dp.job.finish(res, err, now), res.Release != "", err
}

// unlockAfterDrop connects again to release a lock the deploy could not release over its
// dropped connection (only while the deploy still holds it); a warning says whether it did.
func (p *Project) unlockAfterDrop(ctx context.Context, t config.Target, res *deploy.Result) {
	if !res.LockLeft {
		return
	}
	h, err := p.connect(context.WithoutCancel(ctx), t)
	if err == nil {
		err = deploy.Unlock(h, t.Path, res.LockToken)
		h.Close()
	}
	if err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the lock is still held on %s, and connecting again to release it failed: %v; deploy with force unlock once the target answers", t.Name, err))
		return
	}
	res.LockLeft = false
	res.Warnings = append(res.Warnings, "the lock was released over a new connection")
}

// connect opens the target's host: this machine, or the server over SSH with its host
// key checked against the user's known_hosts and Eightfold's own.
func (p *Project) connect(ctx context.Context, t config.Target) (deploy.Host, error) {
	if len(t.Hosts) > 0 {
		return nil, errorf(CodeConflict, "%s has %d hosts (%s): this works on one host at a time, and deploys, promotions and rollbacks on all of them",
			t.Name, len(t.Hosts), strings.Join(t.HostNames(), ", "))
	}
	if t.Local {
		if err := os.MkdirAll(t.Path, 0o755); err != nil {
			return nil, err
		}
		return deploy.LocalHost{}, nil
	}
	st, err := p.sshTarget(t)
	if err != nil {
		return nil, err
	}
	return sshx.Dial(ctx, st, p.trust())
}

// sshTarget is where an ssh target connects.
func (p *Project) sshTarget(t config.Target) (sshx.Target, error) {
	st, err := sshx.ParseTarget(t.SSH)
	if err != nil {
		return st, err
	}
	st.IdentityFile, st.Jump = expandHome(t.Identity), t.Jump
	return st, nil
}

// trust is where host keys are checked: the user's known_hosts, and Eightfold's own file
// in the data dir, where the keys a person trusts in Eightfold are added.
func (p *Project) trust() sshx.Trust {
	return sshx.Trust{OwnKnownHosts: filepath.Join(filepath.Dir(p.store.Path()), "known_hosts")}
}

// TrustHostKey trusts the host key of a target's server (or its jump host) when it has
// exactly the fingerprint the person checked ("SHA256:…"). On a target with several hosts
// it is the host whose unknown key stopped a deploy (DeployInfo.host_key_host).
func (p *Project) TrustHostKey(target, fingerprint string) error {
	_, t, err := p.targetConfig(target)
	if err != nil {
		return err
	}
	if t.Local {
		return errorf(CodeBadRequest, "%s is a local target: it has no host key", target)
	}
	if len(t.Hosts) > 0 {
		if t, err = p.keyHost(t, fingerprint); err != nil {
			return err
		}
	}
	st, err := p.sshTarget(t)
	if err != nil {
		return err
	}
	if err := p.trust().TrustFingerprint(context.Background(), st, fingerprint); err != nil {
		return errorf(CodeConflict, "%v", err)
	}
	return nil
}

// hostName names a target's host for the record.
func hostName(t config.Target) string {
	if t.Local {
		return "local"
	}
	return t.SSH
}

// expandHome expands a leading ~/ to the home directory.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// readSecrets reads a target's secrets: each from the environment variable of its name,
// else from the target's secrets file. An empty value counts as not set: a CI secret that
// is not defined arrives as an empty variable.
func readSecrets(t config.Target) (map[string]string, error) {
	out := map[string]string{}
	var file map[string]string
	for _, name := range t.Secrets {
		if v := os.Getenv(name); v != "" {
			out[name] = v
			continue
		}
		if file == nil && t.SecretsFile != "" {
			var err error
			if file, err = readSecretsFile(expandHome(t.SecretsFile)); err != nil {
				return nil, err
			}
		}
		v := file[name]
		if v == "" {
			where := "set the environment variable " + name
			if t.SecretsFile != "" {
				where += " or add " + name + "=… to " + t.SecretsFile
			}
			if _, empty := os.LookupEnv(name); empty {
				where += " (it is set but empty, as a CI secret that is not defined arrives)"
			}
			return nil, errorf(CodeConflict, "the secret %s of target %s is not set: %s", name, t.Name, where)
		}
		out[name] = v
	}
	for name, v := range out {
		if len(v) < deploy.MinSecret {
			return nil, errorf(CodeConflict, "the secret %s of target %s is shorter than %d characters: a value that short could not be told apart in logs to hide it", name, t.Name, deploy.MinSecret)
		}
	}
	return out, nil
}

// readSecretsFile reads KEY=VALUE lines; blank lines and # comments are skipped, and a
// value may be quoted with ' or ".
func readSecretsFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errorf(CodeConflict, "read the secrets file: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, "=")
		if line == "" || strings.HasPrefix(line, "#") || !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out[strings.TrimSpace(strings.TrimPrefix(k, "export "))] = v
	}
	return out, nil
}
