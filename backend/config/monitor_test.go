package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseChecks(t *testing.T) {
	tests := []struct {
		name, checks string
		want         map[string]Check
		order        []string
	}{
		{"absent", "", map[string]Check{}, nil},
		{"empty", "checks: {}\n", map[string]Check{}, nil},
		{"defaults", "checks:\n  api: {url: \"https://api.example.com/healthz\"}\n", map[string]Check{
			"api": {Name: "api", Interval: 30 * time.Second, FailureThreshold: 3, SuccessThreshold: 2, Origin: "eightfold.yaml:4:3",
				Health: HealthCheck{URL: "https://api.example.com/healthz", Status: 200, Timeout: 5 * time.Second, set: map[string]bool{"url": true}}},
		}, []string{"api"}},
		{"every key, in file order", `checks:
  web:
    url: http://127.0.0.1:8080/
    status: 301
    body: Moved
    json: {field: build.version, equals: 1.4}
    timeout: 2s
    max_time: 500ms
    interval: 1m30s
    failure_threshold: 1
    success_threshold: 100
  api: {url: "https://api.example.com/healthz", interval: 1s}
`, map[string]Check{
			"web": {Name: "web", Interval: 90 * time.Second, FailureThreshold: 1, SuccessThreshold: 100, Origin: "eightfold.yaml:4:3",
				Health: HealthCheck{URL: "http://127.0.0.1:8080/", Status: 301, Body: "Moved", JSONField: "build.version", JSONEquals: "1.4",
					Timeout: 2 * time.Second, MaxTime: 500 * time.Millisecond,
					set: map[string]bool{"url": true, "status": true, "body": true, "json": true, "timeout": true, "max_time": true}}},
			"api": {Name: "api", Interval: time.Second, FailureThreshold: 3, SuccessThreshold: 2, Origin: "eightfold.yaml:14:3",
				Health: HealthCheck{URL: "https://api.example.com/healthz", Status: 200, Timeout: 5 * time.Second, set: map[string]bool{"url": true}}},
		}, []string{"web", "api"}},
		{"shared by anchor", `checks:
  api: &check {url: "https://api.example.com/healthz", failure_threshold: 5}
  api-eu: {<<: *check, url: "https://eu.api.example.com/healthz"}
`, map[string]Check{
			"api": {Name: "api", Interval: 30 * time.Second, FailureThreshold: 5, SuccessThreshold: 2, Origin: "eightfold.yaml:4:3",
				Health: HealthCheck{URL: "https://api.example.com/healthz", Status: 200, Timeout: 5 * time.Second, set: map[string]bool{"url": true}}},
			"api-eu": {Name: "api-eu", Interval: 30 * time.Second, FailureThreshold: 5, SuccessThreshold: 2, Origin: "eightfold.yaml:5:3",
				Health: HealthCheck{URL: "https://eu.api.example.com/healthz", Status: 200, Timeout: 5 * time.Second, set: map[string]bool{"url": true}}},
		}, []string{"api", "api-eu"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("eightfold.yaml", []byte(oneStep+tc.checks))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Checks, tc.want) {
				t.Errorf("Checks:\n got %+v\nwant %+v", cfg.Checks, tc.want)
			}
			if !reflect.DeepEqual(cfg.CheckOrder, tc.order) {
				t.Errorf("CheckOrder = %q, want %q", cfg.CheckOrder, tc.order)
			}
		})
	}

	// A check runs as a target's health check does.
	cfg, err := Parse("eightfold.yaml", []byte(oneStep+"checks:\n  api: {url: \"http://h/\", body: ok, max_time: 1s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Checks["api"].Health.Check(); c.URL != "http://h/" || c.Body != "ok" || c.MaxTime != time.Second || c.Status != 200 {
		t.Errorf("health.Check = %+v", c)
	}

	// A detected pipeline has no checks: an empty, not nil, map.
	detected, err := Load(writeFiles(t, map[string]string{"go.mod": "module x\n"}))
	if err != nil || detected.Checks == nil || len(detected.Checks) != 0 || detected.CheckOrder != nil {
		t.Errorf("detected: checks %v, order %v, %v", detected.Checks, detected.CheckOrder, err)
	}
}

func TestParseMonitor(t *testing.T) {
	tests := []struct {
		name, monitor string
		want          Monitor
	}{
		{"absent", "", DefaultMonitor()},
		{"empty", "monitor: {}\n", DefaultMonitor()},
		{"empty retention", "monitor: {retention: {}}\n", DefaultMonitor()},
		{"every key", `monitor:
  interval: 10s
  failure_threshold: 5
  success_threshold: 1
  retention:
    raw: 72h
    hourly: 8760h
  auto_cards: true
`, Monitor{Interval: 10 * time.Second, FailureThreshold: 5, SuccessThreshold: 1,
			Retention: Retention{Raw: 72 * time.Hour, Hourly: 8760 * time.Hour}, AutoCards: true}},
		{"limits", "monitor: {interval: 1s, failure_threshold: 100, success_threshold: 100, retention: {raw: 1h, hourly: 1h}}\n",
			Monitor{Interval: time.Second, FailureThreshold: 100, SuccessThreshold: 100, Retention: Retention{Raw: time.Hour, Hourly: time.Hour}}},
		{"raw alone, below the default hourly", "monitor: {retention: {raw: 2160h}}\n",
			Monitor{Interval: 30 * time.Second, FailureThreshold: 3, SuccessThreshold: 2, Retention: Retention{Raw: 2160 * time.Hour, Hourly: 2160 * time.Hour}}},
		{"hourly alone, above the default raw", "monitor: {retention: {hourly: 168h}}\n",
			Monitor{Interval: 30 * time.Second, FailureThreshold: 3, SuccessThreshold: 2, Retention: Retention{Raw: 168 * time.Hour, Hourly: 168 * time.Hour}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("eightfold.yaml", []byte(oneStep+tc.monitor))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Monitor != tc.want {
				t.Errorf("Monitor:\n got %+v\nwant %+v", cfg.Monitor, tc.want)
			}
		})
	}

	detected, err := Load(writeFiles(t, map[string]string{"go.mod": "module x\n"}))
	if err != nil || detected.Monitor != DefaultMonitor() {
		t.Errorf("detected Monitor = %+v (%v), want the defaults", detected.Monitor, err)
	}
	want := Monitor{Interval: 30 * time.Second, FailureThreshold: 3, SuccessThreshold: 2,
		Retention: Retention{Raw: 7 * 24 * time.Hour, Hourly: 90 * 24 * time.Hour}}
	if DefaultMonitor() != want || DefaultCheckInterval != 30*time.Second || MinMonitorInterval != time.Second || MaxThreshold != 100 {
		t.Errorf("defaults changed: %+v", DefaultMonitor())
	}
}

func TestDescribeMonitor(t *testing.T) {
	tests := []struct{ name, monitor, want string }{
		{"defaults: not shown", "monitor: {interval: 30s, retention: {raw: 168h}}\n", ""},
		{"one key", "monitor: {auto_cards: true}\n", `monitor:   interval:          every 30s (default)
           failure_threshold: DOWN after 3 failures in a row (default)
           success_threshold: UP after 2 successes in a row (default)
           retention.raw:     168h, 7 days (default)
           retention.hourly:  2160h, 90 days (default)
           auto_cards:        true
`},
		{"singular, and not whole days", "monitor: {failure_threshold: 1, success_threshold: 1, retention: {raw: 24h, hourly: 36h30m}}\n",
			`monitor:   interval:          every 30s (default)
           failure_threshold: DOWN after 1 failure in a row
           success_threshold: UP after 1 success in a row
           retention.raw:     24h, 1 day
           retention.hourly:  36h30m
           auto_cards:        false (default)
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("eightfold.yaml", []byte(oneStep+tc.monitor))
			if err != nil {
				t.Fatal(err)
			}
			text := cfg.Describe()
			got := ""
			if i := strings.Index(text, "monitor:"); i >= 0 {
				got = text[i:strings.Index(text, "steps:")]
			}
			if got != tc.want {
				t.Errorf("Describe monitor lines:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
