#!/usr/bin/env bash
# Desktop binary size and cold start to first paint under Xvfb.
#
# Size: the bytes of BIN (and MiB).
# Start: RUNS (default 5) starts of `BIN open PROJECT`, each with a fresh EIGHTFOLD_HOME and fresh
# XDG cache/data/config dirs (so WebKit starts without caches), on an Xvfb display of its own:
#   window  time from launch until `xdotool search --name '^Eightfold — PROJECT'` finds the window
#           (the title is set once the project is open); polled every POLL_MS (default 100 ms)
#   paint   time from launch until a screenshot of the root window is no longer flat:
#           `import -window root` then `convert … -format '%[fx:standard_deviation]' info:` > 0.02;
#           a screenshot every SHOT_MS (default 500 ms: fast screenshots starve Xvfb)
#   quit    time from SIGTERM until the process exits (it quits cleanly on SIGTERM)
# The times are when the successful probe was launched; the previous probe, POLL_MS or SHOT_MS
# earlier (more when a probe takes longer than its period), had not seen it yet. Probes run
# on this machine's cores too, so they cost the app some CPU. The achieved probe periods and
# durations are printed with the results.
#
# Usage: bench/desktop-start.sh BIN      (BIN built with -tags desktop,production,webkit2_41)
#        RUNS=9 SHOT_MS=1000 bench/desktop-start.sh BIN
#        KEEP=/some/dir bench/desktop-start.sh BIN   (keeps the first painted screenshot of each start)
# Needs: Xvfb, xdotool, xdpyinfo, ImageMagick (import, convert), /usr/bin/python3, git.
# On Debian: apt-get install -y xvfb xdotool x11-utils imagemagick
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin_hint="BIN: a desktop build of eightfold, e.g. build/bin/eightfold"
bench_bin "$@"
runs=${RUNS:-5}
poll_ms=${POLL_MS:-100}
shot_ms=${SHOT_MS:-500}
need_hint="Debian: apt-get install -y xvfb xdotool x11-utils imagemagick"
bench_need Xvfb xdotool xdpyinfo import convert git "$py"

xvfb_pid=
bench_on_exit() {
	if [[ -n "$xvfb_pid" ]]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
}
bench_tmp

# A free display: no lock file and no socket.
disp=
for n in $(seq 90 199); do
	if [[ ! -e /tmp/.X$n-lock && ! -e /tmp/.X11-unix/X$n ]]; then disp=$n; break; fi
done
[[ -n "$disp" ]] || { echo "$0: no free X display between :90 and :199" >&2; exit 1; }
Xvfb ":$disp" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
	DISPLAY=":$disp" xdpyinfo >/dev/null 2>&1 && break
	kill -0 "$xvfb_pid" 2>/dev/null || { echo "$0: Xvfb :$disp did not start:" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
	sleep 0.1
done
DISPLAY=":$disp" xdpyinfo >/dev/null 2>&1 || { echo "$0: Xvfb :$disp is not answering" >&2; exit 1; }

# The project the window opens: a committed repository with a trivial pipeline.
proj="$tmp/benchproj"
mkdir -p "$proj"
printf 'steps: [{name: a, run: "true"}, {name: b, run: "true"}]\n' >"$proj/eightfold.yaml"
commit_fixture "$proj"

cat >"$tmp/start.py" <<'PY'
import os, re, shutil, signal, statistics, subprocess, sys, threading, time

bin_, proj, disp, runs, poll_ms, shot_ms, tmp, keep = sys.argv[1:9]
runs, poll, shot = int(runs), int(poll_ms) / 1000, int(shot_ms) / 1000
title = "^Eightfold — " + re.escape(os.path.basename(proj))
timeout = 60
xenv = dict(os.environ, DISPLAY=disp)

def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out

results = []
for i in range(runs):
    home = os.path.join(tmp, f"start{i}")
    env = dict(xenv, EIGHTFOLD_HOME=os.path.join(home, "data"), XDG_CACHE_HOME=os.path.join(home, "cache"),
               XDG_DATA_HOME=os.path.join(home, "share"), XDG_CONFIG_HOME=os.path.join(home, "config"))
    os.makedirs(home)
    log = open(os.path.join(home, "app.log"), "w")
    found = {}  # "window", "paint": seconds after launch
    polls, poll_durs, shots, shot_durs, devs = [], [], [], [], []
    done = threading.Event()
    t0 = time.perf_counter()
    app = subprocess.Popen([bin_, "open", proj], env=env, stdin=subprocess.DEVNULL, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)

    def poll_window():
        while not done.is_set():
            start = time.perf_counter()
            rc = subprocess.run(["xdotool", "search", "--name", title], env=xenv,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            polls.append(start - t0)
            poll_durs.append(time.perf_counter() - start)
            if rc == 0:
                found["window"] = start - t0
                return
            done.wait(max(0, start + poll - time.perf_counter()))

    def poll_paint():
        k, start = 0, t0
        while not done.wait(max(0, start + shot - time.perf_counter())):
            k += 1
            path = os.path.join(home, f"shot{k}.miff")
            start = time.perf_counter()
            if subprocess.run(["import", "-window", "root", path], env=xenv,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
                continue
            shots.append(start - t0)
            shot_durs.append(time.perf_counter() - start)
            out = subprocess.run(["convert", path, "-format", "%[fx:standard_deviation]", "info:"],
                                 capture_output=True, text=True).stdout.strip()
            dev = float(out or 0)
            devs.append(dev)
            if dev > 0.02:
                found["paint"] = start - t0
                if keep:
                    os.makedirs(keep, exist_ok=True)
                    subprocess.run(["convert", path, os.path.join(keep, f"desktop-start-{i + 1}.png")])
                done.set()
                return
            os.remove(path)

    threads = [threading.Thread(target=poll_window), threading.Thread(target=poll_paint)]
    for t in threads:
        t.start()
    while not done.wait(0.05):
        if app.poll() is not None or time.perf_counter() - t0 > timeout:
            done.set()
    for t in threads:
        t.join()
    main_kb = rss_kb(app.pid)
    helper_kb = sum(rss_kb(p) for p in descendants(app.pid))
    exited_early = app.poll() is not None
    ts = time.perf_counter()
    quit_s = None
    if not exited_early:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(15)
            quit_s = time.perf_counter() - ts
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()
    log.close()
    with open(os.path.join(home, "app.log")) as f:
        applog = f.read()
    if "window" not in found or "paint" not in found:
        print(f"bench: start {i + 1}: window {found.get('window')}, paint {found.get('paint')} "
              f"(screen deviations seen: {devs}); app {'exited with ' + str(app.returncode) if exited_early else 'still running'}; "
              f"its output:\n{applog[-3000:]}", file=sys.stderr)
        sys.exit(1)
    gaps = [b - a for a, b in zip(polls, polls[1:])]
    sgaps = [b - a for a, b in zip(shots, shots[1:])]
    results.append(dict(window=found["window"], paint=found["paint"], quit=quit_s,
                        poll_gap=statistics.median(gaps) if gaps else None, poll_dur=statistics.median(poll_durs),
                        shot_gap=statistics.median(sgaps) if sgaps else None, shot_dur=statistics.median(shot_durs),
                        main_mib=main_kb / 1024, helper_mib=helper_kb / 1024, dev=devs[-1]))
    print(f"  start {i + 1}/{runs}: window {found['window'] * 1000:.0f} ms, paint {found['paint'] * 1000:.0f} ms, "
          f"quit {'–' if quit_s is None else f'{quit_s * 1000:.0f} ms'}", file=sys.stderr)
    time.sleep(1)

def med(key, scale=1000):
    v = [r[key] for r in results if r[key] is not None]
    return statistics.median(v) * scale if v else float("nan")

def rng(key):
    v = [r[key] * 1000 for r in results if r[key] is not None]
    return f"{min(v):.0f}–{max(v):.0f}"

print("| what | median | min–max | each start (ms) | goal |")
print("|---|---:|---:|---|---|")
for key, what in [("window", "launch → window `Eightfold — PROJECT` exists"),
                  ("paint", "launch → screen no longer flat (first paint)"),
                  ("quit", "SIGTERM → process exited")]:
    each = ", ".join("–" if r[key] is None else f"{r[key] * 1000:.0f}" for r in results)
    print(f"| {what} | **{med(key):.0f} ms** | {rng(key)} ms | {each} | |")
print()
print(f"Probes (medians over all starts): window poll every {med('poll_gap'):.0f} ms (asked {poll_ms} ms; one "
      f"`xdotool search` takes {med('poll_dur'):.0f} ms); screenshot every {med('shot_gap'):.0f} ms "
      f"(asked {shot_ms} ms; one `import` takes {med('shot_dur'):.0f} ms). So the window time is known to within "
      f"about one poll period and the paint time to within about one screenshot period.")
print(f"Standard deviation of the first painted screenshot: {statistics.median(r['dev'] for r in results):.3f}. "
      f"RSS at first paint: app process {med('main_mib', 1):.0f} MiB, its helper processes (WebKit) "
      f"{med('helper_mib', 1):.0f} MiB more (RSS sum; shared pages counted in each).")
PY

size=$(stat -c %s "$bin")
echo "desktop start: $runs starts…" >&2
table=$("$py" "$tmp/start.py" "$bin" "$proj" ":$disp" "$runs" "$poll_ms" "$shot_ms" "$tmp" "${KEEP:-}")

echo
echo "Desktop: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine); load average $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "Xvfb :$disp 1280x800x24; BIN=$bin; $runs cold starts, each with a fresh EIGHTFOLD_HOME and XDG dirs"
echo
echo "| what | value |"
echo "|---|---:|"
printf '| binary size | %s bytes (%s MiB) |\n' "$size" "$("$py" -c "print(f'{$size / 1048576:.1f}')")"
echo
echo "$table"
