"""The figure machinery every plot of plot.py and plot_load.py shares: matplotlib (re-running under
Debian's /usr/bin/python3 when the python3 on PATH lacks it), a style per line, the footer that
names the machine, build and placement, and saving."""
import os
import sys

DEBIAN_PYTHON = "/usr/bin/python3"
MARKERS = "osD^vP*Xh<>"
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
          "#17becf"]


def missing_library(tool, package):
    """A Debian library the python3 on PATH lacks: re-run the script under /usr/bin/python3, which
    Debian's packages serve (once), else say which package to install and exit 3."""
    if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and os.path.exists(DEBIAN_PYTHON) \
            and not os.environ.get("IPCB_PLOT_REEXEC"):
        os.environ["IPCB_PLOT_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
    sys.stderr.write("%s: %s is missing: install Debian's %s (apt-get install %s)\n" % (
        tool, package.replace("python3-", ""), package, package))
    sys.exit(3)


def import_matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        missing_library("plot.py", "python3-matplotlib")


def unique_in_order(items):
    """The distinct items, in the order they first appear."""
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def styles(names):
    """{name: (color, marker)}, assigned in sorted order so a name keeps its style across figures."""
    return {n: (COLORS[i % len(COLORS)], MARKERS[i % len(MARKERS)]) for i, n in enumerate(sorted(names))}


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


def footer(fig, report):
    e = report["environment"]
    text = "%s, %s CPUs, %s; %s; clocksource %s; liburing %s; commit %s; %s\n%s" % (
        e.get("cpu_model", "?"), e.get("cpus_online", "?"), e.get("virtualization", "?"), e.get("kernel", "?"),
        e.get("clocksource", "?"), e.get("liburing_version", "?"), e.get("git_commit", "?"), e.get("timestamp", "?"),
        placements_text(report))
    fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555", ha="left", va="bottom")


def figure(plt, report, out_dir, fmt, name, draw, ncols=1, width=None, height=5, sharey=False, nrows=1):
    """One output file: draw(fig, axes) fills the axes (a list of nrows x ncols, row by row); unless it returns False
    (nothing to show), the footer is added and the figure laid out and saved as NAME.FMT in out_dir.
    Returns [path], or [] when nothing was drawn."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width or (8 if ncols == 1 else 5 * ncols), height * nrows),
                             sharey=sharey, squeeze=False)
    try:
        if draw(fig, list(axes.flat)) is False:
            return []
        footer(fig, report)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        path = os.path.join(out_dir, "%s.%s" % (name, fmt))
        fig.savefig(path, dpi=110)
        return [path]
    finally:
        plt.close(fig)


def log_axes(ax, xlabel, ylabel, title, xbase=None):
    """The common look: log y (and log x when xbase), labels, a small title, a light grid."""
    if xbase:
        ax.set_xscale("log", base=xbase)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
