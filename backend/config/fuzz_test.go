package config

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary file contents to Parse, the whole of Load past
// reading the file. It must never panic; every problem must name the file
// and a line and column ≥ 1; a config it accepts must hold what the
// format promises.
func FuzzLoad(f *testing.F) {
	for _, tc := range badConfigs {
		f.Add([]byte(tc.src))
	}
	samples, _ := filepath.Glob(filepath.Join("testdata", "schema", "*", "*.yaml"))
	for _, file := range samples {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("a: &x [*x]\nsteps: {<<: *x}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse("eightfold.yaml", src)
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		checkFuzzConfig(t, cfg)
	})
}

// checkFuzzError checks that err is a non-empty ErrorList of located problems.
func checkFuzzError(t *testing.T, err error) {
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error %T %q is not a non-empty ErrorList", err, err)
	}
	for _, e := range list {
		if e.File != "eightfold.yaml" || e.Line < 1 || e.Col < 1 || e.Msg == "" {
			t.Fatalf("problem without a place or a message: %#v", e)
		}
	}
}

// checkFuzzConfig checks the promises of an accepted config.
func checkFuzzConfig(t *testing.T, cfg *Config) {
	if len(cfg.Steps) == 0 || cfg.LogLimit < 1 {
		t.Fatalf("accepted config with %d steps, log limit %d", len(cfg.Steps), cfg.LogLimit)
	}
	names := map[string]bool{}
	for _, s := range cfg.Steps {
		if names[s.Name] || !nameRE.MatchString(s.Name) || !runRE.MatchString(s.Run) || s.Timeout <= 0 || s.LogLimit < 0 {
			t.Fatalf("accepted a bad step: %#v", s)
		}
		names[s.Name] = true
	}
	w := cfg.Watch
	if w.Debounce < MinDebounce || w.MaxWait < w.Debounce || w.Poll != 0 && w.Poll < MinPoll ||
		(w.OnChange != OnChangeRestart && w.OnChange != OnChangeQueue) {
		t.Fatalf("accepted bad watch settings: %#v", w)
	}
	for _, p := range w.Ignore {
		if badIgnore(p) != "" {
			t.Fatalf("accepted a bad ignore pattern %q", p)
		}
	}
	r := cfg.Release
	if !regexp.MustCompile(semverPattern).MatchString(r.Initial) || strings.HasPrefix(r.Initial, "v") ||
		r.ChangelogFile != "" && badChangelog(r.ChangelogFile) != "" {
		t.Fatalf("accepted bad release settings: %#v", r)
	}
	seen := map[string]bool{}
	for _, typ := range r.SkipTypes {
		if seen[typ] || !commitTypeRE.MatchString(typ) {
			t.Fatalf("accepted bad skip_types: %q", r.SkipTypes)
		}
		seen[typ] = true
	}
	checkFuzzTargets(t, cfg)
	checkFuzzMonitor(t, cfg)
	_ = cfg.Describe()
}

// checkFuzzTargets checks the promises of accepted targets.
func checkFuzzTargets(t *testing.T, cfg *Config) {
	if cfg.Targets == nil || len(cfg.Targets) != len(cfg.TargetOrder) {
		t.Fatalf("targets %v do not match their order %q", cfg.Targets, cfg.TargetOrder)
	}
	for _, name := range cfg.TargetOrder {
		multi, ok := cfg.Targets[name]
		if !ok || multi.Parallel < 0 || multi.Parallel > len(multi.Hosts) || len(multi.Hosts) > 0 && (multi.SSH != "" || multi.Local) {
			t.Fatalf("accepted a bad target: %#v", multi)
		}
		seen := map[string]bool{}
		for _, h := range multi.Hosts {
			if key := sameHostKey(TargetHost{SSH: h.SSH, Path: cmp.Or(h.Path, multi.Path)}); seen[key] {
				t.Fatalf("accepted a host twice: %#v", multi)
			} else {
				seen[key] = true
			}
		}
		for _, tg := range multi.PerHost() {
			checkFuzzTarget(t, cfg, name, tg)
		}
	}
	// No promotion chain comes back on itself.
	for _, name := range cfg.TargetOrder {
		cur := name
		for range len(cfg.TargetOrder) + 1 {
			cur = cfg.Targets[cur].PromoteFrom
			if cur == "" {
				break
			}
			if cur == name {
				t.Fatalf("accepted a promotion cycle through %s", name)
			}
		}
	}
}

// FuzzMakeTargets checks that reading targets from any Makefile never
// panics and only yields ordinary, distinct target names.
func FuzzMakeTargets(f *testing.F) {
	f.Add([]byte("all: app\n\tcc -o app main.c\ntest check:: app\n"))
	f.Add([]byte("A := b\nB ?= c:d\n$(X:.c=.o): y\ndefine R\nt: x\nendef\nx \\\n y: z\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		targets := makeTargets(src)
		seen := map[string]bool{}
		for _, target := range targets {
			if target == "" || target[0] == '.' || seen[target] || strings.Contains(target, "%") {
				t.Fatalf("bad target %q in %q", target, targets)
			}
			seen[target] = true
		}
	})
}

// checkFuzzMonitor checks the promises of accepted checks and monitor settings.
func checkFuzzMonitor(t *testing.T, cfg *Config) {
	inRange := func(n int) bool { return n >= 1 && n <= MaxThreshold }
	m := cfg.Monitor
	if m.Interval < MinMonitorInterval || !inRange(m.FailureThreshold) || !inRange(m.SuccessThreshold) ||
		m.Retention.Raw <= 0 || m.Retention.Raw > m.Retention.Hourly {
		t.Fatalf("accepted bad monitor settings: %#v", m)
	}
	if cfg.Checks == nil || len(cfg.Checks) != len(cfg.CheckOrder) {
		t.Fatalf("checks %v do not match their order %q", cfg.Checks, cfg.CheckOrder)
	}
	for _, name := range cfg.CheckOrder {
		c, ok := cfg.Checks[name]
		if !ok || c.Name != name || !targetNameRE.MatchString(name) || !healthURLRE.MatchString(c.Health.URL) ||
			c.Interval < MinMonitorInterval || !inRange(c.FailureThreshold) || !inRange(c.SuccessThreshold) || c.Health.Timeout <= 0 {
			t.Fatalf("accepted a bad check: %#v", c)
		}
	}
}

// checkFuzzTarget checks the promises of an accepted target, as deployed to one host.
func checkFuzzTarget(t *testing.T, cfg *Config, name string, tg Target) {
	sshOK := sshRE.MatchString(tg.SSH)
	if tg.Name != name || !targetNameRE.MatchString(name) || sshOK == tg.Local || tg.Path == "" ||
		tg.Keep < MinKeep || tg.CandidatePort < 0 || tg.CandidatePort > 65535 {
		t.Fatalf("accepted a bad target: %#v", tg)
	}
	if tg.PromoteFrom != "" && (tg.PromoteFrom == name || cfg.Targets[tg.PromoteFrom].Name == "") {
		t.Fatalf("accepted a bad promote_from: %#v", tg)
	}
	if h := tg.Health; h != nil && (h.URL == "" || h.Status < 100 || h.Status > 599 || h.Timeout <= 0 || h.Interval <= 0 ||
		h.Interval > h.Deadline || h.MaxTime < 0) {
		t.Fatalf("accepted a bad health check: %#v", h)
	}
	if tg.CandidatePort > 0 && (tg.Health == nil || healthPort(tg.Health.URL) == tg.CandidatePort) {
		t.Fatalf("accepted a bad candidate_port: %#v", tg)
	}
	for _, s := range tg.Secrets {
		if _, inEnv := tg.Env[s]; inEnv || !secretNameRE.MatchString(s) {
			t.Fatalf("accepted a bad secret %q: %#v", s, tg)
		}
	}
}
