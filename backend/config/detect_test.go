package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const placeholderTest = `echo \"Error: no test specified\" && exit 1`

// detectCases are the toolchain fixtures of detection: the files of a folder, what it is
// detected from and the steps. The starter tests load the eightfold.yaml written for each.
var detectCases = []struct {
	name       string
	files      map[string]string
	wantSource string
	wantRuns   []string // "name: run" per step
}{
	{name: "go module",
		files:      map[string]string{"go.mod": "module example.com/x\n"},
		wantSource: "detected from go.mod",
		wantRuns:   []string{"build: go build ./...", "test: go test -json ./..."}},
	{name: "npm",
		files:      map[string]string{"package.json": `{"scripts": {"build": "tsc", "test": "vitest run"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"build: npm run build", "test: npm test"}},
	{name: "npm lockfile",
		files:      map[string]string{"package-lock.json": "{}", "package.json": `{"scripts": {"test": "jest"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"test: npm test"}},
	{name: "pnpm",
		files:      map[string]string{"pnpm-lock.yaml": "", "package.json": `{"scripts": {"build": "vite build", "test": "vitest"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"build: pnpm run build", "test: pnpm run test"}},
	{name: "yarn",
		files:      map[string]string{"yarn.lock": "", "package.json": `{"scripts": {"build": "webpack", "test": "jest"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"build: yarn build", "test: yarn test"}},
	{name: "bun",
		files:      map[string]string{"bun.lock": "", "package.json": `{"scripts": {"test": "bun test"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"test: bun run test"}},
	{name: "packageManager field without lockfile",
		files:      map[string]string{"package.json": `{"packageManager": "pnpm@9.1.0", "scripts": {"build": "tsc"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"build: pnpm run build"}},
	{name: "npm placeholder test is skipped",
		files:      map[string]string{"package.json": `{"scripts": {"build": "tsc", "test": "` + placeholderTest + `"}}`},
		wantSource: "detected from package.json",
		wantRuns:   []string{"build: npm run build"}},
	{name: "package.json without scripts falls through to Makefile",
		files: map[string]string{
			"package.json": `{"name": "x", "scripts": {"lint": "eslint .", "test": "` + placeholderTest + `"}}`,
			"Makefile":     "build:\n\tnpx tsc\n"},
		wantSource: "detected from Makefile",
		wantRuns:   []string{"build: make"}},
	{name: "cargo",
		files:      map[string]string{"Cargo.toml": "[package]\nname = \"x\"\n"},
		wantSource: "detected from Cargo.toml",
		wantRuns:   []string{"build: cargo build", "test: cargo test"}},
	{name: "pyproject",
		files:      map[string]string{"pyproject.toml": "[project]\nname = \"x\"\n"},
		wantSource: "detected from pyproject.toml",
		wantRuns:   []string{"test: python3 -m pytest"}},
	{name: "setup.cfg",
		files:      map[string]string{"setup.cfg": "[metadata]\nname = x\n"},
		wantSource: "detected from setup.cfg",
		wantRuns:   []string{"test: python3 -m pytest"}},
	{name: "Makefile with test target",
		files:      map[string]string{"Makefile": ".PHONY: all test\nall: app\n\napp: main.c\n\tcc -o app main.c\ntest: app\n\t./app --self-test\n"},
		wantSource: "detected from Makefile",
		wantRuns:   []string{"build: make", "test: make test"}},
	{name: "Makefile without test target",
		files:      map[string]string{"Makefile": "CC ?= cc\nall:\n\t$(CC) main.c\n"},
		wantSource: "detected from Makefile",
		wantRuns:   []string{"build: make"}},
	{name: "Makefile whose default goal is test",
		files:      map[string]string{"Makefile": "test:\n\tgo test ./...\n"},
		wantSource: "detected from Makefile",
		wantRuns:   []string{"test: make test"}},
	{name: "Makefile multi-target and double-colon rules",
		files:      map[string]string{"makefile": "build check test:: deps\n\t@echo $@\n"},
		wantSource: "detected from makefile",
		wantRuns:   []string{"build: make", "test: make test"}},
	{name: "Makefile continuation lines",
		files:      map[string]string{"GNUmakefile": "SRCS = a.c \\\n  b.c \\\n  c.c\nall lint \\\n  test: $(SRCS)\n\tcc $(SRCS) \\\n\t  -o app\n"},
		wantSource: "detected from GNUmakefile",
		wantRuns:   []string{"build: make", "test: make test"}},
	{name: "Makefile variable assignments and specials are not targets",
		files: map[string]string{"Makefile": "# test: not a target\nA := b\nB ::= c\nC ?= d:e\nD += $(A:.c=.o)\nE != date\n" +
			"export F := g\nifeq ($(A),b:c)\nendif\n.PHONY: test\n.DEFAULT_GOAL := test\n%.o: %.c\n\tcc -c $<\n" +
			"define RECIPE\ntest: x\nendef\n$(OBJS:.o=.d): y\n"},
		wantSource: "detected from Makefile",
		wantRuns:   []string{"build: make"}},
	{name: "Makefile with only variables is not a match",
		files:      map[string]string{"Makefile": "A = 1\nB := 2\n", "setup.cfg": "[metadata]\n"},
		wantSource: "detected from setup.cfg",
		wantRuns:   []string{"test: python3 -m pytest"}},
	{name: "priority: go.mod first, others mentioned",
		files: map[string]string{
			"go.mod": "module x\n", "Makefile": "all:\n\tgo build\n", "Cargo.toml": "",
			"package.json": `{"scripts": {"build": "vite build"}}`, "pyproject.toml": ""},
		wantSource: "detected from go.mod; also found package.json, Cargo.toml, pyproject.toml, Makefile",
		wantRuns:   []string{"build: go build ./...", "test: go test -json ./..."}},
	{name: "priority: non-matching package.json is not mentioned",
		files:      map[string]string{"Cargo.toml": "", "package.json": `{"scripts": {}}`, "Makefile": "A = b\n"},
		wantSource: "detected from Cargo.toml",
		wantRuns:   []string{"build: cargo build", "test: cargo test"}},
	{name: "broken package.json below a match is ignored",
		files:      map[string]string{"go.mod": "module x\n", "package.json": "{"},
		wantSource: "detected from go.mod",
		wantRuns:   []string{"build: go build ./...", "test: go test -json ./..."}},
}

func TestDetect(t *testing.T) {
	for _, tc := range detectCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Detect(writeFiles(t, tc.files))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Source != tc.wantSource {
				t.Errorf("Source = %q, want %q", cfg.Source, tc.wantSource)
			}
			if got := stepRuns(cfg); !reflect.DeepEqual(got, tc.wantRuns) {
				t.Errorf("steps = %q, want %q", got, tc.wantRuns)
			}
			checkDetected(t, cfg)
		})
	}
}

// stepRuns lists a config's steps as "name: run".
func stepRuns(cfg *Config) []string {
	var runs []string
	for _, s := range cfg.Steps {
		runs = append(runs, s.Name+": "+s.Run)
	}
	return runs
}

// checkDetected checks what every detected config has in common.
func checkDetected(t *testing.T, cfg *Config) {
	t.Helper()
	if cfg.File != "" || cfg.LogLimit != DefaultLogLimit || cfg.Env == nil {
		t.Errorf("File %q, LogLimit %d, Env %v: want no file and defaults", cfg.File, cfg.LogLimit, cfg.Env)
	}
	file := strings.Fields(strings.TrimPrefix(cfg.Source, "detected from "))[0]
	file = strings.TrimSuffix(file, ";")
	for _, s := range cfg.Steps {
		if s.Timeout != DefaultTimeout || !strings.HasPrefix(s.Origin, "detected from "+file) {
			t.Errorf("step %s: timeout %v, origin %q", s.Name, s.Timeout, s.Origin)
		}
		wantReport := ""
		if s.Run == "go test -json ./..." {
			wantReport = "go-test-json"
		}
		if s.Report != wantReport {
			t.Errorf("step %s: report %q, want %q", s.Name, s.Report, wantReport)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		want     []string // substrings of the message
		notFound bool     // wraps ErrNotDetected
	}{
		{name: "empty directory", notFound: true,
			files: map[string]string{},
			want: []string{"no pipeline detected in ", "there is no eightfold.yaml and none of go.mod, package.json (with a build or test script), " +
				"Cargo.toml, pyproject.toml, setup.cfg, GNUmakefile, makefile, Makefile (with a target).",
				"eightfold.yaml, for example:\n\nsteps:\n  - name: build\n    run: make\n"}},
		{name: "only files that do not match", notFound: true,
			files: map[string]string{"package.json": `{"scripts": {"test": "` + placeholderTest + `"}}`, "Makefile": "X = 1\n", "README.md": ""},
			want:  []string{"no pipeline detected"}},
		{name: "broken package.json",
			files: map[string]string{"package.json": "{\n  \"scripts\": {\n    \"build\": tsc\n  }\n}\n", "Makefile": "all:\n"},
			want:  []string{"package.json:3:15: invalid JSON: invalid character 's' in literal true (expecting 'r')"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Detect(writeFiles(t, tc.files))
			if err == nil {
				t.Fatalf("Detect succeeded: %+v", cfg)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if got := errors.Is(err, ErrNotDetected); got != tc.notFound {
				t.Errorf("errors.Is(err, ErrNotDetected) = %v, want %v", got, tc.notFound)
			}
		})
	}
}

func TestDetectedExampleIsValid(t *testing.T) {
	if _, err := Parse("eightfold.yaml", []byte(exampleConfig)); err != nil {
		t.Fatalf("the example shown when nothing is detected is invalid: %v", err)
	}
}
