#!/usr/bin/env bash
# The plan board (issue 5), from its Go benchmarks, COUNT runs each (default 5):
#   BenchmarkBoard        backend/workbench: Board() on 1,000 cards and 10,000 transitions
#                         (goal ≤ 30 ms), with JSON, and the board figures alone
#   BenchmarkScanCommits  backend/workbench: the first scan of a 10,000-commit repository for
#                         card references (goal ≤ 500 ms), and a rescan with nothing new
#   BenchmarkParseCommit  backend/plan: parsing 10,000 commit messages alone
# Prints a markdown table: the median and range of each benchmark's ns/op, in ms.
# No assertions: it measures, it does not judge.
#
# Usage: bench/plan-board.sh            (from anywhere in the repository)
#        COUNT=9 bench/plan-board.sh
# Needs: go, git (BenchmarkScanCommits makes its repository with git fast-import), awk, sort.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$bench_dir/.."
bench_need go git awk sort
bench_tmp
count=${COUNT:-5}

# run runs a go test -bench command, its output added to $tmp/out; a failure shows it all.
run() {
	if ! "$@" -count "$count" >>"$tmp/out" 2>&1; then
		cat "$tmp/out" >&2
		echo "$0: failed: $*" >&2
		exit 1
	fi
}
run go test ./backend/workbench -run '^$' -bench '^BenchmarkBoard$'
run go test ./backend/workbench -run '^$' -bench '^BenchmarkScanCommits$' -benchtime 1x
run go test ./backend/plan -run '^$' -bench '^BenchmarkParseCommit$'

echo "Median of $count runs each; $(machine); $(go version)"
echo
echo "| benchmark | median | range |"
echo "|---|---:|---:|"
names=$(awk '/^Benchmark.* ns\/op/ { n = $1; sub(/-[0-9]+$/, "", n); if (!seen[n]++) print n }' "$tmp/out")
for name in $names; do
	awk -v name="$name" '/^Benchmark.* ns\/op/ {
		n = $1; sub(/-[0-9]+$/, "", n)
		if (n == name) for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") print $i
	}' "$tmp/out" | sort -g | awk -v name="$name" '{ v[NR] = $1 }
		END { printf "| `%s` | %.2f ms | %.2f–%.2f ms |\n", name, v[int((NR + 1) / 2)] / 1e6, v[1] / 1e6, v[NR] / 1e6 }'
done
