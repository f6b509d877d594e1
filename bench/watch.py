"""Probes for the watch-mode bench scripts (Python standard library only).

Called as `/usr/bin/python3 bench/watch.py MODE ARGS...` by bench/watch-latency.sh,
bench/watch-burst.sh and bench/watch-setup.sh. Every wait is bounded; nothing here starts or stops
a watcher (the bash scripts do, with bench_start / bench_stop from bench/lib.sh).

A "marker" is the file the watched command appends to: one `date +%s%N` line (CLOCK_REALTIME,
nanoseconds) per run. Save times are taken with time.time_ns(), the same clock. A "trigger" is
the file that is saved; KIND is `text` (a line of text) or `go` (a valid Go file of package main).

  wait-lines MARKER N TIMEOUT_S
      Waits until MARKER has at least N lines; exit status 1 on timeout.
  wait-text FILE TEXT TIMEOUT_S
      Waits until FILE contains TEXT; exit status 1 on timeout.
  latency MARKER TRIGGER KIND SAVES WARMUP GAP_MS OUT LABEL [STAMPS]
      WARMUP + SAVES saves, one at a time: take the time, rewrite TRIGGER (open, write, close),
      poll MARKER every 1 ms for up to 5 s for a new line; latency = that line's time - the save
      time. Then wait GAP_MS and count any further lines (extra runs for one save). Appends
      `LABEL, i, latency ms` rows for the counted saves to OUT (bench/timing.py's format; a save
      with no run within 5 s is written as LABEL/miss) and LABEL/extra rows with the extra runs.
      With STAMPS, also appends "save_ns marker_ns" of each counted save to that file.
  breakdown STAMPS HISTORY OUT LABEL
      Splits eightfold's latencies (STAMPS from `latency`, HISTORY from `history --json`): each save
      is matched to the first change run that started at or after it (started_at has millisecond
      precision). Appends rows LABEL/run (save -> the run's started_at), LABEL/step (run
      started_at -> its step's started_at) and LABEL/cmd (step started_at -> the marker line).
  burst MARKER TRIGGER KIND WRITES BURSTS WAIT_S OUT LABEL
      BURSTS times: rewrite TRIGGER WRITES times in a tight loop (open, write, close each time),
      wait WAIT_S, count the new MARKER lines. Appends rows LABEL (runs), LABEL/ms (how long the
      writes took), LABEL/first (first new marker line - the last write, ms; no row if none) and
      LABEL/gap (longest pause between two consecutive writes, ms).
  history-summary FILE...
      Reads the output of `eightfold history --json` from each FILE; prints
      "N runs: COUNT× trigger/status, …; changed_files seen: …" over all of them.
  gentree DIR DIRS FILES_PER_DIR NM_DIRS NM_FILES_PER_DIR
      Writes DIRS directories (100 top-level ones with DIRS/100 - 1 subdirectories each) of
      FILES_PER_DIR small files, plus node_modules/ with NM_DIRS packages of NM_FILES_PER_DIR files.
  ready LOG T0_NS TIMEOUT_S
      Reads the URL `eightfold serve` printed to LOG, then POSTs /api/WatchState with the bearer
      token every 10 ms until it says watching. Prints "READY_MS DIRS URL_MS" (from T0_NS, a
      time_ns taken just before the process was started, to the first answer that says watching,
      and to the moment the URL was seen in LOG); exit status 1 on timeout or error.
  first-line MARKER T0_NS TIMEOUT_S
      Waits for MARKER's first line; prints its time - T0_NS in ms.
  proc PID
      Prints "VmRSS_kB VmHWM_kB CPU_TICKS CHILD_TICKS" from /proc/PID/status and /proc/PID/stat.
  idle PID SECONDS
      CPU used by PID (utime + stime) over SECONDS, as % of one core; prints
      "PCT TICKS CHILD_TICKS HZ" (CHILD_TICKS: cutime + cstime of children it waited for).
"""
import datetime
import json
import os
import re
import sys
import time
import urllib.request

from timing import dispatch

POLL = 0.001


def lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().split(b"\n")[:-1]
    except FileNotFoundError:
        return []


def wait_lines(marker, n, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        if len(lines(marker)) >= int(n):
            return None
        time.sleep(0.01)
    sys.exit(f"watch.py: {marker}: fewer than {n} lines after {timeout} s")


def wait_text(path, text, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        try:
            with open(path, errors="replace") as f:
                if text in f.read():
                    return None
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    sys.exit(f"watch.py: {path}: no {text!r} after {timeout} s")


def content(kind, i, t):
    if kind == "go":
        return f"package main\n\n// save {i} at {t}\n"
    return f"save {i} at {t}\n"


def save(trigger, kind, i):
    t = time.time_ns()
    with open(trigger, "w") as f:
        f.write(content(kind, i, t))
    return t


def size(path):
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return 0


def new_lines(marker, offset):
    with open(marker, "rb") as f:
        f.seek(offset)
        data = f.read()
    # Only complete lines: `date` may be caught half-way through its write.
    return [int(l) for l in data.split(b"\n")[:-1] if l.strip()]


def latency(marker, trigger, kind, saves, warmup, gap_ms, out, label, stamps=None):
    saves, warmup, gap = int(saves), int(warmup), int(gap_ms) / 1000
    st = open(stamps, "a") if stamps else None
    with open(out, "a") as f:
        for i in range(warmup + saves):
            off = size(marker)
            t = save(trigger, kind, i)
            deadline = time.monotonic() + 5
            got = []
            while time.monotonic() < deadline:
                if size(marker) > off:
                    got = new_lines(marker, off)
                    if got:
                        break
                time.sleep(POLL)
            time.sleep(gap)
            extra = len(new_lines(marker, off)) - 1 if got else 0
            n = i - warmup
            if n < 0:
                continue
            if got:
                f.write(f"{label}\t{n}\t{(got[0] - t) / 1e6:.3f}\t\t\n")
                if st:
                    st.write(f"{t}\t{got[0]}\n")
                    st.flush()
            else:
                f.write(f"{label}/miss\t{n}\t5000\t\t\n")
            f.write(f"{label}/extra\t{n}\t{max(extra, 0)}\t\t\n")
            f.flush()
            if (n + 1) % 10 == 0:
                print(f"  {label}: {n + 1}/{saves} saves", file=sys.stderr)


def ns(stamp):
    d = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return int(d.timestamp() * 1000) * 1_000_000


def breakdown(stamps, history, out, label):
    with open(history) as f:
        runs = sorted((r for r in json.load(f) if r["trigger"] == "change"), key=lambda r: r["id"])
    with open(stamps) as f, open(out, "a") as o:
        for i, line in enumerate(f):
            t, m = map(int, line.split())
            # started_at is truncated to the millisecond: compare at that precision.
            run = next((r for r in runs if ns(r["started_at"]) >= t // 1_000_000 * 1_000_000), None)
            if run is None or not run["steps"] or not run["steps"][0]["started_at"]:
                continue
            r0, s0 = ns(run["started_at"]), ns(run["steps"][0]["started_at"])
            o.write(f"{label}/run\t{i}\t{(r0 - t) / 1e6:.3f}\t\t\n")
            o.write(f"{label}/step\t{i}\t{(s0 - r0) / 1e6:.3f}\t\t\n")
            o.write(f"{label}/cmd\t{i}\t{(m - s0) / 1e6:.3f}\t\t\n")


def burst(marker, trigger, kind, writes, bursts, wait_s, out, label):
    writes, bursts, wait_s = int(writes), int(bursts), float(wait_s)
    with open(out, "a") as f:
        for b in range(bursts):
            off = size(marker)
            stamps = []
            for i in range(writes):
                stamps.append(save(trigger, kind, i))
            end = time.time_ns()
            time.sleep(wait_s)
            got = new_lines(marker, off)
            gap = max(b2 - a for a, b2 in zip(stamps, stamps[1:]))
            f.write(f"{label}\t{b}\t{len(got)}\t\t\n")
            f.write(f"{label}/ms\t{b}\t{(end - stamps[0]) / 1e6:.3f}\t\t\n")
            if got:
                f.write(f"{label}/first\t{b}\t{(got[0] - stamps[-1]) / 1e6:.3f}\t\t\n")
            f.write(f"{label}/gap\t{b}\t{gap / 1e6:.3f}\t\t\n")
            f.flush()
            print(f"  {label}: burst {b + 1}/{bursts}: {len(got)} run(s), writes took "
                  f"{(end - stamps[0]) / 1e6:.0f} ms", file=sys.stderr)


def history_summary(*files):
    runs = []
    for path in files:
        with open(path) as f:
            runs += json.load(f)
    kinds = {}
    for r in runs:
        k = f"{r['trigger']}/{r['status']}"
        kinds[k] = kinds.get(k, 0) + 1
    files = sorted({f for r in runs for f in r.get("changed_files") or []})
    parts = ", ".join(f"{v}× {k}" for k, v in sorted(kinds.items()))
    return f"{len(runs)} runs: {parts}; changed_files seen: {', '.join(files) or 'none'}"


def gentree(root, dirs, per_dir, nm_dirs, nm_per_dir):
    dirs, per_dir, nm_dirs, nm_per_dir = int(dirs), int(per_dir), int(nm_dirs), int(nm_per_dir)
    top = 100
    sub = dirs // top - 1
    made = 0

    def fill(d, n, ext):
        os.makedirs(d, exist_ok=True)
        for k in range(n):
            with open(os.path.join(d, f"f{k}.{ext}"), "w") as f:
                f.write(f"// {d} {k}\n")
        return n

    files = 0
    for t in range(top):
        td = os.path.join(root, "src", f"t{t:02d}")
        files += fill(td, per_dir, "txt")
        made += 1
        for s in range(sub):
            files += fill(os.path.join(td, f"s{s:02d}"), per_dir, "txt")
            made += 1
    nm = 0
    for p in range(nm_dirs):
        nm += fill(os.path.join(root, "node_modules", f"pkg{p:04d}", "lib"), nm_per_dir, "js")
    return f"{made} directories with {files} files; node_modules: {nm_dirs} packages, {nm} files"


def ready(log, t0, timeout):
    deadline = time.monotonic() + float(timeout)
    url = None
    while time.monotonic() < deadline and url is None:
        try:
            with open(log, errors="replace") as f:
                m = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=([0-9a-f]+)", f.read())
        except FileNotFoundError:
            m = None
        if m:
            url, token = m.group(1), m.group(2)
            url_ms = (time.time_ns() - int(t0)) / 1e6
        else:
            time.sleep(0.002)
    if url is None:
        sys.exit(f"watch.py: no URL in {log} after {timeout} s")
    state = None
    while time.monotonic() < deadline:
        req = urllib.request.Request(f"{url}/api/WatchState", data=b"[]", method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            state = json.load(r)
        if state.get("watching"):
            return f"{(time.time_ns() - int(t0)) / 1e6:.1f} {state.get('dirs')} {url_ms:.1f}"
        if state.get("error"):
            sys.exit(f"watch.py: WatchState error: {state['error']}")
        time.sleep(0.01)
    sys.exit(f"watch.py: not watching after {timeout} s: {state}")


def first_line(marker, t0, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        got = new_lines(marker, 0) if size(marker) else []
        if got:
            return f"{(got[0] - int(t0)) / 1e6:.1f}"
        time.sleep(POLL)
    sys.exit(f"watch.py: {marker}: no line after {timeout} s")


def proc(pid):
    with open(f"/proc/{pid}/status") as f:
        st = dict(l.split(":", 1) for l in f if ":" in l)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
    ticks = int(fields[11]) + int(fields[12])
    child = int(fields[13]) + int(fields[14])
    return st["VmRSS"].split()[0], st["VmHWM"].split()[0], ticks, child


def idle(pid, seconds):
    hz = os.sysconf("SC_CLK_TCK")
    _, _, t1, c1 = proc(pid)
    start = time.monotonic()
    time.sleep(float(seconds))
    _, _, t2, c2 = proc(pid)
    wall = time.monotonic() - start
    return f"{(t2 - t1) / hz / wall * 100:.3f} {t2 - t1} {c2 - c1} {hz}"


MODES = {
    "wait-lines": wait_lines,
    "wait-text": wait_text,
    "latency": latency,
    "burst": burst,
    "breakdown": breakdown,
    "history-summary": history_summary,
    "gentree": gentree,
    "ready": ready,
    "first-line": first_line,
    "proc": lambda pid: " ".join(map(str, proc(pid))),
    "idle": idle,
}


if __name__ == "__main__":
    dispatch(MODES, "watch.py", __doc__)
