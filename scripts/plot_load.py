"""The sweep's load plots (plot.py draws them with the rest): latency_vs_load.png, p50/p99/p99.9
against offered load per mode, from sweep.load (where each mode's knee is), and fan_in.png,
aggregate ops/s, p99 and server CPU per operation against the number of clients, from
sweep.fan_in."""
from ipcb_plot import figure, log_axes, styles, unique_in_order


def plot_latency_vs_load(plt, report, out_dir, fmt):
    points = [p for p in (report.get("sweep") or {}).get("load") or []
              if p.get("status") == "ok" and p.get("kind") == "percent"]
    if not points:
        return []
    modes = unique_in_order(p["mode"] for p in points)
    st = styles(modes)

    def draw(fig, axes):
        for ax, (key, title) in zip(axes, (("p50_us", "p50"), ("p99_us", "p99"), ("p999_us", "p99.9"))):
            for mode in modes:
                rows = sorted((p for p in points if p["mode"] == mode), key=lambda p: p["rate_percent"])
                color, marker = st[mode]
                ax.plot([p["rate_percent"] for p in rows], [p[key] for p in rows], marker=marker, color=color,
                        label=mode)
                for p in rows:
                    if p["saturated"]:
                        ax.plot([p["rate_percent"]], [p[key]], marker="x", color="black", markersize=9)
            log_axes(ax, "offered load (% of the mode's own closed-loop maximum)",
                     "latency from the intended send (us, log)", "%s against offered load (x: saturated)" % title)
        axes[0].legend(fontsize=8, title="%s B, open loop" % points[0]["size"])

    return figure(plt, report, out_dir, fmt, "latency_vs_load", draw, ncols=3, sharey=True)


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
            for mode in modes:
                rows = sorted((p for p in points if p["mode"] == mode), key=lambda p: p["clients"])
                color, marker = st[mode]
                ax.plot([p["clients"] for p in rows], [p[key] for p in rows], marker=marker, color=color, label=mode)
            log_axes(ax, "clients into one server loop", None, title)
            ax.set_xticks(sorted({p["clients"] for p in points}))
        axes[0].legend(fontsize=8, title="%s B, closed loop" % points[0]["size"])

    return figure(plt, report, out_dir, fmt, "fan_in", draw, ncols=3)
