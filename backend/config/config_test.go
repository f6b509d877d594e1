package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"eightfold/backend/internal/golden"
)

// writeFiles creates a temp dir holding files (name → contents).
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// badConfigs are invalid files with the exact message Load gives.
// loaderOnly marks rules the JSON Schema cannot express.
var badConfigs = []struct {
	name, src, want string
	loaderOnly      bool
}{
	{name: "bad duration",
		src:  "steps:\n  - name: test\n    run: go test ./...\n    timeout: 10x\n",
		want: `eightfold.yaml:4:14: steps[0].timeout: "10x" is not a duration; expected a Go duration such as 90s, 10m or 1h30m`},
	{name: "duration without unit",
		src:  "steps:\n  - name: test\n    run: go test ./...\n    timeout: 90\n",
		want: `eightfold.yaml:4:14: steps[0].timeout: 90 is not a duration; expected a Go duration such as 90s, 10m or 1h30m (a number needs a unit: 90s or 90m)`},
	{name: "zero duration",
		src:  "steps:\n  - name: test\n    run: go test ./...\n    timeout: 0m0s\n",
		want: `eightfold.yaml:4:14: steps[0].timeout: "0m0s" is zero; expected a positive duration such as 90s, 10m or 1h30m`},
	{name: "negative duration",
		src:  "steps:\n  - name: test\n    run: go test ./...\n    timeout: -5m\n",
		want: `eightfold.yaml:4:14: steps[0].timeout: "-5m" is not a duration; expected a Go duration such as 90s, 10m or 1h30m`},
	{name: "unknown step key with suggestion",
		src:  "steps:\n  - name: test\n    run: go test ./...\n    timout: 5m\n",
		want: `eightfold.yaml:4:5: steps[0]: unknown key "timout" (did you mean "timeout"?); allowed keys: name, run, timeout, env, report, retries, artifacts, log_limit, group`},
	{name: "habitual key",
		src: "steps:\n  - name: test\n    command: go test ./...\n",
		want: "eightfold.yaml:2:5: steps[0]: missing key \"run\"; every step needs a name and a run command\n" +
			`eightfold.yaml:3:5: steps[0]: unknown key "command" (did you mean "run"?); allowed keys: name, run, timeout, env, report, retries, artifacts, log_limit, group`},
	{name: "unknown top-level key",
		src:  "steps:\n  - {name: test, run: make test}\nnotify:\n  on: failure\n",
		want: `eightfold.yaml:3:1: unknown key "notify"; allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci`},
	{name: "misspelt watch",
		src:  "steps:\n  - {name: test, run: make test}\nwacth:\n  debounce: 25ms\n",
		want: `eightfold.yaml:3:1: unknown key "wacth" (did you mean "watch"?); allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci`},
	{name: "unknown watch key with suggestion",
		src:  "watch:\n  debounse: 50ms\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:3: watch: unknown key "debounse" (did you mean "debounce"?); allowed keys: ignore, debounce, max_wait, on_change_while_running, affected, poll, auto`},
	{name: "habitual watch key",
		src: "watch:\n  exclude: [tmp/]\n  on_change: queue\nsteps:\n  - {name: test, run: make test}\n",
		want: "eightfold.yaml:2:3: watch: unknown key \"exclude\" (did you mean \"ignore\"?); allowed keys: ignore, debounce, max_wait, on_change_while_running, affected, poll, auto\n" +
			`eightfold.yaml:3:3: watch: unknown key "on_change" (did you mean "on_change_while_running"?); allowed keys: ignore, debounce, max_wait, on_change_while_running, affected, poll, auto`},
	{name: "watch is a list",
		src:  "watch: [tmp/]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:8: watch: expected a mapping of watch settings (keys: ignore, debounce, max_wait, on_change_while_running, affected, poll, auto), got a list`},
	{name: "watch left empty",
		src:  "watch:\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:1: watch: expected a mapping of watch settings (keys: ignore, debounce, max_wait, on_change_while_running, affected, poll, auto), got nothing (null)`},
	{name: "debounce below the minimum",
		src:  "watch:\n  debounce: 2ms\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.debounce: "2ms" is below the minimum of 5ms; a shorter quiet window splits one editor save into several runs; expected at least 5ms, such as 25ms (the default)`},
	{name: "debounce below the minimum in seconds", loaderOnly: true,
		src:  "watch:\n  debounce: 0.001s\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.debounce: "0.001s" is below the minimum of 5ms; a shorter quiet window splits one editor save into several runs; expected at least 5ms, such as 25ms (the default)`},
	{name: "zero debounce",
		src:  "watch:\n  debounce: 0s\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.debounce: "0s" is below the minimum of 5ms; a shorter quiet window splits one editor save into several runs; expected at least 5ms, such as 25ms (the default)`},
	{name: "debounce without unit",
		src:  "watch:\n  debounce: 25\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.debounce: 25 is not a duration; expected a Go duration such as 25ms, 50ms or 1s (a number needs a unit: 25ms or 25s)`},
	{name: "max_wait below the default debounce", loaderOnly: true,
		src:  "watch:\n  max_wait: 10ms\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.max_wait: "10ms" is shorter than watch.debounce (25ms, the default); expected at least the debounce window, such as 5s (the default)`},
	{name: "max_wait below debounce", loaderOnly: true,
		src:  "watch:\n  max_wait: 1s\n  debounce: 2s\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.max_wait: "1s" is shorter than watch.debounce (2s); expected at least the debounce window, such as 5s (the default)`},
	{name: "max_wait is a word",
		src:  "watch:\n  max_wait: forever\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.max_wait: "forever" is not a duration; expected a Go duration such as 5s, 10s or 1m`},
	{name: "bad on_change_while_running",
		src:  "watch:\n  on_change_while_running: ignore\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:28: watch.on_change_while_running: "ignore" is not allowed; expected restart (cancel the run and start again) or queue (let it finish, then run once)`},
	{name: "on_change_while_running typo",
		src:  "watch:\n  on_change_while_running: restrat\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:28: watch.on_change_while_running: "restrat" is not allowed (did you mean restart?); expected restart (cancel the run and start again) or queue (let it finish, then run once)`},
	{name: "on_change_while_running habit",
		src:  "watch:\n  on_change_while_running: wait\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:28: watch.on_change_while_running: "wait" is not allowed (did you mean queue?); expected restart (cancel the run and start again) or queue (let it finish, then run once)`},
	{name: "on_change_while_running is a boolean",
		src:  "watch:\n  on_change_while_running: true\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:28: watch.on_change_while_running: expected restart (cancel the run and start again) or queue (let it finish, then run once), got a boolean; to use it as text, put it in quotes: "true"`},
	{name: "affected is yes",
		src:  "watch:\n  affected: yes\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:13: watch.affected: expected true or false, got a string; write true (yes and on are text in YAML 1.2)`},
	{name: "auto is quoted",
		src:  "watch:\n  auto: \"false\"\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:9: watch.auto: expected true or false, got a string; write it without quotes`},
	{name: "auto is a number",
		src:  "watch:\n  auto: 0\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:9: watch.auto: expected true or false, got an integer`},
	{name: "poll below the minimum",
		src:  "watch:\n  poll: 10ms\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:9: watch.poll: "10ms" is below the minimum of 100ms; polling more often costs CPU on large trees; expected at least 100ms, such as 1s`},
	{name: "poll is true",
		src:  "watch:\n  poll: true\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:9: watch.poll: true is not a duration; expected a Go duration such as 500ms, 1s or 2s (poll takes the interval: write poll: 1s to poll, or leave it out to use inotify)`},
	{name: "ignore is a string",
		src:  "watch:\n  ignore: tmp/\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:11: watch.ignore: expected a list of gitignore patterns relative to the repository root, such as [tmp/, "*.log"], got a string`},
	{name: "ignore pattern is a number",
		src:  "watch:\n  ignore: [tmp/, 42]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:18: watch.ignore[1]: expected a gitignore pattern relative to the repository root, such as tmp/ or *.log (a string), got an integer; to use it as text, put it in quotes: "42"`},
	{name: "ignore pattern is a mapping",
		src:  "watch:\n  ignore:\n    - path: tmp/\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:3:7: watch.ignore[0]: expected a gitignore pattern relative to the repository root, such as tmp/ or *.log (a string), got a mapping`},
	{name: "ignore pattern leaves the repository",
		src:  "watch:\n  ignore: [build/../../out]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: watch.ignore[0]: "build/../../out" leaves the repository (..); expected a gitignore pattern relative to the repository root, such as tmp/ or *.log`},
	{name: "empty ignore pattern",
		src:  "watch:\n  ignore: [\"  \"]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: watch.ignore[0]: "  " is empty; expected a gitignore pattern relative to the repository root, such as tmp/ or *.log`},
	{name: "ignore pattern is a comment",
		src:  "watch:\n  ignore: [\"#scratch\"]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: watch.ignore[0]: "#scratch" is a comment in gitignore syntax and would ignore nothing; to match names starting with #, write \#scratch`},
	{name: "bad ignore glob", loaderOnly: true,
		src:  "watch:\n  ignore: [\"tmp/[a\"]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: watch.ignore[0]: "tmp/[a" is not a valid pattern (syntax error in pattern); expected a gitignore pattern relative to the repository root, such as tmp/ or *.log`},
	{name: "several watch problems in file order",
		src: "watch:\n  poll: 1\n  debounce: 1ms\n  auto: on\nsteps:\n  - {name: test, run: make test}\n",
		want: "eightfold.yaml:2:9: watch.poll: 1 is not a duration; expected a Go duration such as 500ms, 1s or 2s (a number needs a unit: 1s or 1ms)\n" +
			"eightfold.yaml:3:13: watch.debounce: \"1ms\" is below the minimum of 5ms; a shorter quiet window splits one editor save into several runs; expected at least 5ms, such as 25ms (the default)\n" +
			`eightfold.yaml:4:9: watch.auto: expected true or false, got a string; write true (yes and on are text in YAML 1.2)`},
	{name: "release: unknown key with suggestion",
		src:  "release:\n  changelog: CHANGELOG.md\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:3: release: unknown key "changelog" (did you mean "changelog_file"?); allowed keys: initial, changelog_file, skip_types, include_merges, breaking_bumps_major, features_bump_minor`},
	{name: "release: misspelt key",
		src:  "release:\n  inital: 1.0.0\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:3: release: unknown key "inital" (did you mean "initial"?); allowed keys: initial, changelog_file, skip_types, include_merges, breaking_bumps_major, features_bump_minor`},
	{name: "release: misspelt section",
		src:  "relase:\n  initial: 1.0.0\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:1: unknown key "relase" (did you mean "release"?); allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci`},
	{name: "release is a list",
		src:  "release: [CHANGELOG.md]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:10: release: expected a mapping of release settings (keys: initial, changelog_file, skip_types, include_merges, breaking_bumps_major, features_bump_minor), got a list`},
	{name: "release left empty",
		src:  "release:\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:1: release: expected a mapping of release settings (keys: initial, changelog_file, skip_types, include_merges, breaking_bumps_major, features_bump_minor), got nothing (null)`},
	{name: "initial is not a version",
		src:  "release:\n  initial: latest\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: release.initial: "latest" is not a semantic version; expected a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed)`},
	{name: "initial has two numbers",
		src:  "release:\n  initial: \"1.0\"\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: release.initial: "1.0" is not a semantic version (a version has three numbers: 1.0.0); expected a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed)`},
	{name: "initial is a number",
		src:  "release:\n  initial: 1.0\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: release.initial: 1.0 is not a semantic version (a version has three numbers: 1.0.0); expected a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed)`},
	{name: "initial with leading zero",
		src:  "release:\n  initial: 01.2.3\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: release.initial: "01.2.3" is not a semantic version; expected a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed)`},
	{name: "initial with empty pre-release",
		src:  "release:\n  initial: 1.2.3-\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: release.initial: "1.2.3-" is not a semantic version; expected a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed)`},
	{name: "initial is a list",
		src:  "release:\n  initial: [1, 0, 0]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:12: release.initial: expected a semantic version MAJOR.MINOR.PATCH such as 0.1.0 or 1.0.0 (a leading v and a pre-release such as -rc.1 are allowed), got a list`},
	{name: "absolute changelog_file",
		src:  "release:\n  changelog_file: /srv/app/CHANGELOG.md\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "/srv/app/CHANGELOG.md" is an absolute path; expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "changelog_file leaves the repository",
		src:  "release:\n  changelog_file: ../CHANGELOG.md\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "../CHANGELOG.md" leaves the repository (..); expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "changelog_file leaves the repository midway",
		src:  "release:\n  changelog_file: docs/../../CHANGELOG.md\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "docs/../../CHANGELOG.md" leaves the repository (..); expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "empty changelog_file",
		src:  "release:\n  changelog_file: \"\"\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "" is empty; expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "changelog_file is a directory",
		src:  "release:\n  changelog_file: docs/\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "docs/" names a directory; expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "changelog_file is the root", loaderOnly: true,
		src:  "release:\n  changelog_file: .\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "." names a directory; expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "changelog_file inside .git",
		src:  "release:\n  changelog_file: ./.git/CHANGELOG\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: "./.git/CHANGELOG" is inside .git, which git manages; expected a file path relative to the repository root, such as CHANGELOG.md`},
	{name: "changelog_file is a boolean",
		src:  "release:\n  changelog_file: true\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:19: release.changelog_file: expected a file path relative to the repository root, such as CHANGELOG.md, got a boolean; to use it as text, put it in quotes: "true"`},
	{name: "skip_types is a string",
		src:  "release:\n  skip_types: chore\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:15: release.skip_types: expected a list of conventional commit types such as [chore, docs], or [] to skip none, got a string`},
	{name: "skip_types left empty",
		src:  "release:\n  skip_types:\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:3: release.skip_types: expected a list of conventional commit types such as [chore, docs], or [] to skip none, got nothing (null)`},
	{name: "skip type in capitals",
		src:  "release:\n  skip_types: [Chore]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:16: release.skip_types[0]: "Chore" is not lower-case; write chore`},
	{name: "skip type with a scope",
		src:  "release:\n  skip_types: [chore, \"docs(api)\"]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:23: release.skip_types[1]: "docs(api)" is not a commit type; expected a conventional commit type: a lower-case word such as chore or docs`},
	{name: "skip type is a number",
		src:  "release:\n  skip_types: [chore, 1]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:23: release.skip_types[1]: expected a conventional commit type: a lower-case word such as chore or docs (a string), got an integer; to use it as text, put it in quotes: "1"`},
	{name: "duplicate skip type",
		src:  "release:\n  skip_types: [chore, docs, chore]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:29: release.skip_types[2]: "chore" is listed twice; list each type once`},
	{name: "release switches of the wrong kinds",
		src: "release:\n  include_merges: yes\n  breaking_bumps_major: \"true\"\n  features_bump_minor: 1\nsteps:\n  - {name: test, run: make test}\n",
		want: "eightfold.yaml:2:19: release.include_merges: expected true or false, got a string; write true (yes and on are text in YAML 1.2)\n" +
			"eightfold.yaml:3:25: release.breaking_bumps_major: expected true or false, got a string; write it without quotes\n" +
			`eightfold.yaml:4:24: release.features_bump_minor: expected true or false, got an integer`},
	{name: "targets: misspelt health",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    heath: {url: http://h/}\n",
		want: `eightfold.yaml:7:5: targets.staging: unknown key "heath" (did you mean "health"?); allowed keys: ssh, hosts, parallel, local, identity, jump, path, start, stop, logs, health, keep, env, secrets, secrets_file, before_switch, after_deploy, promote_from, candidate_port, shared, production`},
	{name: "targets: habitual key",
		src: "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    host: deploy@host\n    path: /srv/app\n",
		want: "eightfold.yaml:5:5: targets.staging: unknown key \"host\" (did you mean \"ssh\"?); allowed keys: ssh, hosts, parallel, local, identity, jump, path, start, stop, logs, health, keep, env, secrets, secrets_file, before_switch, after_deploy, promote_from, candidate_port, shared, production\n" +
			`eightfold.yaml:5:5: targets.staging: missing key "ssh", "hosts" or "local"; a target is a server (ssh: user@host:port), several (hosts: [user@a, user@b]) or this machine (local: true)`},
	{name: "targets: misspelt section",
		src:  "steps:\n  - {name: a, run: b}\ntarget:\n  staging: {ssh: deploy@host, path: /srv/app}\n",
		want: `eightfold.yaml:3:1: unknown key "target" (did you mean "targets"?); allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci`},
	{name: "targets is a list",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  - staging\n",
		want: `eightfold.yaml:4:3: targets: expected a mapping of target names to targets, such as staging: {ssh: deploy@203.0.113.10, path: /srv/app}, got a list`},
	{name: "targets left empty",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n",
		want: `eightfold.yaml:3:1: targets: expected a mapping of target names to targets, such as staging: {ssh: deploy@203.0.113.10, path: /srv/app}, got nothing (null)`},
	{name: "target name in capitals",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  Staging:\n    ssh: deploy@host\n    path: /srv/app\n",
		want: `eightfold.yaml:4:3: targets.Staging: "Staging" is not a valid target name (write staging); use lower-case letters, digits and '-', starting with a letter, such as staging`},
	{name: "target name with an underscore",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  my_box:\n    local: true\n    path: ../out\n",
		want: `eightfold.yaml:4:3: targets.my_box: "my_box" is not a valid target name; use lower-case letters, digits and '-', starting with a letter, such as staging`},
	{name: "target is a string",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging: deploy@host\n",
		want: `eightfold.yaml:4:12: targets.staging: expected a target: a mapping with ssh, hosts or local, and path, got a string`},
	{name: "target left empty",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n",
		want: `eightfold.yaml:4:3: targets.staging: expected a target: a mapping with ssh, hosts or local, and path, got nothing (null)`},
	{name: "target with neither ssh nor local",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    path: /srv/app\n",
		want: `eightfold.yaml:5:5: targets.staging: missing key "ssh", "hosts" or "local"; a target is a server (ssh: user@host:port), several (hosts: [user@a, user@b]) or this machine (local: true)`},
	{name: "target with both ssh and local",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    local: true\n    path: /srv/app\n",
		want: `eightfold.yaml:6:12: targets.staging.local: both ssh and local: true are set; a target is either a server (ssh: user@host) or this machine (local: true), not both`},
	{name: "target with local false only",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    local: false\n    path: /srv/app\n",
		want: `eightfold.yaml:5:12: targets.staging.local: local: false leaves the target nowhere; write local: true for a directory on this machine, or ssh: user@host for a server`},
	{name: "ssh without a user",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: 203.0.113.10\n    path: /srv/app\n",
		want: `eightfold.yaml:5:10: targets.staging.ssh: "203.0.113.10" is not an ssh address (it has no user: write user@203.0.113.10); expected user@host or user@host:port, such as deploy@203.0.113.10:22`},
	{name: "ssh port out of range",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host:99999\n    path: /srv/app\n",
		want: `eightfold.yaml:5:10: targets.staging.ssh: "deploy@host:99999" is not an ssh address (the port 99999 is not from 1 to 65535); expected user@host or user@host:port, such as deploy@203.0.113.10:22`},
	{name: "ssh as a URL",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: ssh://deploy@host\n    path: /srv/app\n",
		want: `eightfold.yaml:5:10: targets.staging.ssh: "ssh://deploy@host" is not an ssh address (write it without a scheme: user@host:port); expected user@host or user@host:port, such as deploy@203.0.113.10:22`},
	{name: "bad jump host",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    jump: bastion:22\n    path: /srv/app\n",
		want: `eightfold.yaml:6:11: targets.staging.jump: "bastion:22" is not a jump host (it has no user: write user@bastion:22); expected user@host or user@host:port, such as deploy@203.0.113.10:22`},
	{name: "identity on a local target",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  demo:\n    local: true\n    identity: ~/.ssh/id_ed25519\n    path: ../deploy\n",
		want: `eightfold.yaml:6:5: targets.demo.identity: identity is for ssh targets; a local target needs none: remove it, or use ssh: user@host`},
	{name: "target without a path",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n",
		want: `eightfold.yaml:5:5: targets.staging: missing key "path"; expected the deploy root on the target, such as /srv/app`},
	{name: "relative path on an ssh target",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: srv/app\n",
		want: `eightfold.yaml:6:11: targets.staging.path: "srv/app" is not an absolute path; an ssh target's path is absolute, such as /srv/app`},
	{name: "path with a tilde",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: ~/app\n",
		want: `eightfold.yaml:6:11: targets.staging.path: "~/app" starts with ~, which is not expanded here; write the absolute path, such as /home/deploy/app`},
	{name: "local path inside the repository", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  demo:\n    local: true\n    path: deploy\n",
		want: `eightfold.yaml:6:11: targets.demo.path: "deploy" is inside the repository; deploying into the watched tree would start a run with every deploy: use a directory outside it, such as ../app-deploy`},
	{name: "local path with dots inside the repository", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  demo:\n    local: true\n    path: ./tmp/../deploy/.\n",
		want: `eightfold.yaml:6:11: targets.demo.path: "./tmp/../deploy/." is inside the repository; deploying into the watched tree would start a run with every deploy: use a directory outside it, such as ../app-deploy`},
	{name: "keep below the minimum",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    keep: 1\n",
		want: `eightfold.yaml:7:11: targets.staging.keep: 1 is below the minimum of 2; keep holds at least the current release and the previous healthy one, to roll back to`},
	{name: "keep is a word",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    keep: many\n",
		want: `eightfold.yaml:7:11: targets.staging.keep: expected a number of releases to keep, at least 2, got a string`},
	{name: "empty start command",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    start: \" \"\n",
		want: `eightfold.yaml:7:12: targets.staging.start: the command is empty; expected a shell command line such as: systemctl --user restart app`},
	{name: "production is yes",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    production: yes\n",
		want: `eightfold.yaml:7:17: targets.staging.production: expected true or false, got a string; write true (yes and on are text in YAML 1.2)`},
	{name: "health url without a scheme",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: localhost:8080/healthz}\n",
		want: `eightfold.yaml:7:19: targets.staging.health.url: "localhost:8080/healthz" is not an http(s) URL with a host (write the scheme: http://localhost:8080/healthz); expected an http or https URL with a host, such as http://127.0.0.1:8080/healthz`},
	{name: "health url of another scheme",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: \"ftp://host/x\"}\n",
		want: `eightfold.yaml:7:19: targets.staging.health.url: "ftp://host/x" is not an http(s) URL with a host; expected an http or https URL with a host, such as http://127.0.0.1:8080/healthz`},
	{name: "health url without a host",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: \"http:///healthz\"}\n",
		want: `eightfold.yaml:7:19: targets.staging.health.url: "http:///healthz" is not an http(s) URL with a host; expected an http or https URL with a host, such as http://127.0.0.1:8080/healthz`},
	{name: "health without a url",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health:\n      status: 200\n",
		want: `eightfold.yaml:8:7: targets.staging.health: missing key "url"; a health check polls a URL, such as http://127.0.0.1:8080/healthz`},
	{name: "health status out of range",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, status: 600}\n",
		want: `eightfold.yaml:7:38: targets.staging.health.status: 600 is not an HTTP status; expected 100 to 599, such as 200`},
	{name: "health status as text",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, status: OK}\n",
		want: `eightfold.yaml:7:38: targets.staging.health.status: expected an HTTP status code such as 200, got a string`},
	{name: "health habitual key",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, expect_status: 200}\n",
		want: `eightfold.yaml:7:30: targets.staging.health: unknown key "expect_status" (did you mean "status"?); allowed keys: url, status, body, json, timeout, interval, deadline, max_time`},
	{name: "health zero timeout",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, timeout: 0s}\n",
		want: `eightfold.yaml:7:39: targets.staging.health.timeout: "0s" is zero; expected a positive duration such as 5s, 10s or 500ms`},
	{name: "health max_time without unit",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, max_time: 500}\n",
		want: `eightfold.yaml:7:40: targets.staging.health.max_time: 500 is not a duration; expected a Go duration such as 500ms, 1s or 2s (a number needs a unit: 500ms or 500s)`},
	{name: "health interval over the default deadline", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, interval: 1m}\n",
		want: `eightfold.yaml:7:40: targets.staging.health.interval: "1m" is longer than targets.staging.health.deadline (30s, the default); expected at most the deadline, such as 1s (the default)`},
	{name: "health interval over the deadline", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, interval: 10s, deadline: 5s}\n",
		want: `eightfold.yaml:7:40: targets.staging.health.interval: "10s" is longer than targets.staging.health.deadline (5s); expected at most the deadline, such as 1s (the default)`},
	{name: "health deadline under the default interval", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, deadline: 500ms}\n",
		want: `eightfold.yaml:7:40: targets.staging.health.deadline: "500ms" is shorter than targets.staging.health.interval (1s, the default); expected at least the interval, such as 30s (the default)`},
	{name: "health json without equals",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, json: {field: status}}\n",
		want: `eightfold.yaml:7:36: targets.staging.health.json: missing key "equals"; a JSON condition needs field and equals, such as json: {field: status, equals: ok}`},
	{name: "health json bad field path",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, json: {field: a..b, equals: 1}}\n",
		want: `eightfold.yaml:7:44: targets.staging.health.json.field: "a..b" is not a field path; expected names and array indexes joined by dots, such as status, build.version or items.0.id`},
	{name: "health json equals a list",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, json: {field: status, equals: [ok]}}\n",
		want: `eightfold.yaml:7:60: targets.staging.health.json.equals: expected the value the field must have (a string, number or boolean), got a list`},
	{name: "health json misspelt key",
		src: "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    health: {url: http://h/, json: {field: status, equal: ok}}\n",
		want: "eightfold.yaml:7:36: targets.staging.health.json: missing key \"equals\"; a JSON condition needs field and equals, such as json: {field: status, equals: ok}\n" +
			`eightfold.yaml:7:52: targets.staging.health.json: unknown key "equal" (did you mean "equals"?); allowed keys: field, equals`},
	{name: "bad secret names",
		src: "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    secrets: [api_token, 2FA, DB_URL, DB_URL]\n",
		want: "eightfold.yaml:7:15: targets.staging.secrets[0]: \"api_token\" is not a secret name; write API_TOKEN (secret names are upper-case letters, digits and '_', not starting with a digit, such as API_TOKEN)\n" +
			"eightfold.yaml:7:26: targets.staging.secrets[1]: \"2FA\" is not a secret name; expected upper-case letters, digits and '_', not starting with a digit, such as API_TOKEN\n" +
			`eightfold.yaml:7:39: targets.staging.secrets[3]: "DB_URL" is listed twice; list each secret once`},
	{name: "secret also in env", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    env: {API_TOKEN: x}\n    secrets: [API_TOKEN]\n",
		want: `eightfold.yaml:8:15: targets.staging.secrets[0]: "API_TOKEN" is also set in env; a variable is either plain (env) or a secret, not both: remove it from env`},
	{name: "secrets is a string",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    secrets: API_TOKEN\n",
		want: `eightfold.yaml:7:14: targets.staging.secrets: expected a list of secret names, such as [DATABASE_URL, API_TOKEN], got a string`},
	{name: "secrets_file inside the repository", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    secrets: [API_TOKEN]\n    secrets_file: config/secrets.env\n",
		want: `eightfold.yaml:8:19: targets.staging.secrets_file: "config/secrets.env" is inside the repository; secrets must never be committed: keep the file outside it, such as ~/.config/app/staging.env`},
	{name: "secrets_file without secrets",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    secrets_file: /etc/app.env\n",
		want: `eightfold.yaml:7:5: targets.staging.secrets_file: no secrets are named; list the names to read from the file in secrets, such as secrets: [DATABASE_URL]`},
	{name: "promote_from an unknown target", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n  production:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: stagin\n",
		want: `eightfold.yaml:10:19: targets.production.promote_from: "stagin" is not a target (did you mean "staging"?); expected the name of another target in this file: staging`},
	{name: "promote_from with no other target", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  production:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: staging\n",
		want: `eightfold.yaml:7:19: targets.production.promote_from: "staging" is not a target; expected the name of another target in this file, and there is none`},
	{name: "promote_from itself", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: staging\n",
		want: `eightfold.yaml:7:19: targets.staging.promote_from: "staging" is this target; promote_from names the target whose healthy release this one takes, such as staging`},
	{name: "promote_from cycle", loaderOnly: true,
		src: "steps:\n  - {name: a, run: b}\ntargets:\n  a:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: b\n  b:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: c\n" +
			"  c:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: a\n  d:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: b\n",
		want: `eightfold.yaml:7:19: targets.a.promote_from: promote_from makes a cycle: a → b → c → a; one target of the chain must be deployed, not promoted`},
	{name: "promote_from cycle of two", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: production\n  production:\n    ssh: deploy@host\n    path: /srv/app\n    promote_from: staging\n",
		want: `eightfold.yaml:7:19: targets.staging.promote_from: promote_from makes a cycle: staging → production → staging; one target of the chain must be deployed, not promoted`},
	{name: "candidate_port without health",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    candidate_port: 8081\n",
		want: `eightfold.yaml:7:21: targets.staging.candidate_port: candidate_port needs health.url: the new release is checked on this port before the switch; add health: {url: http://127.0.0.1:8080/healthz}`},
	{name: "secret named PATH", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    secrets: [PATH]\n",
		want: `eightfold.yaml:7:15: targets.staging.secrets[0]: "PATH" is a variable the shell or Eightfold sets (PATH, HOME, EIGHTFOLD_…); give the secret its own name`},
	{name: "candidate_port without stop", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    candidate_port: 8081\n    health: {url: \"http://h:8080/\"}\n",
		want: `eightfold.yaml:7:21: targets.staging.candidate_port: candidate_port needs stop: once the new release is current, the old one is stopped with it (its port in $EIGHTFOLD_PORT); add stop: 'kill "$(cat pid.$EIGHTFOLD_PORT)"'`},
	{name: "candidate_port out of range",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    candidate_port: 70000\n    health: {url: \"http://h:8080/\"}\n",
		want: `eightfold.yaml:7:21: targets.staging.candidate_port: 70000 is not a port; expected 1 to 65535, such as 8081`},
	{name: "candidate_port zero",
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    candidate_port: 0\n    health: {url: \"http://h:8080/\"}\n",
		want: `eightfold.yaml:7:21: targets.staging.candidate_port: 0 is not a port; expected 1 to 65535, such as 8081`},
	{name: "candidate_port is the health port", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    candidate_port: 80\n    health: {url: \"http://127.0.0.1/healthz\"}\n",
		want: `eightfold.yaml:7:21: targets.staging.candidate_port: 80 is the port of health.url, where the running release answers; the candidate starts beside it, so it needs another port`},
	{name: "shared paths outside the release",
		src: "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    shared: [/var/data, ../x]\n",
		want: "eightfold.yaml:7:14: targets.staging.shared[0]: \"/var/data\" is an absolute path; expected a path relative to the release, such as storage/ or .env\n" +
			`eightfold.yaml:7:25: targets.staging.shared[1]: "../x" leaves the release (..); expected a path relative to the release, such as storage/ or .env`},
	{name: "shared path is the release", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    shared: [./]\n",
		want: `eightfold.yaml:7:14: targets.staging.shared[0]: "./" is the release itself; expected a path relative to the release, such as storage/ or .env`},
	{name: "shared path twice", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    shared: [storage, storage/]\n",
		want: `eightfold.yaml:7:23: targets.staging.shared[1]: "storage/" is listed twice; list each path once`},
	{name: "several target problems in file order",
		src: "steps:\n  - {name: a, run: b}\ntargets:\n  staging:\n    ssh: deploy@host\n    path: /srv/app\n    keep: 0\n    health:\n      url: http://h/\n      status: 99\n      interval: soon\n",
		want: "eightfold.yaml:7:11: targets.staging.keep: 0 is below the minimum of 2; keep holds at least the current release and the previous healthy one, to roll back to\n" +
			"eightfold.yaml:10:15: targets.staging.health.status: 99 is not an HTTP status; expected 100 to 599, such as 200\n" +
			`eightfold.yaml:11:17: targets.staging.health.interval: "soon" is not a duration; expected a Go duration such as 1s, 2s or 500ms`},
	{name: "check name upper-case",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  API: {url: \"http://h/\"}\n",
		want: `eightfold.yaml:4:3: checks.API: "API" is not a valid check name (write api); use lower-case letters, digits and '-', starting with a letter, such as api`},
	{name: "check name with underscore",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api_v2: {url: \"http://h/\"}\n",
		want: `eightfold.yaml:4:3: checks.api_v2: "api_v2" is not a valid check name; use lower-case letters, digits and '-', starting with a letter, such as api`},
	{name: "check without url",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api:\n    status: 200\n",
		want: `eightfold.yaml:5:5: checks.api: missing key "url"; a health check polls a URL, such as http://127.0.0.1:8080/healthz`},
	{name: "check url without scheme",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: example.com/healthz}\n",
		want: `eightfold.yaml:4:14: checks.api.url: "example.com/healthz" is not an http(s) URL with a host (write the scheme: http://example.com/healthz); expected an http or https URL with a host, such as http://127.0.0.1:8080/healthz`},
	{name: "checks as a list",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  - {name: api, url: \"http://h/\"}\n",
		want: `eightfold.yaml:4:3: checks: expected a mapping of check names to health checks, such as api: {url: https://example.com/healthz}, got a list; checks are keyed by name: write api: {url: …} rather than - {name: api, url: …}`},
	{name: "check failure_threshold zero",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", failure_threshold: 0}\n",
		want: `eightfold.yaml:4:46: checks.api.failure_threshold: 0 is out of range; expected a number of consecutive failures from 1 to 100, such as 3`},
	{name: "check success_threshold above 100",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", success_threshold: 101}\n",
		want: `eightfold.yaml:4:46: checks.api.success_threshold: 101 is out of range; expected a number of consecutive successes from 1 to 100, such as 2`},
	{name: "check threshold as text",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", failure_threshold: \"3\"}\n",
		want: `eightfold.yaml:4:46: checks.api.failure_threshold: expected a number of consecutive failures from 1 to 100, such as 3, got a string`},
	{name: "check interval below 1s",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", interval: 500ms}\n",
		want: `eightfold.yaml:4:37: checks.api.interval: "500ms" is below the minimum of 1s; checking more often than every second loads the app for nothing; expected at least 1s, such as 30s (the default)`},
	{name: "check with a gate deadline",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", deadline: 1m}\n",
		want: `eightfold.yaml:4:27: checks.api: unknown key "deadline"; allowed keys: url, status, body, json, timeout, max_time, interval, failure_threshold, success_threshold`},
	{name: "check key habit",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", every: 1m}\n",
		want: `eightfold.yaml:4:27: checks.api: unknown key "every" (did you mean "interval"?); allowed keys: url, status, body, json, timeout, max_time, interval, failure_threshold, success_threshold`},
	{name: "check key with a dash",
		src:  "steps:\n  - {name: a, run: b}\nchecks:\n  api: {url: \"http://h/\", failure-threshold: 2}\n",
		want: `eightfold.yaml:4:27: checks.api: unknown key "failure-threshold" (did you mean "failure_threshold"?); allowed keys: url, status, body, json, timeout, max_time, interval, failure_threshold, success_threshold`},
	{name: "checks: misspelt section",
		src:  "steps:\n  - {name: a, run: b}\nhealth_checks:\n  api: {url: \"http://h/\"}\n",
		want: `eightfold.yaml:3:1: unknown key "health_checks" (did you mean "checks"?); allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci`},
	{name: "monitor interval below 1s",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  interval: 500ms\n",
		want: `eightfold.yaml:4:13: monitor.interval: "500ms" is below the minimum of 1s; checking more often than every second loads the app for nothing; expected at least 1s, such as 30s (the default)`},
	{name: "monitor interval a fraction of a second",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  interval: 0.5s\n",
		want: `eightfold.yaml:4:13: monitor.interval: "0.5s" is below the minimum of 1s; checking more often than every second loads the app for nothing; expected at least 1s, such as 30s (the default)`},
	{name: "monitor failure_threshold zero",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  failure_threshold: 0\n",
		want: `eightfold.yaml:4:22: monitor.failure_threshold: 0 is out of range; expected a number of consecutive failures from 1 to 100, such as 3`},
	{name: "monitor success_threshold above 100",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  success_threshold: 1000\n",
		want: `eightfold.yaml:4:22: monitor.success_threshold: 1000 is out of range; expected a number of consecutive successes from 1 to 100, such as 2`},
	{name: "retention raw above the default hourly", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  retention: {raw: 2400h}\n",
		want: `eightfold.yaml:4:20: monitor.retention.raw: "2400h" is longer than monitor.retention.hourly (2160h, the default); the hourly roll-ups are made from the raw results, so keep raw results at most as long, such as 168h (the default)`},
	{name: "retention hourly below the default raw", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  retention: {hourly: 24h}\n",
		want: `eightfold.yaml:4:23: monitor.retention.hourly: "24h" is shorter than monitor.retention.raw (168h, the default); the hourly roll-ups are made from the raw results, so keep them at least as long, such as 2160h (the default)`},
	{name: "retention raw above hourly", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  retention: {raw: 720h, hourly: 168h}\n",
		want: `eightfold.yaml:4:20: monitor.retention.raw: "720h" is longer than monitor.retention.hourly (168h); the hourly roll-ups are made from the raw results, so keep raw results at most as long, such as 168h (the default)`},
	{name: "retention in days",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  retention: {raw: 7d}\n",
		want: `eightfold.yaml:4:20: monitor.retention.raw: "7d" is not a duration; expected a Go duration such as 168h, 720h or 2160h (a Go duration has no d unit: write 168h for 7 days)`},
	{name: "retention is a duration",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  retention: 168h\n",
		want: `eightfold.yaml:4:14: monitor.retention: expected a mapping of retention settings (keys: raw, hourly), such as {raw: 168h, hourly: 2160h}, got a string`},
	{name: "retention key habit",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  retention: {rollups: 2160h}\n",
		want: `eightfold.yaml:4:15: monitor.retention: unknown key "rollups" (did you mean "hourly"?); allowed keys: raw, hourly`},
	{name: "monitor: misspelt key",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  auto_card: true\n",
		want: `eightfold.yaml:4:3: monitor: unknown key "auto_card" (did you mean "auto_cards"?); allowed keys: interval, failure_threshold, success_threshold, retention, auto_cards`},
	{name: "monitor: misspelt section",
		src:  "steps:\n  - {name: a, run: b}\nmonitoring:\n  interval: 10s\n",
		want: `eightfold.yaml:3:1: unknown key "monitoring" (did you mean "monitor"?); allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci`},
	{name: "auto_cards is yes",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n  auto_cards: yes\n",
		want: `eightfold.yaml:4:15: monitor.auto_cards: expected true or false, got a string; write true (yes and on are text in YAML 1.2)`},
	{name: "monitor left empty",
		src:  "steps:\n  - {name: a, run: b}\nmonitor:\n",
		want: `eightfold.yaml:3:1: monitor: expected a mapping of monitor settings (keys: interval, failure_threshold, success_threshold, retention, auto_cards), got nothing (null)`},
	{name: "steps is a mapping",
		src:  "steps:\n  name: test\n  run: make test\n",
		want: `eightfold.yaml:2:3: steps: expected a list of steps, got a mapping`},
	{name: "steps left empty",
		src:  "steps:\nenv: {A: b}\n",
		want: `eightfold.yaml:1:1: steps: expected a list of steps, got nothing (null)`},
	{name: "no steps",
		src:  "steps: []\n",
		want: `eightfold.yaml:1:8: steps: expected at least one step, got an empty list`},
	{name: "missing steps",
		src:  "env:\n  A: b\n",
		want: `eightfold.yaml:1:1: missing key "steps"; expected a list of steps, each with a name and a run command`},
	{name: "step is a string",
		src:  "steps:\n  - go test ./...\n",
		want: `eightfold.yaml:2:5: steps[0]: expected a step: a mapping with at least name and run, got a string`},
	{name: "step left out",
		src:  "steps:\n  -\n  - {name: b, run: c}\n",
		want: `eightfold.yaml:2:3: steps[0]: expected a step: a mapping with at least name and run, got nothing (null)`},
	{name: "missing name and run",
		src: "steps:\n  - timeout: 1m\n",
		want: "eightfold.yaml:2:5: steps[0]: missing key \"name\"; every step needs a name and a run command\n" +
			`eightfold.yaml:2:5: steps[0]: missing key "run"; every step needs a name and a run command`},
	{name: "duplicate step name", loaderOnly: true,
		src:  "steps:\n  - name: test\n    run: a\n  - name: test\n    run: b\n",
		want: `eightfold.yaml:4:11: steps[1].name: duplicate step name "test" (first used at line 2, column 11); step names must be unique`},
	{name: "empty run",
		src:  "steps:\n  - name: test\n    run: \"  \"\n",
		want: `eightfold.yaml:3:10: steps[0].run: the command is empty; expected a shell command line such as: go test ./...`},
	{name: "run is a boolean",
		src:  "steps:\n  - name: test\n    run: true\n",
		want: `eightfold.yaml:3:10: steps[0].run: expected a command line (a string), got a boolean; to use it as text, put it in quotes: "true"`},
	{name: "run is a list",
		src:  "steps:\n  - name: test\n    run: [make, make test]\n",
		want: `eightfold.yaml:3:10: steps[0].run: expected a command line (a string), got a list`},
	{name: "bad step name",
		src:  "steps:\n  - name: unit tests\n    run: make test\n",
		want: `eightfold.yaml:2:11: steps[0].name: "unit tests" is not a valid step name; use only letters, digits, '.', '_' and '-'`},
	{name: "bad report",
		src:  "steps:\n  - name: test\n    run: make test\n    report: junit\n",
		want: `eightfold.yaml:4:13: steps[0].report: "junit" is not a report format; expected go-test-json, tap or junit:<glob> (such as junit:reports/*.xml)`},
	{name: "junit outside the repository",
		src:  "steps:\n  - name: test\n    run: make test\n    report: junit:../out/*.xml\n",
		want: `eightfold.yaml:4:13: steps[0].report: "junit:../out/*.xml": the JUnit files leaves the repository (..); expected a path or glob relative to the repository root`},
	{name: "absolute artifact",
		src:  "steps:\n  - name: build\n    run: make\n    artifacts:\n      - bin/app\n      - /usr/local/bin/app\n",
		want: `eightfold.yaml:6:9: steps[0].artifacts[1]: "/usr/local/bin/app" is an absolute path; expected a path or glob relative to the repository root`},
	{name: "bad artifact glob", loaderOnly: true,
		src:  "steps:\n  - name: build\n    run: make\n    artifacts: [\"dist/[a\"]\n",
		want: `eightfold.yaml:4:17: steps[0].artifacts[0]: "dist/[a" is not a valid glob (syntax error in pattern); expected a path or glob relative to the repository root`},
	{name: "artifacts is a string",
		src:  "steps:\n  - name: build\n    run: make\n    artifacts: bin/app\n",
		want: `eightfold.yaml:4:16: steps[0].artifacts: expected a list of paths or globs relative to the repository root, got a string`},
	{name: "env value is a list",
		src:  "env:\n  PATHS: [a, b]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:10: env.PATHS: expected a string, number or boolean, got a list`},
	{name: "env value left out",
		src:  "steps:\n  - name: test\n    run: make test\n    env:\n      TOKEN:\n",
		want: `eightfold.yaml:5:7: steps[0].env.TOKEN: expected a string, number or boolean, got nothing (null); write TOKEN: "" for an empty value`},
	{name: "bad env name",
		src:  "env:\n  2FAST: yes\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:2:3: env.2FAST: "2FAST" is not a valid variable name; use letters, digits and '_', not starting with a digit`},
	{name: "env is a list",
		src:  "env: [A=b]\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:6: env: expected a mapping of NAME: value, got a list`},
	{name: "bad size",
		src:  "log_limit: 50 megabytes\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:12: log_limit: "50 megabytes" is not a size; expected a size in bytes: an integer, or a string such as 512KiB, 50MiB or 1GB`},
	{name: "zero size",
		src:  "steps:\n  - {name: test, run: make test, log_limit: 0}\n",
		want: `eightfold.yaml:2:45: steps[0].log_limit: 0 is not positive; expected at least 1 byte, such as 50MiB`},
	{name: "size too large", loaderOnly: true,
		src:  "log_limit: 9EiB\nsteps:\n  - {name: test, run: make test}\n",
		want: `eightfold.yaml:1:12: log_limit: "9EiB" is too large; expected at most 8EiB`},
	{name: "list at top level",
		src:  "- name: test\n  run: make test\n",
		want: `eightfold.yaml:1:1: expected a mapping with a steps list (keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci), got a list`},
	{name: "string at top level",
		src:  "make test\n",
		want: `eightfold.yaml:1:1: expected a mapping with a steps list (keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci), got a string`},
	{name: "empty file",
		src:  "",
		want: `eightfold.yaml:1:1: the file is empty; expected a mapping with a steps list, such as: steps: [{name: test, run: make test}]`},
	{name: "only comments",
		src:  "# steps to come\n",
		want: `eightfold.yaml:1:1: the file is empty; expected a mapping with a steps list, such as: steps: [{name: test, run: make test}]`},
	{name: "two documents", loaderOnly: true,
		src:  "steps:\n  - {name: a, run: b}\n---\nsteps:\n  - {name: c, run: d}\n",
		want: `eightfold.yaml:4:1: a second YAML document; expected a single document (remove the extra ---)`},
	{name: "syntax error",
		src:  "steps: [\n  {name: a, run: b}\n",
		want: `eightfold.yaml:1:8: invalid YAML: sequence end token ']' not found`},
	{name: "bad indentation",
		src:  "steps:\n  - name: a\n   run: b\n",
		want: `eightfold.yaml:3:4: invalid YAML: value is not allowed in this context`},
	{name: "duplicate key",
		src:  "steps:\n  - name: a\n    run: b\n    run: c\n",
		want: `eightfold.yaml:4:5: duplicate key "run" (first defined at line 3, column 5); each key may appear once`},
	{name: "several problems in file order",
		src: "log_limit: lots\nsteps:\n  - name: a\n    run: b\n    timeout: soon\n    report: xml\n",
		want: "eightfold.yaml:1:12: log_limit: \"lots\" is not a size; expected a size in bytes: an integer, or a string such as 512KiB, 50MiB or 1GB\n" +
			"eightfold.yaml:5:14: steps[0].timeout: \"soon\" is not a duration; expected a Go duration such as 90s, 10m or 1h30m\n" +
			`eightfold.yaml:6:13: steps[0].report: "xml" is not a report format; expected go-test-json, tap or junit:<glob> (such as junit:reports/*.xml)`},
	{name: "undefined alias",
		src:  "steps:\n  - name: a\n    run: *cmd\n",
		want: `eightfold.yaml:3:10: steps[0].run: expected a command line (a string), got *cmd, an alias to an undefined anchor`},
	{name: "error inside an anchor points at the anchor",
		src: "x-env: &common\n  A: [1]\nsteps:\n  - name: a\n    run: b\n    env: *common\n",
		want: "eightfold.yaml:1:1: unknown key \"x-env\" (did you mean \"env\"?); allowed keys: env, log_limit, steps, watch, release, targets, checks, monitor, ci\n" +
			`eightfold.yaml:2:6: steps[0].env.A: expected a string, number or boolean, got a list`},
	{name: "retries without go test -json",
		src:  "steps:\n  - name: test\n    run: npm test\n    retries: 2\n",
		want: "eightfold.yaml:4:14: steps[0].retries: retries reruns the failed tests of `go test -json`; this step's report is not set: remove retries, or run go test -json ./... with report: go-test-json",
		// The schema cannot tell a go test -json command from another.
		loaderOnly: true},
	{name: "too many retries",
		src:  "steps:\n  - name: test\n    run: go test -json ./...\n    retries: 9\n",
		want: "eightfold.yaml:4:14: steps[0].retries: 9 retries is out of range; expected 0 to 5 (a test that needs more is broken, not flaky)"},
	{name: "retries as text",
		src:  "steps:\n  - name: test\n    run: go test -json ./...\n    retries: twice\n",
		want: "eightfold.yaml:4:14: steps[0].retries: expected a number of retries from 0 to 5, got a string"},
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range badConfigs {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"eightfold.yaml": tc.src})
			cfg, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", cfg)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			var first *Error
			if !errors.As(err, &first) || first != list[0] {
				t.Errorf("errors.As(*Error) = %v, want the first problem", first)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	src := `env:
  GOFLAGS: -mod=mod
  DEBUG: 1
log_limit: 10MiB
steps:
  - name: build
    run: go build -o bin/app ./cmd/app
    artifacts: [bin/app, "dist/*.tar.gz"]
    env: { CGO_ENABLED: "0" }
  - name: test
    run: |
      go vet ./...
      go test -json ./...
    timeout: 1h30m
    report: go-test-json
    log_limit: 1048576
  - name: e2e.junit
    run: npm run e2e
    report: junit:reports/*.xml
`
	dir := writeFiles(t, map[string]string{"eightfold.yaml": src})
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		File:        filepath.Join(dir, "eightfold.yaml"),
		Source:      "eightfold.yaml",
		Env:         map[string]string{"GOFLAGS": "-mod=mod", "DEBUG": "1"},
		LogLimit:    10 << 20,
		logLimitSet: true,
		Watch:       DefaultWatch(),
		Release:     DefaultRelease(),
		Targets:     map[string]Target{},
		Checks:      map[string]Check{},
		Monitor:     DefaultMonitor(),
		Steps: []Step{
			{Name: "build", Run: "go build -o bin/app ./cmd/app", Timeout: DefaultTimeout,
				Env: map[string]string{"CGO_ENABLED": "0"}, Artifacts: []string{"bin/app", "dist/*.tar.gz"},
				Origin: "eightfold.yaml:6:5"},
			{Name: "test", Run: "go vet ./...\ngo test -json ./...\n", Timeout: 90 * time.Minute, timeoutSet: true,
				Env: map[string]string{}, Report: "go-test-json", LogLimit: 1 << 20, Origin: "eightfold.yaml:10:5"},
			{Name: "e2e.junit", Run: "npm run e2e", Timeout: DefaultTimeout, Env: map[string]string{},
				Report: "junit:reports/*.xml", Origin: "eightfold.yaml:17:5"},
		},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", cfg, want)
	}
	if got := cfg.LogLimitFor(cfg.Steps[0]); got != 10<<20 {
		t.Errorf("LogLimitFor(build) = %d, want the project limit", got)
	}
	if got := cfg.LogLimitFor(cfg.Steps[1]); got != 1<<20 {
		t.Errorf("LogLimitFor(test) = %d, want the step limit", got)
	}
}

func TestParseWatch(t *testing.T) {
	tests := []struct {
		name, watch string
		want        Watch
	}{
		{"absent", "", DefaultWatch()},
		{"empty", "watch: {}\n", DefaultWatch()},
		{"every key", `watch:
  ignore: [tmp/, "*.log", "!keep.log"]
  debounce: 50ms
  max_wait: 2s
  on_change_while_running: queue
  affected: false
  poll: 1s
  auto: false
`, Watch{Ignore: []string{"tmp/", "*.log", "!keep.log"}, Debounce: 50 * time.Millisecond, MaxWait: 2 * time.Second,
			OnChange: OnChangeQueue, Poll: time.Second}},
		{"limits", "watch:\n  debounce: 5ms\n  max_wait: 5ms\n  poll: 100ms\n",
			Watch{Debounce: MinDebounce, MaxWait: MinDebounce, Poll: MinPoll, OnChange: OnChangeRestart, Affected: true, Auto: true}},
		{"max_wait above a long debounce", "watch:\n  debounce: 2s\n  max_wait: 1m\n",
			Watch{Debounce: 2 * time.Second, MaxWait: time.Minute, OnChange: OnChangeRestart, Affected: true, Auto: true}},
		{"ignore empty list", "watch: {ignore: []}\n", DefaultWatch()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: a, run: b}\n"+tc.watch))
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Watch
			got.set = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Watch:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}

	// A detected pipeline gets the defaults.
	cfg, err := Load(writeFiles(t, map[string]string{"go.mod": "module x\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Watch, DefaultWatch()) {
		t.Errorf("detected Watch = %+v, want the defaults", cfg.Watch)
	}
	if w := DefaultWatch(); w.Debounce != 25*time.Millisecond || w.MaxWait != 5*time.Second || MinDebounce != 5*time.Millisecond || MinPoll != 100*time.Millisecond {
		t.Errorf("defaults changed: %+v", w)
	}
}

func TestParseRelease(t *testing.T) {
	tests := []struct {
		name, release string
		want          Release
	}{
		{"absent", "", DefaultRelease()},
		{"empty", "release: {}\n", DefaultRelease()},
		{"every key", `release:
  initial: 1.0.0
  changelog_file: CHANGELOG.md
  skip_types: [chore, ci, wip]
  include_merges: true
  breaking_bumps_major: true
  features_bump_minor: true
`, Release{Initial: "1.0.0", ChangelogFile: "CHANGELOG.md", SkipTypes: []string{"chore", "ci", "wip"},
			IncludeMerges: true, BreakingBumpsMajor: true, FeaturesBumpMinor: true}},
		{"initial with v", "release: {initial: v0.0.1}\n", Release{Initial: "0.0.1"}},
		{"initial pre-release", "release: {initial: 1.0.0-rc.1+build.5}\n", Release{Initial: "1.0.0-rc.1+build.5"}},
		{"changelog_file in a folder", "release: {changelog_file: ./docs/CHANGELOG.md}\n", Release{Initial: DefaultInitial, ChangelogFile: "./docs/CHANGELOG.md"}},
		{"skip_types absent is nil", "release: {include_merges: false}\n", Release{Initial: DefaultInitial}},
		{"skip_types empty skips none", "release: {skip_types: []}\n", Release{Initial: DefaultInitial, SkipTypes: []string{}}},
		{"skip_types list", "release:\n  skip_types:\n    - docs\n    - chore-deps\n", Release{Initial: DefaultInitial, SkipTypes: []string{"docs", "chore-deps"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: a, run: b}\n"+tc.release))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Release, tc.want) {
				t.Errorf("Release:\n got %#v\nwant %#v", cfg.Release, tc.want)
			}
			if (cfg.Release.SkipTypes == nil) != (tc.want.SkipTypes == nil) {
				t.Errorf("SkipTypes nil = %v, want %v", cfg.Release.SkipTypes == nil, tc.want.SkipTypes == nil)
			}
		})
	}

	// A detected pipeline gets the defaults.
	cfg, err := Load(writeFiles(t, map[string]string{"go.mod": "module x\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Release, DefaultRelease()) {
		t.Errorf("detected Release = %#v, want the defaults", cfg.Release)
	}
	if r := DefaultRelease(); r.Initial != "0.1.0" || r.SkipTypes != nil || r.ChangelogFile != "" || r.IncludeMerges || r.BreakingBumpsMajor || r.FeaturesBumpMinor {
		t.Errorf("defaults changed: %#v", r)
	}
	if want := []string{"chore", "ci", "docs", "build", "test", "style"}; !reflect.DeepEqual(DefaultSkipTypes, want) {
		t.Errorf("DefaultSkipTypes = %q, want %q", DefaultSkipTypes, want)
	}
}

func TestDescribeRelease(t *testing.T) {
	const steps = "steps:\n  - {name: a, run: b}\n"
	tests := []struct{ name, release, want string }{
		{"defaults: not shown", "release: {initial: 0.1.0}\n", ""},
		{"skip none", "release: {skip_types: []}\n", `release:   initial:              0.1.0 (default)
           changelog_file:       none (default)
           skip_types:           none (every type counts)
           include_merges:       false (default)
           breaking_bumps_major: false (default)
           features_bump_minor:  false (default)
`},
		{"every key", "release:\n  initial: v1.0.0\n  changelog_file: CHANGELOG.md\n  skip_types: [chore, wip]\n  include_merges: true\n  breaking_bumps_major: true\n  features_bump_minor: true\n",
			`release:   initial:              1.0.0
           changelog_file:       CHANGELOG.md
           skip_types:           chore, wip
           include_merges:       true
           breaking_bumps_major: true
           features_bump_minor:  true
`},
		{"one key", "release: {changelog_file: CHANGELOG.md}\n", `release:   initial:              0.1.0 (default)
           changelog_file:       CHANGELOG.md
           skip_types:           chore, ci, docs, build, test, style (default)
           include_merges:       false (default)
           breaking_bumps_major: false (default)
           features_bump_minor:  false (default)
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("eightfold.yaml", []byte(steps+tc.release))
			if err != nil {
				t.Fatal(err)
			}
			text := cfg.Describe()
			got := ""
			if i := strings.Index(text, "release:"); i >= 0 {
				got = text[i:strings.Index(text, "steps:")]
			}
			if got != tc.want {
				t.Errorf("Describe release lines:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestDurationText(t *testing.T) {
	tests := map[time.Duration]string{
		30 * time.Minute:               "30m",
		90 * time.Minute:               "1h30m",
		time.Hour:                      "1h",
		2*time.Minute + 10*time.Second: "2m10s",
		90 * time.Second:               "1m30s",
		5 * time.Millisecond:           "5ms",
		100 * time.Millisecond:         "100ms",
		1500 * time.Millisecond:        "1.5s",
		time.Hour + 10*time.Second:     "1h0m10s",
		3*time.Hour + 20*time.Minute:   "3h20m",
	}
	for d, want := range tests {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseYAMLFeatures(t *testing.T) {
	// Anchors, merge keys and tags work wherever the format allows a value.
	src := `env: &common
  GOFLAGS: -mod=mod
  CI: true
steps:
  - name: test
    run: !!str 42
    env: {<<: [*common], CI: "false", N: 7}
`
	cfg, err := Parse("eightfold.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	wantEnv := map[string]string{"GOFLAGS": "-mod=mod", "CI": "false", "N": "7"}
	if got := cfg.Steps[0].Env; !reflect.DeepEqual(got, wantEnv) {
		t.Errorf("step env = %v, want %v", got, wantEnv)
	}
	if got := cfg.Steps[0].Run; got != "42" {
		t.Errorf("run = %q, want the !!str tagged text", got)
	}
	if cfg.Steps[0].Origin != "eightfold.yml:5:5" || cfg.Source != "eightfold.yml" {
		t.Errorf("origin %q, source %q: want the .yml name", cfg.Steps[0].Origin, cfg.Source)
	}

	// A byte order mark, as some editors write, is not part of the first key.
	if _, err := Parse("eightfold.yaml", []byte("\ufeffsteps:\n  - {name: a, run: b}\n")); err != nil {
		t.Errorf("file starting with a byte order mark: %v", err)
	}
}

func TestLoadFindsFile(t *testing.T) {
	const valid = "steps:\n  - {name: test, run: make test}\n"
	tests := []struct {
		name       string
		files      map[string]string
		wantSource string
		wantErr    string
	}{
		{"yaml", map[string]string{"eightfold.yaml": valid, "go.mod": "module x\n"}, "eightfold.yaml", ""},
		{"yml", map[string]string{"eightfold.yml": valid}, "eightfold.yml", ""},
		{"both", map[string]string{"eightfold.yaml": valid, "eightfold.yml": valid}, "", "both eightfold.yaml and eightfold.yml exist"},
		{"a directory", map[string]string{"eightfold.yaml/x": ""}, "", "is a directory"},
		{"none: detected", map[string]string{"go.mod": "module x\n"}, "detected from go.mod", ""},
		{"nothing at all", map[string]string{"README.md": "hi\n"}, "", "no pipeline detected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeFiles(t, tc.files))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Source != tc.wantSource {
				t.Errorf("Source = %q, want %q", cfg.Source, tc.wantSource)
			}
			if (cfg.File == "") != strings.HasPrefix(tc.wantSource, "detected") {
				t.Errorf("File = %q for source %q", cfg.File, cfg.Source)
			}
		})
	}
}

func TestDescribeGolden(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"file", map[string]string{"eightfold.yaml": `# A pipeline using every key.
env:
  GOFLAGS: -mod=mod
  GREETING: hello world
log_limit: 10MiB
steps:
  - name: build
    run: go build -o bin/app ./cmd/app
    artifacts: [bin/app]
    env: { CGO_ENABLED: 0 }
  - name: test
    run: |
      go vet ./...
      go test -json ./...
    timeout: 10m
    report: go-test-json
    log_limit: 100MiB
watch:
  ignore: [tmp/, "*.log", "my notes.txt"]
  debounce: 50ms
  on_change_while_running: queue
  poll: 1s
  auto: false
`}},
		{"targets", map[string]string{"eightfold.yaml": `# Targets: described compactly, secrets by name only.
steps:
  - {name: build, run: go build -o bin/app ., artifacts: [bin/app]}
targets:
  staging:
    ssh: deploy@203.0.113.10:22
    identity: ~/.ssh/id_ed25519
    jump: ops@bastion.example.com:2222
    path: /srv/app
    start: systemctl --user restart app
    logs: journalctl --user -u app -n 200 --no-pager
    health:
      url: http://127.0.0.1:8080/healthz
      json: {field: status, equals: ok}
      max_time: 500ms
    env: {APP_ENV: staging, GREETING: hello world}
    secrets: [DATABASE_URL, API_TOKEN]
    secrets_file: /etc/app/staging.env
    before_switch: ./current/app migrate
    shared: [storage/, .env]
  production:
    ssh: deploy@198.51.100.7
    path: /srv/app
    start: |
      systemctl --user restart app
      systemctl --user is-active app
    stop: systemctl --user stop app
    health: {url: "http://127.0.0.1:8080/healthz", status: 204, body: ok, deadline: 1m}
    keep: 10
    promote_from: staging
    candidate_port: 8081
  demo:
    local: true
    path: /var/tmp/demo-deploy
  fleet:
    hosts:
      - deploy@10.0.0.1
      - {ssh: deploy@10.0.0.2:2222, path: /opt/app, env: {REGION: eu}, health_url: "http://{host}:9090/healthz"}
      - deploy@10.0.0.3
    parallel: 2
    identity: ~/.ssh/id_ed25519
    path: /srv/app
    start: systemctl --user restart app
    health: {url: "http://{host}:8080/healthz"}
`}},
		{"monitor", map[string]string{"eightfold.yaml": `# Monitoring: non-default monitor settings, then the extra checks compactly.
steps:
  - {name: test, run: go test ./...}
targets:
  staging: {ssh: deploy@203.0.113.10, path: /srv/app, health: {url: "http://127.0.0.1:8080/healthz"}}
monitor:
  interval: 10s
  failure_threshold: 5
  retention: {raw: 72h}
  auto_cards: true
checks:
  api:
    url: https://api.example.com/healthz
    json: {field: status, equals: ok}
    max_time: 800ms
  docs: {url: "https://docs.example.com/", status: 301, body: Moved, timeout: 2s, interval: 5m, failure_threshold: 1, success_threshold: 1}
`}},
		{"detected-go", map[string]string{"go.mod": "module x\n", "Makefile": "all:\n\tgo build\n"}},
		{"detected-pnpm", map[string]string{"pnpm-lock.yaml": "", "package.json": `{"scripts": {"build": "vite build", "test": "vitest run"}}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeFiles(t, tc.files))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "describe", tc.name+".golden"), cfg.Describe())
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ word, want string }{
		{"timout", "timeout"},
		{"Name", "name"},
		{"artefacts", "artifacts"},
		{"loglimit", "log_limit"},
		{"bogus", ""},
		{"x", ""},
	}
	for _, tc := range tests {
		t.Run(tc.word, func(t *testing.T) {
			if got := suggest(tc.word, stepKeys); got != tc.want {
				t.Errorf("suggest(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
}

func TestGoTestJSONIsDetected(t *testing.T) {
	for cmd, want := range map[string]bool{
		"go test -json ./...":                      true,
		"go test -race -json -count=1 ./...":       true,
		"CGO_ENABLED=0 go test --json ./pkg/...":   true,
		"go vet ./... && go test -json=true ./...": true,
		"go test ./...":                            false,
		"go test -v ./... | tee out.json":          false,
		"go test ./... ; echo -json":               false,
		"gotestsum --jsonfile x.json":              false,
	} {
		if got := IsGoTestJSON(cmd); got != want {
			t.Errorf("IsGoTestJSON(%q) = %v, want %v", cmd, got, want)
		}
	}
	dir := writeFiles(t, map[string]string{"eightfold.yaml": "steps:\n  - {name: test, run: go test -race -json ./..., retries: 2}\n  - {name: tap, run: go test -json ./... | tap, report: tap}\n"})
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Steps[0]; s.Report != ReportGoTestJSON || s.Retries != 2 {
		t.Errorf("step %+v: want report go-test-json detected, 2 retries", s)
	}
	if s := cfg.Steps[1]; s.Report != ReportTAP {
		t.Errorf("an explicit report was replaced: %+v", s)
	}
}

func TestReportFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{"eightfold.yaml": "steps:\n  - {name: a, run: x, report: 'junit:./reports/**/*.xml'}\n  - {name: b, run: go test -json ./...}\n  - {name: c, run: y, report: junit:out.xml}\n"})
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.ReportFiles(), []string{"/reports/**/*.xml", "/out.xml"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
