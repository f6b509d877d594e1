#!/usr/bin/env bash
# Storing a 100 MB release artifact: backend/artifact's Store.Put against cp.
#
# A file of SIZE random bytes (default 100,000,000), written and fsynced once, so that both cp
# and Put read it from the page cache with no writeback of it pending. (Dropping the page cache
# needs root, which the scripts do not assume: these are warm-cache figures for both sides.)
# RUNS rounds (default 7), each of:
#   cp          cp SRC DST                        (coreutils; on ext4 it copies in the kernel)
#   cp + sync   cp SRC DST && sync DST            (the same, made durable: fsync of the copy)
#   Put         BenchmarkPut100MB/fsync           (as the store ships: hash while copying into a
#                                                  temp file, fsync, rename, fsync the directory)
#   Put no sync BenchmarkPut100MB/nofsync         (the same without either fsync)
# The Put figures are the ns/op of the Go benchmark (`go test -bench Put100MB`, BENCHTIME Puts per
# sample, default 5x, each into an object removed before the next); cp is timed by bash around
# the command, the removal of DST outside the timing. Prints a markdown table of medians and
# their ratio to cp's median. No timing assertions: it measures, it does not judge.
#
# Usage: bench/artifact-store.sh                   (from anywhere in the repository)
#        RUNS=9 BENCHTIME=3x bench/artifact-store.sh
# Needs: go, cp, sync, head, awk. Writes only to a temp dir (and the Go build cache).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cd "$bench_dir/.."
runs=${RUNS:-7}
size=${SIZE:-100000000}
benchtime=${BENCHTIME:-5x}
bench_need go cp sync head awk
bench_tmp
export TMPDIR=$tmp # the benchmark's b.TempDir: the same filesystem as cp's files

go test -c -o "$tmp/artifact.test" ./backend/artifact/
head -c "$size" /dev/urandom >"$tmp/src"
sync "$tmp/src"

samples="$tmp/samples" # label ms, one a line
now_us() { echo "${EPOCHREALTIME/./}"; }
time_cp() { # LABEL CMD...: times CMD once, appends "LABEL ms" to $samples, removes the copy
	local label=$1 start
	shift
	start=$(now_us)
	"$@"
	awk -v l="$label" -v us=$(($(now_us) - start)) 'BEGIN { printf "%s\t%.1f\n", l, us / 1000 }' >>"$samples"
	rm -f "$tmp/dst"
}
cp_sync() { cp "$tmp/src" "$tmp/dst" && sync "$tmp/dst"; }
time_put() { # one sample of each Put variant from the benchmark's ns/op
	(cd "$tmp" && "$tmp/artifact.test" -test.run '^$' -test.bench 'Put100MB' -test.benchtime "$benchtime" -test.count 1) |
		awk '/^BenchmarkPut100MB\// {
			split($1, name, "[/-]"); label = (name[2] == "fsync" ? "put" : "put-nosync")
			for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") printf "%s\t%.1f\n", label, $i / 1e6
		}' >>"$samples"
}

for ((r = 1; r <= runs; r++)); do
	time_cp cp cp "$tmp/src" "$tmp/dst"
	time_cp cp-sync cp_sync
	time_put
	echo "  round $r/$runs done" >&2
done

median() { # LABEL: the median of LABEL's samples
	awk -v l="$1" '$1 == l { print $2 }' "$samples" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
range_of() { awk -v l="$1" '$1 == l { print $2 }' "$samples" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f–%.0f", lo, hi }'; }
cp_ms=$(median cp)
row() { # LABEL TEXT
	local m
	m=$(median "$1")
	awk -v t="$2" -v m="$m" -v c="$cp_ms" -v r="$(range_of "$1")" 'BEGIN { printf "| %s | %.0f ms | %s ms | %.2fx |\n", t, m, r, m / c }'
}

echo "Storing $size random bytes (page cache warm); median of $runs rounds; $(machine); $(findmnt -no FSTYPE -T "$tmp")"
echo
echo "| how | median | range | vs cp |"
echo "|---|---:|---:|---:|"
row cp '`cp SRC DST`'
row cp-sync '`cp SRC DST && sync DST`'
row put 'Store.Put (fsync, as shipped)'
row put-nosync 'Store.Put without fsync'
