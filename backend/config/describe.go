package config

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// Describe is the effective pipeline as text for `eightfold config`: where
// it comes from, the project settings, then each step with its origin and
// every setting, defaults marked as such. The release and monitor settings
// are shown only when one differs from its default; the extra health checks
// (checks:) take two lines each.
func (c *Config) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "source:    %s\n", c.Source)
	fmt.Fprintf(&b, "log limit: %s\n", defaulted(humanize.IBytes(uint64(c.LogLimit))+" per step", !c.logLimitSet, "default"))
	fmt.Fprintf(&b, "env:       %s\n", envText(c.Env, strings.Repeat(" ", 11)))
	fmt.Fprintf(&b, "watch:     %s\n", c.Watch.describe(strings.Repeat(" ", 11)))
	if !reflect.DeepEqual(c.Release, DefaultRelease()) {
		fmt.Fprintf(&b, "release:   %s\n", c.Release.describe(strings.Repeat(" ", 11)))
	}
	if len(c.TargetOrder) > 0 {
		fmt.Fprintf(&b, "targets:   %s\n", strings.Join(c.TargetOrder, ", "))
	}
	if c.Monitor != DefaultMonitor() {
		fmt.Fprintf(&b, "monitor:   %s\n", c.Monitor.describe(strings.Repeat(" ", 11)))
	}
	for i, name := range c.CheckOrder {
		label := "checks:"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(&b, "%-10s %s\n", label, indentLines(c.Checks[name].describe(), strings.Repeat(" ", 13)))
	}
	fmt.Fprintf(&b, "steps:     %d\n", len(c.Steps))
	for i, s := range c.Steps {
		b.WriteString("\n")
		c.describeStep(&b, i+1, s)
	}
	for _, name := range c.TargetOrder {
		b.WriteString("\n")
		c.Targets[name].describe(&b)
	}
	return b.String()
}

// describe writes one target of Describe: where it is, what runs there and how it is checked;
// optional settings only when set. Secrets appear by name only (the config holds no values).
func (t Target) describe(b *strings.Builder) {
	const indent = "     "
	cont := indent + strings.Repeat(" ", 15)
	field := func(label, value string) {
		fmt.Fprintf(b, "%s%-14s %s\n", indent, label+":", indentLines(value, cont))
	}
	optional := func(label, value string) {
		if value != "" {
			field(label, value)
		}
	}
	fmt.Fprintf(b, "target %s\n", t.Name)
	field("origin", t.Origin)
	if t.Local {
		field("on", "this machine (local)")
	} else {
		var via []string
		if t.Identity != "" {
			via = append(via, "identity "+t.Identity)
		}
		if t.Jump != "" {
			via = append(via, "through "+t.Jump)
		}
		on := "ssh " + t.SSH
		if len(t.Hosts) > 0 {
			on = t.describeHosts()
		}
		if len(via) > 0 {
			first, rest, _ := strings.Cut(on, "\n")
			on = strings.Join([]string{first + " (" + strings.Join(via, ", ") + ")", rest}, "\n")
		}
		field("on", strings.TrimSuffix(on, "\n"))
	}
	field("path", t.Path)
	field("start", cmp.Or(strings.TrimRight(t.Start, "\n"), "none (nothing to start)"))
	optional("stop", strings.TrimRight(t.Stop, "\n"))
	optional("logs", strings.TrimRight(t.Logs, "\n"))
	if t.Health == nil {
		field("health", "none: a deploy counts as healthy once start succeeds")
	} else {
		field("health", t.Health.describe())
	}
	if t.CandidatePort > 0 {
		field("strategy", fmt.Sprintf("blue-green: the new release starts on port %d and is checked there before the switch", t.CandidatePort))
	} else {
		field("strategy", "restart (default)")
	}
	field("keep", defaulted(fmt.Sprintf("%d releases", t.Keep), !t.keepSet, "default"))
	if len(t.Env) > 0 {
		field("env", envText(t.Env, ""))
	}
	if len(t.Secrets) > 0 {
		from := "the environment"
		if t.SecretsFile != "" {
			from += " or " + t.SecretsFile
		}
		field("secrets", strings.Join(t.Secrets, ", ")+" (from "+from+")")
	}
	if len(t.Shared) > 0 {
		quoted := make([]string, len(t.Shared))
		for i, p := range t.Shared {
			quoted[i] = patternText(p)
		}
		field("shared", strings.Join(quoted, ", "))
	}
	optional("before switch", strings.TrimRight(t.BeforeSwitch, "\n"))
	optional("after deploy", strings.TrimRight(t.AfterDeploy, "\n"))
	if t.PromoteFrom != "" {
		field("promote", "from "+t.PromoteFrom)
	}
	production := strconv.FormatBool(t.Production)
	switch {
	case t.productionSet:
	case t.Production:
		production += " (by its name)"
	default:
		production += " (default)"
	}
	field("production", production)
}

// describe shows a health check on a few lines: the URL, the conditions, the timing.
func (h HealthCheck) describe() string {
	d := func(key string, v time.Duration) string { return defaulted(durationText(v), !h.set[key], "default") }
	return h.URL + "\n" + strings.Join(h.conditions(), ", ") + "\n" +
		"every " + d("interval", h.Interval) + ", timeout " + d("timeout", h.Timeout) + ", deadline " + d("deadline", h.Deadline)
}

// conditions lists what a health check's response must satisfy, the status first.
func (h HealthCheck) conditions() []string {
	conditions := []string{"status " + defaulted(strconv.Itoa(h.Status), !h.set["status"], "default")}
	if h.Body != "" {
		conditions = append(conditions, "body contains "+strconv.Quote(h.Body))
	}
	if h.JSONField != "" {
		conditions = append(conditions, "json "+h.JSONField+" = "+strconv.Quote(h.JSONEquals))
	}
	if h.MaxTime > 0 {
		conditions = append(conditions, "response within "+durationText(h.MaxTime))
	}
	return conditions
}

// describeStep writes one step of Describe.
func (c *Config) describeStep(b *strings.Builder, n int, s Step) {
	const indent = "     "
	field := func(label, value string) {
		fmt.Fprintf(b, "%s%-10s %s\n", indent, label+":", value)
	}
	fmt.Fprintf(b, "%d. %s\n", n, s.Name)
	field("origin", s.Origin)
	field("run", indentLines(strings.TrimRight(s.Run, "\n"), indent+strings.Repeat(" ", 11)))
	field("timeout", defaulted(durationText(s.Timeout), !s.timeoutSet, "default"))
	field("env", envText(s.Env, indent+strings.Repeat(" ", 11)))
	field("report", cmp.Or(s.Report, "none"))
	field("artifacts", cmp.Or(strings.Join(s.Artifacts, ", "), "none"))
	field("log limit", sizeText(c.LogLimitFor(s), s.LogLimit == 0, "project default"))
}

// describe shows the watch settings one per line, by their YAML names,
// defaults marked as such; lines after the first start with indent.
func (w Watch) describe(indent string) string {
	var lines []string
	field := func(key, value string) {
		lines = append(lines, fmt.Sprintf("%-24s %s", key+":", defaulted(value, !w.set[key], "default")))
	}
	ignore := ".gitignore files and built-ins only"
	if len(w.Ignore) > 0 {
		quoted := make([]string, len(w.Ignore))
		for i, p := range w.Ignore {
			quoted[i] = patternText(p)
		}
		ignore = strings.Join(quoted, ", ") + " (on top of .gitignore files and built-ins)"
	}
	lines = append(lines, fmt.Sprintf("%-24s %s", "ignore:", ignore))
	field("debounce", durationText(w.Debounce))
	field("max_wait", durationText(w.MaxWait))
	field("on_change_while_running", w.OnChange)
	field("affected", strconv.FormatBool(w.Affected))
	poll := "off"
	if w.Poll > 0 {
		poll = "every " + durationText(w.Poll)
	}
	field("poll", poll)
	field("auto", strconv.FormatBool(w.Auto))
	return strings.Join(lines, "\n"+indent)
}

// describe shows the release settings one per line, by their YAML names,
// defaults marked as such; lines after the first start with indent.
func (r Release) describe(indent string) string {
	var lines []string
	field := func(key, value string, isDefault bool) {
		lines = append(lines, fmt.Sprintf("%-21s %s", key+":", defaulted(value, isDefault, "default")))
	}
	field("initial", r.Initial, r.Initial == DefaultInitial)
	field("changelog_file", cmp.Or(r.ChangelogFile, "none"), r.ChangelogFile == "")
	switch {
	case r.SkipTypes == nil:
		field("skip_types", strings.Join(DefaultSkipTypes, ", "), true)
	case len(r.SkipTypes) == 0:
		field("skip_types", "none (every type counts)", false)
	default:
		field("skip_types", strings.Join(r.SkipTypes, ", "), false)
	}
	field("include_merges", strconv.FormatBool(r.IncludeMerges), !r.IncludeMerges)
	field("breaking_bumps_major", strconv.FormatBool(r.BreakingBumpsMajor), !r.BreakingBumpsMajor)
	field("features_bump_minor", strconv.FormatBool(r.FeaturesBumpMinor), !r.FeaturesBumpMinor)
	return strings.Join(lines, "\n"+indent)
}

// patternText quotes an ignore pattern that would not read as one item of a list.
func patternText(p string) string {
	if strings.ContainsAny(p, " ,\t\"") {
		return strconv.Quote(p)
	}
	return p
}

// defaulted marks a value that was not written in the config.
func defaulted(value string, isDefault bool, label string) string {
	if isDefault {
		return value + " (" + label + ")"
	}
	return value
}

// sizeText shows a byte count as 50 MiB.
func sizeText(n int64, isDefault bool, label string) string {
	return defaulted(humanize.IBytes(uint64(n)), isDefault, label)
}

// durationText shows a duration without trailing zero units: 30m, 1h30m, 90s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// envText lists variables as KEY=value, one per line, in name order.
func envText(env map[string]string, indent string) string {
	if len(env) == 0 {
		return "none"
	}
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		lines = append(lines, k+"="+shellValue(env[k]))
	}
	return strings.Join(lines, "\n"+indent)
}

// shellValue quotes a value that would otherwise be hard to read.
func shellValue(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\n\"'\\$`#") {
		return strconv.Quote(v)
	}
	return v
}

// indentLines indents every line of s after the first.
func indentLines(s, indent string) string {
	return strings.ReplaceAll(s, "\n", "\n"+indent)
}
