package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeStarter writes s as eightfold.yaml into dir and loads it.
func writeStarter(t *testing.T, dir, yaml string) *Config {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, FileNames[0]), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(dir)
	if err != nil {
		t.Fatalf("the starter does not load: %v\n%s", err, yaml)
	}
	return cfg
}

// uncommentExamples removes the "# " in front of every line after StarterExamplesHeader.
func uncommentExamples(t *testing.T, yaml string) string {
	t.Helper()
	head, examples, ok := strings.Cut(yaml, StarterExamplesHeader)
	if !ok {
		t.Fatalf("the starter has no examples:\n%s", yaml)
	}
	var b strings.Builder
	for line := range strings.Lines(examples) {
		rest, ok := strings.CutPrefix(line, "# ")
		if !ok {
			t.Fatalf("example line %q is not commented out", line)
		}
		b.WriteString(rest)
	}
	return head + b.String()
}

// comparable is what a step loaded from the starter must share with the detected one.
func comparable(steps []Step) []Step {
	out := make([]Step, len(steps))
	for i, s := range steps {
		s.Origin, s.timeoutSet = "", false
		out[i] = s
	}
	return out
}

// For every toolchain fixture of detection, the starter loads with the same steps as
// Detect gives, passes the JSON Schema, and still loads with its examples uncommented.
func TestStarterLoadsAsDetected(t *testing.T) {
	sch := compileSchema(t)
	for _, tc := range detectCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			detected, err := Detect(dir)
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewStarter(dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{detectedFile(tc.wantSource)}; !reflect.DeepEqual(s.DetectedFrom, want) {
				t.Errorf("DetectedFrom %q, want %q", s.DetectedFrom, want)
			}
			if !strings.Contains(s.YAML, "# The steps below were detected from "+s.DetectedFrom[0]) {
				t.Errorf("the header does not say where the steps come from:\n%s", s.YAML)
			}
			loaded := writeStarter(t, dir, s.YAML)
			if got, want := comparable(loaded.Steps), comparable(detected.Steps); !reflect.DeepEqual(got, want) {
				t.Errorf("steps\n%+v\nwant\n%+v\nfrom\n%s", got, want, s.YAML)
			}
			if ok, err := schemaAccepts(t, sch, []byte(s.YAML)); !ok {
				t.Errorf("the schema refuses the starter: %v", err)
			}
			full := uncommentExamples(t, s.YAML)
			cfg := writeStarter(t, dir, full)
			if !reflect.DeepEqual(cfg.TargetOrder, []string{"staging", "production"}) || len(cfg.Checks) != 1 ||
				cfg.Release.ChangelogFile != "CHANGELOG.md" || !reflect.DeepEqual(cfg.Watch.Ignore, []string{"tmp/", "*.log"}) {
				t.Errorf("the examples load as targets %v, checks %v, release %+v, watch %+v", cfg.TargetOrder, cfg.CheckOrder, cfg.Release, cfg.Watch)
			}
			if ok, err := schemaAccepts(t, sch, []byte(full)); !ok {
				t.Errorf("the schema refuses the uncommented examples: %v", err)
			}
		})
	}
}

// A folder where nothing is detected gets one placeholder step that says what to put there,
// and it fails until replaced.
func TestStarterWithNothingDetected(t *testing.T) {
	dir := writeFiles(t, map[string]string{"README.md": "notes\n"})
	s, err := NewStarter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.DetectedFrom) != 0 || s.DetectedFrom == nil {
		t.Errorf("DetectedFrom %#v, want empty", s.DetectedFrom)
	}
	for _, want := range []string{"Nothing was detected", "detects a pipeline from go.mod, package.json, Cargo.toml",
		"Put the commands that build and test this\n  # project below"} {
		if !strings.Contains(s.YAML, want) {
			t.Errorf("the starter lacks %q:\n%s", want, s.YAML)
		}
	}
	cfg := writeStarter(t, dir, s.YAML)
	if len(cfg.Steps) != 1 || cfg.Steps[0].Name != "test" || !strings.HasSuffix(cfg.Steps[0].Run, "exit 1") {
		t.Errorf("steps %+v", cfg.Steps)
	}
	writeStarter(t, dir, uncommentExamples(t, s.YAML))
}

// A file detection cannot read is an error, not a starter that hides it.
func TestStarterOfBrokenPackageJSON(t *testing.T) {
	dir := writeFiles(t, map[string]string{"package.json": "{"})
	if _, err := NewStarter(dir); err == nil || !strings.Contains(err.Error(), "package.json:1:") {
		t.Fatalf("want the JSON error, got %v", err)
	}
}
