package ciexport

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"eightfold/backend/config"
	"eightfold/backend/sshx"
)

// ReportDir is where the exported jobs write the test reports they convert (JUnit XML and
// the raw go test -json of each go-test-json step), relative to the repository root: in it
// on GitHub, in a folder of each job's own inside it on GitLab (see gitlabReportDir).
const ReportDir = "eightfold-reports"

// Secrets every deploy job reads besides its target's own: the SSH private key and the
// known_hosts lines of the target's server.
const (
	SSHKeySecret     = "EIGHTFOLD_SSH_KEY"
	KnownHostsSecret = "EIGHTFOLD_KNOWN_HOSTS"
)

// plan is the pipeline as jobs, the same for every engine.
type plan struct {
	facts
	cfg     *config.Config
	groups  []group
	deploys []deployJob
	local   []string // targets left out: directories on a developer's machine
}

// group is one job of steps, in the pipeline's order: the consecutive steps of one group of
// eightfold.yaml, or else a run of consecutive steps without one of the same kind
// (building, or testing: a step with a report).
type group struct {
	id        string
	named     bool // its id is the steps' group: key, not made up from their kind
	steps     []config.Step
	needs     []string // the group before, and the earlier groups whose artifacts it needs
	artifacts []string // patterns of its steps' artifacts:
}

// deployJob deploys one target.
type deployJob struct {
	id       string
	target   config.Target
	needs    []string // every group (through the last), and the job of the target it promotes from
	source   string   // the job of the promote_from target; "" when none
	auto     bool     // deploys on every push to the default branch (a first stage, or one promoted from it)
	dispatch []string // the targets whose manual run includes this job: it and those promoted from it
}

// newPlan groups the steps and lays out the deploy jobs.
func newPlan(cfg *config.Config, f facts) *plan {
	p := &plan{facts: f, cfg: cfg}
	p.groupSteps()
	p.layDeploys()
	return p
}

// kind is a step's kind for grouping: "test" for a step with a report, else "build".
func kind(s config.Step) string {
	if s.Report != "" {
		return "test"
	}
	return "build"
}

// joins reports whether step s goes into group g, the last one so far: both carry the same
// group: key, or neither has one and they are of one kind.
func joins(g group, s config.Step) bool {
	if g.named || s.Group != "" {
		return g.named && g.id == s.Group
	}
	return kind(g.steps[0]) == kind(s)
}

// groupSteps splits the steps into groups: by their group: key, and the steps without
// one into runs of consecutive steps of one kind, named after it (build, test, build-2…,
// never a name a group: key takes).
func (p *plan) groupSteps() {
	taken := map[string]bool{}
	for _, s := range p.cfg.Steps {
		taken[s.Group] = s.Group != ""
	}
	seen := map[string]int{}
	for _, s := range p.cfg.Steps {
		if n := len(p.groups); n > 0 && joins(p.groups[n-1], s) {
			p.groups[n-1].steps = append(p.groups[n-1].steps, s)
			p.groups[n-1].artifacts = append(p.groups[n-1].artifacts, s.Artifacts...)
			continue
		}
		g := group{id: s.Group, named: s.Group != "", steps: []config.Step{s}, artifacts: slices.Clone(s.Artifacts)}
		if !g.named {
			g.id = kindID(kind(s), seen, taken)
		}
		if len(p.groups) > 0 {
			g.needs = p.artifactJobs(p.groups[len(p.groups)-1].id)
		}
		p.groups = append(p.groups, g)
	}
}

// kindID names the next group of steps of kind k that have no group: key: k, then k-2,
// k-3…, skipping names the group: keys take.
func kindID(k string, seen map[string]int, taken map[string]bool) string {
	for {
		seen[k]++
		id := k
		if seen[k] > 1 {
			id = fmt.Sprintf("%s-%d", k, seen[k])
		}
		if !taken[id] {
			return id
		}
	}
}

// artifactJobs is last followed by the groups so far that have artifacts.
func (p *plan) artifactJobs(last string) []string {
	out := []string{last}
	for _, g := range p.groups {
		if len(g.artifacts) > 0 && !slices.Contains(out, g.id) {
			out = append(out, g.id)
		}
	}
	return out
}

// layDeploys makes a deploy job per ssh target, in the file's order.
func (p *plan) layDeploys() {
	last := p.groups[len(p.groups)-1].id
	for _, name := range p.cfg.TargetOrder {
		t := p.cfg.Targets[name]
		if t.Local {
			p.local = append(p.local, name)
			continue
		}
		d := deployJob{id: "deploy-" + name, target: t, needs: p.artifactJobs(last), auto: p.automatic(t), dispatch: p.downstream(name)}
		if src, ok := p.cfg.Targets[t.PromoteFrom]; ok && !src.Local {
			d.source = "deploy-" + src.Name
			d.needs = append(d.needs, d.source)
		}
		p.deploys = append(p.deploys, d)
	}
}

// automatic reports whether t deploys on pushes to the default branch: it is not
// production, and neither is any target up its promote_from chain.
func (p *plan) automatic(t config.Target) bool {
	for seen := map[string]bool{}; !seen[t.Name]; {
		seen[t.Name] = true
		if t.Production || t.Local {
			return false
		}
		src, ok := p.cfg.Targets[t.PromoteFrom]
		if !ok {
			return true
		}
		t = src
	}
	return false
}

// downstream is name and every target that promotes from it, directly or not, in the
// file's order.
func (p *plan) downstream(name string) []string {
	out := []string{name}
	for changed := true; changed; {
		changed = false
		for _, n := range p.cfg.TargetOrder {
			if t := p.cfg.Targets[n]; !slices.Contains(out, n) && slices.Contains(out, t.PromoteFrom) {
				out, changed = append(out, n), true
			}
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		return slices.Index(p.cfg.TargetOrder, a) - slices.Index(p.cfg.TargetOrder, b)
	})
	return out
}

// reports are the JUnit files and folders a group's steps leave, as paths or globs, when
// its go-test-json steps write their reports into dir.
func (g group) reports(dir string) (junit, keep []string) {
	for _, s := range g.steps {
		if glob, ok := strings.CutPrefix(s.Report, config.ReportJUnit); ok {
			junit, keep = append(junit, glob), append(keep, glob)
		}
		if s.Report == config.ReportGoTestJSON && !slices.Contains(keep, dir+"/") {
			junit, keep = append(junit, dir+"/*.xml"), append(keep, dir+"/")
		}
	}
	return junit, keep
}

// literalPrefix is the part of a path or glob before its first wildcard.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, "*?[{"); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// overlap reports whether two paths or globs may name a common file: one's literal
// prefix starts the other's. It errs on the side of an overlap.
func overlap(a, b string) bool {
	la, lb := literalPrefix(a), literalPrefix(b)
	return strings.HasPrefix(la, lb) || strings.HasPrefix(lb, la)
}

// doubleReports are notes on the junit: patterns of a job that can match the reports of an
// earlier job whose build artifacts it downloads: GitLab unpacks every artifact of a needed
// job, its reports included, and would count those tests twice. The export's own reports
// cannot clash (each job has a folder of its own); a step's junit:GLOB is used as written.
func (p *plan) doubleReports() []string {
	var out []string
	for _, g := range p.groups {
		own, _ := g.reports(gitlabReportDir(g))
		for _, h := range p.groups {
			if h.id == g.id || len(h.artifacts) == 0 || !slices.Contains(g.needs, h.id) {
				continue
			}
			_, theirs := h.reports(gitlabReportDir(h))
			for _, a := range own {
				if i := slices.IndexFunc(theirs, func(b string) bool { return overlap(a, b) }); i >= 0 {
					out = append(out, fmt.Sprintf("GitLab: the JUnit reports of job %s (%s) may include those of job %s (%s), whose artifacts it downloads, and GitLab would count those tests twice: have each step write its reports to a folder of its own", g.id, a, h.id, theirs[i]))
				}
			}
		}
	}
	return out
}

// hasArtifacts reports whether the job id is a group with artifacts: (a deploy job has none).
func (p *plan) hasArtifacts(id string) bool {
	return slices.ContainsFunc(p.groups, func(g group) bool { return g.id == id && len(g.artifacts) > 0 })
}

// simpleRE matches a command line of plain words that gotestsum can run without a shell.
var simpleRE = regexp.MustCompile(`^[A-Za-z0-9_./=:@+,-]+( +[A-Za-z0-9_./=:@+,-]+)*$`)

// command is what runs a step in CI: the step's command, or for a go-test-json step the
// same command under gotestsum, which writes the JUnit XML and keeps the raw JSON in dir. A
// command that needs a shell runs in bash with pipefail, so that `go test -json ./... |
// tee log` fails when the tests do (gotestsum takes the exit status of its command).
func command(s config.Step, dir string) string {
	if s.Report != config.ReportGoTestJSON {
		return s.Run
	}
	run := strings.TrimSpace(s.Run)
	if !simpleRE.MatchString(run) {
		run = "bash -o pipefail -c " + sshx.ShellQuote(s.Run)
	}
	return fmt.Sprintf("mkdir -p %s\ngo run %s --format testname --junitfile %s/%s.xml --jsonfile %s/%s.json --raw-command -- %s\n",
		dir, Gotestsum, dir, s.Name, dir, s.Name, run)
}

// timeoutMinutes is a duration in whole minutes, rounded up.
func timeoutMinutes(s config.Step) int {
	return int((s.Timeout.Minutes()) + 0.999999)
}

// keyFile is where a deploy job writes the SSH key: the target's identity file, else the
// first file Eightfold reads by default.
func keyFile(t config.Target) string {
	if rest, ok := strings.CutPrefix(t.Identity, "~/"); ok {
		return "$HOME/" + rest
	}
	if t.Identity != "" {
		return t.Identity
	}
	return "$HOME/.ssh/id_ed25519"
}

// deployScript is what a deploy job runs: a check that each of the target's secrets is
// set, then the deploy.
func (sh secretShell) deployScript(t config.Target) string {
	var b strings.Builder
	for _, name := range slices.Sorted(slices.Values(t.Secrets)) {
		b.WriteString(sh.require(name, sh.where, t.Name))
	}
	b.WriteString("eightfold deploy " + t.Name + " --from-tree")
	if t.Production {
		b.WriteString(" --yes")
	}
	return b.String() + "\n"
}

// installScript puts eightfold on PATH with ci.install, or fails saying what to set.
func (p *plan) installScript(errorPrefix string) string {
	missing := fmt.Sprintf(`echo "%seightfold is not on PATH: set ci.install in eightfold.yaml to a command that installs it (see docs/ci.md), then export again" >&2`, errorPrefix)
	var b strings.Builder
	if p.cfg.CI.Install != "" {
		b.WriteString(strings.TrimSuffix(p.cfg.CI.Install, "\n") + "\n")
		missing = fmt.Sprintf(`echo "%sci.install ran, but eightfold is not on PATH (~/go/bin and ~/.local/bin are searched too)" >&2`, errorPrefix)
	}
	fmt.Fprintf(&b, "command -v eightfold >/dev/null || { %s; exit 1; }\neightfold version\n", missing)
	return b.String()
}

// secretShell is how an engine's deploy job handles secrets in shell.
type secretShell struct {
	errorPrefix string // starts every error message: "::error::" on GitHub
	write       string // puts a secret into a file: %[1]s is the variable, %[2]s the file
	where       string // where a secret of the environment %s is set, for the messages
	sshWhere    string // where the SSH key and known_hosts are set; "": where
	files       bool   // the SSH secrets arrive as paths of files (GitLab's File variables)
}

// require is a shell line that fails, naming the secret and the environment, when the
// variable name is unset or empty (where says how to set it). It never prints the value.
func (sh secretShell) require(name, where, environment string) string {
	return fmt.Sprintf("[ -n \"${%s:-}\" ] || { echo \"%sthe secret %s is empty: %s\" >&2; exit 1; }\n",
		name, sh.errorPrefix, name, fmt.Sprintf(where, environment))
}

// requireFile is a shell line that fails when the variable name does not hold the path of a
// file, such as a GitLab variable of type Variable holding the key itself. It never prints
// the value (which would put the key in the job log).
func (sh secretShell) requireFile(name, environment string) string {
	return fmt.Sprintf("[ -f \"$%s\" ] || { echo \"%sthe secret %s must be a CI/CD variable of type File (it holds the value itself, "+
		"which is not printed): change its type for the environment %s (see docs/ci.md)\" >&2; exit 1; }\n",
		name, sh.errorPrefix, name, environment)
}

// sshScript writes the key and known_hosts of a deploy from the two secrets, readable by
// the owner only, failing with what to set when one is missing.
func (sh secretShell) sshScript(t config.Target) string {
	key := keyFile(t)
	var b strings.Builder
	where := cmp.Or(sh.sshWhere, sh.where)
	for _, name := range []string{SSHKeySecret, KnownHostsSecret} {
		b.WriteString(sh.require(name, where, t.Name))
		if sh.files {
			b.WriteString(sh.requireFile(name, t.Name))
		}
	}
	b.WriteString("install -d -m 700 \"$HOME/.ssh\"\n")
	if dir := path.Dir(key); dir != "$HOME/.ssh" {
		fmt.Fprintf(&b, "mkdir -p \"%s\"\n", dir)
	}
	fmt.Fprintf(&b, sh.write+"\n", SSHKeySecret, key)
	fmt.Fprintf(&b, sh.write+"\n", KnownHostsSecret, "$HOME/.ssh/known_hosts")
	fmt.Fprintf(&b, "chmod 600 \"%s\" \"$HOME/.ssh/known_hosts\"\n", key)
	return b.String()
}
