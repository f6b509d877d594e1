# Shared by the desktop tests (desktop-smoke.sh, desktop-demo.sh): a private Xvfb display, the
# app's log on failure, waiting for a window and its first paint, screenshots, a clean quit.
# Source it after setting NAME (the test's name in messages); it sets bin, root, art, work.
# Usage of a test: NAME.sh path/to/eightfold (the launcher build of `make build`).

# with_retry runs the sourcing script once more when its first attempt died of a native crash
# inside WebKitGTK (rare: seen once in CI in ~30 runs, never reproduced here in 40 runs under
# load); the crash report stays in the output. Any other failure, or a second crash, fails.
with_retry() {
  [ -z "${EF_DESKTOP_ATTEMPT:-}" ] || return 0
  local out rc attempt
  out=$(mktemp)
  for attempt in 1 2; do
    rc=0
    EF_DESKTOP_ATTEMPT=$attempt "$0" "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] && break
    grep -q "^$NAME: the app crashed:" "$out" && [ "$attempt" = 1 ] || break
    echo "$NAME: the app crashed in native code (above); one more attempt"
  done
  rm -f "$out"
  exit "$rc"
}

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

# fail prints the app's log without the register dump of a crash (kept whole in
# test-artifacts/NAME-app.log, spaces as dashes), then a summary of a native crash, then the reason, last, so
# that the tail of the output, which is what CI shows, says what happened.
fail() {
  if [ -f "$work/app.log" ]; then
    cp "$work/app.log" "$art/${NAME// /-}-app.log"
    grep -Ev '^(r[a-z0-9]{1,2}|rip|rflags|[cdefgs]s) +0x' "$work/app.log" | head -n 80 | sed 's/^/  app: /' >&2
    local crash
    crash=$(grep -m1 -E '^(SIGSEGV|SIGABRT|SIGBUS|SIGILL|SIGFPE|SIGQUIT|SIGTRAP|fatal error|panic)' "$work/app.log" || true)
    [ -z "$crash" ] || echo "$NAME: the app crashed: $crash; in: $(grep -m3 -o '_Cfunc_[A-Za-z0-9_]*' "$work/app.log" | tr '\n' ' ')" >&2
  fi
  echo "$NAME: FAIL: $*" >&2
  exit 1
}

need_tools() {
  local tool
  for tool in Xvfb xdotool import convert compare; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run build/scripts/deps.sh test"
  done
}

# start_xvfb starts a private display on the first free number and exports DISPLAY.
start_xvfb() {
  local n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":$n"
  for _ in $(seq 1 20); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.5; done
}

# wait_window REGEX [SECONDS]: prints the id of the app's window whose title matches REGEX.
wait_window() {
  local wid= tries=$((${2:-30} * 10))
  for _ in $(seq 1 "$tries"); do
    wid=$(xdotool search --name "$1" 2>/dev/null | head -n1 || true)
    [ -n "$wid" ] && { echo "$wid"; return 0; }
    kill -0 "$app_pid" 2>/dev/null || fail "the app exited before a window titled '$1' appeared"
    sleep 0.1 # fine-grained: desktop-demo.sh times the window
  done
  fail "no window titled '$1' within ${2:-30} s"
}

# wait_painted FILE: waits until the screen stops being one flat colour; FILE keeps it.
wait_painted() {
  local sd
  for _ in $(seq 1 200); do
    import -window root "$1" 2>/dev/null || true
    sd=$(convert "$1" -colorspace Gray -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)
    if awk -v s="$sd" 'BEGIN { exit !(s > 0.02) }'; then return 0; fi
    sleep 0.1
  done
  fail "the window did not paint (screen is flat), see $1"
}

# quit_app asks the app to quit (SIGTERM) and checks that it exits 0 and frees the data dir
# in $1 (its eightfold.lock).
quit_app() {
  local status=0
  kill -TERM "$app_pid"
  for _ in $(seq 1 20); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$app_pid" 2>/dev/null && fail "the app did not quit within 10 s of SIGTERM"
  wait "$app_pid" || status=$?
  app_pid=
  [ "$status" = 0 ] || fail "the app exited with status $status"
  [ ! -s "$1/eightfold.lock" ] || fail "the data dir lock was not released"
}
