package deploy

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"time"

	"eightfold/backend/health"
)

// Artifact is a file a release ships.
type Artifact struct {
	Path   string      // relative to the release directory, slash-separated
	SHA256 string      // of its content
	Size   int64       // bytes
	Mode   fs.FileMode // 0: 0o755
	// Open returns its bytes, verified against SHA256 as they are read (artifact.Store.Reader).
	Open func() (io.ReadCloser, error)
}

// Gate is a target's health gate: its check, polled every Interval until it passes or
// Deadline passes.
type Gate struct {
	Check              health.Check
	Interval, Deadline time.Duration
}

// Spec is one deploy of a version to a target.
type Spec struct {
	Target  string // the target's name
	Root    string // the deploy root on the host (absolute)
	Version string
	Commit  string
	Who     string // user@machine, for the lock and the audit log
	// Action names the deploy in the lock and the audit log: ActionPromote for a
	// promotion (a release already healthy on another target); "" is ActionDeploy.
	Action string
	// Artifacts are the release's files.
	Artifacts []Artifact
	// Start (re)starts the app from current; Logs prints its recent logs (after a failed
	// gate). BeforeSwitch and AfterDeploy are hooks. Each runs with sh in Root, with the
	// release's env file sourced first. Any may be "".
	Start, Logs, BeforeSwitch, AfterDeploy string
	// Stop stops the release of the sourced env file (EIGHTFOLD_RELEASE, EIGHTFOLD_PORT): a
	// blue-green deploy stops the old release with it once the new one is current.
	Stop string
	// CandidatePort > 0 (with a Health check) makes the deploy blue-green: the new release
	// starts beside the old one, on whichever of the health URL's port and CandidatePort the
	// old one does not use, passes its gate there, and only then becomes current; the old
	// one is stopped after. Releases alternate between the two ports; a proxy in front (or
	// the after_deploy hook, with EIGHTFOLD_PORT) follows the current one.
	CandidatePort int
	Env           map[string]string // plain variables of the commands
	Secrets       map[string]string // secret variables: only ever in the 0600 env file
	Shared        []string          // paths kept in shared/ and linked into each release
	Health        *Gate             // nil: a release is healthy once it started
	Keep          int               // releases kept (at least 2)
	// ForceUnlock removes a held lock first (the caller confirmed that it is stale).
	ForceUnlock bool
	Now         func() time.Time // nil: time.Now
}

// Step names, in the order a deploy goes through them.
const (
	StepLock         = "lock"
	StepUpload       = "upload"
	StepLink         = "link"
	StepBeforeSwitch = "before_switch"
	StepSwitch       = "switch"
	StepStart        = "start"
	StepHealth       = "health"
	StepRollback     = "rollback"
	StepAfterDeploy  = "after_deploy"
	StepStop         = "stop" // blue-green: the old release, or a candidate that failed
	StepPrune        = "prune"
	StepUnlock       = "unlock"
)

// Step states.
const (
	StepRunning = "running"
	StepPassed  = "passed"
	StepFailed  = "failed"
	StepSkipped = "skipped"
)

// StepEvent is a step starting, progressing (Done of Total bytes) or ending.
type StepEvent struct {
	Host   string `json:"host,omitempty"` // the host of a rollout (see DeployAll) it happened on; "" for a single host
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"` // what it did or why it failed
	Done   int64  `json:"done"`
	Total  int64  `json:"total"`
}

// Reporter follows a deploy live. Output lines are scrubbed of the secrets.
type Reporter interface {
	Step(StepEvent)
	Output(step, line string)
}

// Result is how a deploy ended.
type Result struct {
	Version       string // what was deployed (or, for a rollback, rolled back to)
	Commit        string
	Release       string // the release directory it made (releases/<Release>)
	Previous      string // what current pointed to before; "" for a first deploy
	Current       string // what current points to after
	Uploaded      int    // files sent
	Linked        int    // files hard-linked from the previous release: the same bytes
	UploadedBytes int64
	TotalBytes    int64
	Healthy       bool
	RolledBack    bool          // current was switched back to Previous
	Failure       string        // why it failed; "" when it succeeded
	Warnings      []string      // what went wrong after the release was current and healthy (after_deploy, unlock)
	LockToken     string        // the token of the lock it took
	LockLeft      bool          // the lock could not be released (a dropped connection): Unlock with LockToken
	Logs          string        // the target's last log lines, after a failed gate
	HealthyAt     time.Time     // when the gate passed
	SwitchedAt    time.Time     // when current pointed at the release
	Took          time.Duration // the whole deploy
}

// Failed is the error of a deploy that did not succeed: Result says how far it got.
type Failed struct{ Result Result }

func (e *Failed) Error() string { return e.Result.Failure }

// Deploy ships spec's artifacts to the host and switches to them, step by step (see the
// Step constants), reporting to rep. The lock is released whatever happens. A failure
// after the switch switches back to the previous release and starts it again; current
// is never left pointing at a release that did not pass its gate. The error is a *Failed
// for a deploy that ran and failed, a *LockHeldError when another deploy holds the lock.
func Deploy(ctx context.Context, h Host, spec Spec, rep Reporter) (Result, error) {
	d := newRun(h, spec, rep)
	if err := d.lock(spec.action()); err != nil {
		return d.res, err
	}
	d.deploy(ctx)
	d.finish(spec.action())
	return d.outcome()
}

// Actions of a deploy (Spec.Action) as the lock and the audit log name them.
const (
	ActionDeploy  = "deploy"
	ActionPromote = "promote"
)

// action is how the lock and the audit log name the deploy.
func (s Spec) action() string {
	if s.Action == ActionPromote {
		return ActionPromote
	}
	return ActionDeploy
}

// deploy runs the steps between taking and releasing the lock.
func (d *run) deploy(ctx context.Context) {
	if !d.prepare() || !d.upload(ctx) || !d.link() {
		d.discard()
		return
	}
	if !d.hook(ctx, StepBeforeSwitch, d.spec.BeforeSwitch, d.res.Release) {
		d.discard()
		return
	}
	if d.blueGreen() {
		if !d.candidate(ctx, d.res.Release) {
			return
		}
	} else if !d.switchTo(d.res.Release) {
		return
	} else if !d.startAndGate(ctx, d.res.Release) {
		d.rollback(ctx)
		return
	}
	d.markHealthy(d.res.Release)
	d.afterDeploy(ctx)
	d.prune()
}

// outcome is Deploy's return: the result, and a *Failed when it failed.
func (d *run) outcome() (Result, error) {
	if d.res.Failure != "" {
		return d.res, &Failed{Result: d.res}
	}
	return d.res, nil
}

// fail records the first failure and reports the step failed.
func (d *run) fail(step, format string, args ...any) bool {
	msg := d.scrub.Scrub(fmt.Sprintf(format, args...))
	if d.res.Failure == "" {
		d.res.Failure = msg
	}
	d.step(step, StepFailed, msg)
	return false
}
