# Shared by bench/watch-latency.sh and bench/watch-burst.sh: the fixture and how each watcher is
# started. Source it after bench/lib.sh:  . "$bench_dir/watch-lib.sh"
#
#   watch_need               PATH gets $(go env GOPATH)/bin (where `go install` puts air and
#                            gotestsum); exit 2 unless every tool in $tools is there.
#   watch_fixture            builds $tmp/fixture: a small Go module (package greet with a test,
#                            package main), trigger.txt, trigger.go, .gitignore (`marker`) and
#                            eightfold.yaml, committed in a git repository.
#   watch_start LABEL ROUND  copies the fixture to $tmp/LABEL-ROUND/repo, starts LABEL's watcher
#                            there (bench_start) and waits until it is ready, then SETTLE_MS more
#                            (default 1000). Sets repo, marker, trigger, kind (text|go), home
#                            (eightfold's data dir), log and started_pid.
#   watch_cmd LABEL          the exact command line used for LABEL (for the tables).
#   bw MODE ARGS...          bench/watch.py (see its docstring).
#
# The tools, all running the same command, `date +%s%N >> marker`, in the repository:
#   eightfold  BIN watch --dir REPO --home HOME, eightfold.yaml:
#              steps: [{name: mark, run: "date +%s%N >> marker"}]; defaults (debounce 25ms);
#              marker is in .gitignore. Trigger: trigger.txt. Ready: its start run wrote a line.
#   entr       entr -n sh -c 'date +%s%N >> marker' < FILES, FILES listing trigger.txt alone (entr
#              watches exactly the files it is given, so marker is not watched). Defaults. Ready:
#              its first run (entr runs the command once at start) wrote a line.
#   air        air -c AIR.toml: root REPO, build.cmd the command, build.entrypoint /bin/true (the
#              "app" air starts after each build exits at once), include_ext [txt], exclude_file
#              [marker], tmp_dir outside the repository; air's default build.delay (1000 ms).
#              Trigger: trigger.txt. Ready: its first build wrote a line.
#   air-25     the same with build.delay = 25 (eightfold's debounce). air reads delay = 0 as "unset"
#              and uses 1000, so 0 cannot be measured through the config file.
#   gotestsum  gotestsum --watch --raw-command -- sh -c 'date +%s%N >> marker': in watch mode it
#              reacts to .go files only, so the trigger is trigger.go (a valid file of package
#              main); --raw-command makes it run exactly the command instead of `go test`, so the
#              figure is its own reaction time, not go's build time. It runs nothing at start;
#              ready: it printed "Watching".

tools=${TOOLS:-eightfold entr air air-25 gotestsum}
watch_run='date +%s%N >> marker'

bw() { "$py" "$bench_dir/watch.py" "$@"; }

watch_need() {
	local t
	if command -v go >/dev/null; then PATH="$PATH:$(go env GOPATH)/bin"; fi
	need_hint="entr: apt-get install -y entr; air: go install github.com/air-verse/air@v1.67.4; gotestsum: go install gotest.tools/gotestsum@v1.13.0"
	bench_need git sh setsid ps awk "$py"
	for t in $tools; do
		case $t in
		eightfold) ;;
		entr | gotestsum) bench_need "$t" ;;
		air | air-25) bench_need air ;;
		*) echo "$0: unknown tool $t in TOOLS (known: eightfold entr air air-25 gotestsum)" >&2; exit 2 ;;
		esac
	done
}

# One line naming each tool's version, for the report.
watch_versions() {
	local t v=()
	for t in $tools; do
		case $t in
		eightfold) v+=("eightfold: $("$bin" version)") ;;
		entr) v+=("entr: $(entr 2>&1 | sed -n 's/^release: //p') (Debian)") ;;
		air) v+=("air: $(air -v 2>&1 | grep -o 'v[0-9][0-9.]*' | head -1)") ;;
		gotestsum) v+=("gotestsum: $(gotestsum --version 2>&1 | awk '{print $NF}')") ;;
		esac
	done
	local IFS=';'
	echo "${v[*]}" | sed 's/;/; /g'
}

watch_fixture() {
	local f=$tmp/fixture
	mkdir -p "$f/greet"
	printf 'module example.com/watchbench\n\ngo 1.22\n' >"$f/go.mod"
	cat >"$f/greet/greet.go" <<'EOF'
// Package greet says hello.
package greet

// Hello greets name.
func Hello(name string) string { return "Hello, " + name + "!" }
EOF
	cat >"$f/greet/greet_test.go" <<'EOF'
package greet

import "testing"

func TestHello(t *testing.T) {
	if got := Hello("Ann"); got != "Hello, Ann!" {
		t.Fatalf("Hello = %q", got)
	}
}
EOF
	cat >"$f/main.go" <<'EOF'
package main

import (
	"fmt"

	"example.com/watchbench/greet"
)

func main() { fmt.Println(greet.Hello("world")) }
EOF
	printf 'package main\n\n// saved by bench/watch.py\n' >"$f/trigger.go"
	echo 'nothing yet' >"$f/trigger.txt"
	printf 'marker\n' >"$f/.gitignore"
	cat >"$f/eightfold.yaml" <<'EOF'
steps: [{name: mark, run: "date +%s%N >> marker"}]
EOF
	commit_fixture "$f"
}

watch_cmd() {
	case $1 in
	eightfold) echo "BIN watch --dir REPO --home HOME  (eightfold.yaml: steps: [{name: mark, run: \"$watch_run\"}])" ;;
	entr) echo "echo trigger.txt | entr -n sh -c '$watch_run'" ;;
	air) echo "air -c AIR.toml  (build.cmd = \"$watch_run\", entrypoint /bin/true, include_ext [txt], exclude_file [marker]; delay: default 1000 ms)" ;;
	air-25) echo "air -c AIR.toml  (the same, build.delay = 25)" ;;
	gotestsum) echo "gotestsum --watch --raw-command -- sh -c '$watch_run'  (trigger: trigger.go)" ;;
	esac
}

watch_air_toml() { # FILE ROOT TMPDIR [DELAY]
	{
		echo "root = \"$2\""
		echo "tmp_dir = \"$3\""
		echo "[build]"
		echo "cmd = \"$watch_run\""
		echo 'entrypoint = ["/bin/true"]'
		echo 'include_ext = ["txt"]'
		echo 'exclude_dir = ["tmp"]'
		echo 'exclude_file = ["marker"]'
		[[ -z ${4:-} ]] || echo "delay = $4"
		echo "[misc]"
		echo "clean_on_exit = true"
	} >"$1"
}

watch_start() {
	local label=$1 round=$2 w=$tmp/$1-$2
	mkdir -p "$w"
	cp -a "$tmp/fixture" "$w/repo"
	repo=$w/repo marker=$w/repo/marker trigger=$w/repo/trigger.txt kind=text home=$w/home log=$w/log
	case $label in
	eightfold)
		bench_start "$repo" "$log" "$bin" watch --dir "$repo" --home "$home" ;;
	entr)
		echo trigger.txt >"$w/files"
		bench_start "$repo" "$log" sh -c 'exec entr -n sh -c "$1" <"$2"' sh "$watch_run" "$w/files" ;;
	air | air-25)
		watch_air_toml "$w/air.toml" "$repo" "$w/airtmp" "$([[ $label == air-25 ]] && echo 25)"
		bench_start "$repo" "$log" air -c "$w/air.toml" ;;
	gotestsum)
		trigger=$repo/trigger.go kind=go
		bench_start "$repo" "$log" gotestsum --watch --raw-command -- sh -c "$watch_run" ;;
	esac
	if [[ $label == gotestsum ]]; then
		bw wait-text "$log" Watching 30
	else
		bw wait-lines "$marker" 1 30 || { cat "$log" >&2; exit 1; }
	fi
	sleep "$(bt ratio "${SETTLE_MS:-1000}" 1000)"
}

# watch_rounds N EACH: runs every tool in $tools N times, each started fresh (watch_start) in
# an order that rotates every round, and calls EACH LABEL ROUND while it runs. For eightfold
# its history is then kept as $tmp/ef-ROUND.json (listed in efjson) and, when the script
# defines a function EACH_history, that is called with the round. The tool is stopped after.
watch_rounds() {
	local n=$1 each=$2 r k label order
	read -ra order <<<"$tools"
	efjson=()
	for ((r = 0; r < n; r++)); do
		echo "round $((r + 1))/$n" >&2
		for ((k = 0; k < ${#order[@]}; k++)); do
			label=${order[(k + r) % ${#order[@]}]}
			watch_start "$label" "$r"
			"$each" "$label" "$r"
			if [[ $label == eightfold ]]; then
				"$bin" history --dir "$repo" --home "$home" --json --limit 10000 >"$tmp/ef-$r.json"
				efjson+=("$tmp/ef-$r.json")
				if [[ $(type -t "${each}_history") == function ]]; then "${each}_history" "$r"; fi
			fi
			bench_stop "$started_pid"
		done
	done
}

# watch_setup NAME: checks the tools, makes the temp dir and the fixture repository, and sets
# samples ($tmp/NAME.tsv, empty), load_before and started for the report.
watch_setup() {
	watch_need
	bench_tmp
	watch_fixture
	samples=$tmp/$1.tsv
	: >"$samples"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	started=$(date -u '+%Y-%m-%d %H:%M UTC')
}
