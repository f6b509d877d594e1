#!/usr/bin/env bash
# Runs per `git checkout`: how many runs eightfold watch starts for one checkout between two
# branches that differ in FILES files (default 10,000, in 100 directories). The goal is exactly 1
# at the defaults (debounce 25 ms, max_wait 5 s).
#
# The fixture is the watch fixture of bench/watch-lib.sh (eightfold.yaml runs
# `date +%s%N >> marker`) plus files/dNN/fNNNNN.txt on two branches, a and b, with different
# contents in every one of them. `eightfold watch` runs in it; then CHECKOUTS checkouts
# (default 10) alternate between the branches. After each, the script waits WAIT_S (default 3 s)
# and counts the new marker lines, one per run whose command ran. Eightfold's own record
# (`history --json`: trigger and status) is listed too, since a run cancelled by a later part of
# the same checkout may stop before its command wrote the marker.
# No timing assertions: it measures, it does not judge.
#
# Usage: bench/watch-checkout.sh BIN      e.g. bench/watch-checkout.sh /tmp/eightfold-watchbench
#        CHECKOUTS=10 FILES=10000 WAIT_S=3 bench/watch-checkout.sh BIN
# Needs: git, sh, setsid, ps, awk, /usr/bin/python3. Writes only to a temp dir; the watcher it
# starts is stopped at the end, also on Ctrl+C.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TOOLS=eightfold
. "$bench_dir/watch-lib.sh"

bench_bin "$@"
checkouts=${CHECKOUTS:-10}
files=${FILES:-10000}
wait_s=${WAIT_S:-3}
watch_setup checkout

# Two branches differing in every file: written by Python (much faster than a shell loop).
write_files() { # ROOT CONTENT
	"$py" - "$1" "$files" "$2" <<'PY'
import os, sys
root, n, content = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    d = os.path.join(root, "files", "d%02d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "w") as f:
        f.write(content + "\n")
PY
}
g() { git -C "$repo" -c user.name=bench -c user.email=bench@example.com "$@"; }
repo=$tmp/repo home=$tmp/home marker=$tmp/repo/marker log=$tmp/log
cp -a "$tmp/fixture" "$repo"
g checkout -q -b a
write_files "$repo" a
g add -A && g commit -qm a
g checkout -q -b b
write_files "$repo" b
g commit -qam b

bench_start "$repo" "$log" "$bin" watch --dir "$repo" --home "$home"
bw wait-lines "$marker" 1 30 || { cat "$log" >&2; exit 1; }
sleep 1
branch=a
for ((i = 0; i < checkouts; i++)); do
	before=$(wc -l <"$marker")
	t0=$(date +%s%N)
	g checkout -q "$branch"
	t1=$(date +%s%N)
	sleep "$wait_s"
	runs=$(($(wc -l <"$marker") - before))
	printf 'eightfold\t%d\t%d\t\t\n' "$i" "$runs" >>"$samples"
	printf 'eightfold/ms\t%d\t%s\t\t\n' "$i" "$(bt ratio $((t1 - t0)) 1000000)" >>"$samples"
	echo "  checkout $((i + 1))/$checkouts ($branch): $runs run(s), checkout took $(((t1 - t0) / 1000000)) ms" >&2
	branch=$([[ $branch == a ]] && echo b || echo a)
done
"$bin" history --dir "$repo" --home "$home" --json --limit 10000 >"$tmp/ef.json"
bench_stop "$started_pid"

echo
echo "Watch checkouts ($files files differ; $wait_s s after each): $started; $(machine); load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "BIN=$bin; $(watch_versions)"
echo
echo "| tool | runs per checkout: median | each checkout | checkout took (median, min–max) |"
echo "|---|---:|---|---:|"
printf '| eightfold | **%s** | %s | %s ms (%s ms) |\n' "$(bt median "$samples" eightfold | sed 's/\.0$//')" \
	"$(bt values "$samples" eightfold)" "$(bt median "$samples" eightfold/ms)" "$(bt range "$samples" eightfold/ms)"
echo
echo "Command: \`$(watch_cmd eightfold)\`; checkouts: \`git checkout -q a\` and \`git checkout -q b\` in turn."
echo
echo "eightfold's own record (\`history --json\`, including the start run): $(bw history-summary "$tmp/ef.json" | sed 's/changed_files seen: .*/…/')"
