package ciexport

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"eightfold/backend/config"
	"eightfold/backend/sshx"
)

// Actions the GitHub workflow uses, at their current major versions.
const (
	actionCheckout = "actions/checkout@v6"
	actionGo       = "actions/setup-go@v6"
	actionNode     = "actions/setup-node@v6"
	actionPython   = "actions/setup-python@v6"
	actionUpload   = "actions/upload-artifact@v7"
	actionDownload = "actions/download-artifact@v8"
)

// runner is the GitHub-hosted machine every job runs on.
const runner = "ubuntu-latest"

// github renders the workflow, without its header.
func (p *plan) github() string {
	doc := mapping{{key: "name", value: "eightfold"}, {key: "on", value: p.githubTriggers()},
		{key: "permissions", value: mapping{{key: "contents", value: "read"}}}}
	if len(p.cfg.Env) > 0 {
		doc.add("env", envMapping(p.cfg.Env))
	}
	doc.add("defaults", mapping{{key: "run", value: mapping{{key: "shell", value: "bash"}}}})
	jobs := mapping{}
	for _, g := range p.groups {
		jobs = append(jobs, field{key: g.id, value: p.githubGroup(g), gap: len(jobs) > 0})
	}
	for _, d := range p.deploys {
		jobs = append(jobs, field{key: d.id, value: p.githubDeploy(d), gap: true})
	}
	doc = append(doc, field{key: "jobs", value: jobs, gap: true})
	var b strings.Builder
	emit(&b, doc, 0)
	return b.String()
}

// githubTriggers: pushes to the default branch, pull requests, and a manual run that
// deploys to a chosen target when there are targets.
func (p *plan) githubTriggers() mapping {
	on := mapping{{key: "push", value: mapping{{key: "branches", value: flow{p.defaultBranch}}}}, {key: "pull_request", value: nil}}
	if len(p.deploys) == 0 {
		return on
	}
	var names []string
	for _, d := range p.deploys {
		names = append(names, d.target.Name)
	}
	target := mapping{{key: "description", value: "The target to deploy to (after the targets it promotes from)"},
		{key: "type", value: "choice"}, {key: "required", value: true}, {key: "options", value: flow(names)}}
	on.add("workflow_dispatch", mapping{{key: "inputs", value: mapping{{key: "target", value: target}}}})
	return on
}

// envMapping is an env: mapping in name order.
func envMapping(env map[string]string) mapping {
	m := mapping{}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		m.add(k, env[k])
	}
	return m
}

// githubGroup is the job of a group of steps.
func (p *plan) githubGroup(g group) mapping {
	job := mapping{{key: "runs-on", value: runner}}
	if len(g.needs) > 0 {
		job.add("needs", flow(g.needs))
	}
	steps := append(list{mapping{{key: "uses", value: actionCheckout}}}, p.githubSetup()...)
	steps = append(steps, p.githubDownload(g.needs)...)
	for _, s := range g.steps {
		steps = append(steps, githubStep(s))
	}
	if len(g.artifacts) > 0 {
		steps = append(steps, mapping{{key: "name", value: "pack the artifacts"},
			{key: "run", value: "shopt -s globstar\ntar -cf \"$RUNNER_TEMP/" + g.id + "-artifacts.tar\" -- " + strings.Join(shellPaths(g.artifacts), " ") + "\n"}},
			mapping{{key: "uses", value: actionUpload}, {key: "with", value: mapping{{key: "name", value: g.id + "-artifacts"},
				{key: "path", value: "${{ runner.temp }}/" + g.id + "-artifacts.tar"}, {key: "if-no-files-found", value: "error"}}}})
	}
	if _, keep := g.reports(ReportDir); len(keep) > 0 {
		steps = append(steps, mapping{{key: "name", value: "upload the test reports"}, {key: "if", value: "always()"},
			{key: "uses", value: actionUpload}, {key: "with", value: mapping{{key: "name", value: g.id + "-reports"},
				{key: "path", value: strings.Join(keep, "\n") + "\n"}}}})
	}
	job.add("steps", steps)
	return job
}

// githubStep runs one step of the pipeline.
func githubStep(s config.Step) mapping {
	step := mapping{{key: "name", value: s.Name}, {key: "run", value: command(s, ReportDir)}, {key: "timeout-minutes", value: timeoutMinutes(s)}}
	if len(s.Env) > 0 {
		step.add("env", envMapping(s.Env))
	}
	return step
}

// githubSetup sets up the toolchains the repository uses, with their caches, and installs
// its packages.
func (p *plan) githubSetup() list {
	var steps list
	if p.goVersion != "" {
		with := mapping{{key: "go-version-file", value: "go.mod"}, {key: "cache-dependency-path", value: "go.sum"}}
		if !p.goSum {
			with = mapping{{key: "go-version-file", value: "go.mod"}, {key: "cache", value: false}}
		}
		steps = append(steps, mapping{{key: "uses", value: actionGo}, {key: "with", value: with}})
	}
	if p.node != "" {
		with := mapping{{key: "node-version", value: p.node}}
		if p.nodeLock == "package-lock.json" {
			with.add("cache", "npm")
		}
		steps = append(steps, mapping{{key: "uses", value: actionNode}, {key: "with", value: with}},
			mapping{{key: "name", value: "install the node packages"}, {key: "run", value: p.nodeInstall}})
	}
	if p.python != "" {
		with := mapping{{key: "python-version", value: p.python}}
		if p.pythonFile {
			with = mapping{{key: "python-version-file", value: ".python-version"}}
		}
		if p.pythonReqs {
			with.add("cache", "pip")
		}
		steps = append(steps, mapping{{key: "uses", value: actionPython}, {key: "with", value: with}})
		if p.pythonReqs {
			steps = append(steps, mapping{{key: "name", value: "install the python packages"}, {key: "run", value: "pip install -r requirements.txt"}})
		}
	}
	return steps
}

// githubDownload fetches and unpacks the artifacts of the jobs needed that have some.
func (p *plan) githubDownload(needs []string) list {
	var steps list
	var tars []string
	for _, g := range p.groups {
		if len(g.artifacts) == 0 || !slices.Contains(needs, g.id) {
			continue
		}
		steps = append(steps, mapping{{key: "uses", value: actionDownload}, {key: "with", value: mapping{
			{key: "name", value: g.id + "-artifacts"}, {key: "path", value: "${{ runner.temp }}"}}}})
		tars = append(tars, fmt.Sprintf("tar -xf \"$RUNNER_TEMP/%s-artifacts.tar\"\n", g.id))
	}
	if len(tars) > 0 {
		steps = append(steps, mapping{{key: "name", value: "unpack the artifacts"}, {key: "run", value: strings.Join(tars, "")}})
	}
	return steps
}

// githubSecrets: a GitHub job gets a secret's value in an env variable of the step.
var githubSecrets = secretShell{errorPrefix: "::error::", write: `(umask 077 && printf '%%s\n' "$%[1]s" > "%[2]s")`,
	where: "add it to the secrets of the environment %s (see docs/ci.md)"}

// githubDeploy is the deploy job of a target.
func (p *plan) githubDeploy(d deployJob) mapping {
	t := d.target
	job := mapping{{key: "needs", value: flow(d.needs)}, {key: "if", value: p.githubCondition(d)}, {key: "runs-on", value: runner},
		{key: "environment", value: t.Name},
		{key: "concurrency", value: mapping{{key: "group", value: "eightfold-" + d.id}, {key: "cancel-in-progress", value: false}}}}
	steps := append(list{mapping{{key: "uses", value: actionCheckout}}}, p.githubDownload(d.needs)...)
	steps = append(steps,
		mapping{{key: "name", value: "install eightfold"}, {key: "run", value: "echo \"$HOME/go/bin\" >> \"$GITHUB_PATH\"\necho \"$HOME/.local/bin\" >> \"$GITHUB_PATH\"\n" +
			"export PATH=\"$HOME/go/bin:$HOME/.local/bin:$PATH\"\n" + p.installScript("::error::")}},
		mapping{{key: "name", value: "write the SSH key and known_hosts"}, {key: "env", value: secretEnv([]string{SSHKeySecret, KnownHostsSecret})},
			{key: "run", value: githubSecrets.sshScript(t)}})
	env := mapping{{key: "EIGHTFOLD_HOME", value: "${{ runner.temp }}/eightfold"}}
	env = append(env, secretEnv(t.Secrets)...)
	steps = append(steps, mapping{{key: "name", value: "deploy " + t.Name}, {key: "env", value: env}, {key: "run", value: githubSecrets.deployScript(t)}})
	job.add("steps", steps)
	return job
}

// secretEnv maps each name to the secret of that name.
func secretEnv(names []string) mapping {
	m := mapping{}
	for _, n := range slices.Sorted(slices.Values(names)) {
		m.add(n, "${{ secrets."+n+" }}")
	}
	return m
}

// githubCondition is when a deploy job runs: on a push to the default branch for an
// automatic target, and on a manual run that chose it or a target promoted from it.
func (p *plan) githubCondition(d deployJob) string {
	var chosen []string
	for _, n := range d.dispatch {
		chosen = append(chosen, "inputs.target == '"+n+"'")
	}
	manual := "github.event_name == 'workflow_dispatch' && "
	if len(chosen) > 1 {
		manual += "(" + strings.Join(chosen, " || ") + ")"
	} else {
		manual += chosen[0]
	}
	if !d.auto {
		return manual
	}
	return "github.event_name == 'push' && github.ref == 'refs/heads/" + p.defaultBranch + "' || " + manual
}

// shellPaths writes artifact patterns for bash: globs bare (globstar on), other paths quoted
// when they need it.
func shellPaths(patterns []string) []string {
	out := make([]string, len(patterns))
	for i, pat := range patterns {
		out[i] = sshx.ShellQuote(pat)
		if strings.ContainsAny(pat, "*?[") && !strings.ContainsAny(pat, " '\"$`\\;&|<>(){}") {
			out[i] = pat
		}
	}
	return out
}
