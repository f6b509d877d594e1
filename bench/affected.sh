#!/usr/bin/env bash
# Affected tests for Go: how long from saving one package to its test results, when only the
# packages that the change can affect are tested (backend/affected), versus a full
# `go test ./...` with the test cache cleared.
#
# The module: LAYERS x WIDTH packages (default 6 x 10 = 60), example.com/bench/lLpI. Layer 0
# imports nothing; package I of layer L imports packages I and I+1 (mod WIDTH) of layer L-1.
# Every package has two tests that do a little real work: a SHA-256 chain of 40,000 rounds
# (twice) and a prime sieve up to 300,000. Three changes are measured, each a new value of a
# constant used in the package's code (so the package and its test binaries really rebuild):
#   leaf    l0p0, a leaf that imports nothing; 20 packages depend on it (21 of 60 tested)
#   middle  lMIDp0 (MID = LAYERS/2, layer 3 by default): 5 depend on it (6 tested)
#   top     lTOPp0, a package nothing imports (1 tested)
# For each change, RUNS rounds (default 5) of, each after its own fresh edit:
#   full     go clean -testcache; go test ./...
#   go cache go test ./...  with the test cache warm from `full` (Go's own incremental retest:
#            it still builds and links every test binary, and reruns the changed ones)
#   cold     go clean -testcache; affected.Load + Select + Narrow + the narrowed go test
#   warm     go clean -testcache; graph loaded before the save (the workbench keeps it):
#            Stale + Select + Narrow + the narrowed go test
# The build cache stays warm throughout (a warm-up run fills it), as on a developer's laptop;
# the test cache is cleared before full, cold and warm, so every selected test really runs.
# Times are wall times measured by backend/affected/internal/affectedbench around each step.
# Prints a markdown table of medians; "vs full" is the median over rounds of each round's
# time divided by the same round's full run (robust to a machine whose load drifts).
# No timing assertions: it measures, it does not judge.
#
# Usage: bench/affected.sh                 (from anywhere in the repository)
#        RUNS=9 LAYERS=8 WIDTH=10 bench/affected.sh
# Needs: go, awk, sed. Writes only to a temp dir (and the Go build cache).
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-5}
layers=${LAYERS:-6}
width=${WIDTH:-10}
top=$((layers - 1))
mid=$((layers / 2))
command -v go >/dev/null || { echo "$0: needs go on PATH" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/affectedbench" ./backend/affected/internal/affectedbench
mod="$tmp/mod"
mkdir -p "$mod"

# ---- the module ----
printf 'module example.com/bench\n\ngo 1.22\n' >"$mod/go.mod"
for ((l = 0; l < layers; l++)); do
	for ((i = 0; i < width; i++)); do
		p="l${l}p${i}"
		mkdir -p "$mod/$p"
		if ((l == 0)); then
			imports='"crypto/sha256"
	"encoding/binary"'
			seed="uint64($i)"
		else
			a="l$((l - 1))p${i}" b="l$((l - 1))p$(((i + 1) % width))"
			imports="\"crypto/sha256\"
	\"encoding/binary\"

	\"example.com/bench/$a\"
	\"example.com/bench/$b\""
			seed="$a.Seed()*31 + $b.Seed() + $((l * 100 + i))"
		fi
		cat >"$mod/$p/$p.go" <<EOF
// Package $p is one package of the generated benchmark module.
package $p

import (
	$imports
)

// salt is what bench/affected.sh edits to change this package.
const salt = 0

// Seed combines the seeds of the packages this one imports.
func Seed() uint64 { return $seed + salt }

// Work hashes the seed rounds times with SHA-256.
func Work(rounds int) [32]byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], Seed())
	h := sha256.Sum256(b[:])
	for range rounds {
		h = sha256.Sum256(h[:])
	}
	return h
}

// Primes counts the primes below n with a sieve.
func Primes(n int) int {
	composite := make([]bool, n)
	count := 0
	for i := 2; i < n; i++ {
		if composite[i] {
			continue
		}
		count++
		for j := i * i; j < n; j += i {
			composite[j] = true
		}
	}
	return count
}
EOF
		cat >"$mod/$p/${p}_test.go" <<EOF
package $p

import "testing"

func TestWork(t *testing.T) {
	if Work(40000) != Work(40000) {
		t.Fatal("Work is not deterministic")
	}
}

func TestPrimes(t *testing.T) {
	if got := Primes(300000); got != 25997 {
		t.Fatalf("Primes(300000) = %d, want 25997", got)
	}
}
EOF
	done
done
npkg=$((layers * width))

# ---- measuring ----
log="$tmp/log"
samples="$tmp/samples" # scenario mode round total load select test packages
: >"$samples"
echo "warming up the build cache (go test ./... of $npkg packages)…" >&2
(cd "$mod" && go test ./... >"$log" 2>&1) || { cat "$log" >&2; exit 1; }

salt=0
next_edit() { # FILE: sets $edit to a shell command that gives FILE's salt a new value
	salt=$((salt + 1))
	edit="sed -i 's/^const salt = .*/const salt = $salt/' $1"
}
change() { next_edit "$1" && (cd "$mod" && sh -c "$edit"); } # FILE: gives it a new salt now
measure() { # SCENARIO MODE ROUND [affectedbench flags...]
	local scenario=$1 mode=$2 round=$3
	shift 3
	local out
	out=$("$tmp/affectedbench" -root "$mod" -command 'go test ./...' "$@" 2>>"$log") ||
		{ tail -30 "$log" >&2; exit 1; }
	awk -v s="$scenario" -v m="$mode" -v r="$round" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		print s, m, r, f["total_ms"], f["load_ms"] + 0, f["select_ms"] + 0, f["test_ms"], (f["packages"] == "" ? "-" : f["packages"])
	}' <<<"$out" >>"$samples"
}
clean() { (cd "$mod" && go clean -testcache); }
file_of() { # SCENARIO
	case $1 in
	leaf) echo "l0p0/l0p0.go" ;;
	middle) echo "l${mid}p0/l${mid}p0.go" ;;
	top) echo "l${top}p0/l${top}p0.go" ;;
	esac
}
scenarios=(leaf middle top)

for ((r = 1; r <= runs; r++)); do
	for scenario in "${scenarios[@]}"; do
		file=$(file_of "$scenario")
		change "$file"
		clean
		measure "$scenario" full "$r" -mode full
		change "$file"
		measure "$scenario" gocache "$r" -mode full
		change "$file"
		clean
		measure "$scenario" cold "$r" -mode cold -changed "$file"
		clean
		next_edit "$file"
		measure "$scenario" warm "$r" -mode warm -changed "$file" -edit "$edit"
	done
	echo "  round $r/$runs done" >&2
done

# ---- the table ----
# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# col SCENARIO MODE COLUMN: that column's values (4 total, 5 load, 6 select, 7 test, 8 packages)
col() { awk -v s="$1" -v m="$2" -v c="$3" '$1 == s && $2 == m { print $c }' "$samples"; }
med() { col "$@" | median; }
range_of() { col "$1" "$2" 4 | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f–%.0f", lo, hi }'; }
# ratio SCENARIO MODE: median over rounds of total(MODE) / total(full), in %
ratio() {
	awk -v s="$1" -v m="$2" '$1 == s && $2 == "full" { f[$3] = $4 } $1 == s && $2 == m { t[$3] = $4 }
		END { for (r in t) if (f[r] > 0) print 100 * t[r] / f[r] }' "$samples" | median | awk '{ printf "%.0f %%", $1 }'
}
ms() { awk -v a="$1" 'BEGIN { printf "%.0f ms", a }'; }
label() { # SCENARIO
	case $1 in
	leaf) echo "leaf l0p0 (imports nothing)" ;;
	middle) echo "l${mid}p0 (middle layer)" ;;
	top) echo "l${top}p0 (nothing imports it)" ;;
	esac
}

echo "Generated module: $npkg packages in $layers layers of $width (each imports 2 of the layer below), 2 tests each;"
echo "median of $runs runs; $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)); $(go version)"
echo
echo "| change | how | packages tested | median | range | vs full |"
echo "|---|---|---:|---:|---:|---:|"
for scenario in "${scenarios[@]}"; do
	what=$(label "$scenario")
	row() { # MODE LABEL PACKAGES
		echo "| $what | $2 | $3 | $(ms "$(med "$scenario" "$1" 4)") | $(range_of "$scenario" "$1") ms | $(ratio "$scenario" "$1") |"
	}
	tested=$(med "$scenario" cold 8)
	row full "\`go clean -testcache; go test ./...\`" "$npkg"
	row gocache "\`go test ./...\` with Go's test cache warm (reference)" "$npkg ($((npkg - tested)) cached)"
	row cold "cold graph: Load + Select + narrowed \`go test\`" "$tested"
	row warm "warm graph: Stale + Select + narrowed \`go test\`" "$(med "$scenario" warm 8)"
done
echo
echo "Where the affected runs' time goes (medians):"
echo
echo "| change | Load (go list -deps -test) | Stale + Select + Narrow, warm graph | narrowed go test, warm graph |"
echo "|---|---:|---:|---:|"
for scenario in "${scenarios[@]}"; do
	printf '| %s | %s | %s ms | %s |\n' "$(label "$scenario")" "$(ms "$(med "$scenario" cold 5)")" \
		"$(med "$scenario" warm 6)" "$(ms "$(med "$scenario" warm 7)")"
done
