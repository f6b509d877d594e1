#!/usr/bin/env bash
# End-to-end cost of recording a step's output: one step prints LINES (default 1,000,000) lines of
# 100 bytes (~100 MB) with awk. RUNS (default 5) alternating runs of each:
#   sh -c "$CMD > /dev/null"                 the step alone
#   sh -c "$CMD | cat > /dev/null"           the step behind one more pipe (what any runner pays)
#   BIN run --dir P >/dev/null               the whole product: runner, SQLite, echo to stdout
#   BIN run --dir P --json >/dev/null        the same without echoing the output to stdout
# Goals: `BIN run` within 10 % of the step alone; peak RSS of the eightfold process ≤ 150 MB.
# Then, in a fresh EIGHTFOLD_HOME, one more run: the size of the SQLite file (and its WAL) after it,
# and `BIN logs RUN_ID` read back (line count, time).
#
# Peak RSS is ru_maxrss from wait4 of the `BIN run` process: the largest of eightfold and the
# processes it waited for (sh, awk: a few MB), so it is eightfold's own peak unless that is smaller.
# Prints a markdown table of medians. No timing assertions.
#
# Usage: bench/log-ingest-e2e.sh BIN          e.g. bench/log-ingest-e2e.sh build/bin/eightfold
#        RUNS=9 LINES=200000 bench/log-ingest-e2e.sh BIN
# Needs: awk, git, /usr/bin/python3 (standard library only), sh, about 2×RUNS×100 MB of free disk in
# the temp dir (removed at the end).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_bin "$@"
runs=${RUNS:-5}
lines=${LINES:-1000000}
bench_need awk git sh cat "$py"
bench_tmp
export EIGHTFOLD_HOME="$tmp/home"

cmd="awk 'BEGIN{for(i=0;i<$lines;i++) printf \"%07d the quick brown fox jumps over the lazy dog, lorem ipsum dolor sit amet, 0123456789\\n\", i}'"
bytes=$(sh -c "$cmd" | wc -c)

proj="$tmp/spam"
mkdir -p "$proj"
{
	echo "log_limit: 500MiB"
	echo "steps:"
	echo "  - name: spam"
	echo "    run: $cmd"
} >"$proj/eightfold.yaml"
commit_fixture "$proj"

echo "warming up…" >&2
sh -c "$cmd > /dev/null"
"$bin" run --dir "$proj" >/dev/null

samples="$tmp/samples.tsv"
echo "$runs rounds of 4 commands…" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bt time "$runs" "$samples" \
	shell "$cmd > /dev/null" \
	pipe "$cmd | cat > /dev/null" \
	ef "exec $(q "$bin") run --dir $(q "$proj") >/dev/null" \
	efjson "exec $(q "$bin") run --dir $(q "$proj") --json >/dev/null"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# One run in a fresh data dir: the database it leaves, and the output read back.
export EIGHTFOLD_HOME="$tmp/home-one"
"$bin" run --dir "$proj" >/dev/null
db="$EIGHTFOLD_HOME/eightfold.db"
db_bytes=$(stat -c %s "$db")
wal_bytes=$( [[ -e "$db-wal" ]] && stat -c %s "$db-wal" || echo 0)
read -r run_id run_ms step_ms < <("$bin" history --dir "$proj" --json --limit 1 | bt lastrun)
total_lines=$("$bin" logs "$run_id" --dir "$proj" | wc -l)
data_lines=$("$bin" logs "$run_id" --dir "$proj" | grep -cE '^[0-9]{7} the quick brown fox' || true)
bt time 3 "$samples" logs "exec $(q "$bin") logs $run_id --dir $(q "$proj") >/dev/null"

shell_ms=$(med shell); pipe_ms=$(med pipe); ef_ms=$(med ef); efjson_ms=$(med efjson)
ef_rss=$(med ef rss); efjson_rss=$(med efjson rss)

echo
echo "Log ingest, end to end: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "Step: $lines lines, $bytes bytes; median of $runs alternating runs each; load average $load_before before, $load_after after; BIN=$bin"
echo
echo "| how | median wall | min–max | vs. the step alone | median CPU (user+sys) | median peak RSS | goal |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '| `sh -c "$CMD > /dev/null"` (the step alone) | %s ms | %s ms | 1.00× | %s ms | %s MiB (awk) | |\n' \
	"$shell_ms" "$(bt range "$samples" shell wall)" "$(med shell cpu)" "$(bt mib "$(med shell rss)")"
printf '| `sh -c "$CMD \\| cat > /dev/null"` (one more pipe) | %s ms | %s ms | %s× (%s) | %s ms | – | |\n' \
	"$pipe_ms" "$(bt range "$samples" pipe wall)" "$(bt ratio "$pipe_ms" "$shell_ms")" "$(bt pct "$pipe_ms" "$shell_ms")" "$(med pipe cpu)"
printf '| **`BIN run --dir P >/dev/null`** | **%s ms** | %s ms | **%s× (%s)** | %s ms | **%s MiB** (%s–%s kB) | ≤ 1.10×; ≤ 150 MB |\n' \
	"$ef_ms" "$(bt range "$samples" ef wall)" "$(bt ratio "$ef_ms" "$shell_ms")" "$(bt pct "$ef_ms" "$shell_ms")" "$(med ef cpu)" \
	"$(bt mib "$ef_rss")" $(bt range "$samples" ef rss | tr '–' ' ')
printf '| `BIN run --dir P --json >/dev/null` (no echo to stdout) | %s ms | %s ms | %s× (%s) | %s ms | %s MiB | |\n' \
	"$efjson_ms" "$(bt range "$samples" efjson wall)" "$(bt ratio "$efjson_ms" "$shell_ms")" "$(bt pct "$efjson_ms" "$shell_ms")" "$(med efjson cpu)" "$(bt mib "$efjson_rss")"
echo
echo "After one run in a fresh EIGHTFOLD_HOME:"
echo
echo "| what | value |"
echo "|---|---:|"
printf '| SQLite file `eightfold.db` | %s bytes (%s MiB; %s× the output) |\n' "$db_bytes" "$(( db_bytes / 1048576 ))" "$(bt ratio "$db_bytes" "$bytes")"
printf '| its WAL `eightfold.db-wal` after the process exits | %s bytes |\n' "$wal_bytes"
printf '| `BIN logs %s \\| wc -l` | %s lines (%s of them the step'"'"'s lines; expected %s) |\n' "$run_id" "$total_lines" "$data_lines" "$lines"
printf '| that run as recorded by eightfold: run duration_ms / step duration_ms | %s ms / %s ms |\n' "$run_ms" "$step_ms"
printf '| `BIN logs %s >/dev/null`, median of 3 | %s ms |\n' "$run_id" "$(med logs)"
if [[ "$data_lines" -ne "$lines" ]]; then
	echo
	echo "NOTE: the stored output has $data_lines of the $lines lines."
fi
