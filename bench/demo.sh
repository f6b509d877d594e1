#!/usr/bin/env bash
# The demo (issue 9): how long `eightfold demo --no-open` takes to write its sample project
# (files, git history, board, ports), and how long from there to the first green run and to
# a release served on the staging target. RUNS rounds (default 5), each in a new demo dir:
#   demo      BIN demo --no-open
#   + run     the same, then BIN run (go build + go test -json of the shop; build cache warm)
#   + deploy  the same, then BIN release and BIN deploy staging (health-gated: the gate polls
#             every 250 ms); the kill that stops the shop again is inside the timed command
# Prints a markdown table of medians and ranges. No assertions: it measures, it does not judge.
#
# Usage: bench/demo.sh BIN          RUNS=9 bench/demo.sh build/bin/eightfold
# Needs: go. Writes only to a temp dir (TMPDIR points there: the demos and their targets)
# and the Go build cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_bin "$@"
bench_need go
bench_tmp
runs=${RUNS:-5}
export TMPDIR=$tmp/t EIGHTFOLD_HOME=$tmp/home
mkdir -p "$TMPDIR"
samples=$tmp/samples

# Each command makes a new demo in $TMPDIR; later ones go on with the dir it printed.
make="d=\$($(q "$bin") demo --no-open | sed -n 's/^Made the demo project \\(.*\\):\$/\\1/p')"
run="$make && $(q "$bin") run --dir \"\$d\" >/dev/null"
deploy="$run && $(q "$bin") release --dir \"\$d\" >/dev/null && $(q "$bin") deploy staging --dir \"\$d\" >/dev/null"
deploy="$deploy; kill \$(cat \"\$d-targets/staging/shop.pid\")"

"$(q "$bin")" demo --no-open >/dev/null # warm-up: page cache, and the shop's first build fills the Go cache below
d=$(ls -d "$TMPDIR"/eightfold-demo-*[0-9] | head -1)
(cd "$d" && go build -o bin/shop . && go test ./... >/dev/null)

echo "# demo: $runs rounds; $(machine); $(go version | cut -d' ' -f3)"
bt time "$runs" "$samples" demo "$make" run "$run" deploy "$deploy" >&2
echo
echo "| from \`eightfold demo --no-open\` to | median | range |"
echo "|---|---|---|"
echo "| the project written (files, 6 commits, 6 cards, ports) | $(med demo) ms | $(bt range "$samples" demo) ms |"
echo "| + its first green \`eightfold run\` | $(med run) ms | $(bt range "$samples" run) ms |"
echo "| + \`release\` and \`deploy staging\` (healthy) | $(med deploy) ms | $(bt range "$samples" deploy) ms |"
