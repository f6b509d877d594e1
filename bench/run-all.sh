#!/usr/bin/env bash
# Runs every benchmark under bench/ and prints their markdown tables, one section each.
#   bench/log-ingest.sh         the runner package alone (builds backend/runner/internal/ingestbench)
#   bench/run-overhead.sh BIN   what `eightfold run` adds to a Go pipeline and to a trivial one
#   bench/log-ingest-e2e.sh BIN recording 1,000,000 lines (~100 MB) end to end
#   bench/desktop-start.sh BIN  binary size, cold start to window and first paint under Xvfb
#   bench/watch-latency.sh BIN  save → command starts: eightfold watch vs entr, air, gotestsum --watch
#   bench/watch-burst.sh BIN    runs per 1,000-write burst, the same tools
#   bench/watch-setup.sh BIN    watching 100,000 files + a 50,000-file node_modules: ready, RSS, idle CPU
#   bench/plan-board.sh         the plan board's Go benchmarks: Board(), the commit scan, the reference parser
# A benchmark that fails is reported and the others still run; the exit status is 1 then.
#
# Usage: bench/run-all.sh BIN    (BIN: the desktop build, build/bin/eightfold, so that every
#                                 benchmark can use it; a headless build skips nothing but makes
#                                 desktop-start.sh fail)
# Needs what each script needs: go, git, awk, /usr/bin/python3, Xvfb, xdotool, xdpyinfo, ImageMagick,
# setsid and ps, and for the watch peers entr (Debian), air and gotestsum (`go install`, see
# bench/watch-lib.sh).
set -euo pipefail

if [[ $# -ne 1 || ! -x "$1" ]]; then
	echo "usage: $0 BIN   (BIN: an eightfold binary built with -tags desktop,production,webkit2_41)" >&2
	exit 2
fi
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)

echo "# Eightfold benchmarks"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -srm); $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)); $(go version 2>/dev/null || echo 'go: not on PATH')"
echo "BIN=$bin ($(stat -c %s "$bin") bytes, sha256 $(sha256sum "$bin" | cut -c1-16)…, built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC'))"

failed=()
section() {
	local title=$1
	shift
	echo
	echo "## $title"
	echo
	echo "\`$*\`"
	if ! "$@"; then
		failed+=("$title")
		echo
		echo "**FAILED** (exit status above; see stderr)"
	fi
}

section "Log ingest, runner package only" "$here/log-ingest.sh"
section "Run overhead" "$here/run-overhead.sh" "$bin"
section "Log ingest, end to end" "$here/log-ingest-e2e.sh" "$bin"
section "Desktop size and start" "$here/desktop-start.sh" "$bin"
section "Watch latency" "$here/watch-latency.sh" "$bin"
section "Watch bursts" "$here/watch-burst.sh" "$bin"
section "Watch setup" "$here/watch-setup.sh" "$bin"
section "Plan board" "$here/plan-board.sh"

if ((${#failed[@]})); then
	echo >&2
	echo "$0: failed: ${failed[*]}" >&2
	exit 1
fi
