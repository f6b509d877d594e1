#!/usr/bin/env bash
# Health checks: the CPU cost and the schedule drift of backend/monitor's Runner with 500 checks
# at a 10 s interval on loopback (BenchmarkRunner500Checks in backend/monitor/bench_test.go).
# Two runs of SECONDS_PER_RUN seconds each (default 30):
#   in-process  against an httptest server in the benchmark's process: CPU of runner + server
#   runner only against python3's http.server in another process (one file "ok" per check's
#               path; a listen backlog of 128, not its default 5, as up to 25 checks share a
#               start slot): CPU of the runner alone
# Prints the benchmark's lines: cpu-%core (user + system time over wall time, % of one core),
# drift-max-ms and drift-p99-ms (how late a probe started after its scheduled time),
# anchor-ms (how late a probe started after its check's first scheduled time + k×interval:
# accumulated drift would grow with the run), probes.
# No assertions: it measures, it does not judge. Drift figures are only meaningful on an
# otherwise idle machine.
#
# Usage: bench/checks-cpu.sh                     (from anywhere in the repository)
#        SECONDS_PER_RUN=60 CHECKS=500 INTERVAL=10s bench/checks-cpu.sh
# Needs: go, python3. Writes only to a temp dir (and the Go build cache).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$bench_dir/.."
bench_need go
bench_tmp

export EIGHTFOLD_CHECKS_SECONDS=${SECONDS_PER_RUN:-30}
export EIGHTFOLD_CHECKS=${CHECKS:-500}
export EIGHTFOLD_CHECKS_INTERVAL=${INTERVAL:-10s}
echo "# $EIGHTFOLD_CHECKS checks every $EIGHTFOLD_CHECKS_INTERVAL for ${EIGHTFOLD_CHECKS_SECONDS}s per run; $(machine)"

go test -c -o "$tmp/monitor.test" ./backend/monitor/
bench() { "$tmp/monitor.test" -test.run '^$' -test.bench '^BenchmarkRunner500Checks$' -test.benchtime 1x | grep -E '^Benchmark|FAIL|bench_test'; }

echo "## in-process httptest server (runner + server)"
bench

mkdir "$tmp/www"
for ((i = 0; i < EIGHTFOLD_CHECKS; i++)); do printf ok >"$tmp/www/$i"; done
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bench_start "$tmp/www" "$tmp/server.log" "$py" -c '
import http.server, sys
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128
http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, ServerClass=Server,
                 port=int(sys.argv[1]), bind="127.0.0.1")' "$port"
for _ in $(seq 50); do
	"$py" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/0')" 2>/dev/null && break
	sleep 0.1
done
echo "## python3 http.server in another process (runner only)"
EIGHTFOLD_CHECKS_URL=http://127.0.0.1:$port bench
