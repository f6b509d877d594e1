#!/usr/bin/env bash
# The demo loop in the desktop window under Xvfb, driven by the guided tour alone, as a
# presenter's clicker drives it: every PageDown does the shown step's work, or moves on when
# it is done. `eightfold demo` makes the shop and opens the window; the script presses
# PageDown and, between presses, waits until `eightfold status --json` (read while the window
# holds the data dir) shows the step's outcome: a red run, a green run, release 0.1.0, staging
# on 0.1.0, a release 0.1.1 whose deploy to staging failed its health gate, the incident's
# card on the board, production on 0.1.0. Each stage leaves a screenshot in
# test-artifacts/desktop-demo-NN-STAGE.png. It prints two figures: the time from `eightfold
# demo` to the painted window, and the machine time of the whole loop.
# Usage: desktop-demo.sh path/to/eightfold (the launcher build of `make build`)
set -euo pipefail
NAME="desktop demo"
. "$(dirname "$0")/desktop-lib.sh"
with_retry "$@"
need_tools
command -v node >/dev/null || fail "node is missing: run build/scripts/deps.sh test"
start_xvfb

home="$work/home"
proj="$work/shop"
stop_shops() {
  local pid
  for t in staging production; do
    pid=$(cat "$work/shop-targets/$t/shop.pid" 2>/dev/null || true)
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  done
}
trap 'stop_shops; cleanup' EXIT

ms() { date +%s%3N; }

# status EXPR: EXPR evaluated in JavaScript on `eightfold status --json` as `s`.
status() {
  "$bin" status --json --dir "$proj" --home "$home" 2>/dev/null |
    node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{try{const s=JSON.parse(t);console.log(String(new Function("s","return ("+process.argv[1]+")")(s)))}catch(e){console.log("?")}})' "$1"
}

# until_status WHAT EXPR: waits up to 90 s for EXPR (as in status) to be true.
until_status() {
  local got
  for _ in $(seq 1 180); do
    got=$(status "$2")
    [ "$got" = true ] && return 0
    kill -0 "$app_pid" 2>/dev/null || fail "the app exited while waiting for $1"
    sleep 0.5
  done
  import -window root "$art/desktop-demo-timeout.png" 2>/dev/null || true
  fail "waited 90 s for $1 ($2), see $art/desktop-demo-timeout.png"
}

shots=0
# shot STAGE: a screenshot of the window, numbered in the order of the loop.
shot() {
  shots=$((shots + 1))
  sleep 0.7 # the window follows the events it was sent
  import -window root "$(printf '%s/desktop-demo-%02d-%s.png' "$art" "$shots" "$1")"
}

# press: one click of the presenter's clicker.
press() { xdotool key Next; }

t0=$(ms)
EIGHTFOLD_HOME="$home" "$bin" demo "$proj" >"$work/app.log" 2>&1 &
app_pid=$!
wid=$(wait_window "^Eightfold — shop" 60)
wait_painted "$art/desktop-demo-00-window.png"
t1=$(ms)
echo "desktop demo: window $wid painted $((t1 - t0)) ms after \`eightfold demo\` started"

# The tour opens by itself on a demo; the keys go to the window under the pointer. The
# shop's first run (watch mode records the tree it was opened on) may still be going.
xdotool mousemove --sync 700 400
until_status "the first run to end" 's.last_run === null || s.last_run.status !== "running"'
first=$(status 's.last_run ? s.last_run.id : 0')
shot plan
t2=$(ms)

press # → Code
press # the edit that breaks a test; saving starts a run, which fails
until_status "a red run" "s.last_run && s.last_run.id > $first && s.last_run.status === 'failed'"
red=$(status 's.last_run.id')
shot code
press # → Build & Test: the failing test
shot test-failed
press # → Fix it
press # undo the edit: green again
until_status "a green run" "s.last_run && s.last_run.id > $red && s.last_run.status === 'passed'"
shot test-green
press # → Release
press # a full run, then the release
until_status "release 0.1.0" 's.release.last_version === "0.1.0"'
shot release
press # → Deploy to staging
press # deploy it
until_status "staging on 0.1.0" 's.targets.find(t => t.name === "staging").version === "0.1.0"'
shot deploy-staging
press # → Operate: break health
press # break health, release 0.1.1, deploy it to staging: the gate fails, staging switches back
until_status "0.1.1 refused by staging's health gate" \
  's.release.last_version === "0.1.1" && s.targets.find(t => t.name === "staging").last_deploy?.status === "failed"'
[ "$(status 's.targets.find(t => t.name === "staging").version')" = 0.1.0 ] || fail "staging did not switch back to 0.1.0"
shot operate-incident
press # → Monitor
press # a card of the incident
for _ in $(seq 1 60); do
  "$bin" card ls --json --dir "$proj" --home "$home" >"$work/cards.json" || fail "eightfold card ls failed"
  grep -q '"name": "incident"' "$work/cards.json" && break
  sleep 0.5
done
grep -q '"name": "incident"' "$work/cards.json" || fail "no card of the incident on the board: $(cat "$work/cards.json")"
shot monitor-card
press # → Roll back, then promote
press # promote staging's good release to production
until_status "production on 0.1.0" 's.targets.find(t => t.name === "production").version === "0.1.0"'
shot deploy-production
t3=$(ms)
press # → Back to Plan
shot back-to-plan
press # Finish
echo "desktop demo: the loop took $((t3 - t2)) ms, from the first click to production"
echo "desktop demo: $shots screenshots in $art/desktop-demo-*.png"

quit_app "$home"
echo "desktop demo: PASS"
