package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// CI tunes the files `eightfold export` writes for GitHub Actions and GitLab CI (the
// top-level ci: section). The zero value is the default.
type CI struct {
	// Install is a shell command that puts the eightfold binary on PATH in a deploy job,
	// such as go install example.com/eightfold@v1.4.0. "": the deploy jobs fail, saying
	// to set it.
	Install string
	// Branch is the branch whose pushes run the automatic deploys. "": the repository's
	// default branch (origin/HEAD, else main or master, else init.defaultBranch, else main;
	// GitLab: the project's default branch).
	Branch string
}

// ciKeys are the keys of the ci: section, in the order messages list them.
var ciKeys = []string{"install", "branch"}

const wantCI = "a mapping with install: a command that puts eightfold on PATH in a CI job, and branch: the branch that deploys"

// branchRE matches a branch name the exported files can hold as it is: words of letters,
// digits and '_' joined by single '.', '/' or '-'.
var branchRE = regexp.MustCompile(`^[A-Za-z0-9_]+([./-][A-Za-z0-9_]+)*$`)

// ci decodes the ci: section.
func (d *decoder) ci(e entry, path string) CI {
	var c CI
	fields, _ := d.fields(e, path, wantCI, ciKeys)
	for _, f := range fields {
		switch f.key {
		case "install":
			c.Install = d.run(f, path+"."+f.key)
		case "branch":
			c.Branch = d.branch(f, path+"."+f.key)
		}
	}
	return c
}

// branch decodes a git branch name; "" when it is not one.
func (d *decoder) branch(e entry, path string) string {
	s, ok := d.text(e, path, "a branch name (a string) such as main")
	switch {
	case !ok:
		return ""
	case !branchRE.MatchString(s):
		d.failf(e.at, path, "%q is not a branch name the CI files can hold; use letters, digits and '_' joined by single '.', '/' or '-', such as main or release/1.x", s)
		return ""
	}
	return s
}

// groupPattern is what a step's group may be: a job id GitHub Actions and GitLab CI both
// take as it is.
const groupPattern = `^[a-z][a-z0-9_-]*$`

var groupRE = regexp.MustCompile(groupPattern)

// reservedGroups are names a group cannot take: GitLab CI reads them as its own keywords
// (or, for deploy, as the stage of the deploy jobs).
var reservedGroups = []string{"after_script", "before_script", "cache", "default", "deploy", "image", "include",
	"pages", "services", "stages", "types", "variables", "workflow"}

// yaml11Words are the words YAML 1.1 parsers read as a boolean or null rather than as text
// (in any case), each with the value it is read as: a job named one of them would lose its
// name. GitLab CI's parser (Ruby's Psych) reads all but y and n so; others, such as go-yaml
// v2, read those too.
var yaml11Words = map[string]string{"y": "true", "yes": "true", "on": "true", "true": "true",
	"n": "false", "no": "false", "off": "false", "false": "false", "null": "null", "~": "null"}

// group decodes the CI job a step runs in when exported; "" when it is not a valid one.
func (d *decoder) group(e entry, path string) string {
	s, ok := d.text(e, path, "a CI job name (a string) such as build or unit-tests")
	switch {
	case !ok:
		return ""
	case yaml11Words[strings.ToLower(s)] != "":
		d.failf(e.at, path, "%q cannot name a CI job: YAML 1.1 parsers (GitLab CI's among them, but for y and n) read it as %s, not as the text %[1]q; choose another name, such as checks or unit-tests",
			s, yaml11Words[strings.ToLower(s)])
		return ""
	case !groupRE.MatchString(s):
		d.failf(e.at, path, "%q is not a CI job name the exported files can hold; start with a lowercase letter, then lowercase letters, digits, '_' and '-', such as unit-tests", s)
		return ""
	case slices.Contains(reservedGroups, s) || strings.HasPrefix(s, "deploy-"):
		d.failf(e.at, path, "%q is taken in the exported files (by GitLab CI's keywords or by the deploy jobs); choose another name, such as %s-steps", s, s)
		return ""
	}
	return s
}

// groupSpan is where a group's steps begin and end in the steps list.
type groupSpan struct {
	first, last int
	at          ast.Node
}

// consecutiveGroups checks that the steps of each group follow one another, since each
// group becomes one CI job and the jobs run in the pipeline's order.
func (d *decoder) consecutiveGroups(steps []Step, groupAt []ast.Node, path string) {
	spans := map[string]*groupSpan{}
	for i, s := range steps {
		if s.Group == "" {
			continue
		}
		sp, seen := spans[s.Group]
		if !seen {
			spans[s.Group] = &groupSpan{first: i, last: i, at: groupAt[i]}
			continue
		}
		if sp.last != i-1 {
			line, col := position(sp.at)
			between := fmt.Sprintf("steps[%d]", sp.last+1)
			if name := steps[sp.last+1].Name; name != "" {
				between += " (" + name + ")"
			}
			d.failf(groupAt[i], fmt.Sprintf("%s[%d].group", path, i),
				"the steps of group %q must follow one another, since the group is one CI job: it is used at line %d, column %d, then %s is not in it; move this step up after steps[%d], or give it another group",
				s.Group, line, col, between, sp.last)
		}
		sp.last = i
	}
}
