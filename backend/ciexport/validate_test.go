package ciexport

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/rhysd/actionlint"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaFiles are the engines' published JSON Schemas, kept under testdata/schemas
// (written by build/scripts/ci-schemas.sh).
var schemaFiles = map[Engine]string{GitHubActions: "github-workflow.json", GitLabCI: "gitlab-ci.json"}

// compileSchema compiles the engine's schema.
func compileSchema(t *testing.T, e Engine) *jsonschema.Schema {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", "schemas", schemaFiles[e]))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return sch
}

// yamlValue parses YAML into the JSON values a schema validates.
func yamlValue(t *testing.T, src string) any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(src))
	if err != nil {
		t.Fatalf("the file is not YAML: %v\n%s", err, src)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// exported renders every sample project for every engine, by name: "go/github-actions".
func exported(t *testing.T) map[string]File {
	t.Helper()
	out := map[string]File{}
	for _, pr := range projects {
		dir := pr.make(t)
		for _, e := range Engines {
			f, err := Render(dir, e)
			if err != nil {
				t.Fatal(err)
			}
			out[pr.name+"/"+string(e)] = f
		}
	}
	return out
}

// TestExportsMatchSchemas validates each export against its engine's JSON Schema.
func TestExportsMatchSchemas(t *testing.T) {
	schemas := map[Engine]*jsonschema.Schema{}
	for _, e := range Engines {
		schemas[e] = compileSchema(t, e)
	}
	for name, f := range exported(t) {
		t.Run(name, func(t *testing.T) {
			e := Engine(name[strings.Index(name, "/")+1:])
			if err := schemas[e].Validate(yamlValue(t, f.Content)); err != nil {
				t.Errorf("%s does not match the schema of %s:\n%v", f.Path, e, err)
			}
		})
	}
}

// TestSchemasRejectBrokenFiles checks that the validation can fail: a document each
// schema must refuse.
func TestSchemasRejectBrokenFiles(t *testing.T) {
	broken := map[Engine]string{
		GitHubActions: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n        timeout-minutes: soon\n",
		GitLabCI:      "build:\n  stage: build\n  script: [make]\n  when: sometimes\n",
	}
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			if err := compileSchema(t, e).Validate(yamlValue(t, broken[e])); err == nil {
				t.Errorf("the schema of %s accepted a broken document:\n%s", e, broken[e])
			}
		})
	}
}

// lint runs actionlint, with shellcheck on the run: scripts, over a workflow.
func lint(t *testing.T, path, src string) []*actionlint.Error {
	t.Helper()
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatalf("shellcheck is not on PATH: install it (Debian: apt-get install shellcheck; build/scripts/deps.sh test does): %v", err)
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: shellcheck})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(path, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

// TestGitHubWorkflowsLint parses and lints each GitHub workflow with actionlint and
// shellcheck.
func TestGitHubWorkflowsLint(t *testing.T) {
	for name, f := range exported(t) {
		if !strings.HasSuffix(name, string(GitHubActions)) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			for _, e := range lint(t, f.Path, f.Content) {
				t.Errorf("%s:%d:%d: %s [%s]", f.Path, e.Line, e.Column, e.Message, e.Kind)
			}
		})
	}
}

// TestLintRejectsBrokenWorkflows checks that the linting can fail: a workflow with an
// unknown job key, an undefined expression, and a script shellcheck warns about.
func TestLintRejectsBrokenWorkflows(t *testing.T) {
	broken := "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout: 5\n    steps:\n" +
		"      - run: echo ${{ github.nope }}\n      - run: cd $HOME/app && ls\n"
	kinds := map[string]bool{}
	for _, e := range lint(t, ".github/workflows/broken.yml", broken) {
		kinds[e.Kind] = true
	}
	for _, want := range []string{"syntax-check", "expression", "shellcheck"} {
		if !kinds[want] {
			t.Errorf("actionlint found no %s error in a broken workflow (found %v):\n%s", want, kinds, broken)
		}
	}
}
