#!/usr/bin/env python3
"""Plots an ipc_benchmark sweep report: which IPC should I use?

Usage: scripts/plot.py REPORT.json [--out DIR] [--format png|svg]

Writes, next to the report unless --out says otherwise:
  latency_spectrum_<size>.png  round trip at each percentile (50% .. 99.99%), one line per mode
  latency_vs_size.png          p50 and p99 vs message size, bars = min..max over repetitions,
                               dashed: the two-thread handoff floor from the same sweep
  throughput_vs_size.png       MiB/s vs message size (request + response bytes)
  cpu_per_op.png               CPU time per round trip: server/client x user/system, stacked
  uring_overhead.png           io_uring integration overhead pairs (when the report has them)

Needs matplotlib (Debian: python3-matplotlib, served to /usr/bin/python3); re-runs itself under
/usr/bin/python3 when the python3 first on PATH lacks it. Only matplotlib and the standard library.
"""
import argparse
import math
import os
import sys
from statistics import median

import plot_load
from ipcb_report import die as _die, load_report as _load_report, OneLineParser

DEBIAN_PYTHON = "/usr/bin/python3"


def import_matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and os.path.exists(DEBIAN_PYTHON) \
                and not os.environ.get("IPCB_PLOT_REEXEC"):
            os.environ["IPCB_PLOT_REEXEC"] = "1"
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
        sys.stderr.write("plot.py: matplotlib is missing: install Debian's python3-matplotlib "
                         "(apt-get install python3-matplotlib)\n")
        sys.exit(3)


def die(msg, status=2):
    _die("plot.py", msg, status)


def load_report(path):
    return _load_report(path, "plot.py")


def label(run):
    v = run.get("variant") or ""
    return run["mode"] + (" [%s]" % v if v else "")


def size_label(nbytes):
    return "%d KiB" % (nbytes // 1024) if nbytes >= 1024 and nbytes % 1024 == 0 else "%d B" % nbytes


def groups(report, inflight=None):
    """{(label, size_spec): [ok runs]} in report order."""
    out = {}
    for r in report["runs"]:
        if r.get("status") != "ok":
            continue
        if inflight is not None and r.get("inflight", 1) != inflight:
            continue
        if r.get("clients", 1) > 1 or (r.get("load") or {}).get("kind") == "open":
            continue  # the load sections' runs have plots of their own (plot_load.py)
        out.setdefault((label(r), r["message_size"]["spec"]), []).append(r)
    return out


def placements_text(report):
    """'placement: separate-cores (54 runs)', or the count of each when runs saw several."""
    counts = {}
    for r in report["runs"]:
        if r.get("status") == "ok":
            p = r.get("placement") or "unmeasured"
            counts[p] = counts.get(p, 0) + 1
    if not counts:
        return "placement: none measured"
    return "placement: " + ", ".join("%s (%d runs)" % kv for kv in sorted(counts.items())) + \
        ("; summary.md splits mixed configurations by placement" if len(counts) > 1 else "")


def caption(fig, report):
    e = report["environment"]
    text = "%s, %s CPUs, %s; %s; clocksource %s; liburing %s; commit %s; %s\n%s" % (
        e.get("cpu_model", "?"), e.get("cpus_online", "?"), e.get("virtualization", "?"), e.get("kernel", "?"),
        e.get("clocksource", "?"), e.get("liburing_version", "?"), e.get("git_commit", "?"), e.get("timestamp", "?"),
        placements_text(report))
    fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555", ha="left", va="bottom")


def save(fig, report, out_dir, name, fmt):
    caption(fig, report)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    path = os.path.join(out_dir, "%s.%s" % (name, fmt))
    fig.savefig(path, dpi=110)
    return path


def styles(labels):
    markers = "osD^vP*Xh<>"
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    return {l: (colors[i % len(colors)], markers[i % len(markers)]) for i, l in enumerate(sorted(labels))}


def plot_spectra(plt, report, out_dir, fmt):
    g = groups(report, inflight=1)
    sizes = []
    for (_, spec), runs in g.items():
        if spec not in sizes:
            sizes.append(spec)
    st = styles({l for l, _ in g})
    written = []
    for spec in sizes:
        fig, ax = plt.subplots(figsize=(8, 5))
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
            xs = [-math.log10(1 - p / 100) for p in ps]
            color, marker = st[lab]
            ax.plot(xs, [median(points[p]) for p in ps], marker=marker, color=color, label=lab, markersize=4)
        ticks = [50, 90, 99, 99.9, 99.99]
        ax.set_xticks([-math.log10(1 - p / 100) for p in ticks])
        ax.set_xticklabels(["%g%%" % p for p in ticks])
        ax.set_yscale("log")
        ax.set_xlabel("percentile (1/(1-p) scale)")
        ax.set_ylabel("round trip (us, log scale)")
        name = spec if not spec.isdigit() else size_label(int(spec))
        ax.set_title("Latency percentile spectrum, %s messages (closed-loop ping-pong, median of repetitions)" % name,
                     fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        written.append(save(fig, report, out_dir, "latency_spectrum_%s" % spec.replace("-", "_"), fmt))
        plt.close(fig)
    return written


def by_size(report, inflight):
    """{label: {size_bytes: [runs]}} for fixed-size ok runs."""
    out = {}
    for (lab, spec), runs in groups(report, inflight).items():
        if not spec.isdigit():
            continue
        out.setdefault(lab, {})[int(spec)] = runs
    return out


def plot_latency_vs_size(plt, report, out_dir, fmt):
    data = by_size(report, 1)
    if not data:
        return []
    st = styles(data)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    for ax, key, title in ((axes[0], "p50", "p50"), (axes[1], "p99", "p99")):
        for lab in sorted(data):
            sizes = sorted(data[lab])
            vals = [[r["latency_us"][key] for r in data[lab][s]] for s in sizes]
            meds = [median(v) for v in vals]
            err = [[m - min(v) for m, v in zip(meds, vals)], [max(v) - m for m, v in zip(meds, vals)]]
            color, marker = st[lab]
            ax.errorbar(sizes, meds, yerr=err, marker=marker, color=color, label=lab, capsize=3, markersize=4)
        floors = [f for f in report.get("sweep", {}).get("handoff_floor", []) if "bytes" in f]
        if floors:  # the two-thread shared-buffer handoff, measured in the same sweep
            ax.plot([f["bytes"] for f in floors], [f["warmed"][key + "_us"] for f in floors], "k--", linewidth=1,
                    label="handoff floor (2 threads, warmed)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("message size (bytes, log2)")
        ax.set_title("%s round trip vs message size" % title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("round trip (us, log scale); bars: min..max of repetitions")
    axes[1].legend(fontsize=8)
    path = save(fig, report, out_dir, "latency_vs_size", fmt)
    plt.close(fig)
    return [path]


def plot_throughput(plt, report, out_dir, fmt):
    fig, ax = plt.subplots(figsize=(8, 5))
    any_line = False
    inflights = sorted({r.get("inflight", 1) for r in report["runs"] if r.get("status") == "ok"})
    all_labels = set()
    for k in inflights:
        all_labels |= set(by_size(report, k))
    st = styles(all_labels)
    for k in inflights:
        data = by_size(report, k)
        for lab in sorted(data):
            sizes = sorted(data[lab])
            if k != 1 and len(sizes) < 1:
                continue
            meds = [median([r["throughput_mib_s"] for r in data[lab][s]]) for s in sizes]
            color, marker = st[lab]
            ax.plot(sizes, meds, marker=marker, color=color, linestyle="-" if k == 1 else ":",
                    label=lab if k == 1 else None, markersize=4 if k == 1 else 7)
            any_line = True
    if not any_line:
        plt.close(fig)
        return []
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("message size (bytes, log2)")
    ax.set_ylabel("throughput (MiB/s, request + response bytes, log scale)")
    title = "Throughput vs message size (solid: ping-pong"
    title += "; dotted, larger markers: %s requests in flight)" % "/".join(str(k) for k in inflights if k != 1) \
        if len(inflights) > 1 else ")"
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    path = save(fig, report, out_dir, "throughput_vs_size", fmt)
    plt.close(fig)
    return [path]


def plot_cpu(plt, report, out_dir, fmt):
    g = groups(report, inflight=1)
    specs = []
    for _, spec in g:
        if spec not in specs:
            specs.append(spec)
    wanted = [s for s in ("4096", "typical", "131072") if s in specs] or specs[:2]
    if not wanted:
        return []
    fig, axes = plt.subplots(1, len(wanted), figsize=(6 * len(wanted), 5), squeeze=False)
    parts = [("server", "user", "#1f77b4"), ("server", "sys", "#aec7e8"), ("client", "user", "#d62728"),
             ("client", "sys", "#ff9896")]
    for ax, spec in zip(axes[0], wanted):
        labs = sorted(l for l, s in g if s == spec)
        bottoms = [0.0] * len(labs)
        for role, kind, color in parts:
            vals = []
            for lab in labs:
                runs = g[(lab, spec)]
                vals.append(median([1e6 * r["cpu"]["%s_%s_s" % (role, kind)] / r["operations"] for r in runs]))
            ax.bar(range(len(labs)), vals, bottom=bottoms, color=color, label="%s %s" % (role, kind))
            bottoms = [b + v for b, v in zip(bottoms, vals)]
        ax.set_xticks(range(len(labs)))
        ax.set_xticklabels(labs, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("CPU time per round trip (us)")
        name = spec if not spec.isdigit() else size_label(int(spec))
        ax.set_title("CPU per round trip, %s messages" % name, fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    path = save(fig, report, out_dir, "cpu_per_op", fmt)
    plt.close(fig)
    return [path]


def plot_overhead(plt, report, out_dir, fmt):
    ov = (report.get("sweep") or {}).get("uring_overhead") or []
    if not ov:
        return []
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    metrics = (("p50_ratio", "p50 ratio"), ("p99_ratio", "p99 ratio"), ("cpu_ratio", "CPU per op ratio"))
    def line_of(row):
        return row["pair"] + (" [%s]" % row["variant"] if row.get("variant") else "")

    pairs = []
    for row in ov:
        if line_of(row) not in pairs:
            pairs.append(line_of(row))
    st = styles(pairs)
    for ax, (key, title) in zip(axes, metrics):
        for pair in pairs:
            rows = sorted((r for r in ov if line_of(r) == pair and r.get(key) is not None and r["size_bytes"]),
                          key=lambda r: r["size_bytes"])
            if not rows:
                continue
            color, marker = st[pair]
            ax.plot([r["size_bytes"] for r in rows], [r[key] for r in rows], marker=marker, color=color, label=pair)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("message size (bytes, log2)")
        ax.set_ylabel("io_uring-driven / baseline (1 = no overhead)")
        ax.set_title("io_uring integration overhead: %s" % title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    path = save(fig, report, out_dir, "uring_overhead", fmt)
    plt.close(fig)
    return [path]


def main(argv):
    p = OneLineParser(prog="plot.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--out", metavar="DIR", help="output folder (default: the report's folder)")
    p.add_argument("--format", choices=("png", "svg"), default="png")
    args = p.parse_args(argv[1:])
    path, out_dir, fmt = args.report, args.out, args.format
    report = load_report(path)
    out_dir = out_dir or os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(out_dir) or not os.access(out_dir, os.W_OK):
        die("output folder %s is not writable" % out_dir)
    plt = import_matplotlib()
    written = []
    for fn in (plot_spectra, plot_latency_vs_size, plot_throughput, plot_cpu, plot_overhead):
        written += fn(plt, report, out_dir, fmt)
    for fn in (plot_load.plot_latency_vs_load, plot_load.plot_fan_in):
        written += fn(plt, report, out_dir, fmt, save, styles)
    if not written:
        die("the report has no successful run to plot", 1)
    for w in written:
        print(w)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
