package config

// CI tunes the files `eightfold export` writes for GitHub Actions and GitLab CI (the
// top-level ci: section). The zero value is the default.
type CI struct {
	// Install is a shell command that puts the eightfold binary on PATH in a deploy job,
	// such as go install example.com/eightfold@v1.4.0. "": the deploy jobs fail, saying
	// to set it.
	Install string
}

// ciKeys are the keys of the ci: section, in the order messages list them.
var ciKeys = []string{"install"}

const wantCI = "a mapping with install: a command that puts eightfold on PATH in a CI job"

// ci decodes the ci: section.
func (d *decoder) ci(e entry, path string) CI {
	var c CI
	fields, _ := d.fields(e, path, wantCI, ciKeys)
	for _, f := range fields {
		if f.key == "install" {
			c.Install = d.run(f, path+"."+f.key)
		}
	}
	return c
}
