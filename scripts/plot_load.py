"""The sweep's load plots (plot.py draws them with the rest): latency_vs_load.png, p50/p99/p99.9
against offered load per mode, from sweep.load (where each mode's knee is), and fan_in.png,
aggregate ops/s, p99 and server CPU per operation against the number of clients, from
sweep.fan_in."""


def _modes(points):
    out = []
    for p in points:
        if p["mode"] not in out:
            out.append(p["mode"])
    return out


def plot_latency_vs_load(plt, report, out_dir, fmt, save, styles):
    points = [p for p in (report.get("sweep") or {}).get("load") or []
              if p.get("status") == "ok" and p.get("kind") == "percent"]
    if not points:
        return []
    modes = _modes(points)
    st = styles(modes)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5), sharey=True)
    for ax, (key, title) in zip(axes, (("p50_us", "p50"), ("p99_us", "p99"), ("p999_us", "p99.9"))):
        for mode in modes:
            rows = sorted((p for p in points if p["mode"] == mode), key=lambda p: p["rate_percent"])
            color, marker = st[mode]
            ax.plot([p["rate_percent"] for p in rows], [p[key] for p in rows], marker=marker, color=color, label=mode)
            for p in rows:
                if p["saturated"]:
                    ax.plot([p["rate_percent"]], [p[key]], marker="x", color="black", markersize=9)
        ax.set_yscale("log")
        ax.set_xlabel("offered load (% of the mode's own closed-loop maximum)")
        ax.set_ylabel("latency from the intended send (us, log)")
        ax.set_title("%s against offered load (x: saturated)" % title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    size = points[0]["size"]
    axes[0].legend(fontsize=8, title="%s B, open loop" % size)
    path = save(fig, report, out_dir, "latency_vs_load", fmt)
    plt.close(fig)
    return [path]


def plot_fan_in(plt, report, out_dir, fmt, save, styles):
    points = (report.get("sweep") or {}).get("fan_in") or []
    if not points:
        return []
    modes = _modes(points)
    st = styles(modes)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    metrics = (("ops_per_sec", "aggregate round trips/s"), ("p99_us", "p99 latency (us)"),
               ("server_cpu_us_per_op", "server CPU per round trip (us)"))
    for ax, (key, title) in zip(axes, metrics):
        for mode in modes:
            rows = sorted((p for p in points if p["mode"] == mode), key=lambda p: p["clients"])
            color, marker = st[mode]
            ax.plot([p["clients"] for p in rows], [p[key] for p in rows], marker=marker, color=color, label=mode)
        ax.set_yscale("log")
        ax.set_xlabel("clients into one server loop")
        ax.set_xticks(sorted({p["clients"] for p in points}))
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8, title="%s B, closed loop" % points[0]["size"])
    path = save(fig, report, out_dir, "fan_in", fmt)
    plt.close(fig)
    return [path]
