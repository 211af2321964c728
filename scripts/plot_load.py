"""The sweep's section plots (plot.py draws them with the rest):
  latency_vs_load.png      p50, p99 and the mechanism's CPU per request against the offered rate
                           (log), per mode, from sweep.load's ladder points (x: saturated)
  latency_vs_capacity.png  p50, p99, p99.9 against the offered load as a percent of each mode's
                           own closed-loop maximum (sweep.load's percent points)
  fan_in.png               aggregate ops/s, p99 and server CPU per operation against clients
  pareto.png               p99 against CPU per request, one point per design and spin budget at
                           each rate of the spin section, the Pareto front drawn
  loop.png                 the loop section: IPC p99 and the neighbours' p99 against the neighbour
                           load, per design (none = no neighbours)"""
from ipcb_plot import figure, log_axes, styles, unique_in_order


def _points(report, key, kind=None):
    return [p for p in (report.get("sweep") or {}).get(key) or []
            if p.get("status") == "ok" and (kind is None or p.get("kind") == kind)]


def _by_mode(ax, points, modes, st, x, y, mark_saturated=True):
    for mode in modes:
        rows = sorted((p for p in points if p["mode"] == mode and p.get(y) is not None), key=lambda p: p[x])
        color, marker = st[mode]
        ax.plot([p[x] for p in rows], [p[y] for p in rows], marker=marker, color=color, label=mode)
        if mark_saturated:
            sat = [p for p in rows if p["saturated"]]
            ax.plot([p[x] for p in sat], [p[y] for p in sat], "x", color="black", markersize=9)


def plot_latency_vs_load(plt, report, out_dir, fmt):
    points = _points(report, "load", "ladder")
    if not points:
        return []
    modes = unique_in_order(p["mode"] for p in points)
    st = styles(modes)
    panels = (("p50_us", "p50 latency from the due time (us)"), ("p99_us", "p99 latency from the due time (us)"),
              ("mechanism_cpu_us_per_op", "CPU per request, both sides, pacing excluded (us)"))

    def draw(fig, axes):
        for ax, (key, title) in zip(axes, panels):
            _by_mode(ax, points, modes, st, "offered_rate", key)
            log_axes(ax, "offered rate (requests/s, log)", None, title + "; x: saturated", xbase=10)
        axes[0].legend(fontsize=8, title="%s B, open loop" % points[0]["size"])

    return figure(plt, report, out_dir, fmt, "latency_vs_load", draw, ncols=3)


def plot_latency_vs_capacity(plt, report, out_dir, fmt):
    points = _points(report, "load", "percent")
    if not points:
        return []
    modes = unique_in_order(p["mode"] for p in points)
    st = styles(modes)

    def draw(fig, axes):
        for ax, (key, title) in zip(axes, (("p50_us", "p50"), ("p99_us", "p99"), ("p999_us", "p99.9"))):
            _by_mode(ax, points, modes, st, "rate_percent", key)
            log_axes(ax, "offered load (% of the mode's own closed-loop maximum)",
                     "latency from the due time (us, log)", "%s against its own capacity (x: saturated)" % title)
        axes[0].legend(fontsize=8, title="%s B, open loop" % points[0]["size"])

    return figure(plt, report, out_dir, fmt, "latency_vs_capacity", draw, ncols=3, sharey=True)


def plot_fan_in(plt, report, out_dir, fmt):
    points = (report.get("sweep") or {}).get("fan_in") or []
    if not points:
        return []
    modes = unique_in_order(p["mode"] for p in points)
    st = styles(modes)
    metrics = (("ops_per_sec", "aggregate round trips/s"), ("p99_us", "p99 latency (us)"),
               ("server_cpu_us_per_op", "server CPU per round trip (us)"))

    def draw(fig, axes):
        for ax, (key, title) in zip(axes, metrics):
            _by_mode(ax, points, modes, st, "clients", key, mark_saturated=False)
            log_axes(ax, "clients into one server loop", None, title)
            ax.set_xticks(sorted({p["clients"] for p in points}))
        axes[0].legend(fontsize=8, title="%s B, closed loop" % points[0]["size"])

    return figure(plt, report, out_dir, fmt, "fan_in", draw, ncols=3)


def pareto_front(points):
    """The points no other beats on both p99 and CPU per request, by CPU."""
    front = [p for p in points if not any(
        o["p99_us"] <= p["p99_us"] and o["mechanism_cpu_us_per_op"] <= p["mechanism_cpu_us_per_op"] and
        (o["p99_us"] < p["p99_us"] or o["mechanism_cpu_us_per_op"] < p["mechanism_cpu_us_per_op"]) for o in points)]
    return sorted(front, key=lambda p: p["mechanism_cpu_us_per_op"])


def design_points(report):
    """{rate: [points]}: the spin section's designs (mode and spin budget) and, at the same rates,
    the ladder's other modes, all that carried the rate."""
    spin = _points(report, "spin")
    rates = sorted({p["offered_rate"] for p in spin})
    ladder = [p for p in _points(report, "load", "ladder") if p["offered_rate"] in rates]
    spun = {(p["mode"], p["offered_rate"]) for p in spin}
    out = {}
    for p in spin + [p for p in ladder if (p["mode"], p["offered_rate"]) not in spun]:
        if not p["saturated"] and p.get("mechanism_cpu_us_per_op") is not None:
            out.setdefault(p["offered_rate"], []).append(p)
    return out


def plot_pareto(plt, report, out_dir, fmt):
    by_rate = design_points(report)
    if not by_rate:
        return []
    labels = unique_in_order(p["label"] for pts in by_rate.values() for p in pts)
    st = styles(labels)

    def draw(fig, axes):
        for ax, rate in zip(axes, sorted(by_rate)):
            pts = by_rate[rate]
            for p in pts:
                color, marker = st[p["label"]]
                ax.plot([p["mechanism_cpu_us_per_op"]], [p["p99_us"]], marker=marker, color=color, linestyle="",
                        label=p["label"], markersize=7)
            front = pareto_front(pts)
            ax.plot([p["mechanism_cpu_us_per_op"] for p in front], [p["p99_us"] for p in front], "k--", linewidth=1,
                    label="Pareto front")
            log_axes(ax, "CPU per request, both sides, pacing excluded (us, log)", "p99 latency (us, log)",
                     "p99 against CPU at %s requests/s (%s B, open loop)" % (f"{rate:,.0f}", pts[0]["size"]),
                     xbase=10)
            ax.legend(fontsize=6.5, ncol=2)

    return figure(plt, report, out_dir, fmt, "pareto", draw, ncols=len(by_rate), width=7 * len(by_rate), height=6)


def plot_loop(plt, report, out_dir, fmt):
    rows = (report.get("sweep") or {}).get("loop") or []
    if not rows:
        return []
    designs = unique_in_order(r["design"] for r in rows)
    st = styles(designs)
    loads = ["none"] + unique_in_order(r["neighbours"] for r in rows)

    def draw(fig, axes):
        for ax, (key, what) in zip(axes, (("ipc_p99_us", "IPC p99"), ("neighbours_p99_us", "neighbours' p99"))):
            for d in designs:
                pts = [r for r in rows if r["design"] == d and r["rate"] is None]
                if not pts:
                    continue
                xs, ys = [], []
                if key == "ipc_p99_us" and pts[0].get("ipc_p99_none_us"):
                    xs.append(0), ys.append(pts[0]["ipc_p99_none_us"])
                for r in sorted(pts, key=lambda r: loads.index(r["neighbours"])):
                    xs.append(loads.index(r["neighbours"])), ys.append(r[key])
                color, marker = st[d]
                ax.plot(xs, ys, marker=marker, color=color, label=d)
            ax.set_xticks(range(len(loads)))
            ax.set_xticklabels(loads, fontsize=7)
            ax.set_yscale("log")
            ax.set_xlabel("neighbour load (CONNS@RATE[,work])")
            ax.set_ylabel(what + " (us, log)")
            ax.set_title(what + " against the neighbour load (IPC closed loop, 4 KiB)")
            ax.legend(fontsize=6.5, ncol=2)

    return figure(plt, report, out_dir, fmt, "loop", draw, ncols=2, width=14, height=6)
