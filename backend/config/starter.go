package config

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/goccy/go-yaml"
)

// Starter is the commented eightfold.yaml Eightfold offers to write for a repository that has
// none: the detected steps with a comment per key, and commented-out examples of the other
// sections (StarterExamples).
type Starter struct {
	YAML         string   // the file's text
	DetectedFrom []string // the file the steps were detected from, such as go.mod; empty when nothing was
}

// NewStarter makes the starter eightfold.yaml for the repository at dir from what Detect
// finds there (an existing eightfold.yaml plays no part). A folder where nothing is detected
// gets one placeholder step and a comment saying what to put there; a file Detect cannot
// read (a broken package.json) is an error.
func NewStarter(dir string) (Starter, error) {
	cfg, err := Detect(dir)
	if errors.Is(err, ErrNotDetected) {
		return Starter{YAML: starterHeader("") + undetectedSteps + StarterExamples, DetectedFrom: []string{}}, nil
	}
	if err != nil {
		return Starter{}, err
	}
	from := detectedFile(cfg.Source)
	var b strings.Builder
	b.WriteString(starterHeader(cfg.Source))
	b.WriteString(keyComment("steps:", "run in order on every save; the first that fails stops the run"))
	for i, s := range cfg.Steps {
		writeStep(&b, s, i == 0)
	}
	b.WriteString(StarterExamples)
	return Starter{YAML: b.String(), DetectedFrom: []string{from}}, nil
}

// detectedFile is the file a detected config's Source names first ("detected from go.mod;
// also found Makefile" → go.mod).
func detectedFile(source string) string {
	s := strings.TrimPrefix(source, "detected from ")
	s, _, _ = strings.Cut(s, "; ")
	return s
}

// starterHeader opens the file: what it is, where it came from and where the keys are
// explained. source is Config.Source ("" when nothing was detected).
func starterHeader(source string) string {
	from := "Nothing was detected in this folder: the step below is a placeholder to fill in."
	if source != "" {
		from = "The steps below were " + strings.Replace(source, "; also found ", " (also found ", 1)
		if strings.Contains(source, "; also found ") {
			from += ")"
		}
		from += "; edit them freely."
	}
	return "# eightfold.yaml: the pipeline Eightfold runs on every save, and how it releases and deploys.\n" +
		"# " + from + "\n" +
		"# Every key is explained in docs/config.md; `eightfold config --schema` prints the JSON Schema\n" +
		"# for editors, and `eightfold config` shows the pipeline as Eightfold reads it.\n\n"
}

// commentColumn is where the comments after keys start.
const commentColumn = 33

// keyComment is line with comment after it, lined up at commentColumn.
func keyComment(line, comment string) string {
	if comment == "" {
		return line + "\n"
	}
	pad := max(commentColumn-len(line), 1)
	return line + strings.Repeat(" ", pad) + "# " + comment + "\n"
}

// writeStep writes one detected step; the first explains each key.
func writeStep(b *strings.Builder, s Step, first bool) {
	explain := func(text string) string {
		if first {
			return text
		}
		return ""
	}
	b.WriteString(keyComment("  - name: "+yamlScalar(s.Name), explain("unique; letters, digits, . _ -")))
	b.WriteString(keyComment("    run: "+yamlScalar(s.Run), strings.TrimPrefix(s.Origin, "detected ")))
	if s.Report != "" {
		b.WriteString(keyComment("    report: "+yamlScalar(s.Report), explain("test results from the output; or tap, or junit:reports/*.xml")))
	}
	b.WriteString(keyComment("    # timeout: "+durationText(s.Timeout), explain("the default; a Go duration such as 90s, 10m, 1h30m")))
	if first {
		b.WriteString(keyComment("    # artifacts: [bin/app]", "files a release keeps and deploys (paths or globs)"))
	}
}

// yamlScalar writes s as a YAML scalar: plain when YAML reads it back as the same string,
// else quoted (a JSON string is a YAML double-quoted scalar).
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	text := strings.TrimSuffix(string(out), "\n")
	if err != nil || strings.Contains(text, "\n") {
		q, _ := json.Marshal(s)
		return string(q)
	}
	return text
}

// undetectedSteps is the steps section of a folder where nothing was detected.
var undetectedSteps = keyComment("steps:", "run in order on every save; the first that fails stops the run") +
	"  # Eightfold detects a pipeline from go.mod, package.json, Cargo.toml, pyproject.toml,\n" +
	"  # setup.cfg or a Makefile, and found none here. Put the commands that build and test this\n" +
	"  # project below, one step each, in the order they run; this placeholder fails until you do.\n" +
	keyComment("  - name: test", "unique; letters, digits, . _ -") +
	keyComment(`    run: echo "describe this project's build and test in eightfold.yaml" >&2; exit 1`, "") +
	keyComment("    # timeout: 30m", "the default; a Go duration such as 90s, 10m, 1h30m")

// StarterExamplesHeader is the comment line that opens StarterExamples; every line after it
// is a line of YAML behind "# ".
const StarterExamplesHeader = "# More you can set: remove the \"# \" in front of a section's lines to use it.\n"

// StarterExamples ends every starter: the other sections, commented out, each true to
// docs/config.md.
const StarterExamples = "\n" + StarterExamplesHeader + `# watch:                          # how runs start on change; every key optional
#   ignore: [tmp/, "*.log"]        # gitignore patterns, on top of .gitignore
#   debounce: 25ms                 # quiet window before a run starts (the default)
#   on_change_while_running: restart   # or queue: let the run finish, then run once
# release:                        # how releases are versioned; every key optional
#   initial: 0.1.0                 # version of the first release (the default)
#   changelog_file: CHANGELOG.md   # prepend each release's notes to this file
# targets:                        # where releases are deployed, by name
#   staging:                       # a directory on this machine: demos and tests
#     local: true
#     path: ../app-deploy          # the deploy root, outside the repository
#     start: nohup ./current/app --port "$EIGHTFOLD_PORT" &   # its output goes to logs/app.log
#     health: {url: "http://127.0.0.1:9090/healthz", deadline: 10s}
#   production:                    # a server over SSH
#     ssh: deploy@203.0.113.10:22    # or several: hosts: [deploy@10.0.0.1, deploy@10.0.0.2], parallel: 1
#     path: /srv/app
#     start: systemctl --user restart app
#     health: {url: "http://127.0.0.1:8080/healthz", json: {field: status, equals: ok}}
#     promote_from: staging        # takes the release that is healthy on staging
# checks:                         # more health checks the monitor runs, by name
#   api: {url: "https://api.example.com/healthz", max_time: 800ms, interval: 1m}
`
