#!/usr/bin/env bash
# Runs per burst: how many times eightfold watch and its peers (entr, air, gotestsum --watch) run
# the command for one burst of 1,000 saves of the same file. The goal for eightfold is exactly 1.
#
# Same fixture, tools and command as bench/watch-latency.sh (see bench/watch-lib.sh). A burst is a
# Python loop that opens, writes and closes the trigger file WRITES times (default 1000) as fast as
# it can (trigger.txt; trigger.go for gotestsum); then it waits WAIT_S (default 3 s) and counts the
# new marker lines, one per run whose command actually started. BURSTS bursts per tool (default
# 5), each with the tool started fresh, in a tool order that rotates every burst.
# Also reported: how long the writes took, the longest pause between two writes (a pause longer
# than a tool's quiet window may honestly split a burst), and the first run's start measured from
# the last write (negative: the tool started before the burst was over).
# For eightfold, its own record of the runs (`history --json`: trigger and status) is listed too,
# since a run cancelled by a newer change may stop before its command wrote the marker.
# No timing assertions: it measures, it does not judge.
#
# Usage: bench/watch-burst.sh BIN      e.g. bench/watch-burst.sh /tmp/eightfold-watchbench
#        BURSTS=5 WRITES=1000 WAIT_S=3 TOOLS="eightfold entr" bench/watch-burst.sh BIN
# Needs: as bench/watch-latency.sh. Writes only to a temp dir; every process it starts is stopped
# at the end, also on Ctrl+C.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$bench_dir/watch-lib.sh"

bench_bin "$@"
bursts=${BURSTS:-5}
writes=${WRITES:-1000}
wait_s=${WAIT_S:-3}
watch_setup burst
burst_one() { bw burst "$marker" "$trigger" "$kind" "$writes" 1 "$wait_s" "$samples" "$1"; }
watch_rounds "$bursts" burst_one

echo
echo "Watch bursts ($writes writes, then $wait_s s): $started; $(machine); load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "$bursts bursts per tool, each tool started fresh for each; BIN=$bin"
echo "$(watch_versions)"
echo
echo "| tool | runs per burst: median | each burst | writes took (median) | longest pause between writes (max) | first run after the last write (median) |"
echo "|---|---:|---|---:|---:|---:|"
for label in $tools; do
	first=–
	(($(bt count "$samples" "$label/first"))) && first="$(bt median "$samples" "$label/first") ms"
	printf '| %s | **%s** | %s | %s ms | %s ms | %s |\n' "$label" "$(bt median "$samples" "$label" | sed 's/\.0$//')" \
		"$(bt values "$samples" "$label")" "$(bt median "$samples" "$label/ms")" \
		"$(bt range "$samples" "$label/gap" | sed 's/.*–//')" "$first"
done
echo
echo "Commands (each run in its copy of the repository):"
echo
for label in $tools; do echo "- $label: \`$(watch_cmd "$label")\`"; done
if ((${#efjson[@]})); then
	echo
	echo "eightfold's own record (\`history --json\`, all bursts, including each start run): $(bw history-summary "${efjson[@]}")"
fi
