package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"eightfold/backend/artifact"
	"eightfold/backend/config"
	"eightfold/backend/deploy"
	journey "eightfold/backend/plan"
	"eightfold/backend/sshx"
	"eightfold/backend/store"
)

// DeployOptions choose what goes where.
type DeployOptions struct {
	Target  string `json:"target"`  // a target of eightfold.yaml
	Release string `json:"release"` // a version or tag; "" is the newest release; "HEAD" is HEAD's green build
	// ForceUnlock removes the target's lock first: the person confirmed it is stale.
	ForceUnlock bool `json:"force_unlock"`
	// Confirm is the person's explicit yes to a production deploy.
	Confirm bool `json:"confirm"`

	releaseID int64 // a promotion names the release by its record, not by a version string
}

// DeployInfo is a deploy, promotion or rollback, running or done.
type DeployInfo struct {
	ID            int64              `json:"id"`
	Target        string             `json:"target"`
	Kind          string             `json:"kind"` // deploy, promote, rollback
	ReleaseID     int64              `json:"release_id"`
	Version       string             `json:"version"`
	Commit        string             `json:"commit"`
	Who           string             `json:"who"`
	Host          string             `json:"host"`
	Status        string             `json:"status"` // running, succeeded, failed
	Failure       string             `json:"failure"`
	HostKey       string             `json:"host_key"`      // "SHA256:…": the server's key is unknown; trust it with TrustHostKey
	HostKeyHost   string             `json:"host_key_host"` // the host of several that presented HostKey; "" for a target with one host
	ReleaseDir    string             `json:"release_dir"`
	RolledBack    bool               `json:"rolled_back"`
	Uploaded      int                `json:"uploaded"`
	Linked        int                `json:"linked"`
	UploadedBytes int64              `json:"uploaded_bytes"`
	TotalBytes    int64              `json:"total_bytes"`
	Steps         []deploy.StepEvent `json:"steps"`
	Warnings      []string           `json:"warnings"` // what went wrong after the release was current and healthy
	Hosts         []HostInfo         `json:"hosts"`    // a target with several hosts: how it went on each, in their order; [] else
	Log           string             `json:"log"`
	StartedAt     string             `json:"started_at"`
	FinishedAt    string             `json:"finished_at"`
}

// TopicDeployUpdated is sent with a DeployInfo as a deploy starts, makes progress and ends.
const TopicDeployUpdated = "deploy.updated"

// deployJob is a deploy in progress: its record, kept up to date from the engine's reports.
type deployJob struct {
	p      *Project
	mu     sync.Mutex
	rec    store.Deploy
	steps  []deploy.StepEvent
	log    strings.Builder
	scrub  *deploy.Scrubber
	lastUp time.Time
}

// Step records a step's state and announces it (upload progress at most 10 times a second).
func (j *deployJob) Step(e deploy.StepEvent) {
	j.mu.Lock()
	i := len(j.steps)
	for k, s := range j.steps {
		if s.Name == e.Name && s.Host == e.Host {
			i = k
		}
	}
	if i == len(j.steps) {
		j.steps = append(j.steps, e)
	} else {
		j.steps[i] = e
	}
	progress := e.Status == deploy.StepRunning && e.Total > 0 && e.Done < e.Total
	if progress && time.Since(j.lastUp) < 100*time.Millisecond {
		j.mu.Unlock()
		return
	}
	j.lastUp = time.Now()
	j.mu.Unlock()
	j.save()
}

// Output keeps a command's line in the deploy's log (already scrubbed by the engine).
func (j *deployJob) Output(step, line string) {
	j.mu.Lock()
	fmt.Fprintf(&j.log, "[%s] %s\n", step, line)
	j.mu.Unlock()
}

// save stores the deploy's state and announces it.
func (j *deployJob) save() DeployInfo {
	j.mu.Lock()
	steps, _ := json.Marshal(j.steps)
	j.rec.Steps, j.rec.Log = string(steps), j.scrub.Scrub(j.log.String())
	rec := j.rec
	j.mu.Unlock()
	if rec.ID != 0 {
		_ = j.p.store.UpdateDeploy(context.Background(), rec)
	}
	info := deployInfo(rec)
	j.p.emit.Emit(TopicDeployUpdated, info)
	return info
}

// finish records the engine's result.
func (j *deployJob) finish(res deploy.Result, err error, now time.Time) DeployInfo {
	j.mu.Lock()
	j.rec.Status, j.rec.FinishedMs = store.DeploySucceeded, now.UnixMilli()
	if err != nil {
		j.rec.Status, j.rec.Failure = store.DeployFailed, j.scrub.Scrub(err.Error())
	}
	var unknown *sshx.UnknownHostError
	if errors.As(err, &unknown) {
		j.rec.HostKey = unknown.Fingerprint
	}
	if len(res.Warnings) > 0 {
		w, _ := json.Marshal(res.Warnings)
		j.rec.Warnings = string(w)
	}
	j.rec.ReleaseDir, j.rec.RolledBack = res.Release, res.RolledBack
	j.rec.Uploaded, j.rec.Linked, j.rec.UploadedBytes, j.rec.TotalBytes = res.Uploaded, res.Linked, res.UploadedBytes, res.TotalBytes
	if res.Logs != "" {
		fmt.Fprintf(&j.log, "[logs] the failed release's last lines:\n%s", res.Logs)
	}
	j.mu.Unlock()
	return j.save()
}

// deployInfo is the API's view of a deploy record.
func deployInfo(d store.Deploy) DeployInfo {
	out := DeployInfo{ID: d.ID, Target: d.Target, Kind: d.Kind, ReleaseID: d.ReleaseID, Version: d.Version, Commit: d.Commit,
		Who: d.Who, Host: d.Host, Status: d.Status, Failure: d.Failure, HostKey: d.HostKey, ReleaseDir: d.ReleaseDir, RolledBack: d.RolledBack,
		Uploaded: d.Uploaded, Linked: d.Linked, UploadedBytes: d.UploadedBytes, TotalBytes: d.TotalBytes, Log: d.Log,
		StartedAt: rfc3339(d.StartedMs), FinishedAt: rfc3339(d.FinishedMs), Steps: []deploy.StepEvent{}, Warnings: []string{}, Hosts: hostsInfo(d)}
	_ = json.Unmarshal([]byte(d.Steps), &out.Steps)
	_ = json.Unmarshal([]byte(d.Warnings), &out.Warnings)
	out.HostKeyHost = hostKeyHost(out.Hosts)
	return out
}

// whoAmI names the person deploying: user@machine.
func whoAmI() string {
	name := "someone"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// targetConfig loads the config and finds a target in it.
func (p *Project) targetConfig(name string) (*config.Config, config.Target, error) {
	cfg, err := config.Load(p.dir)
	if err != nil {
		return nil, config.Target{}, errorf(CodeConflict, "%v", err)
	}
	t, ok := cfg.Targets[name]
	if !ok {
		return nil, config.Target{}, errorf(CodeNotFound, "there is no target %q in eightfold.yaml%s", name, targetList(cfg))
	}
	return cfg, t, nil
}

func targetList(cfg *config.Config) string {
	if len(cfg.TargetOrder) == 0 {
		return " (it has no targets: section; see docs/config.md)"
	}
	return " (it has " + strings.Join(cfg.TargetOrder, ", ") + ")"
}

// deployRelease finds the release a deploy ships (HeadBuild: HEAD's green build).
func (p *Project) deployRelease(opts DeployOptions) (store.Release, error) {
	ctx := context.Background()
	version := opts.Release
	switch {
	case opts.releaseID > 0:
		return p.store.Release(ctx, p.id, opts.releaseID)
	case version == HeadBuild:
		return p.headBuild()
	}
	var r store.Release
	var err error
	if version == "" {
		r, err = p.store.LatestRelease(ctx, p.id)
	} else {
		r, err = p.store.ReleaseByVersion(ctx, p.id, version)
	}
	if errors.Is(err, store.ErrNotFound) {
		if version == "" {
			return r, errorf(CodeConflict, "there is no release to deploy yet: make one in the Release view or with `eightfold release`")
		}
		return r, errorf(CodeNotFound, "there is no release %s (see `eightfold releases`)", version)
	}
	return r, err
}

// artifacts are a release's files, read from the artifact store and verified as they are read.
func (p *Project) artifacts(r store.Release) ([]deploy.Artifact, error) {
	cas, err := artifact.Open(p.artifactDir())
	if err != nil {
		return nil, err
	}
	out := make([]deploy.Artifact, 0, len(r.Artifacts))
	for _, a := range r.Artifacts {
		blob := artifact.Blob{SHA256: a.SHA256, Size: a.Size}
		if err := cas.Verify(blob); err != nil {
			return nil, errorf(CodeConflict, "release %s cannot be deployed: artifact %s: %v", r.Tag, a.Path, err)
		}
		out = append(out, deploy.Artifact{Path: a.Path, SHA256: a.SHA256, Size: a.Size,
			Open: func() (io.ReadCloser, error) { return cas.Reader(blob) }})
	}
	return out, nil
}

// envName is the environment a target stands for on the board: production or staging.
func envName(t config.Target) string {
	if t.Production {
		return "production"
	}
	return "staging"
}

// maxLinkReason is how much of a failed deploy's reason its link on a card keeps.
const maxLinkReason = 300

// applyDeploy moves the cards of a deploy's commit along their journey, and links the
// deploy to them ("staging v1.4.0", deployed or failed with the first line of its reason).
func (p *Project) applyDeploy(t config.Target, d store.Deploy, ok bool, now time.Time) {
	if d.Commit == "" {
		return
	}
	env, title := envName(t), DeployLinkOK
	if !ok {
		title = DeployLinkFailed
		if reason, _, _ := strings.Cut(d.Failure, "\n"); reason != "" {
			title += ": " + truncateBytes(reason, maxLinkReason)
		}
	}
	_, _ = p.applyContaining(d.Commit, journey.Event{Kind: journey.EventDeploy, At: now, Env: env, Version: d.Version, OK: ok},
		store.Link{Kind: store.LinkDeploy, Ref: env + " " + d.Version, Title: title, AtMs: now.UnixMilli()})
}
