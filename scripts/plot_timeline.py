"""Timelines (runs[].timeline: per interval of the timed phase, the round trips, latency p50/p99/max
and both processes' CPU):
  timeline.png              each mode's most uneven run (the highest worst-interval p99 over its
                            median interval's): p99 and max against time, and round trips per second
  timeline-LABEL-SIZE.png   one per run when the report has at most 24 runs (a soak, a command-line
                            run): p50, p99, max and round trips per second against time
plot.py draws them with the rest; scripts/soak calls it too."""
import os
import re
from statistics import median

from ipcb_plot import figure, styles, unique_in_order

MAX_PER_RUN_FILES = 24


def _ok(report):
    return [r for r in report.get("runs", []) if r.get("status") == "ok" and r.get("timeline")]


def _unevenness(run):
    p99 = [e["p99_us"] for e in run["timeline"] if e["operations"] > 0]
    return max(p99) / median(p99) if len(p99) >= 3 and median(p99) > 0 else 1.0


def _draw_run(axes, run):
    t = [e["t_s"] for e in run["timeline"]]
    lat, rate = axes
    for key, style in (("max_us", ":"), ("p99_us", "-"), ("p50_us", "--")):
        lat.plot(t, [max(e[key], 1e-3) for e in run["timeline"]], style, label=key[:-3])
    lat.set_yscale("log")
    lat.set_xlabel("time in the timed phase (s)")
    lat.set_ylabel("latency per interval (us)")
    lat.set_title("%s %s: latency" % (run["label"], run["message_size"]["spec"]), fontsize=10)
    lat.grid(True, which="both", alpha=0.3)
    lat.legend(fontsize=7)
    rate.plot(t, [e["ops_per_sec"] for e in run["timeline"]], "-", color="#444444", label="round trips/s")
    rate.set_xlabel("time in the timed phase (s)")
    rate.set_ylabel("round trips per second")
    rate.set_title("throughput per interval (%.2g s)" % run.get("interval_s", 0), fontsize=10)
    rate.grid(True, alpha=0.3)
    rate.set_ylim(bottom=0)


def plot_timelines(plt, report, out_dir, fmt):
    runs = _ok(report)
    if not runs:
        return []
    written = []
    if len(runs) <= MAX_PER_RUN_FILES:
        for run in runs:
            name = "timeline-%s-%s" % (re.sub(r"[^A-Za-z0-9=.-]+", "_", run["label"]), run["message_size"]["spec"])
            written += figure(plt, report, out_dir, fmt, name, lambda fig, axes, run=run: _draw_run(axes, run),
                              ncols=2, height=4.5)
    worst = {}
    for run in runs:
        if run["mode"] not in worst or _unevenness(run) > _unevenness(worst[run["mode"]]):
            worst[run["mode"]] = run
    modes = unique_in_order(r["mode"] for r in runs)
    st = styles(modes)

    def draw(fig, axes):
        lat, rate = axes
        for mode in modes:
            run = worst[mode]
            t = [e["t_s"] for e in run["timeline"]]
            color, marker = st[mode]
            lat.plot(t, [max(e["p99_us"], 1e-3) for e in run["timeline"]], "-", color=color, marker=marker,
                     markersize=3, label="%s %s (x%.1f)" % (run["label"], run["message_size"]["spec"], _unevenness(run)))
            peak = max(e["ops_per_sec"] for e in run["timeline"]) or 1
            rate.plot(t, [e["ops_per_sec"] / peak for e in run["timeline"]], "-", color=color)
        lat.set_yscale("log")
        lat.set_xlabel("time in the timed phase (s)")
        lat.set_ylabel("p99 per interval (us)")
        lat.set_title("each mode's most uneven run (worst interval p99 / median interval p99)", fontsize=10)
        lat.grid(True, which="both", alpha=0.3)
        lat.legend(fontsize=6)
        rate.set_xlabel("time in the timed phase (s)")
        rate.set_ylabel("round trips/s, share of the run's best interval")
        rate.set_title("throughput per interval", fontsize=10)
        rate.grid(True, alpha=0.3)
        rate.set_ylim(0, 1.05)

    written += figure(plt, report, out_dir, fmt, "timeline", draw, ncols=2, height=5, width=14)
    return written
