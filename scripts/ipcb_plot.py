"""The figure machinery every plot of plot.py and plot_load.py shares: matplotlib (re-running under
Debian's /usr/bin/python3 when the python3 on PATH lacks it), a style per line, the footer that
names the machine, build and placement, and saving."""
import colorsys
import os
import re
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


# A blocking or direct baseline belongs to the family of the design it is set against: one hue,
# the baseline dashed. lfshm-spin is the lfshm rings' busy-polling baseline.
BASELINE_OF = {"uds-sync": "uds", "pipe-sync": "pipe", "tcp-sync": "tcp", "mq-sync": "mq", "shm-direct": "shm",
               "lfshm-spin": "lfshm"}
FAMILY_ORDER = ["uds", "shm", "lfshm", "lfshm-uring", "lfshm-eventfd", "lfshm-msgring", "lfshm-zc", "pipe", "tcp",
                "mq"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def mode_of(name):
    """The mode a line's name starts with: 'lfshm[spin=50us]', 'uds/inflight=4' -> lfshm, uds."""
    return re.split(r"[\[/ (]", name, maxsplit=1)[0]


def family_of(name):
    mode = mode_of(name)
    return BASELINE_OF.get(mode, mode)


def design_styles(names):
    """{name: (color '#rrggbb', dash, family)} for the lines of one chart: a hue per family (a mode
    and its baseline), no colour twice (the family's lines get lighter shades of its hue), the
    design itself solid, its baseline dashed, further variants dotted and so on. Assigned in
    sorted order within a family, so a name keeps its style across charts with the same lines."""
    families = unique_in_order(sorted((family_of(n) for n in names),
                                      key=lambda f: (FAMILY_ORDER.index(f) if f in FAMILY_ORDER else 99, f)))
    out = {}
    for fi, fam in enumerate(families):
        base = COLORS[FAMILY_ORDER.index(fam) % len(COLORS)] if fam in FAMILY_ORDER else COLORS[fi % len(COLORS)]
        h, l, s = colorsys.rgb_to_hls(*(int(base[i:i + 2], 16) / 255 for i in (1, 3, 5)))
        mine = sorted((n for n in names if family_of(n) == fam), key=lambda n: (mode_of(n) != fam, n))
        for k, name in enumerate(mine):
            shade = min(0.85, l + 0.12 * k) if k else l  # the design at its hue, the others lighter
            r, g, b = colorsys.hls_to_rgb(h, shade, s)
            if mode_of(name) in BASELINE_OF:
                dash = "dash"
            else:
                dash = DASHES[0] if k == 0 else DASHES[2 + (k - 1) % 4]
            out[name] = ("#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255)), dash, fam)
    return out


def styles(names):
    """{name: (color, marker)} for matplotlib: design_styles' colour, a marker in sorted order."""
    colours = design_styles(list(names))
    return {n: (colours[n][0], MARKERS[i % len(MARKERS)]) for i, n in enumerate(sorted(names))}


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
