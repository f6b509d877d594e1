package config

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseTargetHosts(t *testing.T) {
	src := oneStep + `targets:
  production:
    hosts:
      - deploy@10.0.0.1
      - deploy@[2001:db8::7]:2222
      - ssh: deploy@10.0.0.3
        path: /opt/app/
        env: {REGION: eu, PORT: 9090}
        health_url: http://{host}:9090/healthz
    parallel: 2
    identity: ~/.ssh/id_ed25519
    path: /srv/app
    env: {PORT: 8080, APP_ENV: production}
    health: {url: "http://{host}:8080/healthz", body: ok}
`
	cfg, err := Parse("eightfold.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Targets["production"]
	want := []TargetHost{{SSH: "deploy@10.0.0.1"}, {SSH: "deploy@[2001:db8::7]:2222"},
		{SSH: "deploy@10.0.0.3", Path: "/opt/app", Env: map[string]string{"REGION": "eu", "PORT": "9090"}, HealthURL: "http://{host}:9090/healthz"}}
	if !reflect.DeepEqual(p.Hosts, want) || p.Parallel != 2 || p.SSH != "" || p.Local {
		t.Fatalf("hosts %+v, parallel %d, ssh %q", p.Hosts, p.Parallel, p.SSH)
	}
	if got := p.HostNames(); !slices.Equal(got, []string{"deploy@10.0.0.1", "deploy@[2001:db8::7]:2222", "deploy@10.0.0.3"}) {
		t.Errorf("HostNames = %q", got)
	}

	// Each host as deployed: its address, path, env and health URL, the rest the target's.
	per := p.PerHost()
	type host struct{ ssh, path, url, port, region, identity string }
	var got []host
	for _, h := range per {
		if h.Hosts != nil || h.Parallel != 0 || h.Health.Body != "ok" || h.Name != "production" {
			t.Errorf("a host's target keeps hosts, parallel or loses the health check: %+v", h)
		}
		got = append(got, host{h.SSH, h.Path, h.Health.URL, h.Env["PORT"], h.Env["REGION"], h.Identity})
	}
	wantPer := []host{
		{"deploy@10.0.0.1", "/srv/app", "http://10.0.0.1:8080/healthz", "8080", "", "~/.ssh/id_ed25519"},
		{"deploy@[2001:db8::7]:2222", "/srv/app", "http://[2001:db8::7]:8080/healthz", "8080", "", "~/.ssh/id_ed25519"},
		{"deploy@10.0.0.3", "/opt/app", "http://10.0.0.3:9090/healthz", "9090", "eu", "~/.ssh/id_ed25519"},
	}
	if !slices.Equal(got, wantPer) {
		t.Errorf("PerHost:\n got %+v\nwant %+v", got, wantPer)
	}
	if p.Health.URL != "http://{host}:8080/healthz" || p.Env["PORT"] != "8080" || len(p.Env) != 2 {
		t.Errorf("PerHost changed the target itself: %+v, %v", p.Health, p.Env)
	}

	// A target without hosts is one host: itself, with {host} replaced.
	single, err := Parse("eightfold.yaml", []byte(oneStep+"targets:\n  s: {ssh: deploy@example.com:2222, path: /srv/app, health: {url: 'http://{host}/healthz'}}\n"+
		"  l: {local: true, path: /tmp/x, health: {url: 'http://{host}:8080/'}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := single.Targets["s"].PerHost(); len(s) != 1 || s[0].Health.URL != "http://example.com/healthz" || s[0].SSH != "deploy@example.com:2222" {
		t.Errorf("an ssh target: %+v", s)
	}
	if l := single.Targets["l"].PerHost(); len(l) != 1 || l[0].Health.URL != "http://127.0.0.1:8080/" || !l[0].Local {
		t.Errorf("a local target: %+v", l)
	}
}

// Every host has its own path: the target needs none.
func TestTargetHostsWithTheirOwnPaths(t *testing.T) {
	cfg, err := Parse("eightfold.yaml", []byte(oneStep+"targets:\n  staging:\n    hosts:\n      - {ssh: deploy@h, path: /srv/a}\n      - {ssh: deploy@h, path: /srv/b}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Targets["staging"].PerHost(); len(got) != 2 || got[0].Path != "/srv/a" || got[1].Path != "/srv/b" || got[0].Health != nil {
		t.Errorf("%+v", got)
	}
}

func TestTargetHostsErrors(t *testing.T) {
	const head = "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n"
	tests := []struct {
		name, target, want string
		loaderOnly         bool // the JSON Schema cannot say it
	}{
		{name: "hosts and ssh", target: "    ssh: deploy@a\n    hosts: [deploy@b]\n    path: /srv/app\n",
			want: `eightfold.yaml:6:5: targets.staging.hosts: both ssh and hosts are set; a target is one server (ssh: user@host) or several (hosts: [user@a, user@b]), not both: move the ssh address into hosts`},
		{name: "hosts and local", target: "    local: true\n    hosts: [deploy@b]\n    path: /srv/app\n",
			want: `eightfold.yaml:5:12: targets.staging.local: both hosts and local: true are set; a target is either servers (hosts: [user@a, user@b]) or this machine (local: true), not both`},
		{name: "empty list", target: "    hosts: []\n    path: /srv/app\n",
			want: `eightfold.yaml:5:12: targets.staging.hosts: the list is empty; list the servers to deploy to, such as hosts: [deploy@10.0.0.1, deploy@10.0.0.2], or use ssh: for one`},
		{name: "not a list", target: "    hosts: deploy@a\n    path: /srv/app\n",
			want: `eightfold.yaml:5:12: targets.staging.hosts: expected a list of servers, each user@host[:port] or a mapping with ssh and optional path, env and health_url, such as [deploy@10.0.0.1, deploy@10.0.0.2], got a string`},
		{name: "a host without a user", target: "    hosts: [deploy@a, 10.0.0.2]\n    path: /srv/app\n",
			want: `eightfold.yaml:5:23: targets.staging.hosts[1]: "10.0.0.2" is not an ssh address (it has no user: write user@10.0.0.2); expected user@host or user@host:port, such as deploy@203.0.113.10:22`},
		{name: "a host listed twice", target: "    hosts:\n      - deploy@a\n      - deploy@b\n      - deploy@a:22\n    path: /srv/app\n",
			want: `eightfold.yaml:8:9: targets.staging.hosts[2]: deploy@a:22 is listed twice (first at line 6, column 9); list each host once, or give each its own path`, loaderOnly: true},
		{name: "the same host and path as a mapping", target: "    hosts:\n      - deploy@a\n      - {ssh: deploy@a, path: /srv/app}\n    path: /srv/app\n",
			want: `eightfold.yaml:7:9: targets.staging.hosts[1]: deploy@a is listed twice (first at line 6, column 9); list each host once, or give each its own path`, loaderOnly: true},
		{name: "a host mapping without ssh", target: "    hosts:\n      - {path: /srv/b}\n    path: /srv/app\n",
			want: `eightfold.yaml:6:9: targets.staging.hosts[0]: missing key "ssh"; each host needs its address, such as {ssh: deploy@10.0.0.1, path: /srv/app}`},
		{name: "an unknown key of a host", target: "    hosts:\n      - {ssh: deploy@a, port: 2222}\n    path: /srv/app\n",
			want: `eightfold.yaml:6:25: targets.staging.hosts[0]: unknown key "port" (did you mean "path"?); allowed keys: ssh, path, env, health_url`},
		{name: "a host that is a number", target: "    hosts: [42]\n    path: /srv/app\n",
			want: `eightfold.yaml:5:13: targets.staging.hosts[0]: expected user@host[:port], or a mapping with ssh and optional path, env and health_url, got an integer; to use it as text, put it in quotes: "42"`},
		{name: "a relative host path", target: "    hosts: [{ssh: deploy@a, path: srv/app}]\n",
			want: `eightfold.yaml:5:35: targets.staging.hosts[0].path: "srv/app" is not an absolute path; an ssh target's path is absolute, such as /srv/app`},
		{name: "a host without a path", target: "    hosts: [{ssh: deploy@a, path: /srv/a}, deploy@b]\n",
			want: `eightfold.yaml:5:5: targets.staging: missing key "path"; expected the deploy root on the hosts, such as /srv/app (or a path on each host: {ssh: deploy@b, path: /srv/app})`},
		{name: "a bad health_url", target: "    hosts: [{ssh: deploy@a, health_url: 'localhost:8080/healthz'}]\n    path: /srv/app\n    health: {url: 'http://{host}/'}\n",
			want: `eightfold.yaml:5:41: targets.staging.hosts[0].health_url: "localhost:8080/healthz" is not an http(s) URL with a host (write the scheme: http://localhost:8080/healthz); expected an http or https URL with a host, such as http://127.0.0.1:8080/healthz`},
		{name: "health_url without a health check", target: "    hosts: [{ssh: deploy@a, health_url: 'http://{host}:9090/'}]\n    path: /srv/app\n",
			want:       `eightfold.yaml:5:5: targets.staging: the host deploy@a has a health_url, but the target has no health check: add health: {url: http://{host}:8080/healthz} (the url is what health_url replaces)`,
			loaderOnly: true},
		{name: "parallel above the hosts", target: "    hosts: [deploy@a, deploy@b]\n    parallel: 3\n    path: /srv/app\n",
			want:       `eightfold.yaml:6:15: targets.staging.parallel: 3 is more than the 2 hosts listed; expected a number of hosts deployed at once, from 1 to 2 (the hosts listed)`,
			loaderOnly: true},
		{name: "parallel zero", target: "    hosts: [deploy@a, deploy@b]\n    parallel: 0\n    path: /srv/app\n",
			want: `eightfold.yaml:6:15: targets.staging.parallel: 0 is below 1; expected a number of hosts deployed at once, from 1 to 2 (the hosts listed)`},
		{name: "parallel as text", target: "    hosts: [deploy@a, deploy@b]\n    parallel: all\n    path: /srv/app\n",
			want: `eightfold.yaml:6:15: targets.staging.parallel: expected a number of hosts deployed at once, from 1 to 2 (the hosts listed), got a string`},
		{name: "parallel without hosts", target: "    ssh: deploy@a\n    parallel: 2\n    path: /srv/app\n",
			want: `eightfold.yaml:6:5: targets.staging.parallel: parallel is for targets with hosts: (how many are deployed at once); remove it, or list the servers in hosts:`},
	}
	sch := compileSchema(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := head + tc.target
			_, err := Parse("eightfold.yaml", []byte(src))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n got %v\nwant %s", err, tc.want)
			}
			if !tc.loaderOnly {
				checkVerdicts(t, sch, []byte(src), false)
			}
		})
	}
}

// {host} is for targets: a check of checks: polls one URL.
func TestHostPlaceholderOnlyInTargets(t *testing.T) {
	_, err := Parse("eightfold.yaml", []byte(oneStep+"checks:\n  api: {url: 'http://{host}:8080/healthz'}\n"))
	if err == nil || !strings.Contains(err.Error(), "checks.api.url: {host} stands for a target's host") {
		t.Errorf("%v", err)
	}
}

// The schema knows the keys of a host mapping and shares the loader's patterns.
func TestSchemaKnowsTargetHosts(t *testing.T) {
	doc := schemaDoc(t)
	host := at(t, doc, "$defs", "targetHost", "oneOf", 1, "properties").(map[string]any)
	if got := slices.Sorted(maps.Keys(host)); !slices.Equal(got, slices.Sorted(slices.Values(hostKeys))) {
		t.Errorf("schema keys %v, loader keys %v", got, hostKeys)
	}
	for name, tc := range map[string]struct {
		got  any
		want string
	}{
		"host as a string": {at(t, doc, "$defs", "targetHost", "oneOf", 0, "pattern"), sshPattern},
		"host ssh":         {at(t, host, "ssh", "pattern"), sshPattern},
		"host health_url":  {at(t, host, "health_url", "pattern"), healthURLPattern},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: schema pattern %q, loader pattern %q", name, tc.got, tc.want)
		}
	}
}
