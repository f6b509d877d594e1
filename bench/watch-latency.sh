#!/usr/bin/env bash
# Save-to-start latency of eightfold watch and its peers (entr, air, gotestsum --watch): how long
# from saving a file to the moment the watched command runs.
#
# Every tool watches its own copy of the same small Go module (a git repository) and runs the
# same command, `date +%s%N >> marker` (marker is ignored by each; see bench/watch-lib.sh for
# the exact command lines and what "ready" means for each tool). A save is: take time_ns, then
# open, write and close the trigger file (trigger.txt; trigger.go for gotestsum, which reacts to
# .go files only). The helper polls the marker every 1 ms (up to 5 s) for the next line:
# latency = that line's nanosecond stamp - the save's stamp, on the same clock. After each run it
# waits GAP_MS (300 ms) so that every save is a burst of its own, and counts any extra lines
# (more than one run for one save).
#
# ROUNDS rounds (default 5), each of SAVES counted saves (default 10) per tool after WARMUP
# uncounted ones (default 2): every tool is started fresh in every round, in a tool order that
# rotates each round, so a drift in the machine's load hits every tool alike. Prints a markdown
# table: p50, p95 (inclusive interpolation), min–max, extra runs and missed saves per tool, and
# each peer's p50 and p95 as a ratio to eightfold's; then where eightfold's latency goes, from the
# runs it recorded (save → run started → step started → the command's line).
# No timing assertions: it measures, it does not judge.
#
# Usage: bench/watch-latency.sh BIN     e.g. bench/watch-latency.sh /tmp/eightfold-watchbench
#        ROUNDS=5 SAVES=10 WARMUP=2 GAP_MS=300 TOOLS="eightfold entr" bench/watch-latency.sh BIN
# Needs: git, setsid, ps, /usr/bin/python3, and for the peers entr (apt-get install -y entr),
# air (go install github.com/air-verse/air@v1.67.4), gotestsum
# (go install gotest.tools/gotestsum@v1.13.0), found on PATH or in $(go env GOPATH)/bin.
# Writes only to a temp dir; every process it starts is stopped at the end, also on Ctrl+C.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$bench_dir/watch-lib.sh"

bench_bin "$@"
rounds=${ROUNDS:-5}
saves=${SAVES:-10}
warmup=${WARMUP:-2}
gap=${GAP_MS:-300}
watch_setup latency
saves_one() { bw latency "$marker" "$trigger" "$kind" "$saves" "$warmup" "$gap" "$samples" "$1" "$tmp/$1-$2/stamps"; }
saves_one_history() { bw breakdown "$tmp/eightfold-$1/stamps" "$tmp/ef-$1.json" "$samples" eightfold; }
watch_rounds "$rounds" saves_one

p50() { bt percentile "$samples" "$1" 50; }
p95() { bt percentile "$samples" "$1" 95; }
echo
echo "Watch latency (save → command starts): $started; $(machine); load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "$rounds rounds × $saves saves per tool (after $warmup warm-up saves each round), $gap ms after each run; BIN=$bin"
echo "$(watch_versions)"
echo
echo "| tool | saves | p50 | p95 | min–max | p50 / eightfold's | p95 / eightfold's | extra runs | saves with no run in 5 s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for label in $tools; do
	n=$(bt count "$samples" "$label")
	miss=$(bt count "$samples" "$label/miss")
	extra=$(bt sum "$samples" "$label/extra")
	if ((n == 0)); then
		printf '| %s | 0 | – | – | – | – | – | %s | %s |\n' "$label" "$extra" "$miss"
		continue
	fi
	r50=– r95=–
	if [[ $label != eightfold && " $tools " == *" eightfold "* ]] && (($(bt count "$samples" eightfold))); then
		r50="$(bt ratio "$(p50 "$label")" "$(p50 eightfold)")×"
		r95="$(bt ratio "$(p95 "$label")" "$(p95 eightfold)")×"
	fi
	printf '| %s | %s | **%s ms** | %s ms | %s ms | %s | %s | %s | %s |\n' "$label" "$n" "$(p50 "$label")" \
		"$(p95 "$label")" "$(bt range "$samples" "$label")" "$r50" "$r95" "$extra" "$miss"
done
echo
echo "Commands (each run in its copy of the repository):"
echo
for label in $tools; do echo "- $label: \`$(watch_cmd "$label")\`"; done
if ((${#efjson[@]})); then
	echo
	echo "eightfold's own record (\`history --json\`, all rounds): $(bw history-summary "${efjson[@]}")"
	echo
	echo "Where eightfold's latency goes (each save matched to its run in \`history --json\`; started_at has millisecond precision):"
	echo
	echo "| part | p50 | p95 |"
	echo "|---|---:|---:|"
	for part in "run:save → the run's started_at (inotify, the 25 ms debounce, reading eightfold.yaml)" \
		"step:run started_at → its step's started_at (creating the run in SQLite)" "cmd:step started_at → \`date\` ran (recording the step's start, spawning sh, sh starting date)"; do
		printf '| %s | %s ms | %s ms |\n' "${part#*:}" "$(p50 "eightfold/${part%%:*}")" "$(p95 "eightfold/${part%%:*}")"
	done
fi
