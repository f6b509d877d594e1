package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/dustin/go-humanize"

	"eightfold/backend/deploy"
	"eightfold/backend/workbench"
)

// deployFlags are the flags deploy, promote and rollback share.
type deployFlags struct {
	asJSON, yes, forceUnlock bool
	trustKey                 string
}

func (f *deployFlags) register(fs interface {
	BoolVar(*bool, string, bool, string)
	StringVar(*string, string, string, string)
}) {
	fs.BoolVar(&f.asJSON, "json", false, "print the deploy as JSON (the DeployInfo of docs/api.md)")
	fs.BoolVar(&f.yes, "yes", false, "confirm a production deploy or rollback")
	fs.BoolVar(&f.forceUnlock, "force-unlock", false, "remove the target's deploy lock first (only when its holder is gone)")
	fs.StringVar(&f.trustKey, "trust-host-key", "", "trust the server's host key when it has this fingerprint (SHA256:…, as the refusal printed it)")
}

func cmdDeploy(e *env) error {
	fs, c := e.flags("deploy", "deploy TARGET [--release VERSION | --from-tree] [--json] [--yes] [--force-unlock] [--trust-host-key SHA256:…] [--dir D] [--home DIR]", true)
	var f deployFlags
	f.register(fs)
	release := fs.String("release", "", "the version or tag to deploy (default: the newest release)")
	fromTree := fs.Bool("from-tree", false, "in CI: record the artifacts in the work tree as a release of HEAD and deploy it (docs/ci.md)")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"deploy needs one target, as named under targets: in eightfold.yaml: eightfold deploy staging"}
	}
	if *fromTree && *release != "" {
		return &usageError{"--release and --from-tree do not go together: --from-tree deploys the work tree's build of HEAD (in CI), --release a recorded release"}
	}
	return f.run(e, c, pos[0], func(ctx context.Context, p *workbench.Project) (workbench.DeployInfo, error) {
		opts := workbench.DeployOptions{Target: pos[0], Release: *release, ForceUnlock: f.forceUnlock, Confirm: f.yes}
		if *fromTree {
			return p.DeployTree(ctx, opts)
		}
		return p.Deploy(ctx, opts, "deploy")
	})
}

func cmdPromote(e *env) error {
	fs, c := e.flags("promote", "promote FROM TO [--json] [--yes] [--force-unlock] [--trust-host-key SHA256:…] [--dir D] [--home DIR]", true)
	var f deployFlags
	f.register(fs)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return &usageError{"promote needs two targets: eightfold promote staging production"}
	}
	return f.run(e, c, pos[1], func(ctx context.Context, p *workbench.Project) (workbench.DeployInfo, error) {
		return p.Promote(ctx, pos[0], pos[1], f.yes, f.forceUnlock)
	})
}

func cmdRollback(e *env) error {
	fs, c := e.flags("rollback", "rollback TARGET [--json] [--yes] [--force-unlock] [--trust-host-key SHA256:…] [--dir D] [--home DIR]", true)
	var f deployFlags
	f.register(fs)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"rollback needs one target: eightfold rollback staging"}
	}
	return f.run(e, c, pos[0], func(ctx context.Context, p *workbench.Project) (workbench.DeployInfo, error) {
		return p.Rollback(ctx, pos[0], f.yes, f.forceUnlock)
	})
}

// run opens the project with a live view of the deploy, trusts a host key first when
// asked, and runs do.
func (f *deployFlags) run(e *env, c *common, target string, do func(context.Context, *workbench.Project) (workbench.DeployInfo, error)) error {
	var view *deployView
	if !f.asJSON {
		view = &deployView{w: e.stdout, term: isTerminal(e.stdout), shown: map[string]bool{}}
	}
	p, err := c.openWriter(workbench.EmitFunc(func(topic string, payload any) {
		if d, ok := payload.(workbench.DeployInfo); ok && topic == workbench.TopicDeployUpdated && view != nil {
			view.update(d)
		}
	}))
	if err != nil {
		return err
	}
	defer p.Close()
	if f.trustKey != "" {
		if err := p.TrustHostKey(target, f.trustKey); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Trusted the host key %s of %s.\n", f.trustKey, target)
	}
	ctx, stop := untilStopped()
	defer stop()
	d, err := do(ctx, p)
	if d.ID == 0 {
		return err // refused before it started
	}
	if f.asJSON {
		if jerr := writeJSON(e.stdout, d); jerr != nil {
			return jerr
		}
	} else {
		view.summary(d)
	}
	if err != nil {
		return &exitError{1}
	}
	return nil
}

// deployView prints a deploy's steps as they end, and the upload's progress bar on a
// terminal.
type deployView struct {
	mu    sync.Mutex
	w     io.Writer
	term  bool
	shown map[string]bool
	bar   bool // a progress bar is on the current line
}

var stepMarks = map[string]string{deploy.StepPassed: "✓", deploy.StepFailed: "✗", deploy.StepSkipped: "-"}

func (v *deployView) update(d workbench.DeployInfo) {
	v.mu.Lock()
	defer v.mu.Unlock()
	var uploads []deploy.StepEvent
	for _, s := range d.Steps {
		mark, done := stepMarks[s.Status]
		if !done {
			if s.Name == deploy.StepUpload && s.Total > 0 && v.term {
				uploads = append(uploads, s)
			}
			continue
		}
		if v.shown[s.Host+" "+s.Name] {
			continue
		}
		v.shown[s.Host+" "+s.Name] = true
		if v.bar {
			fmt.Fprint(v.w, "\r\033[K")
			v.bar = false
		}
		if s.Host != "" {
			fmt.Fprintf(v.w, "%s %s %-13s %s\n", mark, s.Host, s.Name, s.Detail)
			continue
		}
		fmt.Fprintf(v.w, "%s %-13s %s\n", mark, s.Name, s.Detail)
	}
	if len(uploads) > 0 {
		v.progress(uploads)
	}
}

// progress draws the uploads under way on one line: [#####-----] 12 MiB / 50 MiB, and for
// the hosts of a target uploading at once a shorter bar each, after its host's name.
func (v *deployView) progress(uploads []deploy.StepEvent) {
	width := max(30/len(uploads), 10)
	bars := make([]string, len(uploads))
	for i, s := range uploads {
		n := int(s.Done * int64(width) / s.Total)
		bars[i] = strings.TrimPrefix(fmt.Sprintf("%s [%s%s] %s / %s", s.Host, strings.Repeat("#", n), strings.Repeat("-", width-n),
			humanize.IBytes(uint64(s.Done)), humanize.IBytes(uint64(s.Total))), " ")
	}
	fmt.Fprintf(v.w, "\r\033[K  upload %s", strings.Join(bars, "  "))
	v.bar = true
}

// summary prints how the deploy ended.
func (v *deployView) summary(d workbench.DeployInfo) {
	v.update(d)
	kind := strings.ToUpper(d.Kind[:1]) + d.Kind[1:]
	if d.Status == "succeeded" {
		fmt.Fprintf(v.w, "%s #%d of %s to %s (%s) succeeded: %s sent, %d unchanged\n", kind, d.ID, d.Version, d.Target, d.Host,
			count(d.Uploaded, "file"), d.Linked)
		writeHosts(v.w, d.Hosts)
		return
	}
	fmt.Fprintf(v.w, "%s #%d of %s to %s failed: %s\n", kind, d.ID, d.Version, d.Target, d.Failure)
	writeHosts(v.w, d.Hosts)
	if d.RolledBack && len(d.Hosts) == 0 {
		fmt.Fprintln(v.w, "The previous release is current again.")
	}
	if d.Log != "" {
		fmt.Fprintf(v.w, "\nLast lines of the log (all of it: eightfold deploys --log %d):\n%s", d.ID, lastLines(d.Log, 20))
	}
}

// writeHosts prints one line per host of a deploy to a target with several hosts: its
// state, what it runs now and how long it took.
func writeHosts(w io.Writer, hosts []workbench.HostInfo) {
	if len(hosts) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, h := range hosts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%.1fs\n", h.Host, h.State, hostDetail(h), float64(h.TookMs)/1000)
	}
	tw.Flush()
}

// hostDetail says what a host runs after a deploy, by its state.
func hostDetail(h workbench.HostInfo) string {
	was := ""
	if h.PreviousVersion != "" {
		was = ", was " + h.PreviousVersion
	}
	switch h.State {
	case deploy.HostDeployed:
		return h.Version + " is current" + was
	case deploy.HostRolledBack:
		if h.Previous == "" {
			return "back to nothing: it had no release before (its app stopped, current removed)"
		}
		return "back on " + h.PreviousVersion + " (releases/" + h.Previous + ")"
	case deploy.HostFailed:
		reason, _, _ := strings.Cut(h.Failure, "\n")
		return reason
	case deploy.HostUntouched:
		return "not touched"
	}
	return h.Version
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.SplitAfter(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "") + "\n"
}

func cmdDeploys(e *env) error {
	fs, c := e.flags("deploys", "deploys [TARGET] [--json] [--log ID] [--dir D] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print the deploys as JSON (DeployInfo[] of docs/api.md), newest first")
	logID := fs.Int64("log", 0, "print one deploy's steps and log")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	s, p, err := c.openReader()
	if err != nil {
		return err
	}
	if s == nil {
		return writeDeploys(e.stdout, nil, *asJSON)
	}
	defer s.Close()
	if *logID > 0 {
		d, err := p.GetDeploy(*logID)
		if err != nil {
			return err
		}
		(&deployView{w: e.stdout, shown: map[string]bool{}}).summary(d)
		return nil
	}
	target := ""
	if len(pos) > 0 {
		target = pos[0]
	}
	ds, err := p.Deploys(target, 0)
	if err != nil {
		return err
	}
	return writeDeploys(e.stdout, ds, *asJSON)
}

func writeDeploys(w io.Writer, ds []workbench.DeployInfo, asJSON bool) error {
	if asJSON {
		if ds == nil {
			ds = []workbench.DeployInfo{}
		}
		return writeJSON(w, ds)
	}
	if len(ds) == 0 {
		fmt.Fprintln(w, "No deploys yet; deploy a release with `eightfold deploy TARGET`.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTARGET\tKIND\tVERSION\tSTATUS\tSTARTED\tWHO")
	for _, d := range ds {
		status := d.Status
		if d.RolledBack {
			status += " (rolled back)"
		}
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Target, d.Kind, d.Version, status, d.StartedAt, d.Who)
	}
	return tw.Flush()
}
