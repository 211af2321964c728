"""Plots an ipc_benchmark sweep report: which IPC should I use?

Usage: scripts/plot.py REPORT.json [--out DIR] [--format png|svg]

Writes, next to the report unless --out says otherwise:
  latency_spectrum_<size>.png  round trip at each percentile (50% .. 99.99%), one line per mode
  latency_vs_size.png          p50 and p99 vs message size, bars = min..max over repetitions,
                               dashed: the two-thread handoff floor from the same sweep
  throughput_vs_size.png       MiB/s vs message size (request + response bytes)
  cpu_per_op.png               CPU time per round trip: server/client x user/system, stacked
  uring_overhead.png           io_uring integration overhead pairs (when the report has them)
  latency_vs_load.png           p50, p99 and CPU per request against the offered rate (the ladder)
  latency_vs_capacity.png      the same against each mode's own closed-loop maximum (percent)
  fan_in.png, pareto.png       fan-in; p99 against CPU per request per design and spin budget
  timeline.png                 each mode's most uneven run against time (plot_timeline.py; and one
                               timeline-*.png per run when the report has at most 24 runs)
  (the load sections' plots are in plot_load.py)

Needs matplotlib (Debian: python3-matplotlib, served to /usr/bin/python3); re-runs itself under
/usr/bin/python3 when the python3 first on PATH lacks it (ipcb_plot.py). Only matplotlib and the
standard library.
"""
import argparse
import math
import os
import sys
from statistics import median

import plot_load
import plot_timeline
from ipcb_plot import figure, import_matplotlib, log_axes, styles, unique_in_order
from ipcb_report import die as _die, load_report as _load_report, OneLineParser


def die(msg, status=2):
    _die("plot.py", msg, status)


def size_label(nbytes):
    return "%d KiB" % (nbytes // 1024) if nbytes >= 1024 and nbytes % 1024 == 0 else "%d B" % nbytes


def spec_label(spec):
    return spec if not spec.isdigit() else size_label(int(spec))


def groups(report, inflight=None):
    """{(label, size_spec): [ok runs]} in report order: the closed-loop single-client runs."""
    out = {}
    for r in report["runs"]:
        if r.get("status") != "ok":
            continue
        if inflight is not None and r.get("inflight", 1) != inflight:
            continue
        if r.get("section", "matrix") not in ("matrix", "run"):
            continue  # the load, fan-in and spin sections have plots of their own (plot_load.py)
        if r.get("clients", 1) > 1 or (r.get("load") or {}).get("kind") == "open":
            continue  # an older report's section runs, which carry no section
        out.setdefault((r["label"], r["message_size"]["spec"]), []).append(r)
    return out


def plot_spectra(plt, report, out_dir, fmt):
    g = groups(report, inflight=1)
    st = styles({lab for lab, _ in g})
    written = []
    for spec in unique_in_order(spec for _, spec in g):
        def draw(fig, axes, spec=spec):
            ax = axes[0]
            for (lab, s), runs in sorted(g.items()):
                if s != spec:
                    continue
                points = {}
                for r in runs:
                    for p, v in r.get("latency_spectrum_us", []):
                        if 50 <= p <= 99.99:
                            points.setdefault(p, []).append(v)
                ps = sorted(points)
                if not ps:
                    continue
                color, marker = st[lab]
                ax.plot([-math.log10(1 - p / 100) for p in ps], [median(points[p]) for p in ps], marker=marker,
                        color=color, label=lab, markersize=4)
            ticks = [50, 90, 99, 99.9, 99.99]
            ax.set_xticks([-math.log10(1 - p / 100) for p in ticks])
            ax.set_xticklabels(["%g%%" % p for p in ticks])
            log_axes(ax, "percentile (1/(1-p) scale)", "round trip (us, log scale)",
                     "Latency percentile spectrum, %s messages (closed-loop ping-pong, median of repetitions)"
                     % spec_label(spec))
            ax.legend(fontsize=8)

        written += figure(plt, report, out_dir, fmt, "latency_spectrum_%s" % spec.replace("-", "_"), draw)
    return written


def by_size(report, inflight):
    """{label: {size_bytes: [runs]}} for fixed-size ok runs."""
    out = {}
    for (lab, spec), runs in groups(report, inflight).items():
        if spec.isdigit():
            out.setdefault(lab, {})[int(spec)] = runs
    return out


def plot_latency_vs_size(plt, report, out_dir, fmt):
    data = by_size(report, 1)
    if not data:
        return []
    st = styles(data)
    floors = [f for f in (report.get("sweep") or {}).get("handoff_floor", []) if "bytes" in f]

    def draw(fig, axes):
        for ax, key in zip(axes, ("p50", "p99")):
            for lab in sorted(data):
                sizes = sorted(data[lab])
                vals = [[r["latency_us"][key] for r in data[lab][s]] for s in sizes]
                meds = [median(v) for v in vals]
                err = [[m - min(v) for m, v in zip(meds, vals)], [max(v) - m for m, v in zip(meds, vals)]]
                color, marker = st[lab]
                ax.errorbar(sizes, meds, yerr=err, marker=marker, color=color, label=lab, capsize=3, markersize=4)
            if floors:  # the two-thread shared-buffer handoff, measured in the same sweep
                ax.plot([f["bytes"] for f in floors], [f["warmed"][key + "_us"] for f in floors], "k--",
                        linewidth=1, label="handoff floor (2 threads, warmed)")
            log_axes(ax, "message size (bytes, log2)", None, "%s round trip vs message size" % key, xbase=2)
        axes[0].set_ylabel("round trip (us, log scale); bars: min..max of repetitions")
        axes[1].legend(fontsize=8)

    return figure(plt, report, out_dir, fmt, "latency_vs_size", draw, ncols=2, width=12, sharey=True)


def plot_throughput(plt, report, out_dir, fmt):
    inflights = sorted({r.get("inflight", 1) for r in report["runs"] if r.get("status") == "ok"})
    data = {k: by_size(report, k) for k in inflights}
    if not any(data.values()):
        return []
    st = styles(set().union(*(set(d) for d in data.values())))

    def draw(fig, axes):
        ax = axes[0]
        for k in inflights:
            for lab in sorted(data[k]):
                sizes = sorted(data[k][lab])
                meds = [median([r["throughput_mib_s"] for r in data[k][lab][s]]) for s in sizes]
                color, marker = st[lab]
                ax.plot(sizes, meds, marker=marker, color=color, linestyle="-" if k == 1 else ":",
                        label=lab if k == 1 else None, markersize=4 if k == 1 else 7)
        title = "Throughput vs message size (solid: ping-pong"
        title += "; dotted, larger markers: %s requests in flight)" % "/".join(str(k) for k in inflights if k != 1) \
            if len(inflights) > 1 else ")"
        log_axes(ax, "message size (bytes, log2)", "throughput (MiB/s, request + response bytes, log scale)", title,
                 xbase=2)
        ax.legend(fontsize=8)

    return figure(plt, report, out_dir, fmt, "throughput_vs_size", draw)


def plot_cpu(plt, report, out_dir, fmt):
    g = groups(report, inflight=1)
    specs = unique_in_order(spec for _, spec in g)
    wanted = [s for s in ("4096", "typical", "131072") if s in specs] or specs[:2]
    if not wanted:
        return []
    parts = [("server", "user", "#1f77b4"), ("server", "sys", "#aec7e8"), ("client", "user", "#d62728"),
             ("client", "sys", "#ff9896")]

    def draw(fig, axes):
        for ax, spec in zip(axes, wanted):
            labs = sorted(lab for lab, s in g if s == spec)
            bottoms = [0.0] * len(labs)
            for role, kind, color in parts:
                vals = [median([1e6 * r["cpu"]["%s_%s_s" % (role, kind)] / r["operations"] for r in g[(lab, spec)]])
                        for lab in labs]
                ax.bar(range(len(labs)), vals, bottom=bottoms, color=color, label="%s %s" % (role, kind))
                bottoms = [b + v for b, v in zip(bottoms, vals)]
            ax.set_xticks(range(len(labs)))
            ax.set_xticklabels(labs, rotation=30, ha="right", fontsize=8)
            ax.set_ylabel("CPU time per round trip (us)")
            ax.set_title("CPU per round trip, %s messages" % spec_label(spec), fontsize=10)
            ax.grid(True, axis="y", alpha=0.3)
        axes[0].legend(fontsize=8)

    return figure(plt, report, out_dir, fmt, "cpu_per_op", draw, ncols=len(wanted), width=6 * len(wanted))


def plot_overhead(plt, report, out_dir, fmt):
    ov = (report.get("sweep") or {}).get("uring_overhead") or []
    if not ov:
        return []
    line_of = lambda row: row["pair"] + (" [%s]" % row["variant"] if row.get("variant") else "")
    pairs = unique_in_order(line_of(row) for row in ov)
    st = styles(pairs)
    metrics = (("p50_ratio", "p50 ratio"), ("p99_ratio", "p99 ratio"), ("cpu_ratio", "CPU per op ratio"))

    def draw(fig, axes):
        for ax, (key, title) in zip(axes, metrics):
            for pair in pairs:
                rows = sorted((r for r in ov if line_of(r) == pair and r.get(key) is not None and r["size_bytes"]),
                              key=lambda r: r["size_bytes"])
                if rows:
                    color, marker = st[pair]
                    ax.plot([r["size_bytes"] for r in rows], [r[key] for r in rows], marker=marker, color=color,
                            label=pair)
            ax.axhline(1.0, color="black", linewidth=0.8)
            log_axes(ax, "message size (bytes, log2)", "io_uring-driven / baseline (1 = no overhead)",
                     "io_uring integration overhead: %s" % title, xbase=2)
        axes[0].legend(fontsize=8)

    return figure(plt, report, out_dir, fmt, "uring_overhead", draw, ncols=3)


def plot_placement(plt, report, out_dir, fmt):
    """placement.png: each sleeping mode's p50 and CPU per round trip with its two ends on separate CPUs and
    on one CPU, side by side (report.json sweep.placement), one row per size."""
    pairs = (report.get("sweep") or {}).get("placement") or []
    if not pairs:
        return []
    sizes = unique_in_order(p["size"] for p in pairs)
    metrics = (("p50_us", "p50 round trip (us)"), ("cpu_us_per_op", "CPU per round trip, both sides (us)"))

    def draw(fig, axes):
        for row, size in enumerate(sizes):
            mine = [p for p in pairs if p["size"] == size]
            labels = [p["mode"] + ("[%s]" % p["variant"] if p["variant"] else "") for p in mine]
            xs = range(len(mine))
            for col, (key, title) in enumerate(metrics):
                ax = axes[row * len(metrics) + col]
                ax.bar([x - 0.2 for x in xs], [p["separate"][key] for p in mine], width=0.4, label="separate CPUs")
                ax.bar([x + 0.2 for x in xs], [p["same_cpu"][key] for p in mine], width=0.4, label="one CPU")
                ax.set_xticks(list(xs))
                ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
                ax.set_ylabel(title)
                ax.set_title("%s, %s B: separate CPUs against one CPU" % (title, size), fontsize=9)
                ax.legend(fontsize=8)

    return figure(plt, report, out_dir, fmt, "placement", draw, ncols=len(metrics), nrows=len(sizes))


def main(argv):
    p = OneLineParser(prog="plot.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--out", metavar="DIR", help="output folder (default: the report's folder)")
    p.add_argument("--format", choices=("png", "svg"), default="png")
    args = p.parse_args(argv[1:])
    path, out_dir, fmt = args.report, args.out, args.format
    report = _load_report(path, "plot.py")
    out_dir = out_dir or os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(out_dir) or not os.access(out_dir, os.W_OK):
        die("output folder %s is not writable" % out_dir)
    plt = import_matplotlib()
    written = []
    for fn in (plot_spectra, plot_latency_vs_size, plot_throughput, plot_cpu, plot_overhead, plot_placement,
               plot_load.plot_latency_vs_load, plot_load.plot_latency_vs_capacity, plot_load.plot_fan_in,
               plot_load.plot_pareto, plot_load.plot_loop, plot_timeline.plot_timelines):
        written += fn(plt, report, out_dir, fmt)
    if not written:
        die("the report has no successful run to plot", 1)
    for w in written:
        print(w)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
