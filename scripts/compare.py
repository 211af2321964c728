#!/usr/bin/env python3
"""Compares two ipc_benchmark reports configuration by configuration.

Usage: scripts/compare.py OLD.json NEW.json [--threshold PCT]

For each configuration (mode, variant, size, inflight) in both reports: the change in p50, p99,
ops/s and CPU per round trip, and in p50/floor (each run's p50 over its own same-moment handoff
floor: the floor-normalized figure, the one to hold across hosts and placements), using the
median over repetitions: a sweep's own aggregates
(report.json sweep.aggregates), or for a report of plain runs the median of its runs of that
configuration. A change is marked '*' when it is larger than the spread (max-min) of the
repetitions in either report, i.e. larger than the noise the reports themselves show. Exit status
1 when a marked change is a regression larger than --threshold percent (default 10): p50, p99 or
CPU/op up, or ops/s down. 2 on bad input. Standard library only.

Placement: where the host put the two ends (each run's `placement`: separate-cores, shared-core,
time-shared, same-cpu) changes the answer by up to several times. A configuration whose runs sat
in different placements in the two reports is shown with the placements and never counted as a
regression; a run asked on one CPU (variant `same-cpu`) is a configuration of its own, and one
present in one report only with its other placement in the other (the same mode, size and typed
axes but `placement`) is named as such.
"""
import argparse
import statistics
import sys

from ipcb_report import die as _die, load_report, OneLineParser, twin_key

METRICS = (("p50_us", "p50", +1), ("p50_over_floor", "p50/floor", +1), ("p99_us", "p99", +1),
           ("ops_per_sec", "ops/s", -1), ("cpu_us_per_op", "CPU/op", +1))


def die(msg):
    _die("compare.py", msg)


def from_aggregates(aggregates):
    """{configuration: {metric: {median, min, max}, "n": ok runs}} as the sweep aggregated it."""
    configs = {}
    for a in aggregates:
        if a["ok_runs"]:
            configs[a["name"]] = dict({m: a.get(m) for m, _, _ in METRICS}, n=a["ok_runs"],
                                      placements=set((a.get("placements") or {}).keys()),
                                      twin=twin_key(a["mode"], a["size"], a.get("axes")))
    return configs


def from_runs(runs):
    """The same shape from a report of plain runs (no sweep), one configuration per mode x size."""
    values, placements, twins = {}, {}, {}
    for r in runs:
        if r.get("status") != "ok":
            continue
        got = {"p50_us": r["latency_us"]["p50"], "p50_over_floor": r.get("p50_over_floor"),
               "p99_us": r["latency_us"]["p99"], "ops_per_sec": r["ops_per_sec"],
               "cpu_us_per_op": r["cpu"]["cpu_us_per_op"]}
        c = values.setdefault(r["config"], {m: [] for m, _, _ in METRICS})
        placements.setdefault(r["config"], set()).add(r.get("placement") or "unmeasured")
        twins[r["config"]] = twin_key(r["mode"], r["message_size"]["spec"], r.get("axes"))
        for m in got:
            if got[m] is not None:
                c[m].append(float(got[m]))
    spread = lambda v: {"median": statistics.median(v), "min": min(v), "max": max(v)} if v else None
    return {k: dict({m: spread(v) for m, v in c.items()}, n=len(c["p50_us"]), placements=placements[k], twin=twins[k])
            for k, c in values.items()}


def placement_differs(a, b):
    """Placements of one configuration in two reports, when they differ ('' when they agree or are unknown)."""
    pa, pb = a.get("placements") or set(), b.get("placements") or set()
    known = lambda p: p - {"unmeasured", "changed"}
    if not known(pa) or not known(pb) or known(pa) == known(pb):
        return ""
    return "placement differs: %s -> %s" % ("/".join(sorted(pa)), "/".join(sorted(pb)))


def load(path):
    report = load_report(path, "compare.py")
    try:
        aggregates = (report.get("sweep") or {}).get("aggregates")
        return from_aggregates(aggregates) if aggregates is not None else from_runs(report["runs"])
    except (KeyError, TypeError) as e:
        die("%s: a run or aggregate lacks a field (%s)" % (path, e))


def compare(old, new, threshold):
    """Prints the table; returns the regressions beyond threshold percent."""
    common = [k for k in old if k in new]
    if not common:
        die("the reports share no successful configuration")
    regressions, set_apart = [], []
    width = max(len(k) for k in common)
    print("%-*s  %s" % (width, "configuration", "  ".join("%-24s" % n for _, n, _ in METRICS)))
    for k in common:
        cells = []
        differs = placement_differs(old[k], new[k])
        for metric, name, bad_sign in METRICS:
            a, b = old[k][metric], new[k][metric]
            if a is None or b is None:  # a report without floors (older, or roles on one CPU)
                cells.append("%-24s" % "-")
                continue
            ma, mb = a["median"], b["median"]
            change = 100.0 * (mb - ma) / ma if ma else 0.0
            noise = max(a["max"] - a["min"], b["max"] - b["min"])
            marked = abs(mb - ma) > noise and (old[k]["n"] > 1 or new[k]["n"] > 1)
            cells.append("%-24s" % ("%.4g -> %.4g %+.1f%%%s" % (ma, mb, change, "*" if marked else "")))
            if marked and change * bad_sign > threshold:
                if differs:
                    set_apart.append("%s %s %+.1f%%" % (k, name, change))
                else:
                    regressions.append("%s %s %+.1f%%" % (k, name, change))
        print("%-*s  %s%s" % (width, k, "  ".join(cells), "  (" + differs + ")" if differs else ""))
    only = sorted(set(old) ^ set(new))
    if only:
        print("\nin one report only: " + ", ".join(only))
        for k in only:
            mine = (old.get(k) or new.get(k))["twin"]
            twin = next((t for t, c in list(old.items()) + list(new.items()) if t != k and mine and c["twin"] == mine),
                        None)
            if twin:
                print("  %s: the same configuration asked in another placement is %s (not compared: "
                      "a placement is not a regression)" % (k, twin))
    if set_apart:
        print("\nnot called regressions, the placement differs: " + "; ".join(set_apart))
    return regressions


def main(argv):
    p = OneLineParser(prog="compare.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old", metavar="OLD.json")
    p.add_argument("new", metavar="NEW.json")
    p.add_argument("--threshold", type=float, default=10.0, metavar="PCT",
                   help="regression threshold in percent (default 10)")
    args = p.parse_args(argv[1:])
    regressions = compare(load(args.old), load(args.new), args.threshold)
    print("\np50/floor: p50 over the run's own two-thread handoff floor, measured on its CPUs right before and "
          "after it;\nfloor-normalized, it holds across hosts and vCPU placements where absolute figures move "
          "with them.")
    print("'*': change larger than the spread of repetitions in either report")
    if regressions:
        print("regressions beyond %.0f%%: %s" % (args.threshold, "; ".join(regressions)))
        return 1
    print("no regression beyond %.0f%%" % args.threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
