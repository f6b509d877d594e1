package ciexport

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/config"
)

// fakeGo stands in for `go run gotestsum … --raw-command -- COMMAND`: it runs COMMAND and
// exits with its status, as gotestsum does.
const fakeGo = "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done\nshift\nexec \"$@\"\n"

// TestGoTestCommandFailsWithItsPipe runs the exact shell a go-test-json step exports to,
// in bash -e as both engines do, with a stand-in for gotestsum: a failing command before
// a pipe fails the step, a passing one does not, and a plain command keeps its status.
func TestGoTestCommandFailsWithItsPipe(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		run      string
		exitCode int
	}{
		{"go-tests-fail | tee test.log", 1},
		{"true | tee test.log", 0},
		{"go-tests-fail", 1},
		{"echo 'a b' | grep -q 'a b'", 0},
	}
	for _, c := range cases {
		t.Run(c.run, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(bin, "go-tests-fail"), []byte("#!/bin/sh\necho FAIL\nexit 1\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			script := command(config.Step{Name: "test", Run: c.run, Report: config.ReportGoTestJSON}, ReportDir)
			cmd := exec.Command("bash", "-e", "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			code := 0
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.exitCode {
				t.Errorf("the step %q exited %d, want %d; script:\n%s\noutput:\n%s", c.run, code, c.exitCode, script, out)
			}
			if _, err := os.Stat(filepath.Join(dir, ReportDir)); err != nil {
				t.Errorf("the report directory was not made: %v", err)
			}
		})
	}
}

// TestGroupsFollowTheGroupKey checks how steps become jobs: the steps of one group: key are
// one job named after it, the steps without one are grouped by kind, and a made-up name
// never takes one a group: key uses.
func TestGroupsFollowTheGroupKey(t *testing.T) {
	cfg, err := config.Parse("eightfold.yaml", []byte(`steps:
  - {name: gen, run: go generate ./..., group: build}
  - {name: compile, run: go build ./..., group: build}
  - {name: vet, run: go vet ./...}
  - {name: lint, run: staticcheck ./...}
  - {name: unit, run: go test -json ./..., group: unit}
  - {name: race, run: go test -race -json ./..., group: unit}
  - {name: e2e, run: go test -json ./e2e/...}
  - {name: package, run: tar -czf app.tgz bin, artifacts: [app.tgz], group: test}
  - {name: smoke, run: go test -json ./smoke/...}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range newPlan(cfg, facts{}).groups {
		var names []string
		for _, s := range g.steps {
			names = append(names, s.Name)
		}
		got = append(got, g.id+"="+strings.Join(names, ","))
	}
	want := "build=gen,compile build-2=vet,lint unit=unit,race test-2=e2e test=package test-3=smoke"
	if strings.Join(got, " ") != want {
		t.Errorf("groups\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// TestNotesNameReportsGitLabWouldCountTwice exports a pipeline whose second test job's junit:
// pattern matches the reports of the first, whose build artifacts it downloads: the export
// says so, naming both jobs and patterns. Apart, they are not named.
func TestNotesNameReportsGitLabWouldCountTwice(t *testing.T) {
	notes := func(src string) []string {
		t.Helper()
		cfg, err := config.Parse("eightfold.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return newPlan(cfg, facts{}).doubleReports()
	}
	clash := notes(`steps:
  - {name: unit, run: make unit, report: "junit:reports/*.xml", artifacts: [coverage.html]}
  - {name: build, run: make}
  - {name: e2e, run: make e2e, report: "junit:reports/*.xml"}
`)
	want := "GitLab: the JUnit reports of job test-2 (reports/*.xml) may include those of job test (reports/*.xml), whose artifacts it downloads"
	if len(clash) != 1 || !strings.HasPrefix(clash[0], want) {
		t.Errorf("notes %q, want one starting %q", clash, want)
	}
	if apart := notes(`steps:
  - {name: unit, run: make unit, report: "junit:reports/unit/*.xml", artifacts: [coverage.html]}
  - {name: build, run: make}
  - {name: e2e, run: make e2e, report: "junit:reports/e2e/*.xml"}
`); len(apart) != 0 {
		t.Errorf("reports in folders of their own: notes %q", apart)
	}
}
