package config

import "regexp"

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
