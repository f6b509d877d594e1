package config

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// TargetHost is one server of a target's hosts: list: its ssh address, and what differs on
// it from the target. The target's other settings (start, health, identity, jump, …) apply
// to every host.
type TargetHost struct {
	SSH       string            // user@host or user@host:port
	Path      string            // the deploy root on this host; "": the target's path
	Env       map[string]string // variables on top of the target's env (replacing those of the same name); nil: none
	HealthURL string            // the health check's URL on this host; "": the target's health.url
}

// HostPlaceholder in a target's health URL (or a host's health_url) stands for the address
// of the host being checked, so that one URL serves every host: http://{host}:8080/healthz.
const HostPlaceholder = "{host}"

// Keys of a mapping item of hosts:.
var hostKeys = []string{"ssh", "path", "env", "health_url"}

// Descriptions of expected values of hosts: and parallel:.
const (
	wantHosts    = "a list of servers, each user@host[:port] or a mapping with ssh and optional path, env and health_url, such as [deploy@10.0.0.1, deploy@10.0.0.2]"
	wantHostItem = "user@host[:port], or a mapping with ssh and optional path, env and health_url"
)

// PerHost is the target as deployed to each of its hosts, in the order of its hosts: list:
// a copy of the target with SSH set to the host, and the host's path, env and health URL in
// place of the target's (with HostPlaceholder replaced by the host's address), Hosts nil.
// A target without hosts: is one host: itself, with the placeholder replaced.
func (t Target) PerHost() []Target {
	if len(t.Hosts) == 0 {
		return []Target{t.onHost(TargetHost{SSH: t.SSH})}
	}
	out := make([]Target, len(t.Hosts))
	for i, h := range t.Hosts {
		out[i] = t.onHost(h)
	}
	return out
}

// onHost is the target on one of its hosts.
func (t Target) onHost(h TargetHost) Target {
	one := t
	one.Hosts, one.Parallel, one.SSH = nil, 0, h.SSH
	if h.Path != "" {
		one.Path = h.Path
	}
	one.Env = maps.Clone(t.Env)
	if one.Env == nil {
		one.Env = map[string]string{}
	}
	maps.Copy(one.Env, h.Env)
	if t.Health != nil {
		health := *t.Health
		if h.HealthURL != "" {
			health.URL = h.HealthURL
		}
		health.URL = strings.ReplaceAll(health.URL, HostPlaceholder, addressOf(h.SSH))
		one.Health = &health
	}
	return one
}

// addressOf is the host part of user@host[:port] ("[2001:db8::1]" keeps its brackets, as a
// URL needs them); 127.0.0.1 for "" (a local target).
func addressOf(ssh string) string {
	if ssh == "" {
		return "127.0.0.1"
	}
	_, host, _ := strings.Cut(ssh, "@")
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		return host[:end+1]
	}
	host, _, _ = strings.Cut(host, ":")
	return host
}

// HostNames name the target's hosts for people, in order: each its ssh address, followed
// by :path when another host has the same address (two deploy roots on one server); the
// one of an ssh target; none for a local one.
func (t Target) HostNames() []string {
	if len(t.Hosts) == 0 {
		if t.SSH == "" {
			return nil
		}
		return []string{t.SSH}
	}
	seen := map[string]int{}
	for _, h := range t.Hosts {
		seen[h.SSH]++
	}
	out := make([]string, len(t.Hosts))
	for i, h := range t.PerHost() {
		out[i] = h.SSH
		if seen[h.SSH] > 1 {
			out[i] += ":" + h.Path
		}
	}
	return out
}

// targetHosts decodes a target's hosts: list: the hosts that are valid, and where each is
// written.
func (d *decoder) targetHosts(e entry, p string) ([]TargetHost, []entry) {
	items, ok := d.sequence(e, p, wantHosts)
	if !ok {
		return nil, nil
	}
	if len(items) == 0 {
		d.failf(e.at, p, "the list is empty; list the servers to deploy to, such as hosts: [deploy@10.0.0.1, deploy@10.0.0.2], or use ssh: for one")
		return nil, nil
	}
	var hosts []TargetHost
	var at []entry
	for i, item := range items {
		if h, ok := d.targetHost(item, fmt.Sprintf("%s[%d]", p, i)); ok {
			hosts, at = append(hosts, h), append(at, item)
		}
	}
	return hosts, at
}

// dropTwice reports and drops the hosts listed twice (the same user, host, port and path,
// the target's path standing for a host's own when it has none), at their second place.
func (d *decoder) dropTwice(t *Target, at []entry, p string) {
	first := map[string]int{}
	var kept []TargetHost
	for i, h := range t.Hosts {
		key := sameHostKey(TargetHost{SSH: h.SSH, Path: cmp.Or(h.Path, t.Path)})
		if j, dup := first[key]; dup {
			line, col := position(at[j].at)
			d.failf(at[i].at, fmt.Sprintf("%s[%d]", p, i), "%s is listed twice (first at line %d, column %d); list each host once, or give each its own path", h.SSH, line, col)
			continue
		}
		first[key] = i
		kept = append(kept, h)
	}
	t.Hosts = kept
}

// sameHostKey is what makes two hosts the same: the user, the host, the port (22 unless
// written) and the path.
func sameHostKey(h TargetHost) string {
	user, rest, _ := strings.Cut(h.SSH, "@")
	host := addressOf(h.SSH)
	port := cmp.Or(strings.TrimPrefix(rest[len(host):], ":"), "22")
	return user + "@" + strings.ToLower(host) + ":" + port + " " + h.Path
}

// targetHost decodes one item of hosts:: a string, or a mapping with ssh and overrides.
func (d *decoder) targetHost(item entry, p string) (TargetHost, bool) {
	v := d.resolve(item.value)
	if v.isText {
		s := d.sshAddress(item, p, "an ssh address")
		return TargetHost{SSH: s}, s != ""
	}
	if _, isMap := v.node.(*ast.MappingNode); !isMap {
		d.wrongType(item, p, wantHostItem, v)
		return TargetHost{}, false
	}
	fields, _ := d.fields(item, p, wantHostItem, hostKeys)
	var h TargetHost
	ok := true
	for _, f := range fields {
		fp := p + "." + f.key
		switch f.key {
		case "ssh":
			h.SSH = d.sshAddress(f, fp, "an ssh address")
			ok = ok && h.SSH != ""
		case "path":
			h.Path = d.targetPath(f, fp, false)
			ok = ok && h.Path != ""
		case "env":
			h.Env = d.env(f, fp)
		case "health_url":
			var urlOK bool
			h.HealthURL, urlOK = d.healthURL(f, fp)
			ok = ok && urlOK
		}
	}
	if !hasField(fields, "ssh") {
		d.failf(item.at, p, `missing key "ssh"; each host needs its address, such as {ssh: deploy@10.0.0.1, path: /srv/app}`)
		return h, false
	}
	return h, ok
}

// hasField reports whether key is among fields.
func hasField(fields []entry, key string) bool {
	for _, f := range fields {
		if f.key == key {
			return true
		}
	}
	return false
}

// checkHosts checks what a target's hosts: needs from the rest of the target: a path for
// every host, each host once, a health check for a host's health_url, and parallel within
// the hosts. at are where the hosts are written.
func (d *decoder) checkHosts(t *Target, item entry, p string, at []entry, pathAt, parallelAt *entry) {
	d.dropTwice(t, at, p+".hosts")
	if pathAt == nil {
		for _, h := range t.Hosts {
			if h.Path == "" {
				d.failf(item.at, p, `missing key "path"; expected the deploy root on the hosts, such as /srv/app (or a path on each host: {ssh: %s, path: /srv/app})`, h.SSH)
				break
			}
		}
	}
	if t.Health == nil {
		for _, h := range t.Hosts {
			if h.HealthURL != "" {
				d.failf(item.at, p, "the host %s has a health_url, but the target has no health check: add health: {url: http://{host}:8080/healthz} (the url is what health_url replaces)", h.SSH)
				break
			}
		}
	}
	if parallelAt != nil {
		t.Parallel = d.parallel(*parallelAt, p+".parallel", len(t.Hosts))
	}
}

// parallel decodes how many of n hosts are deployed at once.
func (d *decoder) parallel(e entry, p string, n int) int {
	v := d.resolve(e.value)
	node, isInt := v.node.(*ast.IntegerNode)
	rule := fmt.Sprintf("a number of hosts deployed at once, from 1 to %d (the hosts listed)", max(n, 1))
	if !isInt || v.isText {
		d.wrongType(e, p, rule, v)
		return 1
	}
	k, err := integerValue(node)
	switch {
	case err != nil || k < 1:
		d.failf(e.at, p, "%s is below 1; expected %s", v.quoted(), rule)
	case n > 0 && k > uint64(n):
		d.failf(e.at, p, "%s is more than the %d hosts listed; expected %s", v.quoted(), n, rule)
	default:
		return int(k)
	}
	return 1
}

// describeHosts is the "on" line of Describe for a target with hosts: how many, how many at
// once, each host with what differs on it.
func (t Target) describeHosts() string {
	at := "one at a time"
	if t.Parallel > 1 {
		at = fmt.Sprintf("%d at a time", t.Parallel)
	} else if t.Parallel == 0 {
		at += " (default)"
	}
	lines := []string{fmt.Sprintf("%d hosts over ssh, %s, in this order", len(t.Hosts), at)}
	for _, h := range t.Hosts {
		line := "  " + h.SSH
		var own []string
		if h.Path != "" {
			own = append(own, "path "+path.Clean(h.Path))
		}
		if len(h.Env) > 0 {
			own = append(own, "env "+strings.ReplaceAll(envText(h.Env, ""), "\n", ", "))
		}
		if h.HealthURL != "" {
			own = append(own, "health "+h.HealthURL)
		}
		if len(own) > 0 {
			line += " (" + strings.Join(own, "; ") + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
