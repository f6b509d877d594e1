// Package config loads a repository's pipeline: the eightfold.yaml file at
// its root, validated with file:line:col errors, or, when there is no such
// file, a pipeline detected from the files that are there (go.mod,
// package.json, Cargo.toml, pyproject.toml, setup.cfg, Makefile).
//
// The file format is described by the JSON Schema in Schema, which editors
// can use for completion and validation. A minimal file:
//
//	steps:
//	  - name: build
//	    run: go build ./...
//	  - name: test
//	    run: go test -json ./...
//	    report: go-test-json
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Defaults applied to whatever the file leaves out.
const (
	DefaultTimeout  = 30 * time.Minute // per step
	DefaultLogLimit = 50 << 20         // stored output per step, in bytes (50 MiB)
)

// FileNames are the config file names Load looks for, in order. Both
// spellings are accepted; having both in one directory is an error, since
// it is unclear which one is meant.
var FileNames = []string{"eightfold.yaml", "eightfold.yml"}

// Schema is the JSON Schema (draft 2020-12) of eightfold.yaml.
//
//go:embed eightfold.schema.json
var Schema []byte

// Config is a repository's effective pipeline.
type Config struct {
	File     string            // absolute path of the config file; "" when detected
	Source   string            // human text: "eightfold.yaml" or "detected from go.mod; also found Makefile"
	Env      map[string]string // project env given to every step (top-level env:)
	LogLimit int64             // default cap, in bytes, on the output stored per step
	Steps    []Step            // in order; at least one
	Watch    Watch             // how `eightfold watch` and the UI rerun on change (top-level watch:)
	Release  Release           // how `eightfold release` picks the version and writes the changelog (top-level release:)

	Targets     map[string]Target // where releases are deployed, by name (top-level targets:); empty, not nil, when none
	TargetOrder []string          // the names of Targets in the order the file lists them

	Checks     map[string]Check // extra health checks the monitor runs, by name (top-level checks:); empty, not nil, when none
	CheckOrder []string         // the names of Checks in the order the file lists them
	Monitor    Monitor          // how targets' health is watched and results kept (top-level monitor:); DefaultMonitor unless set
	CI         CI               // how `eightfold export` writes CI files (top-level ci:)

	logLimitSet bool // LogLimit was written in the file, not defaulted
}

// Step is one command of the pipeline.
type Step struct {
	Name      string            // unique within the pipeline, [A-Za-z0-9._-]+
	Run       string            // shell command line (may span several lines)
	Timeout   time.Duration     // > 0; DefaultTimeout unless set
	Env       map[string]string // added to the project env for this step
	Report    string            // "", "go-test-json", "tap" or "junit:<glob>"
	Retries   int               // reruns of failed Go tests (report go-test-json); 0 to 5
	Artifacts []string          // relative paths or globs inside the repository
	LogLimit  int64             // cap on stored output in bytes; 0 means Config.LogLimit
	Group     string            // the CI job it runs in when exported (eightfold export); "": grouped by kind
	Origin    string            // "eightfold.yaml:4:5" or "detected from go.mod"

	timeoutSet bool // Timeout was written in the file, not defaulted
}

// Release tunes how `eightfold release` picks the next version and writes the changelog (the
// top-level release: section). Use DefaultRelease, not the zero value, for the defaults: Initial
// defaults to DefaultInitial.
type Release struct {
	Initial            string   // version of the first release, without a leading "v"; DefaultInitial unless set; a valid semantic version
	ChangelogFile      string   // "": no file; else a file path relative to the repository (CHANGELOG.md) that each release prepends its notes to and commits with the tag
	SkipTypes          []string // conventional commit types left out of the changelog and of the decision to release; nil: DefaultSkipTypes; empty (not nil): skip none
	IncludeMerges      bool     // keep merge commits, under "Other"
	BreakingBumpsMajor bool     // while the major is 0, a breaking change goes to 1.0.0 (false: it bumps the minor)
	FeaturesBumpMinor  bool     // while the major is 0, a feature bumps the minor (false: the patch)
}

// Report formats of a step's test results (see Step.Report).
const (
	ReportGoTestJSON = "go-test-json"
	ReportTAP        = "tap"
	ReportJUnit      = "junit:" // followed by a glob
)

// goTestJSON matches a command line that runs `go test` with -json.
var goTestJSON = regexp.MustCompile(`(^|[\s;&|(])go\s+test(\s+[^;&|\n]*)?\s--?json(=true)?(\s|$)`)

// IsGoTestJSON reports whether a command runs `go test -json`, so that its output is
// read as test2json without `report:` in the config.
func IsGoTestJSON(command string) bool { return goTestJSON.MatchString(command) }

// ReportFiles are the JUnit report globs of the steps, as gitignore patterns from the
// repository root: the files a pipeline writes for Eightfold to read, which must not start
// the next run when it writes them.
func (c *Config) ReportFiles() []string {
	var out []string
	for _, s := range c.Steps {
		if glob, ok := strings.CutPrefix(s.Report, ReportJUnit); ok {
			out = append(out, "/"+strings.TrimPrefix(glob, "./"))
		}
	}
	return out
}

// LogLimitFor is the cap on stored output that applies to s.
func (c *Config) LogLimitFor(s Step) int64 {
	if s.LogLimit > 0 {
		return s.LogLimit
	}
	return c.LogLimit
}

// Load returns the pipeline of the repository at dir: eightfold.yaml (or
// eightfold.yml) when present, else what Detect finds. An invalid file
// gives an ErrorList; nothing to detect gives an error wrapping
// ErrNotDetected.
func Load(dir string) (*Config, error) {
	path, err := findFile(dir)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return Detect(dir)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	cfg, err := parse(filepath.Base(path), src, filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	cfg.File = path
	return cfg, nil
}

// findFile returns the absolute path of the config file in dir, or "" when
// there is none.
func findFile(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("config: %w", err)
	}
	var found []string
	for _, name := range FileNames {
		p := filepath.Join(abs, name)
		info, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return "", fmt.Errorf("config: %w", err)
		case info.IsDir():
			return "", fmt.Errorf("config: %s is a directory; expected a YAML file", p)
		}
		found = append(found, p)
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("config: both %s and %s exist in %s; keep one of them",
		FileNames[0], FileNames[1], abs)
}
