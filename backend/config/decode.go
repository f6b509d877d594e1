package config

import (
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/goccy/go-yaml/ast"
)

// Keys the loader understands, in the order messages list them.
var (
	topKeys     = []string{"env", "log_limit", "steps", "watch", "release", "targets", "checks", "monitor", "ci"}
	stepKeys    = []string{"name", "run", "timeout", "env", "report", "retries", "artifacts", "log_limit", "group"}
	watchKeys   = []string{"ignore", "debounce", "max_wait", "on_change_while_running", "affected", "poll", "auto"}
	releaseKeys = []string{"initial", "changelog_file", "skip_types", "include_merges", "breaking_bumps_major", "features_bump_minor"}
)

// keyHabits maps keys other tools use to the eightfold key meaning the same.
var keyHabits = map[string]string{
	"cmd": "run", "command": "run", "script": "run", "sh": "run",
	"environment": "env", "variables": "env", "vars": "env",
	"jobs": "steps", "tasks": "steps", "stages": "steps", "pipeline": "steps",
	"exclude": "ignore", "excludes": "ignore", "ignored": "ignore", "ignores": "ignore",
	"delay": "debounce", "quiet": "debounce", "window": "debounce", "max_delay": "max_wait",
	"on_change": "on_change_while_running", "on_busy": "on_change_while_running", "while_running": "on_change_while_running",
	"poll_interval": "poll", "polling": "poll", "interval": "poll",
	"autorun": "auto", "auto_run": "auto", "enabled": "auto",
	"releases": "release", "releasing": "release",
	"deploy": "targets", "deployments": "targets", "environments": "targets", "servers": "targets", "hosts": "targets", "target": "targets",
	"host": "ssh", "server": "ssh", "remote": "ssh", "address": "ssh",
	"key": "identity", "identity_file": "identity", "ssh_key": "identity", "private_key": "identity",
	"proxy_jump": "jump", "jump_host": "jump", "bastion": "jump", "proxy": "jump",
	"dir": "path", "directory": "path", "root": "path", "deploy_to": "path", "deploy_path": "path",
	"restart": "start", "start_command": "start", "stop_command": "stop", "log": "logs", "logs_command": "logs",
	"healthcheck": "health", "health_check": "health", "check": "health",
	"keep_releases": "keep", "releases_kept": "keep",
	"secret": "secrets", "env_file": "secrets_file", "secrets_path": "secrets_file", "dotenv": "secrets_file",
	"before": "before_switch", "pre_switch": "before_switch", "before_symlink": "before_switch",
	"after": "after_deploy", "post_deploy": "after_deploy", "after_switch": "after_deploy",
	"promote": "promote_from", "from": "promote_from", "promotes_from": "promote_from",
	"candidate": "candidate_port", "blue_green_port": "candidate_port", "port": "candidate_port",
	"shared_paths": "shared", "linked_files": "shared", "linked_dirs": "shared",
	"prod":          "production",
	"expect_status": "status", "expected_status": "status", "status_code": "status", "code": "status",
	"contains": "body", "body_contains": "body", "expect_body": "body",
	"response_time": "max_time", "max_response_time": "max_time",
	"wait": "deadline", "max_wait_time": "deadline", "grace": "deadline",
	"path_field": "field", "key_path": "field", "value": "equals", "expect": "equals", "expected": "equals",
	"initial_version": "initial", "first_version": "initial", "start_version": "initial", "version": "initial",
	"changelog": "changelog_file", "changelog_path": "changelog_file",
	"skip": "skip_types", "exclude_types": "skip_types", "ignore_types": "skip_types", "hidden_types": "skip_types",
	"merges": "include_merges", "include_merge_commits": "include_merges",
	"health_checks": "checks", "healthchecks": "checks", "endpoints": "checks", "probes": "checks", "uptime": "checks",
	"monitoring": "monitor", "observability": "monitor",
	"endpoint": "url", "uri": "url", "every": "interval", "period": "interval", "frequency": "interval",
	"fall": "failure_threshold", "unhealthy_threshold": "failure_threshold", "failures": "failure_threshold", "max_failures": "failure_threshold",
	"rise": "success_threshold", "healthy_threshold": "success_threshold", "successes": "success_threshold", "recovery_threshold": "success_threshold",
	"retain": "retention", "keep_for": "retention", "history": "retention", "ttl": "retention",
	"results": "raw", "raw_results": "raw", "rollups": "hourly", "roll_ups": "hourly", "hourly_rollups": "hourly",
	"cards": "auto_cards", "create_cards": "auto_cards", "auto_card": "auto_cards", "autocards": "auto_cards",
	"breaking_always_bump_major": "breaking_bumps_major", "breaking_major": "breaking_bumps_major",
	"features_always_bump_minor": "features_bump_minor", "feat_minor": "features_bump_minor",
}

// Patterns shared with eightfold.schema.json; a test checks that the schema
// uses exactly these.
const (
	namePattern     = `^[A-Za-z0-9._-]+$`
	envNamePattern  = `^[A-Za-z_][A-Za-z0-9_]*$`
	runPattern      = `\S`
	durationPattern = `^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`
	sizePattern     = `^([0-9]+ ?([KMGTPEkmgtpe][Ii]?)?[Bb]?|[0-9]+\.[0-9]+ ?[KMGTPEkmgtpe][Ii]?[Bb]?)$`
	escapePattern   = `(^|/)\.\.(/|$)`
)

var (
	nameRE     = regexp.MustCompile(namePattern)
	envNameRE  = regexp.MustCompile(envNamePattern)
	runRE      = regexp.MustCompile(runPattern)
	durationRE = regexp.MustCompile(durationPattern)
	sizeRE     = regexp.MustCompile(sizePattern)
	escapeRE   = regexp.MustCompile(escapePattern)
)

// Descriptions of expected values, shared by the messages.
const (
	wantTop    = "a mapping with a steps list (keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci)"
	wantStep   = "a step: a mapping with at least name and run"
	wantEnv    = "a mapping of NAME: value"
	wantSize   = "a size in bytes: an integer, or a string such as 512KiB, 50MiB or 1GB"
	wantReport = "go-test-json, tap or junit:<glob> (such as junit:reports/*.xml)"
	wantPath   = "a path or glob relative to the repository root"
)

// Parse reads a config file's contents. name is the file name shown in
// errors and origins (normally "eightfold.yaml"). Problems are returned
// together as an ErrorList.
//
// Parse knows no repository directory: a local target's relative path stays relative, and
// paths are not checked against the repository's location (Load does both).
func Parse(name string, src []byte) (*Config, error) {
	return parse(name, src, "")
}

// parse is Parse for the repository at dir (absolute), or "" when it is not known.
func parse(name string, src []byte, dir string) (*Config, error) {
	root, err := parseDocument(name, src)
	if err != nil {
		return nil, err
	}
	d := &decoder{resolver: newResolver(root), file: name, dir: dir}
	cfg := d.config(root)
	if len(d.errs) > 0 {
		d.errs.sort()
		return nil, d.errs
	}
	cfg.Source = name
	return cfg, nil
}

// decoder turns the AST of one file into a Config, collecting problems.
type decoder struct {
	*resolver
	file string
	dir  string // the repository's directory, absolute; "" when not known
	errs ErrorList
}

// failf records a problem at the node at.
func (d *decoder) failf(at ast.Node, path, format string, args ...any) {
	line, col := position(at)
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// wrongType records that the value of e is not the kind of thing wanted.
func (d *decoder) wrongType(e entry, path, want string, got scalar) {
	hint := ""
	if got.isScalar && !got.isText {
		hint = fmt.Sprintf(`; to use it as text, put it in quotes: "%s"`, got.text)
	}
	d.failf(e.at, path, "expected %s, got %s%s", want, got.kind, hint)
}

// config decodes the top level.
func (d *decoder) config(root ast.Node) *Config {
	cfg := &Config{Env: map[string]string{}, LogLimit: DefaultLogLimit, Watch: DefaultWatch(), Release: DefaultRelease(),
		Targets: map[string]Target{}, Checks: map[string]Check{}, Monitor: DefaultMonitor()}
	fields, ok := d.fields(entry{value: root, at: root}, "", wantTop, topKeys)
	if !ok {
		return cfg
	}
	hasSteps := false
	for _, e := range fields {
		switch e.key {
		case "env":
			cfg.Env = d.env(e, e.key)
		case "log_limit":
			if n := d.size(e, e.key); n > 0 {
				cfg.LogLimit, cfg.logLimitSet = n, true
			}
		case "steps":
			cfg.Steps, hasSteps = d.steps(e, e.key), true
		case "watch":
			cfg.Watch = d.watch(e, e.key)
		case "release":
			cfg.Release = d.release(e, e.key)
		case "targets":
			cfg.Targets, cfg.TargetOrder = d.targets(e, e.key)
		case "checks":
			cfg.Checks, cfg.CheckOrder = d.checks(e, e.key)
		case "monitor":
			cfg.Monitor = d.monitor(e, e.key)
		case "ci":
			cfg.CI = d.ci(e, e.key)
		}
	}
	if !hasSteps {
		d.failf(root, "", `missing key "steps"; expected a list of steps, each with a name and a run command`)
	}
	return cfg
}

// mapping returns the entries of the mapping that is the value of e.
func (d *decoder) mapping(e entry, path, want string) ([]entry, bool) {
	v := d.resolve(e.value)
	m, ok := v.node.(*ast.MappingNode)
	if !ok {
		d.wrongType(e, path, want, v)
		return nil, false
	}
	fail := func(at ast.Node, msg string) { d.failf(at, path, "%s", msg) }
	return d.entries(m, 0, fail), true
}

// fields is mapping, reporting and dropping keys that are not in allowed.
func (d *decoder) fields(e entry, path, want string, allowed []string) ([]entry, bool) {
	entries, ok := d.mapping(e, path, want)
	known := entries[:0]
	for _, kv := range entries {
		if slices.Contains(allowed, kv.key) {
			known = append(known, kv)
			continue
		}
		d.failf(kv.keyAt, path, "%s", unknownKey(kv.key, allowed))
	}
	return known, ok
}

// unknownKey words the problem of a key that is not allowed.
func unknownKey(key string, allowed []string) string {
	msg := fmt.Sprintf("unknown key %q", key)
	guess := keyHabits[strings.ToLower(key)]
	if !slices.Contains(allowed, guess) {
		guess = suggest(key, allowed)
	}
	if guess != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", guess)
	}
	return msg + "; allowed keys: " + strings.Join(allowed, ", ")
}

// steps decodes the steps list and checks that names are unique and groups consecutive.
func (d *decoder) steps(e entry, path string) []Step {
	seq, ok := d.sequence(e, path, "a list of steps")
	if !ok {
		return nil
	}
	if len(seq) == 0 {
		d.failf(e.at, path, "expected at least one step, got an empty list")
	}
	var steps []Step
	groupAt := make([]ast.Node, len(seq))
	firstName := map[string]ast.Node{}
	for i, item := range seq {
		s, nameAt, at := d.step(item, fmt.Sprintf("%s[%d]", path, i))
		groupAt[i] = at
		if prev, dup := firstName[s.Name]; dup && s.Name != "" {
			line, col := position(prev)
			d.failf(nameAt, fmt.Sprintf("%s[%d].name", path, i),
				"duplicate step name %q (first used at line %d, column %d); step names must be unique", s.Name, line, col)
		} else if s.Name != "" {
			firstName[s.Name] = nameAt
		}
		steps = append(steps, s)
	}
	d.consecutiveGroups(steps, groupAt, path)
	return steps
}

// sequence returns the items of the list that is the value of e.
func (d *decoder) sequence(e entry, path, want string) ([]entry, bool) {
	v := d.resolve(e.value)
	seq, ok := v.node.(*ast.SequenceNode)
	if !ok {
		d.wrongType(e, path, want, v)
		return nil, false
	}
	items := make([]entry, len(seq.Values))
	for i, n := range seq.Values {
		items[i] = entry{value: n, at: itemAt(seq, i)}
	}
	return items, true
}

// itemAt is where errors about item i of seq point: the item, or its "-"
// when the item is left out.
func itemAt(seq *ast.SequenceNode, i int) ast.Node {
	if isImplicitNull(seq.Values[i]) && i < len(seq.Entries) && seq.Entries[i] != nil {
		return seq.Entries[i]
	}
	return seq.Values[i]
}

// step decodes one step. It returns where its name and its group are written (nil when not).
func (d *decoder) step(item entry, path string) (s Step, nameAt, groupAt ast.Node) {
	line, col := position(item.at)
	s = Step{Timeout: DefaultTimeout, Env: map[string]string{}, Origin: fmt.Sprintf("%s:%d:%d", d.file, line, col)}
	fields, ok := d.fields(item, path, wantStep, stepKeys)
	if !ok {
		return s, nil, nil
	}
	var retriesAt ast.Node
	for _, e := range fields {
		p := path + "." + e.key
		switch e.key {
		case "name":
			s.Name, nameAt = d.name(e, p), e.at
		case "run":
			s.Run = d.run(e, p)
		case "timeout":
			if t, ok := d.duration(e, p, timeoutRule); ok {
				s.Timeout, s.timeoutSet = t, true
			}
		case "env":
			s.Env = d.env(e, p)
		case "report":
			s.Report = d.report(e, p)
		case "retries":
			s.Retries, retriesAt = d.retries(e, p), e.at
		case "artifacts":
			s.Artifacts = d.paths(e, p)
		case "log_limit":
			s.LogLimit = d.size(e, p)
		case "group":
			s.Group, groupAt = d.group(e, p), e.at
		}
	}
	d.requireStepKeys(item, path, fields, "name", "run")
	if s.Report == "" && IsGoTestJSON(s.Run) {
		s.Report = ReportGoTestJSON
	}
	if s.Retries > 0 && s.Report != ReportGoTestJSON {
		d.failf(retriesAt, path+".retries", "retries reruns the failed tests of `go test -json`; this step's report is %s: remove retries, or run go test -json ./... with report: go-test-json", reportName(s.Report))
	}
	return s, nameAt, groupAt
}

// maxRetries bounds retries: a test that needs more is broken, not flaky.
const maxRetries = 5

// retries decodes how many times a step's failed tests are rerun.
func (d *decoder) retries(e entry, path string) int {
	v := d.resolve(e.value)
	node, isInt := v.node.(*ast.IntegerNode)
	if !isInt || v.isText {
		d.wrongType(e, path, fmt.Sprintf("a number of retries from 0 to %d", maxRetries), v)
		return 0
	}
	n, err := integerValue(node)
	if err != nil || n > maxRetries {
		d.failf(e.at, path, "%s retries is out of range; expected 0 to %d (a test that needs more is broken, not flaky)", v.quoted(), maxRetries)
		return 0
	}
	return int(n)
}

func reportName(r string) string {
	if r == "" {
		return "not set"
	}
	return r
}

// requireStepKeys reports each key of want that fields lacks.
func (d *decoder) requireStepKeys(item entry, path string, fields []entry, want ...string) {
	for _, k := range want {
		if !slices.ContainsFunc(fields, func(e entry) bool { return e.key == k }) {
			d.failf(item.at, path, "missing key %q; every step needs a name and a run command", k)
		}
	}
}

// text returns the value of e when it is a string.
func (d *decoder) text(e entry, path, want string) (string, bool) {
	v := d.resolve(e.value)
	if !v.isText {
		d.wrongType(e, path, want, v)
	}
	return v.text, v.isText
}

// name decodes a step name.
func (d *decoder) name(e entry, path string) string {
	s, ok := d.text(e, path, "a step name (a string)")
	if ok && !nameRE.MatchString(s) {
		d.failf(e.at, path, "%q is not a valid step name; use only letters, digits, '.', '_' and '-'", s)
		return ""
	}
	return s
}

// run decodes a step's command line.
func (d *decoder) run(e entry, path string) string {
	s, ok := d.text(e, path, "a command line (a string)")
	if ok && !runRE.MatchString(s) {
		d.failf(e.at, path, "the command is empty; expected a shell command line such as: go test ./...")
	}
	return s
}

// durationRule is what a duration key accepts and how its messages read.
type durationRule struct {
	examples string        // "90s, 10m or 1h30m"
	units    [2]string     // units suggested for a bare number
	min      time.Duration // the smallest value allowed; 0: any positive duration
	why      string        // after "below the minimum of …; ": why, and what to write
	boolHint string        // added when the value is true or false
}

var timeoutRule = durationRule{examples: "90s, 10m or 1h30m", units: [2]string{"s", "m"}}

// duration decodes a Go duration of at least r.min (and always positive).
// ok is false, and the problem recorded, when it is not one.
func (d *decoder) duration(e entry, path string, r durationRule) (t time.Duration, ok bool) {
	want := "a Go duration such as " + r.examples
	v := d.resolve(e.value)
	if !v.isScalar {
		d.wrongType(e, path, want, v)
		return 0, false
	}
	t, err := time.ParseDuration(v.text)
	switch {
	case !v.isText || !durationRE.MatchString(v.text) || err != nil:
		hint := unitHint(v.text, r.units)
		if n, isDays := strings.CutSuffix(v.text, "d"); isDays && n != "" && strings.Trim(n, "0123456789") == "" {
			hint = fmt.Sprintf(" (a Go duration has no d unit: write %sh for %s days)", hoursOfDays(n), n)
		}
		if _, isBool := v.node.(*ast.BoolNode); isBool && !v.isText {
			hint = r.boolHint
		}
		d.failf(e.at, path, "%s is not a duration; expected %s%s", v.quoted(), want, hint)
	case r.min > 0 && t < r.min:
		d.failf(e.at, path, "%s is below the minimum of %s; %s", v.quoted(), durationText(r.min), r.why)
	case t <= 0:
		d.failf(e.at, path, "%s is zero; expected a positive duration such as %s", v.quoted(), r.examples)
	default:
		return t, true
	}
	return 0, false
}

// hoursOfDays is the hours of n days, n given in decimal digits.
func hoursOfDays(n string) string {
	days, err := strconv.Atoi(n)
	if err != nil || days > 1<<20 {
		return n + "*24"
	}
	return strconv.Itoa(days * 24)
}

// unitHint suggests units for a bare number.
func unitHint(s string, units [2]string) string {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return fmt.Sprintf(" (a number needs a unit: %s%s or %s%s)", s, units[0], s, units[1])
	}
	return ""
}

// size decodes a positive byte count; on error it returns 0.
func (d *decoder) size(e entry, path string) int64 {
	v := d.resolve(e.value)
	var n uint64
	var err error
	switch node, isInt := v.node.(*ast.IntegerNode); {
	case isInt && !v.isText:
		n, err = integerValue(node)
	case !v.isText:
		d.wrongType(e, path, wantSize, v)
		return 0
	case !sizeRE.MatchString(v.text):
		d.failf(e.at, path, "%s is not a size; expected %s", v.quoted(), wantSize)
		return 0
	default:
		n, err = humanize.ParseBytes(v.text)
	}
	switch {
	case errors.Is(err, errNegative) || err == nil && n == 0:
		d.failf(e.at, path, "%s is not positive; expected at least 1 byte, such as 50MiB", v.quoted())
	case err != nil || n > math.MaxInt64:
		d.failf(e.at, path, "%s is too large; expected at most 8EiB", v.quoted())
	default:
		return int64(n)
	}
	return 0
}

var errNegative = errors.New("negative")

// integerValue is the value of an integer node.
func integerValue(n *ast.IntegerNode) (uint64, error) {
	switch v := n.Value.(type) {
	case int64:
		if v < 0 {
			return 0, errNegative
		}
		return uint64(v), nil
	case uint64:
		return v, nil
	}
	return 0, fmt.Errorf("unexpected integer %v", n.Value)
}

// env decodes a mapping of environment variables.
func (d *decoder) env(e entry, path string) map[string]string {
	entries, _ := d.mapping(e, path, wantEnv)
	env := make(map[string]string, len(entries))
	for _, kv := range entries {
		p := path + "." + kv.key
		if !envNameRE.MatchString(kv.key) {
			d.failf(kv.keyAt, p, "%q is not a valid variable name; use letters, digits and '_', not starting with a digit", kv.key)
			continue
		}
		v := d.resolve(kv.value)
		if !v.isScalar {
			d.failf(kv.at, p, "expected a string, number or boolean, got %s%s", v.kind, emptyHint(v, kv.key))
			continue
		}
		env[kv.key] = v.text
	}
	return env
}

// emptyHint tells how to write an empty value when v is null.
func emptyHint(v scalar, key string) string {
	if v.isNull {
		return fmt.Sprintf(`; write %s: "" for an empty value`, key)
	}
	return ""
}

// report decodes a step's test report format.
func (d *decoder) report(e entry, path string) string {
	s, ok := d.text(e, path, wantReport)
	if !ok {
		return ""
	}
	glob, isJUnit := strings.CutPrefix(s, ReportJUnit)
	switch {
	case s == ReportGoTestJSON || s == ReportTAP:
		return s
	case !isJUnit || glob == "":
		d.failf(e.at, path, "%q is not a report format; expected %s", s, wantReport)
	case badPath(glob) != "":
		d.failf(e.at, path, "%q: the JUnit files %s", s, badPath(glob))
	default:
		return s
	}
	return ""
}

// paths decodes a list of relative paths or globs.
func (d *decoder) paths(e entry, path string) []string {
	return d.stringList(e, path, "a list of paths or globs relative to the repository root", wantPath, badPath)
}

// stringList decodes a list of strings, each checked by bad (which says what is wrong with
// one, or ""); want and wantItem word the list and an item for messages.
func (d *decoder) stringList(e entry, path, want, wantItem string, bad func(string) string) []string {
	items, _ := d.sequence(e, path, want)
	var out []string
	for i, item := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		s, ok := d.text(item, p, wantItem+" (a string)")
		if !ok {
			continue
		}
		if problem := bad(s); problem != "" {
			d.failf(item.at, p, "%q %s", s, problem)
			continue
		}
		out = append(out, s)
	}
	return out
}

// badPath says what is wrong with a relative path or glob, or "".
func badPath(p string) string {
	if problem := badRelative(p, wantPath); problem != "" {
		return problem
	}
	if _, err := path.Match(p, ""); err != nil {
		return "is not a valid glob (" + err.Error() + "); expected " + wantPath
	}
	return ""
}

// badRelative says what is wrong with a path that must be relative to the repository root
// and stay inside it, or ""; want words what is expected.
func badRelative(p, want string) string {
	switch {
	case p == "":
		return "is empty; expected " + want
	case strings.HasPrefix(p, "/"):
		return "is an absolute path; expected " + want
	case escapeRE.MatchString(p):
		return "leaves the repository (..); expected " + want
	}
	return ""
}
