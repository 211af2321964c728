#!/usr/bin/env python3
"""Compares two ipc_benchmark reports configuration by configuration.

Usage: scripts/compare.py OLD.json NEW.json [--threshold PCT]

For each configuration (mode, variant, size, inflight) in both reports: the change in p50, p99,
ops/s and CPU per round trip, using the median over repetitions. A change is marked '*' when it
is larger than the spread (max-min) of the repetitions in either report, i.e. larger than the
noise the reports themselves show. Exit status 1 when a marked change is a regression larger
than --threshold percent (default 10): p50, p99 or CPU/op up, or ops/s down. 2 on bad input.
Standard library only.
"""
import sys

from ipcb_report import die as _die, load_report, median

METRICS = (("p50_us", "p50", +1), ("p99_us", "p99", +1), ("ops_per_sec", "ops/s", -1), ("cpu_us_per_op", "CPU/op", +1))


def die(msg):
    _die("compare.py", msg)


def key_of(run):
    v = run.get("variant") or ""
    return run["mode"] + ("/" + v if v else "") + "/size:" + run["message_size"]["spec"]


def load(path):
    report = load_report(path, "compare.py")
    configs = {}
    try:
        for r in report["runs"]:
            if r.get("status") != "ok":
                continue
            values = {"p50_us": r["latency_us"]["p50"], "p99_us": r["latency_us"]["p99"],
                      "ops_per_sec": r["ops_per_sec"], "cpu_us_per_op": r["cpu"]["cpu_us_per_op"]}
            c = configs.setdefault(key_of(r), {m: [] for m, _, _ in METRICS})
            for m in values:
                c[m].append(float(values[m]))
    except (KeyError, TypeError) as e:
        die("%s: a run lacks a field (%s)" % (path, e))
    return configs


def main(argv):
    args = argv[1:]
    threshold = 10.0
    if "--threshold" in args:
        i = args.index("--threshold")
        try:
            threshold = float(args[i + 1])
        except (IndexError, ValueError):
            die("--threshold wants a percentage")
        del args[i:i + 2]
    if len(args) != 2 or any(a.startswith("-") for a in args):
        sys.stderr.write(__doc__)
        return 2
    old, new = load(args[0]), load(args[1])
    common = [k for k in old if k in new]
    if not common:
        die("the reports share no successful configuration")
    regressions = []
    width = max(len(k) for k in common)
    print("%-*s  %s" % (width, "configuration", "  ".join("%-24s" % n for _, n, _ in METRICS)))
    for k in common:
        cells = []
        for metric, name, bad_sign in METRICS:
            a, b = old[k][metric], new[k][metric]
            ma, mb = median(a), median(b)
            change = 100.0 * (mb - ma) / ma if ma else 0.0
            noise = max(max(a) - min(a), max(b) - min(b))
            marked = abs(mb - ma) > noise and (len(a) > 1 or len(b) > 1)
            cells.append("%-24s" % ("%.4g -> %.4g %+.1f%%%s" % (ma, mb, change, "*" if marked else "")))
            if marked and change * bad_sign > threshold:
                regressions.append("%s %s %+.1f%%" % (k, name, change))
        print("%-*s  %s" % (width, k, "  ".join(cells)))
    only = sorted(set(old) ^ set(new))
    if only:
        print("\nin one report only: " + ", ".join(only))
    print("\n'*': change larger than the spread of repetitions in either report")
    if regressions:
        print("regressions beyond %.0f%%: %s" % (threshold, "; ".join(regressions)))
        return 1
    print("no regression beyond %.0f%%" % threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
