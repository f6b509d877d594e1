package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// detector recognises one kind of project from one of its files.
type detector struct {
	files    []string // candidate file names, the first present one is used
	looksFor string   // how the error for "nothing detected" names it
	// steps returns the pipeline for the file, or no steps when the file
	// does not make a pipeline (a package.json without scripts).
	steps func(dir, file string, src []byte) ([]Step, error)
}

// detectors in priority order: the first match gives the pipeline.
var detectors = []detector{
	{[]string{"go.mod"}, "go.mod", goSteps},
	{[]string{"package.json"}, "package.json (with a build or test script)", nodeSteps},
	{[]string{"Cargo.toml"}, "Cargo.toml", cargoSteps},
	{[]string{"pyproject.toml", "setup.cfg"}, "pyproject.toml, setup.cfg", pythonSteps},
	{[]string{"GNUmakefile", "makefile", "Makefile"}, "GNUmakefile, makefile, Makefile (with a target)", makeSteps},
}

// exampleConfig is the smallest useful eightfold.yaml.
const exampleConfig = `steps:
  - name: build
    run: make
  - name: test
    run: make test
`

// Detect guesses the pipeline of the repository at dir from the files at
// its root (zero-config), in this priority: go.mod, package.json with a
// build or test script, Cargo.toml, pyproject.toml or setup.cfg, a Makefile
// with a target. The first match wins; Source also names the other files
// that would have matched. When nothing matches, the error wraps
// ErrNotDetected and says what to write instead.
func Detect(dir string) (*Config, error) {
	var cfg *Config
	var also []string
	for _, det := range detectors {
		file, steps, err := det.detect(dir)
		switch {
		case err != nil && cfg == nil:
			return nil, err
		case len(steps) == 0 || err != nil:
			continue
		case cfg == nil:
			cfg = &Config{Source: "detected from " + file, Env: map[string]string{}, LogLimit: DefaultLogLimit, Steps: steps, Watch: DefaultWatch(), Release: DefaultRelease(),
				Targets: map[string]Target{}, Checks: map[string]Check{}, Monitor: DefaultMonitor()}
		default:
			also = append(also, file)
		}
	}
	if cfg == nil {
		return nil, notDetected(dir)
	}
	if len(also) > 0 {
		cfg.Source += "; also found " + strings.Join(also, ", ")
	}
	return cfg, nil
}

// detect runs d on the first of its files present in dir. It returns the
// file's name and its steps; no file gives no steps and no error.
func (d detector) detect(dir string) (string, []Step, error) {
	for _, name := range d.files {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			if info, statErr := os.Stat(filepath.Join(dir, name)); statErr == nil && info.IsDir() {
				continue
			}
			return name, nil, fmt.Errorf("detecting the pipeline: %w", err)
		}
		steps, err := d.steps(dir, name, src)
		return name, steps, err
	}
	return "", nil, nil
}

// notDetected explains that nothing was detected and what to do.
func notDetected(dir string) error {
	looked := make([]string, len(detectors))
	for i, d := range detectors {
		looked[i] = d.looksFor
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return fmt.Errorf("%w in %s: there is no %s and none of %s.\nDescribe the pipeline in %s, for example:\n\n%s",
		ErrNotDetected, dir, FileNames[0], strings.Join(looked, ", "), filepath.Join(dir, FileNames[0]), exampleConfig)
}

// detectedStep is a step found by detection in file; detail, when set,
// says what in the file it comes from.
func detectedStep(file, name, run, detail string) Step {
	origin := "detected from " + file
	if detail != "" {
		origin += " (" + detail + ")"
	}
	return Step{Name: name, Run: run, Timeout: DefaultTimeout, Env: map[string]string{}, Origin: origin}
}

// goSteps builds and tests every package of a Go module.
func goSteps(_, file string, _ []byte) ([]Step, error) {
	test := detectedStep(file, "test", "go test -json ./...", "")
	test.Report = ReportGoTestJSON
	return []Step{detectedStep(file, "build", "go build ./...", ""), test}, nil
}

// cargoSteps builds and tests a Rust crate or workspace.
func cargoSteps(_, file string, _ []byte) ([]Step, error) {
	return []Step{
		detectedStep(file, "build", "cargo build", ""),
		detectedStep(file, "test", "cargo test", ""),
	}, nil
}

// pythonSteps runs pytest; Python projects have no build step.
func pythonSteps(_, file string, _ []byte) ([]Step, error) {
	return []Step{detectedStep(file, "test", "python3 -m pytest", "")}, nil
}

// nodeSteps runs the build and test scripts of package.json with the
// package manager its lockfile (or "packageManager" field) names.
func nodeSteps(dir, file string, src []byte) ([]Step, error) {
	var pkg struct {
		Scripts        map[string]any `json:"scripts"`
		PackageManager string         `json:"packageManager"`
	}
	if err := json.Unmarshal(src, &pkg); err != nil {
		return nil, jsonError(file, src, err)
	}
	pm, why := packageManagerOf(dir, pkg.PackageManager)
	var steps []Step
	for _, script := range []string{"build", "test"} {
		body, _ := pkg.Scripts[script].(string)
		if strings.TrimSpace(body) == "" || script == "test" && isPlaceholderTest(body) {
			continue
		}
		detail := fmt.Sprintf("scripts.%s, %s %s", script, pm.name, why)
		steps = append(steps, detectedStep(file, script, pm.command(script), detail))
	}
	return steps, nil
}

// isPlaceholderTest reports whether a test script is the one `npm init`
// writes, which only fails.
func isPlaceholderTest(script string) bool {
	return strings.Contains(script, "Error: no test specified")
}

// packageManager is a JavaScript package manager.
type packageManager struct {
	name      string
	lockfiles []string
	run       string // prefix that runs a script: "npm run "
}

// packageManagers in the order their lockfiles are looked for.
var packageManagers = []packageManager{
	{"pnpm", []string{"pnpm-lock.yaml"}, "pnpm run "},
	{"yarn", []string{"yarn.lock"}, "yarn "},
	{"bun", []string{"bun.lockb", "bun.lock"}, "bun run "},
	{"npm", []string{"package-lock.json"}, "npm run "},
}

// command is the command line that runs script.
func (pm packageManager) command(script string) string {
	if pm.name == "npm" && script == "test" {
		return "npm test"
	}
	return pm.run + script
}

// packageManagerOf picks the package manager of the project in dir and says why.
func packageManagerOf(dir, field string) (packageManager, string) {
	for _, pm := range packageManagers {
		for _, lock := range pm.lockfiles {
			if _, err := os.Stat(filepath.Join(dir, lock)); err == nil {
				return pm, "from " + lock
			}
		}
	}
	name, _, _ := strings.Cut(field, "@")
	if i := slices.IndexFunc(packageManagers, func(pm packageManager) bool { return pm.name == name }); i >= 0 {
		return packageManagers[i], "from packageManager"
	}
	return packageManagers[len(packageManagers)-1], "(no lockfile)"
}

// jsonError locates a JSON syntax error as file:line:col (the byte at which
// the decoder gave up).
func jsonError(file string, src []byte, err error) error {
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		return fmt.Errorf("%s: %w", file, err)
	}
	before := src[:min(int(syntax.Offset), len(src))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := max(len(before)-bytes.LastIndexByte(before, '\n')-1, 1) // the byte read last

	return fmt.Errorf("%s:%d:%d: invalid JSON: %w", file, line, col, err)
}

// makeSteps runs `make` when the Makefile has an ordinary target (unless
// its default goal is test) and `make test` when it has a test target.
func makeSteps(_, file string, src []byte) ([]Step, error) {
	targets := makeTargets(src)
	var steps []Step
	if len(targets) > 0 && targets[0] != "test" {
		steps = append(steps, detectedStep(file, "build", "make", "default goal "+targets[0]))
	}
	if slices.Contains(targets, "test") {
		steps = append(steps, detectedStep(file, "test", "make test", "target test"))
	}
	return steps, nil
}

// makeConditionals are directives whose lines are neither rules nor assignments.
var makeConditionals = []string{"ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude", "vpath"}

// makeTargets lists the ordinary targets of a Makefile in order: the
// targets of rule lines that do not start with '.' and are not patterns.
// Nothing is evaluated: variables in target names stay as written.
func makeTargets(src []byte) []string {
	var targets []string
	inDefine := false
	for _, line := range makeLines(src) {
		word := strings.Fields(line)[0]
		switch {
		case inDefine:
			inDefine = word != "endef"
		case word == "define":
			inDefine = true
		case strings.HasPrefix(line, "\t") || slices.Contains(makeConditionals, word):
		default:
			targets = appendTargets(targets, ruleTargets(line))
		}
	}
	return targets
}

// appendTargets adds the ordinary targets among names that are new.
func appendTargets(targets, names []string) []string {
	for _, t := range names {
		if !strings.HasPrefix(t, ".") && !strings.Contains(t, "%") && !slices.Contains(targets, t) {
			targets = append(targets, t)
		}
	}
	return targets
}

// makeLines splits a Makefile into logical lines: continuations joined,
// comments removed, blank lines dropped.
func makeLines(src []byte) []string {
	var lines []string
	var cur strings.Builder
	for raw := range strings.SplitSeq(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") {
		if body, ok := strings.CutSuffix(raw, "\\"); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(raw)
		line, _, _ := strings.Cut(cur.String(), "#")
		cur.Reset()
		if strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// ruleTargets returns the targets of a rule line ("a b: deps", "a::"), or
// nil for anything else, such as a variable assignment (A = b, A := b,
// A ?= b, A += b, A != cmd). Colons inside $(…) and ${…} do not count.
func ruleTargets(line string) []string {
	depth := 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '$' && i+1 < len(line) && (line[i+1] == '(' || line[i+1] == '{'):
			depth++
			i++
		case depth > 0 && (c == ')' || c == '}'):
			depth--
		case depth > 0:
		case c == '=':
			return nil
		case c == ':':
			if strings.HasPrefix(strings.TrimLeft(line[i:], ":"), "=") {
				return nil // :=, ::=, :::=
			}
			return strings.Fields(line[:i])
		}
	}
	return nil
}
