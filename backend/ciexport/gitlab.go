package ciexport

import (
	"fmt"
	"slices"
	"strings"

	"eightfold/backend/config"
)

// GitLab CI runs each job in a container. A project with one toolchain gets its official
// image (golang:X, node:X, python:X); a mixed one gets the Node image, since Node's version
// in package.json is a range, and installs the exact Go of go.mod from go.dev for the
// runner's architecture (Debian's names for amd64 and arm64 are Go's), and Python from
// Debian, in before_script.

// cacheDir holds the Go, npm and pip caches inside the project, where GitLab's cache: can
// keep them.
const cacheDir = "$CI_PROJECT_DIR/.cache"

// gitlab renders the CI file, without its header.
func (p *plan) gitlab() string {
	stages := flow{}
	for _, g := range p.groups {
		stages = append(stages, g.id)
	}
	if len(p.deploys) > 0 {
		stages = append(stages, "deploy")
	}
	doc := mapping{{key: "stages", value: stages}}
	if vars := p.gitlabVariables(); len(vars) > 0 {
		doc = append(doc, field{key: "variables", value: vars, gap: true})
	}
	doc = append(doc, field{key: "default", value: p.gitlabDefault(), gap: true})
	for _, g := range p.groups {
		doc = append(doc, field{key: g.id, value: p.gitlabGroup(g), gap: true})
	}
	for _, d := range p.deploys {
		doc = append(doc, field{key: d.id, value: p.gitlabDeploy(d), gap: true})
	}
	var b strings.Builder
	emit(&b, doc, 0)
	return b.String()
}

// gitlabVariables are the project env and where the caches live.
func (p *plan) gitlabVariables() mapping {
	vars := envMapping(p.cfg.Env)
	if p.goVersion != "" {
		vars.add("GOMODCACHE", cacheDir+"/go-mod")
		vars.add("GOCACHE", cacheDir+"/go-build")
	}
	if p.node != "" {
		vars.add("npm_config_cache", cacheDir+"/npm")
	}
	if p.python != "" {
		vars.add("PIP_CACHE_DIR", cacheDir+"/pip")
	}
	return vars
}

// gitlabDefault is the image, caches and set-up every job of steps shares.
func (p *plan) gitlabDefault() mapping {
	def := mapping{}
	image, setup := p.gitlabImage()
	if image != "" {
		def.add("image", image)
	}
	if caches := p.gitlabCaches(); len(caches) > 0 {
		def.add("cache", caches)
	}
	if len(setup) > 0 {
		def.add("before_script", setup)
	}
	return def
}

// gitlabImage picks the image and the set-up commands that install the rest.
func (p *plan) gitlabImage() (string, list) {
	var setup list
	image := ""
	switch {
	case p.node != "":
		image = "node:" + p.node
		if p.goVersion != "" {
			setup = append(setup, fmt.Sprintf(`curl -fsSL "https://go.dev/dl/go%s.linux-$(dpkg --print-architecture).tar.gz" | tar -C /usr/local -xz`, fullGo(p.goVersion)),
				`export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"`)
		}
	case p.goVersion != "":
		image = "golang:" + p.goVersion
	case p.python != "":
		image = "python:" + p.python
	}
	if p.python != "" && !strings.HasPrefix(image, "python:") {
		setup = append(setup, "apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-pip",
			"python3 -m venv .venv && . .venv/bin/activate")
	}
	if p.node != "" {
		setup = append(setup, p.nodeInstall)
	}
	if p.pythonReqs {
		setup = append(setup, "pip install -r requirements.txt")
	}
	return image, setup
}

// fullGo is a Go version as go.dev/dl names its downloads: 1.26 is 1.26.0.
func fullGo(v string) string {
	if strings.Count(v, ".") == 1 {
		return v + ".0"
	}
	return v
}

// gitlabCaches keep the Go module and build caches, the npm cache and the pip cache,
// each keyed by its lockfile.
func (p *plan) gitlabCaches() list {
	var caches list
	add := func(prefix, lock string, exists bool, paths ...string) {
		key := any(prefix)
		if exists {
			key = mapping{{key: "files", value: flow{lock}}, {key: "prefix", value: prefix}}
		}
		caches = append(caches, mapping{{key: "key", value: key}, {key: "paths", value: flow(paths)}})
	}
	if p.goVersion != "" {
		add("go", "go.sum", p.goSum, ".cache/go-mod/", ".cache/go-build/")
	}
	if p.node != "" {
		add("node", p.nodeLock, p.nodeLock != "", ".cache/npm/")
	}
	if p.python != "" {
		add("pip", "requirements.txt", p.pythonReqs, ".cache/pip/")
	}
	return caches
}

// gitlabGroup is the job of a group of steps.
func (p *plan) gitlabGroup(g group) mapping {
	job := mapping{{key: "stage", value: g.id}} // a stage per group: a job may only need jobs of earlier stages
	if len(g.needs) > 0 {
		job.add("needs", p.gitlabNeeds(g.needs))
	}
	minutes := 0
	var script list
	for _, s := range g.steps {
		script = append(script, gitlabStep(s, gitlabReportDir(g)))
		minutes += timeoutMinutes(s)
	}
	job.add("timeout", fmt.Sprintf("%dm", minutes))
	job.add("script", script)
	junit, keep := g.reports(gitlabReportDir(g))
	if len(g.artifacts) == 0 && len(keep) == 0 {
		return job
	}
	arts := mapping{}
	if len(keep) > 0 {
		arts.add("when", "always")
	}
	arts.add("paths", flow(append(append([]string{}, g.artifacts...), keep...)))
	if len(junit) > 0 {
		arts.add("reports", mapping{{key: "junit", value: flow(junit)}})
	}
	job.add("artifacts", arts)
	return job
}

// gitlabReportDir is where a job's go-test-json steps write their reports: a folder of the
// job's own, so that a job whose artifacts a later job needs does not bring its reports
// under the later job's junit: pattern (GitLab unpacks every artifact of a needed job).
func gitlabReportDir(g group) string { return ReportDir + "/" + g.id }

// gitlabNeeds lists the jobs a job needs. One whose artifacts it does not use (a group
// without artifacts:, whose files are only its test reports, or a deploy job) is needed
// for the order only, with artifacts: false, so that GitLab does not unpack its reports
// into this job to be counted again.
func (p *plan) gitlabNeeds(needs []string) any {
	if !slices.ContainsFunc(needs, func(n string) bool { return !p.hasArtifacts(n) }) {
		return flow(needs)
	}
	var out list
	for _, n := range needs {
		if p.hasArtifacts(n) {
			out = append(out, n)
			continue
		}
		out = append(out, mapping{{key: "job", value: n}, {key: "artifacts", value: false}})
	}
	return out
}

// gitlabStep is a step as a script entry, writing its converted reports into dir; a step's
// own env is set in a subshell, so the next step does not see it.
func gitlabStep(s config.Step, dir string) string {
	cmd := command(s, dir)
	if len(s.Env) == 0 {
		return cmd
	}
	var b strings.Builder
	b.WriteString("(\n")
	for _, f := range envMapping(s.Env) {
		fmt.Fprintf(&b, "export %s=%s\n", f.key, shellValue(f.value.(string)))
	}
	b.WriteString(strings.TrimSuffix(cmd, "\n") + "\n)\n")
	return b.String()
}

// shellValue quotes a value for sh.
func shellValue(v string) string { return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'" }

// gitlabSecrets: GitLab puts CI/CD variables in the job's environment; the SSH key and
// known_hosts are variables of type File, which hold the path of a file with the value.
var gitlabSecrets = secretShell{write: `install -m 600 "$%[1]s" "%[2]s"`,
	where:    "add it as a masked CI/CD variable for the environment %s (see docs/ci.md)",
	sshWhere: "add it as a CI/CD variable of type File for the environment %s (see docs/ci.md)", files: true}

// dataDir gives each deploy job a data dir of its own: a runner that runs jobs side by
// side in one machine (the shell executor) must not share one.
const dataDir = `export EIGHTFOLD_HOME="$(mktemp -d)"`

// gitlabDeploy is the deploy job of a target.
func (p *plan) gitlabDeploy(d deployJob) mapping {
	t := d.target
	tier := "staging"
	if t.Production {
		tier = "production"
	}
	job := mapping{{key: "stage", value: "deploy"}, {key: "needs", value: p.gitlabNeeds(d.needs)},
		{key: "environment", value: mapping{{key: "name", value: t.Name}, {key: "deployment_tier", value: tier}}},
		{key: "resource_group", value: t.Name}, {key: "rules", value: p.gitlabRules(d)}, {key: "cache", value: list{}},
		{key: "before_script", value: list{`export PATH="$HOME/go/bin:$HOME/.local/bin:$PATH"`, dataDir, p.installScript(""),
			gitlabSecrets.sshScript(t)}},
		{key: "script", value: list{gitlabSecrets.deployScript(t)}}}
	return job
}

// gitlabRules: an automatic target deploys on the default branch (the project's, unless
// ci.branch names one) and on tags; production (and what is promoted from it) on tags only,
// production itself when started by hand.
func (p *plan) gitlabRules(d deployJob) list {
	tag := mapping{{key: "if", value: "$CI_COMMIT_TAG"}}
	if d.auto {
		branch := "$CI_DEFAULT_BRANCH"
		if p.cfg.CI.Branch != "" {
			branch = `"` + p.cfg.CI.Branch + `"`
		}
		return list{mapping{{key: "if", value: "$CI_COMMIT_BRANCH == " + branch}}, tag}
	}
	if d.target.Production {
		tag.add("when", "manual")
	}
	return list{tag}
}
