package ciexport

import (
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// gitlabJob is the part of a GitLab job the tests read back.
type gitlabJob struct {
	Stage       string   `yaml:"stage"`
	Needs       []string `yaml:"needs"`
	Script      []string `yaml:"script"`
	Environment struct {
		Name string `yaml:"name"`
		Tier string `yaml:"deployment_tier"`
	} `yaml:"environment"`
	Rules []struct {
		If   string `yaml:"if"`
		When string `yaml:"when"`
	} `yaml:"rules"`
	Artifacts struct {
		When    string   `yaml:"when"`
		Paths   []string `yaml:"paths"`
		Reports struct {
			JUnit []string `yaml:"junit"`
		} `yaml:"reports"`
	} `yaml:"artifacts"`
}

// readGitLab decodes a GitLab CI file: its stages and its jobs by name.
func readGitLab(t *testing.T, src string) ([]string, map[string]gitlabJob) {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	var top struct {
		Stages []string `yaml:"stages"`
	}
	if err := yaml.Unmarshal([]byte(src), &top); err != nil {
		t.Fatal(err)
	}
	jobs := map[string]gitlabJob{}
	for name := range doc {
		if slices.Contains([]string{"stages", "variables", "default"}, name) {
			continue
		}
		sub, err := yaml.Marshal(doc[name])
		if err != nil {
			t.Fatal(err)
		}
		var j gitlabJob
		if err := yaml.Unmarshal(sub, &j); err != nil {
			t.Fatalf("job %s: %v", name, err)
		}
		jobs[name] = j
	}
	return top.Stages, jobs
}

// TestGitLabFilesReadBack decodes the mixed project's GitLab file and checks its jobs,
// stages, needs, environments, rules and reports.
func TestGitLabFilesReadBack(t *testing.T) {
	f := exported(t)["mixed/gitlab-ci"]
	stages, jobs := readGitLab(t, f.Content)
	if want := []string{"build", "test", "build-2", "deploy"}; !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	var names []string
	for n := range jobs {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{"build", "build-2", "deploy-eu", "deploy-production", "deploy-qa", "deploy-staging", "test"}; !slices.Equal(names, want) {
		t.Fatalf("jobs %v, want %v (the local target laptop is left out)", names, want)
	}
	for name, j := range jobs {
		if !slices.Contains(stages, j.Stage) {
			t.Errorf("job %s is in stage %q, which stages does not list", name, j.Stage)
		}
		for _, n := range j.Needs {
			if _, ok := jobs[n]; !ok || slices.Index(stages, jobs[n].Stage) > slices.Index(stages, j.Stage) {
				t.Errorf("job %s needs %s, which is missing or in a later stage", name, n)
			}
		}
	}
	test := jobs["test"]
	if !slices.Equal(test.Artifacts.Reports.JUnit, []string{"eightfold-reports/*.xml", "reports/pytest.xml"}) || test.Artifacts.When != "always" {
		t.Errorf("test artifacts %+v: want the JUnit reports of both test steps, kept always", test.Artifacts)
	}
	if !strings.Contains(test.Script[0], Gotestsum+" --format testname --junitfile eightfold-reports/test.xml --jsonfile eightfold-reports/test.json --raw-command -- sh -c 'go test -json ./... | tee test.log'") {
		t.Errorf("the go-test-json step does not run under gotestsum unchanged:\n%s", test.Script[0])
	}
	cases := []struct {
		job, env, tier, rule, when string
		needs                      []string
		script                     string
	}{
		{"deploy-staging", "staging", "staging", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "", []string{"build-2", "build"}, "eightfold deploy staging --from-tree"},
		{"deploy-qa", "qa", "staging", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "", []string{"build-2", "build", "deploy-staging"}, "eightfold deploy qa --from-tree"},
		{"deploy-production", "production", "production", "$CI_COMMIT_TAG", "manual", []string{"build-2", "build", "deploy-staging"}, "eightfold deploy production --from-tree --yes"},
		{"deploy-eu", "eu", "staging", "$CI_COMMIT_TAG", "", []string{"build-2", "build", "deploy-production"}, "eightfold deploy eu --from-tree"},
	}
	for _, c := range cases {
		j := jobs[c.job]
		if j.Environment.Name != c.env || j.Environment.Tier != c.tier {
			t.Errorf("%s: environment %+v, want %s (%s)", c.job, j.Environment, c.env, c.tier)
		}
		if len(j.Rules) == 0 || j.Rules[0].If != c.rule || j.Rules[0].When != c.when {
			t.Errorf("%s: rules %+v, want first if %q when %q", c.job, j.Rules, c.rule, c.when)
		}
		if !slices.Equal(j.Needs, c.needs) {
			t.Errorf("%s: needs %v, want %v", c.job, j.Needs, c.needs)
		}
		if !slices.Equal(j.Script, []string{c.script}) {
			t.Errorf("%s: script %v, want %q", c.job, j.Script, c.script)
		}
	}
}
