package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"eightfold/backend/health"
)

const oneStep = "steps:\n  - {name: build, run: go build -o bin/app ., artifacts: [bin/app]}\n"

func TestParseTargets(t *testing.T) {
	src := oneStep + `targets:
  staging:
    ssh: deploy@203.0.113.10:22
    identity: ~/.ssh/id_ed25519
    path: /srv/app/
    start: systemctl --user restart app
    stop: systemctl --user stop app
    logs: journalctl --user -u app -n 200 --no-pager
    health:
      url: http://127.0.0.1:8080/healthz
      json: {field: build.version, equals: 1.4}
      max_time: 500ms
    env: {APP_ENV: staging, PORT: 8080}
    secrets: [DATABASE_URL, API_TOKEN]
    secrets_file: /etc/app/staging.env
    before_switch: ./app migrate
    after_deploy: curl -fsS https://hc-ping.com/x
    shared: [storage/, .env]
  production:
    ssh: deploy@[2001:db8::7]:2222
    jump: ops@bastion.example.com
    path: /srv/app
    start: systemctl --user restart app
    stop: systemctl --user stop app
    health: {url: "https://app.example.com/healthz", status: 204, body: ok, timeout: 2s, interval: 2s, deadline: 1m}
    keep: 10
    promote_from: staging
    candidate_port: 8081
    production: true
`
	cfg, err := Parse("eightfold.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Target{
		"staging": {Name: "staging", SSH: "deploy@203.0.113.10:22", Identity: "~/.ssh/id_ed25519", Path: "/srv/app",
			Start: "systemctl --user restart app", Stop: "systemctl --user stop app", Logs: "journalctl --user -u app -n 200 --no-pager",
			Health: &HealthCheck{URL: "http://127.0.0.1:8080/healthz", Status: 200, JSONField: "build.version", JSONEquals: "1.4",
				Timeout: 5 * time.Second, Interval: time.Second, Deadline: 30 * time.Second, MaxTime: 500 * time.Millisecond,
				set: map[string]bool{"url": true, "json": true, "max_time": true}},
			Keep: 5, Env: map[string]string{"APP_ENV": "staging", "PORT": "8080"}, Secrets: []string{"DATABASE_URL", "API_TOKEN"},
			SecretsFile: "/etc/app/staging.env", BeforeSwitch: "./app migrate", AfterDeploy: "curl -fsS https://hc-ping.com/x",
			Shared: []string{"storage/", ".env"}, Origin: "eightfold.yaml:4:3"},
		"production": {Name: "production", SSH: "deploy@[2001:db8::7]:2222", Jump: "ops@bastion.example.com", Path: "/srv/app",
			Start: "systemctl --user restart app", Stop: "systemctl --user stop app",
			Health: &HealthCheck{URL: "https://app.example.com/healthz", Status: 204, Body: "ok",
				Timeout: 2 * time.Second, Interval: 2 * time.Second, Deadline: time.Minute,
				set: map[string]bool{"url": true, "status": true, "body": true, "timeout": true, "interval": true, "deadline": true}},
			Keep: 10, keepSet: true, Env: map[string]string{}, PromoteFrom: "staging", CandidatePort: 8081,
			Production: true, productionSet: true, Origin: "eightfold.yaml:21:3"},
	}
	if !reflect.DeepEqual(cfg.Targets, want) {
		for name := range want {
			if !reflect.DeepEqual(cfg.Targets[name], want[name]) {
				t.Errorf("target %s:\n got %+v\n     %+v\nwant %+v\n     %+v", name, cfg.Targets[name], cfg.Targets[name].Health, want[name], want[name].Health)
			}
		}
	}
	if want := []string{"staging", "production"}; !reflect.DeepEqual(cfg.TargetOrder, want) {
		t.Errorf("TargetOrder = %q, want the file's order %q", cfg.TargetOrder, want)
	}
}

func TestTargetDefaults(t *testing.T) {
	src := oneStep + `targets:
  staging: {ssh: deploy@host, path: /srv/app, health: {url: "http://127.0.0.1:8080/"}}
  production: {ssh: deploy@host, path: /srv/app}
  prod: {ssh: deploy@host, path: /srv/app}
  production-eu: {ssh: deploy@host, path: /srv/app}
  qa: {ssh: deploy@host, path: /srv/app, production: true}
  demo: {local: true, path: /var/tmp/demo, production: false}
`
	cfg, err := Parse("eightfold.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"staging", "production", "prod", "production-eu", "qa", "demo"}; !reflect.DeepEqual(cfg.TargetOrder, want) {
		t.Errorf("TargetOrder = %q, want %q", cfg.TargetOrder, want)
	}
	for name, want := range map[string]bool{"staging": false, "production": true, "prod": true, "production-eu": false, "qa": true, "demo": false} {
		if got := cfg.Targets[name].Production; got != want {
			t.Errorf("%s: Production = %v, want %v", name, got, want)
		}
	}
	s := cfg.Targets["staging"]
	if s.Keep != 5 || DefaultKeep != 5 || MinKeep != 2 || s.Start != "" || s.Secrets != nil || s.Env == nil || s.CandidatePort != 0 {
		t.Errorf("staging defaults: %+v", s)
	}
	h := s.Health
	if h.Status != 200 || h.Timeout != 5*time.Second || h.Interval != time.Second || h.Deadline != 30*time.Second || h.MaxTime != 0 || h.Body != "" || h.JSONField != "" {
		t.Errorf("health defaults: %+v", h)
	}
	if cfg.Targets["production"].Health != nil {
		t.Errorf("a target without health: has one: %+v", cfg.Targets["production"].Health)
	}

	// No targets: section, or an empty one: no targets, an empty (not nil) map.
	for _, src := range []string{oneStep, oneStep + "targets: {}\n"} {
		cfg, err := Parse("eightfold.yaml", []byte(src))
		if err != nil || cfg.Targets == nil || len(cfg.Targets) != 0 || len(cfg.TargetOrder) != 0 {
			t.Errorf("%q: targets %v, order %v, %v", src, cfg.Targets, cfg.TargetOrder, err)
		}
	}
	detected, err := Load(writeFiles(t, map[string]string{"go.mod": "module x\n"}))
	if err != nil || detected.Targets == nil || len(detected.Targets) != 0 {
		t.Errorf("detected: targets %v, %v", detected.Targets, err)
	}
}

// Anchors and merge keys let targets share settings, as the YAML features elsewhere do.
func TestTargetsShareByAnchor(t *testing.T) {
	src := oneStep + `targets:
  staging: &server
    ssh: deploy@staging.example.com
    path: /srv/app
    start: systemctl --user restart app
    health: {url: "http://127.0.0.1:8080/healthz", body: ok}
  production:
    <<: *server
    ssh: deploy@example.com
    promote_from: staging
`
	cfg, err := Parse("eightfold.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Targets["production"]
	if p.SSH != "deploy@example.com" || p.Path != "/srv/app" || p.Health == nil || p.Health.Body != "ok" || p.PromoteFrom != "staging" || !p.Production {
		t.Errorf("production = %+v", p)
	}
}

// Load knows the repository's directory: a local path is made absolute against it, and paths
// inside it (also through a symbolic link) are refused.
func TestTargetPathsAgainstRepository(t *testing.T) {
	outside := t.TempDir()
	repo := filepath.Join(outside, "repo")
	link := filepath.Join(outside, "link")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(repo, link); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(outside, "home")
	t.Setenv("HOME", home)

	load := func(target string) (*Config, error) {
		src := oneStep + "targets:\n  demo:\n" + target
		if err := os.WriteFile(filepath.Join(repo, "eightfold.yaml"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return Load(repo)
	}
	tests := []struct {
		name, target     string
		wantPath         string // the target's Path, when valid
		wantSecretsFile  string
		wantErrSubstring string
	}{
		{name: "relative path made absolute", target: "    local: true\n    path: ../deploy\n", wantPath: filepath.Join(outside, "deploy")},
		{name: "the parent directory", target: "    local: true\n    path: ..\n", wantPath: outside},
		{name: "absolute path outside", target: "    local: true\n    path: " + filepath.Join(outside, "x") + "\n", wantPath: filepath.Join(outside, "x")},
		{name: "absolute path inside", target: "    local: true\n    path: " + filepath.Join(repo, "deploy") + "\n",
			wantErrSubstring: `eightfold.yaml:6:11: targets.demo.path: "` + filepath.Join(repo, "deploy") + `" is inside the repository; deploying into the watched tree`},
		{name: "the repository itself", target: "    local: true\n    path: " + repo + "/\n", wantErrSubstring: "is inside the repository"},
		{name: "inside through a symbolic link", target: "    local: true\n    path: " + filepath.Join(link, "out", "deploy") + "\n", wantErrSubstring: "is inside the repository"},
		{name: "relative path back in by the repository's name", target: "    local: true\n    path: ../repo/deploy\n", wantErrSubstring: "is inside the repository"},
		{name: "ssh paths are on the server", target: "    ssh: deploy@host\n    path: " + filepath.Join(repo, "deploy") + "\n", wantPath: filepath.Join(repo, "deploy")},
		{name: "secrets file outside", target: "    local: true\n    path: ../deploy\n    secrets: [TOKEN]\n    secrets_file: ../secrets.env\n",
			wantPath: filepath.Join(outside, "deploy"), wantSecretsFile: filepath.Join(outside, "secrets.env")},
		{name: "secrets file in the home directory", target: "    local: true\n    path: ../deploy\n    secrets: [TOKEN]\n    secrets_file: ~/.config/app.env\n",
			wantPath: filepath.Join(outside, "deploy"), wantSecretsFile: "~/.config/app.env"},
		{name: "secrets file inside", target: "    local: true\n    path: ../deploy\n    secrets: [TOKEN]\n    secrets_file: " + filepath.Join(link, ".env") + "\n",
			wantErrSubstring: "is inside the repository; secrets must never be committed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := load(tc.target)
			if tc.wantErrSubstring != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSubstring) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErrSubstring)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cfg.Targets["demo"]; d.Path != tc.wantPath || d.SecretsFile != tc.wantSecretsFile {
				t.Errorf("path %q, secrets file %q; want %q, %q", d.Path, d.SecretsFile, tc.wantPath, tc.wantSecretsFile)
			}
		})
	}

	// A home directory inside the repository makes ~/ inside it too.
	t.Setenv("HOME", filepath.Join(repo, "home"))
	if _, err := load("    local: true\n    path: ../deploy\n    secrets: [TOKEN]\n    secrets_file: ~/app.env\n"); err == nil || !strings.Contains(err.Error(), `"~/app.env" is inside the repository`) {
		t.Errorf("~/ inside the repository: %v", err)
	}
}

func TestHealthCheckConversion(t *testing.T) {
	h := HealthCheck{URL: "http://127.0.0.1:8080/healthz?full=1", Status: 204, Body: "ok", JSONField: "a.b", JSONEquals: "1",
		Timeout: 2 * time.Second, Interval: time.Second, Deadline: time.Minute, MaxTime: 300 * time.Millisecond}
	want := health.Check{URL: "http://127.0.0.1:8080/healthz?full=1", Status: 204, Body: "ok", JSONField: "a.b", JSONEquals: "1",
		MaxTime: 300 * time.Millisecond, Timeout: 2 * time.Second}
	if got := h.Check(); !reflect.DeepEqual(got, want) {
		t.Errorf("Check() = %+v, want %+v", got, want)
	}

}

// The ssh: grammar: user@host or user@host:port, host a name, an IPv4 address or [IPv6].
func TestSSHPattern(t *testing.T) {
	for in, ok := range map[string]bool{
		"deploy@203.0.113.10": true, "deploy@203.0.113.10:2222": true, "git_user.1@host-a.example.com:65535": true,
		"root@[2001:db8::1]:22": true, "root@[::1]": true,
		"203.0.113.10": false, "@host": false, "deploy@": false, "deploy@host:0": false, "deploy@host:65536": false,
		"deploy@host:022": false, "deploy@-host": false, "deploy@host name": false, "ssh://deploy@host": false,
		"deploy@2001:db8::1": false,
	} {
		if sshRE.MatchString(in) != ok {
			t.Errorf("%q: matched %v, want %v", in, !ok, ok)
		}
	}
}
