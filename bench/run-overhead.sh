#!/usr/bin/env bash
# What does `eightfold run` add to a pipeline, end to end?
#
# 1. A small Go project (a module with two packages and their tests, a main package, committed in
#    a git repository). After a warm-up (go build and test caches warm), RUNS alternating runs of
#      sh -c 'go build ./... && go test -json ./... >/dev/null'      (what eightfold detects)
#      BIN run --dir P >/dev/null
#    Goal: eightfold adds at most 50 ms per run.
# 2. A trivial pipeline, `steps: [{name: a, run: "true"}, {name: b, run: "true"}]`, which isolates
#    eightfold's own cost (process start, SQLite, git state) from go's noise, against
#      sh -c 'sh -c true && sh -c true'                               (two shells, as the runner)
# 3. Where the trivial run's time goes: a hello-world Go binary (the machine's floor), `BIN version`
#    (process start only), `BIN history`
#    (start + read-only SQLite open + a query), the first run in a fresh EIGHTFOLD_HOME
#    (creates the database, runs the migrations), and the run's own duration as recorded by eightfold.
#
# Prints a markdown table of medians. Wall times come from Python's perf_counter around each child;
# CPU time (user + sys) from wait4's rusage of the child and everything it waited for.
# No timing assertions: it measures, it does not judge.
#
# Usage: bench/run-overhead.sh BIN          e.g. bench/run-overhead.sh build/bin/eightfold
#        RUNS=15 bench/run-overhead.sh BIN  (default 11 runs of each; at least 9 is sensible)
# Needs: go, git, /usr/bin/python3 (standard library only), sh. Writes only to a temp dir.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_bin "$@"
runs=${RUNS:-11}
bench_need go git sh "$py"
bench_tmp
export EIGHTFOLD_HOME="$tmp/home"

# ---- the projects ----
gp="$tmp/goproj"
mkdir -p "$gp/greet" "$gp/mathx" "$gp/cmd/hello"
cat >"$gp/go.mod" <<'EOF'
module example.com/benchproj

go 1.22
EOF
cat >"$gp/greet/greet.go" <<'EOF'
// Package greet says hello.
package greet

import "strings"

// Hello greets name, or the world.
func Hello(name string) string {
	if strings.TrimSpace(name) == "" {
		name = "world"
	}
	return "Hello, " + name + "!"
}
EOF
cat >"$gp/greet/greet_test.go" <<'EOF'
package greet

import "testing"

func TestHello(t *testing.T) {
	for in, want := range map[string]string{"": "Hello, world!", " ": "Hello, world!", "Ann": "Hello, Ann!"} {
		if got := Hello(in); got != want {
			t.Errorf("Hello(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHelloNotEmpty(t *testing.T) {
	if Hello("x") == "" {
		t.Fatal("empty")
	}
}
EOF
cat >"$gp/mathx/mathx.go" <<'EOF'
// Package mathx has small numeric helpers.
package mathx

// Sum adds xs.
func Sum(xs ...int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// Fib returns the n-th Fibonacci number.
func Fib(n int) int {
	a, b := 0, 1
	for range n {
		a, b = b, a+b
	}
	return a
}
EOF
cat >"$gp/mathx/mathx_test.go" <<'EOF'
package mathx

import "testing"

func TestSum(t *testing.T) {
	if got := Sum(1, 2, 3); got != 6 {
		t.Fatalf("Sum = %d", got)
	}
}

func TestFib(t *testing.T) {
	for n, want := range []int{0, 1, 1, 2, 3, 5, 8, 13} {
		t.Run("", func(t *testing.T) {
			if got := Fib(n); got != want {
				t.Errorf("Fib(%d) = %d, want %d", n, got, want)
			}
		})
	}
}
EOF
cat >"$gp/cmd/hello/main.go" <<'EOF'
package main

import (
	"fmt"

	"example.com/benchproj/greet"
	"example.com/benchproj/mathx"
)

func main() { fmt.Println(greet.Hello(""), mathx.Fib(10)) }
EOF
hp="$tmp/hello"
mkdir -p "$hp"
printf 'module hello\n\ngo 1.22\n' >"$hp/go.mod"
printf 'package main\n\nfunc main() { println("hello") }\n' >"$hp/main.go"
(cd "$hp" && go build -o "$tmp/hello-go" .)
tp="$tmp/trivial"
mkdir -p "$tp"
cat >"$tp/eightfold.yaml" <<'EOF'
steps: [{name: a, run: "true"}, {name: b, run: "true"}]
EOF
commit_fixture "$gp"
commit_fixture "$tp"

# ---- warm-up: go caches, the database, the page cache for BIN ----
echo "warming up…" >&2
go_cmd="cd $(q "$gp") && go build ./... && go test -json ./... >/dev/null"
sh -c "$go_cmd"
sh -c "$go_cmd"
"$bin" run --dir "$gp" >/dev/null
"$bin" run --dir "$gp" >/dev/null
"$bin" run --dir "$tp" >/dev/null
"$bin" version >/dev/null

samples="$tmp/samples.tsv"
echo "go project: $runs alternating rounds…" >&2
bt time "$runs" "$samples" go "$go_cmd" ef_go "exec $(q "$bin") run --dir $(q "$gp") >/dev/null"
echo "trivial pipeline: $runs alternating rounds…" >&2
bt time "$runs" "$samples" sh2 "sh -c true && sh -c true" ef_triv "exec $(q "$bin") run --dir $(q "$tp") >/dev/null"
recorded=$("$bin" history --dir "$tp" --json --limit "$runs" | bt recorded)
echo "breakdown: $runs rounds…" >&2
mkdir -p "$tmp/fresh"
bt time "$runs" "$samples" \
	hello "exec $(q "$tmp/hello-go") 2>/dev/null" \
	version "exec $(q "$bin") version >/dev/null" \
	history "exec $(q "$bin") history --dir $(q "$tp") >/dev/null" \
	fresh "EIGHTFOLD_HOME=$(q "$tmp/fresh")/\$\$ exec $(q "$bin") run --dir $(q "$tp") >/dev/null"

go_ms=$(med go); efgo_ms=$(med ef_go)
sh2_ms=$(med sh2); eftriv_ms=$(med ef_triv)

echo
echo "eightfold run overhead: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine);"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); median of $runs alternating runs each; BIN=$bin"
echo
echo "| what | median wall | min–max | median CPU (user+sys) | added by eightfold (diff of medians / median of paired diffs) | ratio | goal |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '| `sh -c '"'"'go build ./... && go test -json ./... >/dev/null'"'"'` | %s ms | %s ms | %s ms | | | |\n' \
	"$go_ms" "$(bt range "$samples" go)" "$(med go cpu)"
printf '| `BIN run --dir GOPROJ >/dev/null` | %s ms | %s ms | %s ms | **%s ms** / %s ms | %s× | ≤ 50 ms |\n' \
	"$efgo_ms" "$(bt range "$samples" ef_go)" "$(med ef_go cpu)" "$(bt diff "$efgo_ms" "$go_ms")" \
	"$(bt pairdiff "$samples" go ef_go)" "$(bt ratio "$efgo_ms" "$go_ms")"
printf '| `sh -c '"'"'sh -c true && sh -c true'"'"'` | %s ms | %s ms | %s ms | | | |\n' \
	"$sh2_ms" "$(bt range "$samples" sh2)" "$(med sh2 cpu)"
printf '| `BIN run --dir TRIVIAL >/dev/null` (steps a, b: `true`) | %s ms | %s ms | %s ms | **%s ms** / %s ms | %s× | ≤ 50 ms |\n' \
	"$eftriv_ms" "$(bt range "$samples" ef_triv)" "$(med ef_triv cpu)" "$(bt diff "$eftriv_ms" "$sh2_ms")" \
	"$(bt pairdiff "$samples" sh2 ef_triv)" "$(bt ratio "$eftriv_ms" "$sh2_ms")"
echo
echo "Where the trivial run's time goes (medians of $runs):"
echo
echo "| what | median wall | median CPU |"
echo "|---|---:|---:|"
printf '| a hello-world Go binary (the floor for starting any Go process here) | %s ms | %s ms |\n' "$(med hello)" "$(med hello cpu)"
printf '| `BIN version` (process start, no store) | %s ms | %s ms |\n' "$(med version)" "$(med version cpu)"
printf '| `BIN history --dir TRIVIAL` (start + read-only SQLite open + one query) | %s ms | %s ms |\n' "$(med history)" "$(med history cpu)"
printf '| `BIN run --dir TRIVIAL`, first run in a fresh EIGHTFOLD_HOME (creates the DB, migrations) | %s ms | %s ms |\n' "$(med fresh)" "$(med fresh cpu)"
printf '| the trivial run'"'"'s duration_ms as recorded by eightfold (begin → finish, inside the process) | %s ms | |\n' "$recorded"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
