#!/usr/bin/env bash
# Desktop smoke test: the real binary in a real window under Xvfb, on a temp Go project.
# After one recorded run, checks that a window titled "Eightfold — <project> — ✔ passed · 2 tests"
# appears and paints, keeps a screenshot in test-artifacts/desktop.png, opens the Plan board,
# the Release and the Deploy views (test-artifacts/desktop-{board,release,deploy}.png), then asks the app to quit (SIGTERM) and checks it exits 0
# and releases the data dir. It also checks that the launcher unpacked the desktop build into
# the cache dir. Usage: desktop-smoke.sh path/to/eightfold (the launcher build of `make build`)
set -euo pipefail
NAME="desktop smoke"
. "$(dirname "$0")/desktop-lib.sh"
with_retry "$@"
need_tools
start_xvfb

proj="$work/smokeproj"
mkdir -p "$proj"
printf 'module smoke\n\ngo 1.22\n' >"$proj/go.mod"
printf 'package smoke\n\nfunc One() int { return 1 }\n' >"$proj/one.go"
printf 'package smoke\n\nimport "testing"\n\nfunc TestOne(t *testing.T) {}\n\nfunc TestTwo(t *testing.T) {}\n' >"$proj/one_test.go"
git -C "$proj" init -q
# One recorded run, so the title must show its state and its tests.
EIGHTFOLD_HOME="$work/home" "$bin" run --dir "$proj" >"$work/run.log" 2>&1 || fail "eightfold run failed: $(cat "$work/run.log")"
# One card on the board, for the screenshot of the Plan place.
EIGHTFOLD_HOME="$work/home" "$bin" card add "Ship the smoke test" --label ci --dir "$proj" >"$work/card.log" 2>&1 || fail "eightfold card add failed: $(cat "$work/card.log")"

# A fresh cache dir: the launcher unpacks the desktop build there (launcher.go).
EIGHTFOLD_HOME="$work/home" XDG_CACHE_HOME="$work/cache" "$bin" open "$proj" >"$work/app.log" 2>&1 &
app_pid=$!

wid=$(wait_window "^Eightfold — smokeproj — ✔ passed · 2 tests$")
echo "desktop smoke: window $wid: $(xdotool getwindowname "$wid")"
ls "$work/cache/eightfold"/eightfold-desktop-* >/dev/null 2>&1 || fail "the launcher did not unpack the desktop build into the cache dir"

# Wait for the frontend to paint.
wait_painted "$art/desktop.png"
sleep 1
import -window root "$art/desktop.png"
echo "desktop smoke: screenshot in $art/desktop.png"

# A place: click its entry in the navigation (the window fills the screen; the nav's
# entries are at the top left, 30 px apart) and wait for the window to change from the
# last screenshot. Plan, Release and Deploy each leave test-artifacts/desktop-NAME.png.
open_place() { # NAME Y LAST_SCREENSHOT
  xdotool mousemove --sync 40 "$2" click 1 mousemove 700 700
  for _ in $(seq 1 20); do
    sleep 0.5
    import -window root "$art/desktop-$1.png" 2>/dev/null || continue
    diff=$(compare -metric AE "$3" "$art/desktop-$1.png" null: 2>&1 || true)
    if [ "${diff%% *}" -gt 20000 ] 2>/dev/null; then
      echo "desktop smoke: $1 screenshot in $art/desktop-$1.png"
      return 0
    fi
  done
  fail "clicking $1 did not change the window, see $art/desktop-$1.png"
}
open_place board 63 "$art/desktop.png"
open_place release 154 "$art/desktop-board.png"
open_place deploy 184 "$art/desktop-release.png"

quit_app "$work/home"
echo "desktop smoke: PASS"
