"""Timing helper for the bench scripts (Python standard library only).

Called through `bt` from bench/lib.sh, as `/usr/bin/python3 bench/timing.py MODE ARGS...`:

  time RUNS OUT label cmd [label cmd ...]
      Runs each `sh -c cmd` RUNS times, alternating the commands and rotating their order every
      round so none always goes first. Appends one line per run to OUT:
      label, round, wall ms, CPU ms (user + sys), peak RSS kB (tab-separated). Wall time is
      perf_counter around the child; CPU and RSS come from wait4's rusage of the child (and
      everything it waited for). Exits non-zero when a command fails.
  median OUT label [wall|cpu|rss]   median of that column for label (default wall)
  range OUT label [wall|cpu|rss]    min–max of that column for label (default wall)
  pairdiff OUT A B                  median over rounds of wall(B) - wall(A)
  percentile OUT label P [col]      P-th percentile of that column (linear interpolation
                                    between closest ranks, statistics.quantiles "inclusive")
  values OUT label [col]            every value of that column, in round order, comma-separated
  count OUT label                   how many rows label has
  sum OUT label [col]               sum of that column
  diff X Y                          X - Y
  ratio X Y                         X / Y
  pct X Y                           (X / Y - 1) in %
  mib KB                            KB in MiB
  recorded                          median duration_ms of the runs in `history --json` on stdin
  lastrun                           "id run_ms step_ms" of the newest run in `history --json` on stdin
"""
import json
import os
import statistics
import subprocess
import sys
import time

COLUMNS = {"wall": 2, "cpu": 3, "rss": 4}


def run(cmd):
    t = time.perf_counter_ns()
    p = subprocess.Popen(["sh", "-c", cmd], stdin=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter_ns() - t) / 1e6
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, wall, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss


def rows(path, label):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.split("\t", 1)[0] == label]


def column(args, i):
    return COLUMNS[args[i] if len(args) > i else "wall"]


def time_commands(runs, out, *pairs):
    runs, cmds = int(runs), list(zip(pairs[::2], pairs[1::2]))
    with open(out, "a") as f:
        for i in range(runs):
            k = i % len(cmds)
            for label, cmd in cmds[k:] + cmds[:k]:
                rc, wall, cpu, rss = run(cmd)
                if rc != 0:
                    sys.exit(f"bench: {label!r} failed with exit status {rc}: {cmd}")
                f.write(f"{label}\t{i}\t{wall:.3f}\t{cpu:.3f}\t{rss}\n")
                f.flush()
            print(f"  round {i + 1}/{runs} done", file=sys.stderr)


def median(*args):
    col = column(args, 2)
    return f"{statistics.median(float(r[col]) for r in rows(args[0], args[1])):.1f}"


def value_range(*args):
    col = column(args, 2)
    v = [float(r[col]) for r in rows(args[0], args[1])]
    return f"{min(v):.0f}–{max(v):.0f}"


def values(*args):
    return [float(r[column(args, 2)]) for r in rows(args[0], args[1])]


def percentile(out, label, p, *col):
    v = values(out, label, *col)
    if len(v) < 2:
        return f"{v[0]:.1f}" if v else "–"
    return f"{statistics.quantiles(v, n=100, method='inclusive')[int(p) - 1]:.1f}"


def pairdiff(out, label_a, label_b):
    a = {r[1]: float(r[2]) for r in rows(out, label_a)}
    b = {r[1]: float(r[2]) for r in rows(out, label_b)}
    return f"{statistics.median(b[k] - a[k] for k in a if k in b):.1f}"


def recorded():
    return f"{statistics.median(r['duration_ms'] for r in json.load(sys.stdin)):.1f}"


def lastrun():
    r = json.load(sys.stdin)[0]
    return f"{r['id']} {r['duration_ms']} {r['steps'][0]['duration_ms']}"


# Each mode takes the command line's arguments as strings and returns what to print (or None).
MODES = {
    "time": time_commands,
    "median": median,
    "range": value_range,
    "pairdiff": pairdiff,
    "percentile": percentile,
    "values": lambda *a: ", ".join(f"{x:g}" for x in values(*a)),
    "count": lambda out, label: str(len(rows(out, label))),
    "sum": lambda *a: f"{sum(values(*a)):g}",
    "diff": lambda x, y: f"{float(x) - float(y):.1f}",
    "ratio": lambda x, y: f"{float(x) / float(y):.2f}",
    "pct": lambda x, y: f"{(float(x) / float(y) - 1) * 100:+.0f} %",
    "mib": lambda kb: f"{float(kb) / 1024:.0f}",
    "recorded": recorded,
    "lastrun": lastrun,
}


def dispatch(modes, script, doc):
    """Runs the mode named by argv[1] with the other arguments, printing what it returns.
    Shared by the bench/ Python helpers; Ctrl+C exits with status 130."""
    if len(sys.argv) < 2:
        sys.exit(doc)
    mode = sys.argv[1]
    if mode not in modes:
        sys.exit(f"{script}: unknown mode {mode!r} (see the docstring)")
    try:
        out = modes[mode](*sys.argv[2:])
    except KeyboardInterrupt:
        sys.exit(130)
    if out is not None:
        print(out)


if __name__ == "__main__":
    dispatch(MODES, "timing.py", __doc__)
