package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Check is an extra health check (one entry of the top-level checks: section), run by the
// monitor on its own interval beside the deploy targets' health checks.
type Check struct {
	Name             string        // the key in checks:, [a-z][a-z0-9-]* (a target may have the same name: they are different checks)
	Health           HealthCheck   // what is checked; decoded as a target's health:, without its gate (Health.Interval and Health.Deadline are 0)
	Interval         time.Duration // from the start of one check to the start of the next; DefaultCheckInterval unless set; at least MinMonitorInterval
	FailureThreshold int           // consecutive failures before the check is DOWN; DefaultFailureThreshold unless set; 1 to MaxThreshold
	SuccessThreshold int           // consecutive successes before a DOWN (or PENDING) check is UP; DefaultSuccessThreshold unless set; 1 to MaxThreshold
	Origin           string        // where the check is written: "eightfold.yaml:12:3"
}

// Monitor tunes how the deploy targets' health is watched and how long results are kept (the
// top-level monitor: section). Use DefaultMonitor, not the zero value, for the defaults.
type Monitor struct {
	Interval         time.Duration // how often each target's health URL is checked; at least MinMonitorInterval
	FailureThreshold int           // consecutive failures before a target is DOWN; 1 to MaxThreshold
	SuccessThreshold int           // consecutive successes before a target is UP again; 1 to MaxThreshold
	Retention        Retention     // how long check results are kept
	AutoCards        bool          // make a Plan card for every new incident and newly failing test, once each
}

// Retention is how long check results are kept: every result for Raw, then hourly roll-ups
// for Hourly (counted from the result). Raw is at most Hourly.
type Retention struct {
	Raw    time.Duration
	Hourly time.Duration
}

// Defaults and limits of the checks: and monitor: sections.
const (
	DefaultCheckInterval    = 30 * time.Second
	DefaultMonitorInterval  = 30 * time.Second
	MinMonitorInterval      = time.Second
	DefaultFailureThreshold = 3
	DefaultSuccessThreshold = 2
	MaxThreshold            = 100
	DefaultRetentionRaw     = 7 * 24 * time.Hour  // 168h
	DefaultRetentionHourly  = 90 * 24 * time.Hour // 2160h
)

// DefaultMonitor is the monitor: section of a file that has none, and of a detected pipeline.
func DefaultMonitor() Monitor {
	return Monitor{Interval: DefaultMonitorInterval, FailureThreshold: DefaultFailureThreshold, SuccessThreshold: DefaultSuccessThreshold,
		Retention: Retention{Raw: DefaultRetentionRaw, Hourly: DefaultRetentionHourly}}
}

// Keys of the checks: and monitor: sections, in the order messages list them. A check is a
// health check (the keys of a target's health: but the gate's interval and deadline) with its
// own interval and thresholds.
var (
	checkKeys     = []string{"url", "status", "body", "json", "timeout", "max_time", "interval", "failure_threshold", "success_threshold"}
	monitorKeys   = []string{"interval", "failure_threshold", "success_threshold", "retention", "auto_cards"}
	retentionKeys = []string{"raw", "hourly"}
)

// belowOneSecondPattern matches durations below MinMonitorInterval written as one term (of ns,
// us, ms, or a fraction of a second). Shared with eightfold.schema.json; like the watch
// minimums it is partial but sound, and a test checks that.
const belowOneSecondPattern = `^(([0-9]{1,3}(\.[0-9]*)?|\.[0-9]+)ms|([0-9]{1,6}(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs)|(0(\.[0-9]*)?|\.[0-9]+)s)$`

// Descriptions of expected values of the checks: and monitor: sections.
const (
	wantChecks    = "a mapping of check names to health checks, such as api: {url: https://example.com/healthz}"
	wantCheck     = "a health check: a mapping with at least url (keys: url, status, body, json, timeout, max_time, interval, failure_threshold, success_threshold)"
	wantMonitor   = "a mapping of monitor settings (keys: interval, failure_threshold, success_threshold, retention, auto_cards)"
	wantRetention = "a mapping of retention settings (keys: raw, hourly), such as {raw: 168h, hourly: 2160h}"
)

var (
	monitorIntervalRule = durationRule{examples: "30s, 1m or 10s", units: [2]string{"s", "m"}, min: MinMonitorInterval,
		why: "checking more often than every second loads the app for nothing; expected at least 1s, such as 30s (the default)"}
	retentionRule = durationRule{examples: "168h, 720h or 2160h", units: [2]string{"h", "m"}}
)

// checks decodes the checks: section: the checks by name and their order in the file.
func (d *decoder) checks(e entry, p string) (checks map[string]Check, order []string) {
	checks = map[string]Check{}
	if _, isList := d.resolve(e.value).node.(*ast.SequenceNode); isList {
		d.failf(e.at, p, "expected %s, got a list; checks are keyed by name: write api: {url: …} rather than - {name: api, url: …}", wantChecks)
		return checks, order
	}
	entries, ok := d.mapping(e, p, wantChecks)
	if !ok {
		return checks, order
	}
	for _, kv := range entries {
		cp := p + "." + kv.key
		if !d.sectionName(kv, cp, "check", "api") {
			continue
		}
		checks[kv.key] = d.check(kv, cp)
		order = append(order, kv.key)
	}
	return checks, order
}

// check decodes one check: a health check without a gate, plus its interval and thresholds.
func (d *decoder) check(item entry, p string) Check {
	line, col := position(item.keyAt)
	c := Check{Name: item.key, Interval: DefaultCheckInterval, FailureThreshold: DefaultFailureThreshold,
		SuccessThreshold: DefaultSuccessThreshold, Origin: fmt.Sprintf("%s:%d:%d", d.file, line, col)}
	c.Health = d.health(item, p, wantCheck, checkKeys, map[string]func(entry, string){
		"interval": func(f entry, fp string) {
			if t, ok := d.duration(f, fp, monitorIntervalRule); ok {
				c.Interval = t
			}
		},
		"failure_threshold": func(f entry, fp string) { c.FailureThreshold = d.threshold(f, fp, DefaultFailureThreshold, "failures") },
		"success_threshold": func(f entry, fp string) {
			c.SuccessThreshold = d.threshold(f, fp, DefaultSuccessThreshold, "successes")
		},
	})
	c.Health.Interval, c.Health.Deadline = 0, 0 // no gate: the check runs every c.Interval
	if strings.Contains(c.Health.URL, HostPlaceholder) {
		d.failf(item.at, p+".url", "%s stands for a target's host in its health check; a check of checks: polls one URL: write the host's address", HostPlaceholder)
	}
	return c
}

// threshold decodes a failure or success threshold (what: "failures" or "successes").
func (d *decoder) threshold(e entry, p string, def int, what string) int {
	want := fmt.Sprintf("a number of consecutive %s from 1 to %d, such as %d", what, MaxThreshold, def)
	v := d.resolve(e.value)
	node, isInt := v.node.(*ast.IntegerNode)
	if !isInt || v.isText {
		d.wrongType(e, p, want, v)
		return def
	}
	if n, err := integerValue(node); err == nil && n >= 1 && n <= MaxThreshold {
		return int(n)
	}
	d.failf(e.at, p, "%s is out of range; expected %s", v.quoted(), want)
	return def
}

// monitor decodes the monitor: section.
func (d *decoder) monitor(e entry, p string) Monitor {
	m := DefaultMonitor()
	fields, ok := d.fields(e, p, wantMonitor, monitorKeys)
	if !ok {
		return m
	}
	for _, f := range fields {
		fp := p + "." + f.key
		switch f.key {
		case "interval":
			if t, ok := d.duration(f, fp, monitorIntervalRule); ok {
				m.Interval = t
			}
		case "failure_threshold":
			m.FailureThreshold = d.threshold(f, fp, DefaultFailureThreshold, "failures")
		case "success_threshold":
			m.SuccessThreshold = d.threshold(f, fp, DefaultSuccessThreshold, "successes")
		case "retention":
			m.Retention = d.retention(f, fp)
		case "auto_cards":
			if b, ok := d.boolean(f, fp); ok {
				m.AutoCards = b
			}
		}
	}
	return m
}

// retention decodes monitor.retention; raw must not outlast hourly, which is made from it.
func (d *decoder) retention(e entry, p string) Retention {
	r := DefaultMonitor().Retention
	fields, ok := d.fields(e, p, wantRetention, retentionKeys)
	if !ok {
		return r
	}
	var at = map[string]*entry{}
	valid := true
	for _, f := range fields {
		t, ok := d.duration(f, p+"."+f.key, retentionRule)
		valid = valid && ok
		if !ok {
			continue
		}
		at[f.key] = &f
		switch f.key {
		case "raw":
			r.Raw = t
		case "hourly":
			r.Hourly = t
		}
	}
	if valid && r.Raw > r.Hourly {
		written := func(key string, v time.Duration) string {
			if at[key] == nil {
				return durationText(v) + ", the default"
			}
			return durationText(v)
		}
		if f := at["raw"]; f != nil {
			d.failf(f.at, p+".raw", "%s is longer than %s.hourly (%s); the hourly roll-ups are made from the raw results, so keep raw results at most as long, such as 168h (the default)",
				d.resolve(f.value).quoted(), p, written("hourly", r.Hourly))
		} else if f := at["hourly"]; f != nil {
			d.failf(f.at, p+".hourly", "%s is shorter than %s.raw (%s); the hourly roll-ups are made from the raw results, so keep them at least as long, such as 2160h (the default)",
				d.resolve(f.value).quoted(), p, written("raw", r.Raw))
		}
	}
	return r
}

// describe shows the monitor settings one per line, by their YAML names, defaults marked as
// such; lines after the first start with indent.
func (m Monitor) describe(indent string) string {
	def := DefaultMonitor()
	var lines []string
	field := func(key, value string, isDefault bool) {
		lines = append(lines, fmt.Sprintf("%-18s %s", key+":", defaulted(value, isDefault, "default")))
	}
	field("interval", "every "+durationText(m.Interval), m.Interval == def.Interval)
	field("failure_threshold", "DOWN after "+count(m.FailureThreshold, "failure", "failures")+" in a row", m.FailureThreshold == def.FailureThreshold)
	field("success_threshold", "UP after "+count(m.SuccessThreshold, "success", "successes")+" in a row", m.SuccessThreshold == def.SuccessThreshold)
	field("retention.raw", retentionText(m.Retention.Raw), m.Retention.Raw == def.Retention.Raw)
	field("retention.hourly", retentionText(m.Retention.Hourly), m.Retention.Hourly == def.Retention.Hourly)
	field("auto_cards", fmt.Sprint(m.AutoCards), m.AutoCards == def.AutoCards)
	return strings.Join(lines, "\n"+indent)
}

// retentionText shows a retention period, with days when it is whole days: 168h, 7 days.
func retentionText(t time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case t == day:
		return durationText(t) + ", 1 day"
	case t%day == 0:
		return fmt.Sprintf("%s, %d days", durationText(t), t/day)
	}
	return durationText(t)
}

// describe shows a check on two lines: its name and URL, then its conditions and timing.
func (c Check) describe() string {
	h := c.Health
	conditions := h.conditions()
	timing := fmt.Sprintf("every %s, timeout %s; DOWN after %s, UP after %s",
		durationText(c.Interval), durationText(h.Timeout), count(c.FailureThreshold, "failure", "failures"), count(c.SuccessThreshold, "success", "successes"))
	return c.Name + " " + h.URL + "\n" + strings.Join(conditions, ", ") + "; " + timing
}

// count shows n with the singular or plural noun: 1 failure, 3 failures.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
