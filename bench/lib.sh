# Shared setup for the bench scripts. Source it after `set -euo pipefail`:
#   . "$(dirname "$0")/lib.sh"
#
#   bench_bin "$@"             exactly one argument, an executable (else the usage, exit 2);
#                              sets bin to its absolute path. $bin_hint says what BIN should be.
#   bench_need TOOL...         exit 2 unless every TOOL is on PATH ($need_hint is appended).
#   bench_tmp                  sets tmp to a new temp dir, removed on exit, after calling
#                              bench_on_exit if the script defines it and stopping what
#                              bench_start started. Ctrl+C and SIGTERM exit through the same path.
#   bench_start DIR LOG CMD... runs CMD in DIR in a new session (setsid: its own process group,
#                              no terminal), stdin /dev/null, stdout and stderr to LOG; sets
#                              started_pid (= its session and process group id).
#   bench_stop PID             stops what bench_start started as PID: SIGTERM to its process group,
#                              then SIGKILL, after 2 s, to every process left in its session
#                              (children that moved to process groups of their own included).
#   commit_fixture DIR         git init DIR and commit everything in it as "bench".
#   bt MODE ARGS...            bench/timing.py (see its docstring): time, median, range, …
#   med LABEL [wall|cpu|rss]   median of LABEL's samples in $samples.
#   q STR                      STR quoted for sh.
#   machine                    "N cores, CPU model".
# Sets py=/usr/bin/python3 (standard library only) and bench_dir (this folder).

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
bin_hint="BIN: an eightfold binary, e.g. build/bin/eightfold or one from 'go build -o /tmp/eightfold-cli .'"
need_hint=

bench_bin() {
	if [[ $# -ne 1 || ! -x "$1" ]]; then
		echo "usage: $0 BIN   ($bin_hint)" >&2
		exit 2
	fi
	bin=$(realpath "$1")
}

bench_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$0: needs $tool on PATH${need_hint:+ ($need_hint)}" >&2; exit 2; }
	done
}

bench_exit() {
	if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
	local pid
	for pid in "${started_pids[@]}"; do bench_stop "$pid"; done
	rm -rf "$tmp"
}

bench_tmp() {
	tmp=$(mktemp -d)
	trap bench_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

started_pids=()
bench_start() {
	local dir=$1 log=$2
	shift 2
	# A background job of a non-interactive shell is not a process group leader, so setsid makes
	# the new session in place: $! is the command's own PID, its session and its group.
	(cd "$dir" && exec setsid "$@" >"$log" 2>&1 </dev/null) &
	started_pid=$!
	started_pids+=("$started_pid")
}

# The live (not zombie) processes of session $1.
session_pids() { { ps -o pid=,stat= -s "$1" 2>/dev/null || true; } | awk '$2 !~ /^Z/ { print $1 }'; }

bench_stop() {
	local sid=$1 i left
	kill -TERM -- "-$sid" 2>/dev/null || true
	for ((i = 0; i < 40; i++)); do
		left=$(session_pids "$sid")
		[[ -z $left ]] && break
		sleep 0.05
	done
	left=$(session_pids "$sid")
	# shellcheck disable=SC2086 # one PID per word
	[[ -z $left ]] || kill -KILL $left 2>/dev/null || true
	wait "$sid" 2>/dev/null || true
	local p keep=()
	for p in "${started_pids[@]}"; do [[ $p == "$sid" ]] || keep+=("$p"); done
	started_pids=("${keep[@]}")
}

commit_fixture() {
	(cd "$1" && git init -q && git add -A &&
		git -c user.name=bench -c user.email=bench@example.com commit -qm "bench fixture")
}

bt() { "$py" "$bench_dir/timing.py" "$@"; }
med() { bt median "$samples" "$1" "${2:-wall}"; }
q() { printf '%q' "$1"; }
machine() { echo "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"; }
