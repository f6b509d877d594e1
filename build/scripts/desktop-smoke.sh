#!/usr/bin/env bash
# Desktop smoke test: the real binary in a real window under Xvfb, on a temp Go project.
# After one recorded run, checks that a window titled "Eightfold — <project> — ✔ passed · 2 tests"
# appears and paints, keeps a screenshot in test-artifacts/desktop.png, opens the Plan board,
# the Release and the Deploy views (test-artifacts/desktop-{board,release,deploy}.png), then asks the app to quit (SIGTERM) and checks it exits 0
# and releases the data dir. It also checks that the launcher unpacked the desktop build into
# the cache dir. Usage: desktop-smoke.sh path/to/eightfold (the launcher build of `make build`)
set -euo pipefail

# A native crash inside WebKitGTK (rare: seen once in CI in ~30 runs, never reproduced here
# in 40 runs under load) gets one more attempt; its report stays in the output. Any other
# failure, or a second crash, fails at once.
if [ -z "${EF_SMOKE_ATTEMPT:-}" ]; then
  out=$(mktemp)
  for attempt in 1 2; do
    rc=0
    EF_SMOKE_ATTEMPT=$attempt "$0" "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] && break
    grep -q '^desktop smoke: the app crashed:' "$out" && [ "$attempt" = 1 ] || break
    echo "desktop smoke: the app crashed in native code (above); one more attempt"
  done
  rm -f "$out"
  exit "$rc"
fi

bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
art="$root/test-artifacts"
mkdir -p "$art"
work=$(mktemp -d)
xvfb_pid= app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill -9 "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# On failure: the app's log without the register dump of a crash (kept whole in
# test-artifacts/desktop-app.log), then a summary of a native crash, then the reason, last,
# so that the tail of the output, which is what CI shows, says what happened.
fail() {
  if [ -f "$work/app.log" ]; then
    cp "$work/app.log" "$art/desktop-app.log"
    grep -Ev '^(r[a-z0-9]{1,2}|rip|rflags|[cdefgs]s) +0x' "$work/app.log" | head -n 80 | sed 's/^/  app: /' >&2
    crash=$(grep -m1 -E '^(SIGSEGV|SIGABRT|SIGBUS|SIGILL|SIGFPE|SIGQUIT|SIGTRAP|fatal error|panic)' "$work/app.log" || true)
    [ -z "$crash" ] || echo "desktop smoke: the app crashed: $crash; in: $(grep -m3 -o '_Cfunc_[A-Za-z0-9_]*' "$work/app.log" | tr '\n' ' ')" >&2
  fi
  echo "desktop smoke: FAIL: $*" >&2
  exit 1
}

for tool in Xvfb xdotool import convert; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run build/scripts/deps.sh test"
done

# A free display number.
n=99
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=":$n"
for _ in $(seq 1 20); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.5; done

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

wid=
for _ in $(seq 1 60); do
  wid=$(xdotool search --name "^Eightfold — smokeproj — ✔ passed · 2 tests$" 2>/dev/null | head -n1 || true)
  [ -n "$wid" ] && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited before a window appeared"
  sleep 0.5
done
[ -n "$wid" ] || fail "no window titled 'Eightfold — smokeproj — ✔ passed · 2 tests' within 30 s"
echo "desktop smoke: window $wid: $(xdotool getwindowname "$wid")"
ls "$work/cache/eightfold"/eightfold-desktop-* >/dev/null 2>&1 || fail "the launcher did not unpack the desktop build into the cache dir"

# Wait for the frontend to paint: the screen stops being one flat colour.
painted=
for _ in $(seq 1 40); do
  import -window root "$art/desktop.png" 2>/dev/null || true
  sd=$(convert "$art/desktop.png" -colorspace Gray -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)
  if awk -v s="$sd" 'BEGIN { exit !(s > 0.02) }'; then painted=1; break; fi
  sleep 0.5
done
[ -n "$painted" ] || fail "the window did not paint (screen is flat), see $art/desktop.png"
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

kill -TERM "$app_pid"
status=0
for _ in $(seq 1 20); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$app_pid" 2>/dev/null && fail "the app did not quit within 10 s of SIGTERM"
wait "$app_pid" || status=$?
app_pid=
[ "$status" = 0 ] || fail "the app exited with status $status"
[ ! -s "$work/home/eightfold.lock" ] || fail "the data dir lock was not released"
echo "desktop smoke: PASS"
