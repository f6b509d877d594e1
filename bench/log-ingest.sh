#!/usr/bin/env bash
# Compares the wall time of a step that prints 1,000,000 lines of 100 bytes
# when its output goes to /dev/null, through one more pipe to cat, and when
# backend/runner ingests it into a sink that discards. Prints a markdown table: median of RUNS runs each, and
# the peak RSS of the Go program (VmHWM; the shell baseline has none).
#
# Usage: bench/log-ingest.sh            (from anywhere in the repository)
#        RUNS=9 LINES=200000 bench/log-ingest.sh
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-5}
lines=${LINES:-1000000}
cmd="yes \"\$(printf '%099d' 0)\" | head -n $lines"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ingestbench" ./backend/runner/internal/ingestbench

now_ns() { date +%s%N; }

# median reads numbers, one a line, and prints the middle one.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

shell_ms=()
cat_ms=()
runner_ms=()
rss_kb=()
for _ in $(seq "$runs"); do
	start=$(now_ns)
	sh -c "$cmd > /dev/null"
	shell_ms+=($(( ($(now_ns) - start) / 1000000 )))

	start=$(now_ns)
	sh -c "$cmd | cat > /dev/null"
	cat_ms+=($(( ($(now_ns) - start) / 1000000 )))

	start=$(now_ns)
	out=$("$tmp/ingestbench" -cmd "$cmd")
	runner_ms+=($(( ($(now_ns) - start) / 1000000 )))
	rss_kb+=("$(sed -n 's/.*vmhwm_kb=\([0-9]*\).*/\1/p' <<<"$out")")
done

bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$out")
echo "Step: $lines lines, $bytes bytes; median of $runs runs; $(nproc) cores"
echo
echo "| how | median wall time | peak RSS |"
echo "|---|---:|---:|"
printf '| `sh -c '"'"'CMD > /dev/null'"'"'` | %d ms | – |\n' "$(printf '%s\n' "${shell_ms[@]}" | median)"
printf '| `sh -c '"'"'CMD \\| cat > /dev/null'"'"'` (one more pipe) | %d ms | – |\n' "$(printf '%s\n' "${cat_ms[@]}" | median)"
printf '| runner.Run, discarding sink | %d ms | %d MiB |\n' \
	"$(printf '%s\n' "${runner_ms[@]}" | median)" \
	"$(( $(printf '%s\n' "${rss_kb[@]}" | median) / 1024 ))"
