package ciexport

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// gitlabJob is the part of a GitLab job the tests read back.
type gitlabJob struct {
	Stage        string       `yaml:"stage"`
	Needs        []gitlabNeed `yaml:"needs"`
	BeforeScript []string     `yaml:"before_script"`
	Script       []string     `yaml:"script"`
	Environment  struct {
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

// gitlabNeed is an entry of needs: a job's name (its artifacts downloaded), or a mapping
// with job: and artifacts:.
type gitlabNeed struct {
	Job       string `yaml:"job"`
	Artifacts *bool  `yaml:"artifacts"`
}

// UnmarshalYAML reads either form.
func (n *gitlabNeed) UnmarshalYAML(unmarshal func(any) error) error {
	if err := unmarshal(&n.Job); err == nil {
		return nil
	}
	type plain gitlabNeed
	return unmarshal((*plain)(n))
}

// downloads reports whether GitLab unpacks the needed job's artifacts into the job.
func (n gitlabNeed) downloads() bool { return n.Artifacts == nil || *n.Artifacts }

// needNames are the names of the jobs needed, in order.
func needNames(needs []gitlabNeed) []string {
	var out []string
	for _, n := range needs {
		out = append(out, n.Job)
	}
	return out
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
	if want := []string{"build", "build-2", "deploy-eu", "deploy-production", "deploy-qa", "deploy-staging", "deploy-web", "test"}; !slices.Equal(names, want) {
		t.Fatalf("jobs %v, want %v (the local target laptop is left out)", names, want)
	}
	for name, j := range jobs {
		if !slices.Contains(stages, j.Stage) {
			t.Errorf("job %s is in stage %q, which stages does not list", name, j.Stage)
		}
		for _, n := range needNames(j.Needs) {
			if _, ok := jobs[n]; !ok || slices.Index(stages, jobs[n].Stage) > slices.Index(stages, j.Stage) {
				t.Errorf("job %s needs %s, which is missing or in a later stage", name, n)
			}
		}
	}
	test := jobs["test"]
	if !slices.Equal(test.Artifacts.Reports.JUnit, []string{"eightfold-reports/test/*.xml", "reports/pytest.xml"}) || test.Artifacts.When != "always" {
		t.Errorf("test artifacts %+v: want the JUnit reports of both test steps, kept always", test.Artifacts)
	}
	if !strings.Contains(test.Script[0], Gotestsum+" --format testname --junitfile eightfold-reports/test/test.xml --jsonfile eightfold-reports/test/test.json --raw-command -- bash -o pipefail -c 'go test -json ./... | tee test.log'") {
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
		{"deploy-web", "web", "staging", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "", []string{"build-2", "build", "deploy-staging"}, "eightfold deploy web --from-tree"},
	}
	for _, c := range cases {
		j := jobs[c.job]
		if j.Environment.Name != c.env || j.Environment.Tier != c.tier {
			t.Errorf("%s: environment %+v, want %s (%s)", c.job, j.Environment, c.env, c.tier)
		}
		if len(j.Rules) == 0 || j.Rules[0].If != c.rule || j.Rules[0].When != c.when {
			t.Errorf("%s: rules %+v, want first if %q when %q", c.job, j.Rules, c.rule, c.when)
		}
		if !slices.Equal(needNames(j.Needs), c.needs) {
			t.Errorf("%s: needs %v, want %v", c.job, needNames(j.Needs), c.needs)
		}
		if !slices.Contains(j.BeforeScript, dataDir) {
			t.Errorf("%s: before_script %q does not give the job its own EIGHTFOLD_HOME", c.job, j.BeforeScript)
		}
		if len(j.Script) != 1 || lastLine(j.Script[0]) != c.script {
			t.Errorf("%s: script %q, want one ending in %q", c.job, j.Script, c.script)
		}
	}
}

// TestGitLabSSHSecretsNeverPrinted runs the SSH set-up of a GitLab deploy job in bash: a
// key or known_hosts given as a plain variable (the value, not a File variable's path)
// fails naming the secret and its type, and never prints the value; File variables are
// installed mode 0600.
func TestGitLabSSHSecretsNeverPrinted(t *testing.T) {
	_, jobs := readGitLab(t, exported(t)["go/gitlab-ci"].Content)
	i := slices.IndexFunc(jobs["deploy-staging"].BeforeScript, func(s string) bool { return strings.Contains(s, "install -d -m 700") })
	if i < 0 {
		t.Fatalf("no SSH set-up in the before_script of deploy-staging: %q", jobs["deploy-staging"].BeforeScript)
	}
	script := jobs["deploy-staging"].BeforeScript[i]
	const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-very-secret\n-----END OPENSSH PRIVATE KEY-----\n"
	const hosts = "staging.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyLine\n"
	files := t.TempDir()
	keyFile, hostsFile := filepath.Join(files, "key"), filepath.Join(files, "hosts")
	for name, v := range map[string]string{keyFile: key, hostsFile: hosts} {
		if err := os.WriteFile(name, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, key, hosts, want string
	}{
		{"key as a value", key, hostsFile, "the secret EIGHTFOLD_SSH_KEY must be a CI/CD variable of type File"},
		{"known_hosts as a value", keyFile, hosts, "the secret EIGHTFOLD_KNOWN_HOSTS must be a CI/CD variable of type File"},
		{"no key", "", hostsFile, "the secret EIGHTFOLD_SSH_KEY is empty: add it as a CI/CD variable of type File for the environment staging"},
		{"File variables", keyFile, hostsFile, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			cmd := exec.Command("bash", "-e", "-c", script)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "EIGHTFOLD_SSH_KEY=" + c.key, "EIGHTFOLD_KNOWN_HOSTS=" + c.hosts}
			out, err := cmd.CombinedOutput()
			if strings.Contains(string(out), "very-secret") || strings.Contains(string(out), "HostKeyLine") {
				t.Errorf("the job log shows a secret's value:\n%s", out)
			}
			if c.want != "" {
				if err == nil || !strings.Contains(string(out), c.want) {
					t.Errorf("err %v, output:\n%s\nwant a failure saying %q", err, out, c.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for path, want := range map[string]string{filepath.Join(home, ".ssh", "id_ed25519"): key, filepath.Join(home, ".ssh", "known_hosts"): hosts} {
				fi, err := os.Stat(path)
				if b, _ := os.ReadFile(path); err != nil || string(b) != want || fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: %v, %q; want the secret, mode 0600", path, err, b)
				}
			}
		})
	}
}

// lastLine is the last line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestDeployStepChecksTheTargetSecrets runs the deploy step of production (GitHub and
// GitLab) in bash with a stand-in for eightfold: an empty secret fails the step naming it
// and the environment, before the deploy and without printing any value; with every
// secret set the deploy runs.
func TestDeployStepChecksTheTargetSecrets(t *testing.T) {
	files := exported(t)
	var workflow struct {
		Jobs map[string]struct {
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(files["go/github-actions"].Content), &workflow); err != nil {
		t.Fatal(err)
	}
	steps := workflow.Jobs["deploy-production"].Steps
	_, jobs := readGitLab(t, files["mixed/gitlab-ci"].Content)
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "eightfold"), []byte("#!/bin/sh\necho \"deployed $*\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, script string
		env          []string
		want         string
	}{
		{"github, one secret empty", steps[len(steps)-1].Run, []string{"SHOP_API_TOKEN=tok-value-1"},
			"::error::the secret SHOP_DB_PASSWORD is empty: add it to the secrets of the environment production"},
		{"github, every secret", steps[len(steps)-1].Run, []string{"SHOP_API_TOKEN=tok-value-1", "SHOP_DB_PASSWORD=pw-value-2"},
			"deployed deploy production --from-tree --yes"},
		{"gitlab, the secret empty", jobs["deploy-production"].Script[0], []string{"APP_SECRET_KEY="},
			"the secret APP_SECRET_KEY is empty: add it as a masked CI/CD variable for the environment production"},
		{"gitlab, the secret set", jobs["deploy-production"].Script[0], []string{"APP_SECRET_KEY=key-value-3"},
			"deployed deploy production --from-tree --yes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command("bash", "-e", "-c", c.script)
			cmd.Env = append([]string{"PATH=" + bin + ":" + os.Getenv("PATH")}, c.env...)
			out, err := cmd.CombinedOutput()
			if !strings.Contains(string(out), c.want) || (err == nil) != strings.HasPrefix(c.want, "deployed") {
				t.Errorf("err %v, output:\n%s\nwant %q", err, out, c.want)
			}
			if strings.Contains(string(out), "-value-") {
				t.Errorf("the step printed a secret's value:\n%s", out)
			}
			if !strings.HasPrefix(c.want, "deployed") && strings.Contains(string(out), "deployed") {
				t.Errorf("the deploy ran with a secret missing:\n%s", out)
			}
		})
	}
}

// TestGitLabGoDownloadFitsTheRunner runs the URL of the Go download a mixed project's
// before_script makes, in bash on this Debian machine: it names the go.dev file of this
// machine's architecture.
func TestGitLabGoDownloadFitsTheRunner(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dpkg is missing: CI runs on Debian (build/scripts/deps.sh installs with apt): %v", err)
		}
		t.Skip("dpkg is not installed: this is not a Debian machine, as GitLab's node image is")
	}
	var line string
	for _, l := range strings.Split(exported(t)["mixed/gitlab-ci"].Content, "\n") {
		if strings.Contains(l, "https://go.dev/dl/") {
			line = l
		}
	}
	url, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "- curl -fsSL "), " | tar")
	if !ok {
		t.Fatalf("no Go download piped to tar in before_script: %q", line)
	}
	out, err := exec.Command("bash", "-c", "printf %s "+url).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://go.dev/dl/go1.25.0.linux-" + runtime.GOARCH + ".tar.gz"; string(out) != want {
		t.Errorf("the download is %s, want %s", out, want)
	}
}
