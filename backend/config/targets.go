package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"eightfold/backend/health"
)

// Target is a place a release is deployed to (one entry of the top-level targets: section):
// a server over SSH, several servers over SSH deployed in a rolling order, or a directory on
// this machine.
type Target struct {
	Name          string            // the key in targets:, [a-z][a-z0-9-]*
	SSH           string            // "user@host" or "user@host:port"; exactly one of SSH, Hosts and Local
	Hosts         []TargetHost      // several servers, deployed host by host (see PerHost)
	Parallel      int               // with Hosts: how many hosts are deployed at once; 0 unless set (one at a time)
	Local         bool              // a directory on this machine
	Identity      string            // ssh identity file as written (~ is expanded at use, not here); optional
	Jump          string            // optional jump host, "user@host" or "user@host:port"
	Path          string            // the deploy root on the target, absolute and clean (see below)
	Start         string            // shell command that (re)starts the app from current; "": nothing to start
	Stop          string            // optional: stops the app
	Logs          string            // optional: prints recent logs (after a failed health gate, and in the Operate view)
	Health        *HealthCheck      // optional but strongly advised: without it a deploy is healthy once start succeeds
	Keep          int               // releases kept; DefaultKeep unless set; at least MinKeep
	Env           map[string]string // plain environment of the commands
	Secrets       []string          // names of secrets: each read at deploy time from the environment variable of that name, or from SecretsFile
	SecretsFile   string            // optional: a KEY=VALUE file outside the repository; absolute, or starting with ~/ (expanded at use)
	BeforeSwitch  string            // hook run in the new release before current switches to it
	AfterDeploy   string            // hook run after a healthy switch
	PromoteFrom   string            // the target whose healthy release this one takes; names another target, no cycles
	CandidatePort int               // >0: blue-green: the new release starts on this port first and is health-checked there
	Shared        []string          // paths relative to a release, kept across releases in <Path>/shared and linked into each
	Production    bool              // refuses dirty builds; the UI asks for confirmation. Default: the name is production or prod
	Origin        string            // where the target is written: "eightfold.yaml:12:3"

	keepSet, productionSet bool // written in the file, not defaulted
}

// Path of a Target: for an ssh target, an absolute path on the server. For a local target, an
// absolute path, or one relative to the repository that Load makes absolute against the
// repository's directory (Parse, which knows no directory, leaves it relative and clean).
// Either way it must not be inside the repository: deploying into the watched tree would start
// a run with every deploy.

// HealthCheck is a target's health check: an HTTP GET polled after start until it passes or
// Deadline passes.
type HealthCheck struct {
	URL        string        // http:// or https:// with a host
	Status     int           // expected status, 100 to 599; DefaultHealthStatus unless set
	Body       string        // optional: the body must contain this text
	JSONField  string        // optional: a dotted path into a JSON body ("status", "build.version", "items.0.id")
	JSONEquals string        // with JSONField: the field's value as text
	Timeout    time.Duration // per attempt; DefaultHealthTimeout unless set
	Interval   time.Duration // between attempts; DefaultHealthInterval unless set; at most Deadline
	Deadline   time.Duration // the whole gate; DefaultHealthDeadline unless set
	MaxTime    time.Duration // optional: slower responses fail the check

	set map[string]bool // keys written in the file (for Describe), by YAML name
}

// Defaults and limits of the targets: section.
const (
	DefaultKeep           = 5
	MinKeep               = 2 // the current release and the previous healthy one, to roll back to
	DefaultHealthStatus   = health.DefaultStatus
	DefaultHealthTimeout  = health.DefaultTimeout // 5s
	DefaultHealthInterval = time.Second
	DefaultHealthDeadline = 30 * time.Second
)

// Check is the health check as the health package runs it.
func (h HealthCheck) Check() health.Check {
	return health.Check{URL: h.URL, Status: h.Status, Body: h.Body, JSONField: h.JSONField, JSONEquals: h.JSONEquals,
		MaxTime: h.MaxTime, Timeout: h.Timeout}
}

// Keys of the targets: section, in the order messages list them.
var (
	targetKeys = []string{"ssh", "hosts", "parallel", "local", "identity", "jump", "path", "start", "stop", "logs", "health", "keep", "env",
		"secrets", "secrets_file", "before_switch", "after_deploy", "promote_from", "candidate_port", "shared", "production"}
	healthKeys     = []string{"url", "status", "body", "json", "timeout", "interval", "deadline", "max_time"}
	healthJSONKeys = []string{"field", "equals"}
)

// Patterns shared with eightfold.schema.json; a test checks that the schema uses exactly these.
const (
	targetNamePattern = `^[a-z][a-z0-9-]*$`
	sshPattern        = `^[A-Za-z0-9_][A-Za-z0-9._-]*@([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])` +
		`(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?$`
	homePattern       = `^~`
	secretNamePattern = `^[A-Z_][A-Z0-9_]*$`
	healthURLPattern  = `^https?://([^/?#\s@]*@)?(\[[0-9A-Fa-f:.]+\]|[^/?#\s@:\[\]]+)(:[0-9]*)?([/?#]\S*)?$`
	jsonFieldPattern  = `^[^.]+(\.[^.]+)*$`
)

var (
	targetNameRE = regexp.MustCompile(targetNamePattern)
	sshRE        = regexp.MustCompile(sshPattern)
	secretNameRE = regexp.MustCompile(secretNamePattern)
	healthURLRE  = regexp.MustCompile(healthURLPattern)
	jsonFieldRE  = regexp.MustCompile(jsonFieldPattern)
)

// Descriptions of expected values of the targets: section.
const (
	wantTargets   = "a mapping of target names to targets, such as staging: {ssh: deploy@203.0.113.10, path: /srv/app}"
	wantSSH       = "user@host or user@host:port, such as deploy@203.0.113.10:22"
	wantPathSSH   = "an absolute path on the server, such as /srv/app"
	wantPathLocal = "an absolute path, or one relative to the repository that leaves it, such as ../app-deploy"
	wantCommand   = "a command line (a string)"
	wantHealthURL = "an http or https URL with a host, such as http://127.0.0.1:8080/healthz"
	wantShared    = "a path relative to the release, such as storage/ or .env"
	wantSecret    = "upper-case letters, digits and '_', not starting with a digit, such as API_TOKEN"
	wantJSONField = "names and array indexes joined by dots, such as status, build.version or items.0.id"
)

var (
	keepRule = "a number of releases to keep, at least 2"
	portRule = "a port number from 1 to 65535, such as 8081"

	healthTimeoutRule  = durationRule{examples: "5s, 10s or 500ms", units: [2]string{"s", "ms"}}
	healthIntervalRule = durationRule{examples: "1s, 2s or 500ms", units: [2]string{"s", "ms"}}
	healthDeadlineRule = durationRule{examples: "30s, 1m or 2m", units: [2]string{"s", "m"}}
	healthMaxTimeRule  = durationRule{examples: "500ms, 1s or 2s", units: [2]string{"ms", "s"}}
)

// targets decodes the targets: section: the targets by name and their order in the file.
func (d *decoder) targets(e entry, p string) (map[string]Target, []string) {
	entries, ok := d.mapping(e, p, wantTargets)
	targets := map[string]Target{}
	var order []string
	if !ok {
		return targets, order
	}
	promoteAt := map[string]ast.Node{}
	for _, kv := range entries {
		tp := p + "." + kv.key
		if !d.sectionName(kv, tp, "target", "staging") {
			continue
		}
		t, at := d.target(kv, tp)
		targets[t.Name] = t
		order = append(order, t.Name)
		if at != nil {
			promoteAt[t.Name] = at
		}
	}
	d.checkPromotions(p, targets, order, promoteAt)
	return targets, order
}

// sectionName checks the name of an entry of targets: or checks: ([a-z][a-z0-9-]*); what and
// example word it in the message.
func (d *decoder) sectionName(kv entry, p, what, example string) bool {
	if targetNameRE.MatchString(kv.key) {
		return true
	}
	hint := ""
	if lower := strings.ToLower(kv.key); targetNameRE.MatchString(lower) {
		hint = " (write " + lower + ")"
	}
	d.failf(kv.keyAt, p, "%q is not a valid %s name%s; use lower-case letters, digits and '-', starting with a letter, such as %s", kv.key, what, hint, example)
	return false
}

// checkPromotions checks that every promote_from names another target and that no chain of
// promotions comes back on itself.
func (d *decoder) checkPromotions(p string, targets map[string]Target, order []string, at map[string]ast.Node) {
	inCycle := map[string]bool{}
	for _, name := range order {
		from := targets[name].PromoteFrom
		if from == "" || at[name] == nil {
			continue
		}
		fp := p + "." + name + ".promote_from"
		if from == name {
			d.failf(at[name], fp, "%q is this target; promote_from names the target whose healthy release this one takes, such as staging", from)
			continue
		}
		if _, ok := targets[from]; !ok {
			others := slices.DeleteFunc(slices.Clone(order), func(n string) bool { return n == name })
			hint := ""
			if guess := suggest(from, others); guess != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", guess)
			}
			expected := "the name of another target in this file: " + strings.Join(others, ", ")
			if len(others) == 0 {
				expected = "the name of another target in this file, and there is none"
			}
			d.failf(at[name], fp, "%q is not a target%s; expected %s", from, hint, expected)
			continue
		}
		// Follow the chain; a cycle through name is reported once, at its first target in file order.
		if inCycle[name] {
			continue
		}
		chain, seen := []string{name}, map[string]bool{name: true}
		for cur := from; ; cur = targets[cur].PromoteFrom {
			if _, ok := targets[cur]; !ok {
				break // the end of the chain, or a name reported at its own target
			}
			chain = append(chain, cur)
			if cur == name {
				for _, n := range chain {
					inCycle[n] = true
				}
				d.failf(at[name], fp, "promote_from makes a cycle: %s; one target of the chain must be deployed, not promoted", strings.Join(chain, " → "))
				break
			}
			if seen[cur] {
				break // a cycle that does not pass through name: reported at its own first target
			}
			seen[cur] = true
		}
	}
}

// target decodes one target. It returns where its promote_from is written, if it is.
func (d *decoder) target(item entry, p string) (Target, ast.Node) {
	line, col := position(item.keyAt)
	t := Target{Name: item.key, Keep: DefaultKeep, Env: map[string]string{}, Origin: fmt.Sprintf("%s:%d:%d", d.file, line, col),
		Production: item.key == "production" || item.key == "prod"}
	fields, ok := d.fields(item, p, "a target: a mapping with ssh, hosts or local, and path", targetKeys)
	if !ok {
		return t, nil
	}
	var pathAt, localAt, hostsAt, parallelAt, secretsAt, secretsFileAt, portAt, promoteAt *entry
	var hostAt []entry // where each host is written
	sshWritten := false
	var sshOnly []entry // identity and jump, for ssh targets only
	for _, f := range fields {
		fp := p + "." + f.key
		switch f.key {
		case "ssh":
			sshWritten = true
			t.SSH = d.sshAddress(f, fp, "an ssh address")
		case "hosts":
			t.Hosts, hostAt = d.targetHosts(f, fp)
			hostsAt = &f
		case "parallel":
			parallelAt = &f
		case "local":
			t.Local, _ = d.boolean(f, fp)
			localAt = &f
		case "identity":
			t.Identity, _ = d.nonEmpty(f, fp, "the path of an ssh private key, such as ~/.ssh/id_ed25519")
			sshOnly = append(sshOnly, f)
		case "jump":
			t.Jump = d.sshAddress(f, fp, "a jump host")
			sshOnly = append(sshOnly, f)
		case "path":
			pathAt = &f
		case "start":
			t.Start = d.command(f, fp, "systemctl --user restart app")
		case "stop":
			t.Stop = d.command(f, fp, "systemctl --user stop app")
		case "logs":
			t.Logs = d.command(f, fp, "journalctl --user -u app -n 200 --no-pager")
		case "before_switch":
			t.BeforeSwitch = d.command(f, fp, "./current/app migrate")
		case "after_deploy":
			t.AfterDeploy = d.command(f, fp, "curl -fsS https://hc-ping.com/your-uuid")
		case "health":
			h := d.healthCheck(f, fp)
			t.Health = &h
		case "keep":
			t.Keep, t.keepSet = d.keep(f, fp)
		case "env":
			t.Env = d.env(f, fp)
		case "secrets":
			secretsAt = &f
		case "secrets_file":
			secretsFileAt = &f
		case "promote_from":
			t.PromoteFrom, _ = d.text(f, fp, "the name of another target, such as staging")
			promoteAt = &f
		case "candidate_port":
			t.CandidatePort = d.port(f, fp)
			portAt = &f
		case "shared":
			t.Shared = d.sharedPaths(f, fp)
		case "production":
			if b, ok := d.boolean(f, fp); ok {
				t.Production, t.productionSet = b, true
			}
		}
	}

	switch {
	case sshWritten && t.Local:
		d.failf(localAt.at, p+".local", "both ssh and local: true are set; a target is either a server (ssh: user@host) or this machine (local: true), not both")
	case hostsAt != nil && sshWritten:
		d.failf(hostsAt.keyAt, p+".hosts", "both ssh and hosts are set; a target is one server (ssh: user@host) or several (hosts: [user@a, user@b]), not both: move the ssh address into hosts")
	case hostsAt != nil && t.Local:
		d.failf(localAt.at, p+".local", "both hosts and local: true are set; a target is either servers (hosts: [user@a, user@b]) or this machine (local: true), not both")
	case hostsAt != nil: // checked once the path is known
	case !sshWritten && !t.Local && localAt == nil:
		d.failf(item.at, p, `missing key "ssh", "hosts" or "local"; a target is a server (ssh: user@host:port), several (hosts: [user@a, user@b]) or this machine (local: true)`)
	case !sshWritten && !t.Local:
		d.failf(localAt.at, p+".local", "local: false leaves the target nowhere; write local: true for a directory on this machine, or ssh: user@host for a server")
	case t.Local:
		for _, f := range sshOnly {
			d.failf(f.keyAt, p+"."+f.key, "%s is for ssh targets; a local target needs none: remove it, or use ssh: user@host", f.key)
		}
	}
	if parallelAt != nil && hostsAt == nil {
		d.failf(parallelAt.keyAt, p+".parallel", "parallel is for targets with hosts: (how many are deployed at once); remove it, or list the servers in hosts:")
	}
	if pathAt == nil && hostsAt == nil {
		d.failf(item.at, p, `missing key "path"; expected the deploy root on the target, such as /srv/app`)
	} else if pathAt != nil {
		t.Path = d.targetPath(*pathAt, p+".path", !sshWritten && t.Local)
	}
	if hostsAt != nil && !sshWritten && !t.Local {
		d.checkHosts(&t, item, p, hostAt, pathAt, parallelAt)
	}
	if secretsAt != nil {
		t.Secrets = d.secrets(*secretsAt, p+".secrets", t.Env)
	}
	if secretsFileAt != nil {
		t.SecretsFile = d.secretsFile(*secretsFileAt, p+".secrets_file")
		if secretsAt == nil {
			d.failf(secretsFileAt.keyAt, p+".secrets_file", "no secrets are named; list the names to read from the file in secrets, such as secrets: [DATABASE_URL]")
		}
	}
	if portAt != nil && t.CandidatePort > 0 {
		switch {
		case t.Health == nil || t.Health.URL == "":
			d.failf(portAt.at, p+".candidate_port", "candidate_port needs health.url: the new release is checked on this port before the switch; add health: {url: http://127.0.0.1:8080/healthz}")
		case healthPort(t.Health.URL) == t.CandidatePort:
			d.failf(portAt.at, p+".candidate_port", "%d is the port of health.url, where the running release answers; the candidate starts beside it, so it needs another port", t.CandidatePort)
		case t.Stop == "":
			d.failf(portAt.at, p+".candidate_port", "candidate_port needs stop: once the new release is current, the old one is stopped with it (its port in $EIGHTFOLD_PORT); add stop: 'kill \"$(cat pid.$EIGHTFOLD_PORT)\"'")
		}
	}
	if promoteAt != nil {
		return t, promoteAt.at
	}
	return t, nil
}

// withPlaceholder is a health URL with HostPlaceholder standing for a host name, to parse it.
func withPlaceholder(raw string) string {
	return strings.ReplaceAll(raw, HostPlaceholder, "host.example")
}

// healthPort is the port a health URL is checked on.
func healthPort(raw string) int {
	u, err := url.Parse(withPlaceholder(raw))
	if err != nil {
		return 0
	}
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

// sshAddress decodes user@host[:port]; what names the value in messages.
func (d *decoder) sshAddress(e entry, p, what string) string {
	s, ok := d.text(e, p, wantSSH)
	if !ok {
		return ""
	}
	if sshRE.MatchString(s) {
		return s
	}
	hint := ""
	switch user, host, hasUser := strings.Cut(s, "@"); {
	case strings.Contains(s, "://"):
		hint = " (write it without a scheme: user@host:port)"
	case !hasUser:
		hint = " (it has no user: write user@" + s + ")"
	case user == "":
		hint = " (the user before @ is empty)"
	default:
		if _, port, err := net.SplitHostPort(host); err == nil {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				hint = " (the port " + port + " is not from 1 to 65535)"
			}
		}
	}
	d.failf(e.at, p, "%q is not %s%s; expected %s", s, what, hint, wantSSH)
	return ""
}

// nonEmpty decodes a string that must not be empty.
func (d *decoder) nonEmpty(e entry, p, want string) (string, bool) {
	s, ok := d.text(e, p, want)
	if ok && strings.TrimSpace(s) == "" {
		d.failf(e.at, p, "%q is empty; expected %s", s, want)
		return "", false
	}
	return s, ok
}

// command decodes a shell command line of a target.
func (d *decoder) command(e entry, p, example string) string {
	s, ok := d.text(e, p, wantCommand)
	if ok && !runRE.MatchString(s) {
		d.failf(e.at, p, "the command is empty; expected a shell command line such as: %s", example)
		return ""
	}
	return s
}

// keep decodes how many releases a target keeps.
func (d *decoder) keep(e entry, p string) (int, bool) {
	v := d.resolve(e.value)
	node, isInt := v.node.(*ast.IntegerNode)
	if !isInt || v.isText {
		d.wrongType(e, p, keepRule, v)
		return DefaultKeep, false
	}
	n, err := integerValue(node)
	if err != nil || n < MinKeep {
		d.failf(e.at, p, "%s is below the minimum of %d; keep holds at least the current release and the previous healthy one, to roll back to", v.quoted(), MinKeep)
		return DefaultKeep, false
	}
	return int(min(n, 1<<31-1)), true
}

// port decodes candidate_port.
func (d *decoder) port(e entry, p string) int {
	v := d.resolve(e.value)
	node, isInt := v.node.(*ast.IntegerNode)
	if !isInt || v.isText {
		d.wrongType(e, p, portRule, v)
		return 0
	}
	if n, err := integerValue(node); err == nil && n >= 1 && n <= 65535 {
		return int(n)
	}
	d.failf(e.at, p, "%s is not a port; expected 1 to 65535, such as 8081", v.quoted())
	return 0
}

// targetPath decodes a target's path: absolute for ssh; for local, absolute or relative to the
// repository, made absolute when the repository's directory is known; never inside it.
func (d *decoder) targetPath(e entry, p string, local bool) string {
	want := wantPathSSH
	if local {
		want = wantPathLocal
	}
	s, ok := d.text(e, p, want)
	switch {
	case !ok:
		return ""
	case strings.TrimSpace(s) == "":
		d.failf(e.at, p, "%q is empty; expected %s", s, want)
		return ""
	case strings.HasPrefix(s, "~"):
		d.failf(e.at, p, "%q starts with ~, which is not expanded here; write the absolute path, such as /home/deploy/app", s)
		return ""
	case !local && !strings.HasPrefix(s, "/"):
		d.failf(e.at, p, "%q is not an absolute path; an ssh target's path is absolute, such as /srv/app", s)
		return ""
	case !local:
		return path.Clean(s)
	}
	abs, inside := d.repoPath(s)
	if inside {
		d.failf(e.at, p, "%q is inside the repository; deploying into the watched tree would start a run with every deploy: use a directory outside it, such as ../app-deploy", s)
		return ""
	}
	return abs
}

// secretsFile decodes the path of a KEY=VALUE file of secrets, which must be outside the repository.
func (d *decoder) secretsFile(e entry, p string) string {
	const want = "a file outside the repository, such as ~/.config/app/staging.env"
	s, ok := d.nonEmpty(e, p, want)
	if !ok {
		return ""
	}
	check, home := s, strings.HasPrefix(s, "~/")
	if home {
		dir, err := os.UserHomeDir()
		if err != nil || d.dir == "" {
			return s // checked at use, once ~ means something
		}
		check = filepath.Join(dir, s[2:])
	}
	abs, inside := d.repoPath(check)
	if inside {
		d.failf(e.at, p, "%q is inside the repository; secrets must never be committed: keep the file outside it, such as ~/.config/app/staging.env", s)
		return ""
	}
	if home {
		return s
	}
	return abs
}

// repoPath resolves a local path: an absolute path is cleaned, a relative one is joined to
// the repository's directory when it is known (else only cleaned). inside reports whether it
// is the repository's directory or inside it, also through symbolic links.
func (d *decoder) repoPath(s string) (abs string, inside bool) {
	clean := filepath.Clean(s)
	if !filepath.IsAbs(clean) {
		if clean == "." || (clean != ".." && !strings.HasPrefix(clean, ".."+string(filepath.Separator))) {
			return clean, true
		}
		if d.dir == "" {
			return clean, false
		}
		clean = filepath.Join(d.dir, clean)
	}
	if d.dir == "" {
		return clean, false
	}
	for _, root := range []string{d.dir, realPath(d.dir)} {
		if within(root, clean) || within(root, realPath(clean)) {
			return clean, true
		}
	}
	return clean, false
}

// within reports whether p is dir or inside it; both absolute and clean.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// realPath resolves the symbolic links of the longest part of p that exists.
func realPath(p string) string {
	rest := ""
	for cur := p; ; cur = filepath.Dir(cur) {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(real, rest)
		}
		if filepath.Dir(cur) == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
}

// reservedVar reports a name that a command's environment needs for itself: replacing it
// with a secret would break the command (PATH) or Eightfold's own variables.
func reservedVar(name string) bool {
	switch name {
	case "PATH", "HOME", "SHELL", "USER", "PWD", "IFS", "LD_PRELOAD", "LD_LIBRARY_PATH":
		return true
	}
	return strings.HasPrefix(name, "EIGHTFOLD_")
}

// secrets decodes the names of a target's secrets; none may also be a plain variable in env.
func (d *decoder) secrets(e entry, p string, env map[string]string) []string {
	seen := map[string]bool{}
	bad := func(s string) string {
		switch {
		case !secretNameRE.MatchString(s) && secretNameRE.MatchString(strings.ToUpper(s)):
			return "is not a secret name; write " + strings.ToUpper(s) + " (secret names are " + wantSecret + ")"
		case !secretNameRE.MatchString(s):
			return "is not a secret name; expected " + wantSecret
		case seen[s]:
			return "is listed twice; list each secret once"
		case hasKey(env, s):
			return "is also set in env; a variable is either plain (env) or a secret, not both: remove it from env"
		case reservedVar(s):
			return "is a variable the shell or Eightfold sets (PATH, HOME, EIGHTFOLD_…); give the secret its own name"
		}
		seen[s] = true
		return ""
	}
	out := d.stringList(e, p, "a list of secret names, such as [DATABASE_URL, API_TOKEN]", "a secret name such as API_TOKEN", bad)
	if out == nil {
		out = []string{}
	}
	return out
}

// hasKey reports whether m has the key k.
func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// sharedPaths decodes the paths kept across releases.
func (d *decoder) sharedPaths(e entry, p string) []string {
	seen := map[string]bool{}
	bad := func(s string) string {
		clean := path.Clean(s)
		switch {
		case s == "":
			return "is empty; expected " + wantShared
		case strings.HasPrefix(s, "/"):
			return "is an absolute path; expected " + wantShared
		case escapeRE.MatchString(s):
			return "leaves the release (..); expected " + wantShared
		case clean == ".":
			return "is the release itself; expected " + wantShared
		case seen[clean]:
			return "is listed twice; list each path once"
		}
		seen[clean] = true
		return ""
	}
	return d.stringList(e, p, "a list of paths relative to the release, such as [storage/, .env]", wantShared, bad)
}

// healthCheck decodes a target's health: section.
func (d *decoder) healthCheck(e entry, p string) HealthCheck {
	return d.health(e, p, "a health check: a mapping with at least url (keys: "+strings.Join(healthKeys, ", ")+")", healthKeys, nil)
}

// health decodes a mapping of health check keys: a target's health: section (keys healthKeys),
// or a check of the checks: section, whose own keys (those of keys that are not health keys,
// or that mean something else there, such as interval) are decoded by own, by key.
func (d *decoder) health(e entry, p, want string, keys []string, own map[string]func(f entry, p string)) HealthCheck {
	h := HealthCheck{Status: DefaultHealthStatus, Timeout: DefaultHealthTimeout, Interval: DefaultHealthInterval, Deadline: DefaultHealthDeadline,
		set: map[string]bool{}}
	fields, ok := d.fields(e, p, want, keys)
	if !ok {
		return h
	}
	var intervalAt, deadlineAt *entry
	durationsOK := true
	hasURL := false
	for _, f := range fields {
		fp := p + "." + f.key
		if decode, isOwn := own[f.key]; isOwn {
			decode(f, fp)
			continue
		}
		ok := false
		switch f.key {
		case "url":
			h.URL, ok = d.healthURL(f, fp)
			hasURL = true
		case "status":
			h.Status, ok = d.status(f, fp)
		case "body":
			h.Body, ok = d.nonEmpty(f, fp, "text the body must contain, such as ok")
		case "json":
			h.JSONField, h.JSONEquals, ok = d.healthJSON(f, fp)
		case "timeout":
			h.Timeout, ok = d.duration(f, fp, healthTimeoutRule)
		case "interval":
			h.Interval, ok = d.duration(f, fp, healthIntervalRule)
			intervalAt = &f
		case "deadline":
			h.Deadline, ok = d.duration(f, fp, healthDeadlineRule)
			deadlineAt = &f
		case "max_time":
			h.MaxTime, ok = d.duration(f, fp, healthMaxTimeRule)
		}
		if (f.key == "interval" || f.key == "deadline") && !ok {
			durationsOK = false
		}
		h.set[f.key] = ok
	}
	if !hasURL {
		d.failf(e.at, p, `missing key "url"; a health check polls a URL, such as http://127.0.0.1:8080/healthz`)
	}
	if durationsOK && h.Interval > h.Deadline {
		switch {
		case intervalAt != nil:
			d.failf(intervalAt.at, p+".interval", "%s is longer than %s.deadline (%s); expected at most the deadline, such as 1s (the default)",
				d.resolve(intervalAt.value).quoted(), p, durationText(h.Deadline)+map[bool]string{true: ", the default"}[deadlineAt == nil])
		case deadlineAt != nil:
			d.failf(deadlineAt.at, p+".deadline", "%s is shorter than %s.interval (1s, the default); expected at least the interval, such as 30s (the default)",
				d.resolve(deadlineAt.value).quoted(), p)
		}
	}
	return h
}

// healthURL decodes the URL of a health check.
func (d *decoder) healthURL(e entry, p string) (string, bool) {
	s, ok := d.text(e, p, wantHealthURL)
	if !ok {
		return "", false
	}
	if u, err := url.Parse(withPlaceholder(s)); err != nil || !healthURLRE.MatchString(s) || u.Hostname() == "" {
		hint := ""
		if !strings.Contains(s, "://") && s != "" {
			hint = " (write the scheme: http://" + s + ")"
		}
		d.failf(e.at, p, "%q is not an http(s) URL with a host%s; expected %s", s, hint, wantHealthURL)
		return "", false
	}
	return s, true
}

// status decodes an expected HTTP status.
func (d *decoder) status(e entry, p string) (int, bool) {
	v := d.resolve(e.value)
	node, isInt := v.node.(*ast.IntegerNode)
	if !isInt || v.isText {
		d.wrongType(e, p, "an HTTP status code such as 200", v)
		return DefaultHealthStatus, false
	}
	if n, err := integerValue(node); err == nil && n >= 100 && n <= 599 {
		return int(n), true
	}
	d.failf(e.at, p, "%s is not an HTTP status; expected 100 to 599, such as 200", v.quoted())
	return DefaultHealthStatus, false
}

// healthJSON decodes json: {field, equals}.
func (d *decoder) healthJSON(e entry, p string) (field, equals string, ok bool) {
	const want = "a JSON condition: a mapping with field and equals, such as {field: status, equals: ok}"
	fields, ok := d.fields(e, p, want, healthJSONKeys)
	if !ok {
		return "", "", false
	}
	has := map[string]bool{}
	for _, f := range fields {
		fp := p + "." + f.key
		has[f.key] = true
		switch f.key {
		case "field":
			s, isText := d.text(f, fp, "a field path such as status or build.version")
			if isText && !jsonFieldRE.MatchString(s) {
				d.failf(f.at, fp, "%q is not a field path; expected %s", s, wantJSONField)
				ok = false
			}
			field, ok = s, ok && isText
		case "equals":
			v := d.resolve(f.value)
			if !v.isScalar {
				d.failf(f.at, fp, "expected the value the field must have (a string, number or boolean), got %s%s", v.kind, emptyHint(v, "equals"))
				ok = false
			}
			equals = v.text
		}
	}
	for _, k := range healthJSONKeys {
		if !has[k] {
			d.failf(e.at, p, "missing key %q; a JSON condition needs field and equals, such as json: {field: status, equals: ok}", k)
			ok = false
		}
	}
	return field, equals, ok
}
