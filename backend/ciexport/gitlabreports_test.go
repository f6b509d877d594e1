package ciexport

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// junitFileRE finds the JUnit files a job's gotestsum writes.
var junitFileRE = regexp.MustCompile(`--junitfile (\S+)`)

// junitFiles are the JUnit files a job's scripts write.
func junitFiles(j gitlabJob) []string {
	var out []string
	for _, s := range j.Script {
		for _, m := range junitFileRE.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// buildPaths are a job's artifacts that are not its test reports: the paths that neither
// are one of its junit: patterns nor hold one.
func buildPaths(j gitlabJob) []string {
	var out []string
	for _, p := range j.Artifacts.Paths {
		if !slices.ContainsFunc(j.Artifacts.Reports.JUnit, func(r string) bool { return r == p || strings.HasPrefix(r, p) && strings.HasSuffix(p, "/") }) {
			out = append(out, p)
		}
	}
	return out
}

// reportClashes lists how the jobs of a GitLab file could report a JUnit file twice: a job
// that downloads the artifacts of a job it needs only for its order (they are test reports
// alone), one that drops artifacts it needs, and a junit: pattern that can match a file
// another job writes or reports, or one the job downloads.
func reportClashes(jobs map[string]gitlabJob) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(jobs)) {
		j := jobs[name]
		var downloaded []string
		for _, n := range j.Needs {
			has := len(buildPaths(jobs[n.Job])) > 0
			switch {
			case n.downloads() && !has:
				out = append(out, fmt.Sprintf("%s downloads the artifacts of %s, which has none but test reports: want artifacts: false", name, n.Job))
			case !n.downloads() && has:
				out = append(out, fmt.Sprintf("%s needs %s with artifacts: false, losing its artifacts %v", name, n.Job, buildPaths(jobs[n.Job])))
			}
			if n.downloads() {
				downloaded = append(downloaded, jobs[n.Job].Artifacts.Paths...)
			}
		}
		for _, pattern := range j.Artifacts.Reports.JUnit {
			for _, p := range downloaded {
				if overlap(pattern, p) {
					out = append(out, fmt.Sprintf("%s: junit %s can match %s, downloaded from a job it needs", name, pattern, p))
				}
			}
			for other, o := range jobs {
				if other == name {
					continue
				}
				for _, p := range append(junitFiles(o), o.Artifacts.Reports.JUnit...) {
					if overlap(pattern, p) {
						out = append(out, fmt.Sprintf("%s: junit %s can match %s of %s", name, pattern, p, other))
					}
				}
			}
		}
		for _, f := range junitFiles(j) {
			if !slices.ContainsFunc(j.Artifacts.Reports.JUnit, func(p string) bool { ok, _ := doublestar.Match(p, f); return ok }) {
				out = append(out, fmt.Sprintf("%s writes %s, which none of its junit: patterns %v takes", name, f, j.Artifacts.Reports.JUnit))
			}
		}
	}
	return out
}

// TestGitLabJobsReportOnlyTheirOwnTests reads every GitLab golden back and checks that no
// job reports another's JUnit files: GitLab unpacks every artifact of a needed job (test
// reports included) unless the need says artifacts: false.
func TestGitLabJobsReportOnlyTheirOwnTests(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*-"+string(GitLabCI)+".yml"))
	if err != nil || len(files) < len(projects) {
		t.Fatalf("GitLab goldens %v (%v), want one per sample project", files, err)
	}
	reporting := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, jobs := readGitLab(t, string(src))
		for _, j := range jobs {
			if len(j.Artifacts.Reports.JUnit) > 0 {
				reporting++
			}
		}
		for _, c := range reportClashes(jobs) {
			t.Errorf("%s: %s", file, c)
		}
	}
	if reporting < len(files)+2 {
		t.Errorf("%d jobs with junit: reports in %d files: the goldens do not exercise the check", reporting, len(files))
	}
}

// TestReportClashesFindsDoubleCounting checks that the check can fail: the layout the export
// wrote before, where each test job needed the one before it with its artifacts and every
// job's reports shared one folder.
func TestReportClashesFindsDoubleCounting(t *testing.T) {
	const old = `stages: [build, unit, integration]
build:
  stage: build
  script: [go build -o bin/api .]
  artifacts:
    paths: [bin/api]
unit:
  stage: unit
  needs: [build]
  script: ["go run gotestsum --junitfile eightfold-reports/unit.xml -- go test ./..."]
  artifacts:
    paths: [eightfold-reports/]
    reports:
      junit: [eightfold-reports/*.xml]
integration:
  stage: integration
  needs: [unit, {job: build, artifacts: false}]
  script: ["go run gotestsum --junitfile eightfold-reports/integration.xml -- go test ./..."]
  artifacts:
    paths: [eightfold-reports/]
    reports:
      junit: [eightfold-reports/*.xml]
`
	_, jobs := readGitLab(t, old)
	got := strings.Join(reportClashes(jobs), "\n")
	for _, want := range []string{
		"integration downloads the artifacts of unit, which has none but test reports: want artifacts: false",
		"integration needs build with artifacts: false, losing its artifacts [bin/api]",
		"integration: junit eightfold-reports/*.xml can match eightfold-reports/, downloaded from a job it needs",
		"integration: junit eightfold-reports/*.xml can match eightfold-reports/unit.xml of unit",
		"unit: junit eightfold-reports/*.xml can match eightfold-reports/integration.xml of integration",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it found:\n%s", want, got)
		}
	}
}
