#!/usr/bin/env python3
"""Soak: each mode for a long duration, with the timeline and the role processes' resources.

Usage: scripts/soak.py --binary BIN [--mode LIST] [--duration SEC] [--size SIZE] [--interval SEC]
                       [--out DIR]

For each mode, one `ipc_benchmark --mode M --size S --duration D --interval I --json` run; while
it runs, every interval, each role process (the orchestrator's children: the server first, then
the client) is sampled from /proc: resident memory (VmRSS), open descriptors (/proc/PID/fd) and
shared-memory mappings (memfd: lines of /proc/PID/maps). Fails (exit 1) when a run is not ok,
an open-loop interval saturates, or after the warm-up window (the first minute, or the first third
of a shorter run) any process grows: RSS beyond its warm-up peak by RSS_GROWTH (10%) plus
RSS_SLACK_KIB (1 MiB), or descriptors or mappings beyond their warm-up peak at all.
Writes OUT/report.json (every run, and a "soak" section), resources.json, summary.md,
timeline-*.png, timeline.png, resources.png and report.html."""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from statistics import median

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ipcb_report import OneLineParser  # noqa: E402

RSS_GROWTH = 0.10
RSS_SLACK_KIB = 1024
WARMUP_S = 60


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def sample(pid):
    """{'rss_kib', 'fds', 'shm_maps'} of a live process, or None once it is gone."""
    try:
        rss = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        fds = len(os.listdir("/proc/%d/fd" % pid))
        with open("/proc/%d/maps" % pid) as f:
            shm = sum(1 for line in f if "memfd:" in line or "/dev/shm/" in line)
        return {"rss_kib": rss, "fds": fds, "shm_maps": shm}
    except OSError:
        return None


def run_mode(args, mode, out):
    path = os.path.join(out, "run-%s.json" % mode)
    cmd = [args.binary, "--mode", mode, "--size", args.size, "--duration", str(args.duration),
           "--interval", str(args.interval), "--json", path]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    samples, roles = [], {}
    while proc.poll() is None:
        time.sleep(args.interval)
        t = time.monotonic() - start
        for pid in children(proc.pid):
            if pid not in roles:
                roles[pid] = "server" if not roles else "client"
            s = sample(pid)
            if s:
                samples.append(dict(s, t_s=round(t, 3), role=roles[pid], pid=pid))
        s = sample(proc.pid)
        if s:
            samples.append(dict(s, t_s=round(t, 3), role="orchestrator", pid=proc.pid))
    output = proc.stdout.read()
    return path, proc.returncode, output, samples


def growth(samples, role, warmup_s):
    """The warm-up window's peak and the rest's peak of each resource, and what grew past its bound."""
    mine = [s for s in samples if s["role"] == role]
    first = [s for s in mine if s["t_s"] <= warmup_s]
    rest = [s for s in mine if s["t_s"] > warmup_s]
    out = {"role": role, "samples": len(mine), "problems": []}
    if not first or not rest:
        out["problems"].append("too few samples after the warm-up window (%d s) to judge" % warmup_s)
        return out
    for key in ("rss_kib", "fds", "shm_maps"):
        base, peak = max(s[key] for s in first), max(s[key] for s in rest)
        last = [s[key] for s in rest if s["t_s"] >= rest[-1]["t_s"] - max(warmup_s, 1)]
        out[key] = {"warmup_peak": base, "after_peak": peak, "first_window_median": median(s[key] for s in first),
                    "last_window_median": median(last)}
        bound = base * (1 + RSS_GROWTH) + RSS_SLACK_KIB if key == "rss_kib" else base
        if peak > bound:
            out["problems"].append("%s %s grew from %s to %s (bound %s)" % (role, key, base, peak, round(bound)))
    return out


def interval_spread(run):
    p99 = sorted(e["p99_us"] for e in run.get("timeline", []) if e["operations"] > 0)
    if not p99:
        return None
    return {"min": p99[0], "median": median(p99), "max": p99[-1], "intervals": len(p99)}


def summary(report, verdicts, args):
    lines = ["# Soak: %s, %s s per mode, %s, interval %s s" % (", ".join(args.mode), args.duration, args.size,
                                                                   args.interval), "",
             "Host: %s, kernel %s. Bounds after the warm-up window (%d s): RSS at most %d%% + %d KiB over its "
             "warm-up peak; descriptors and shared-memory mappings not above theirs." % (
                 report["environment"].get("cpu_model", "?"), report["environment"].get("kernel", "?"),
                 verdicts[0]["warmup_s"] if verdicts else WARMUP_S, RSS_GROWTH * 100, RSS_SLACK_KIB), "",
             "| mode | status | round trips | p50 us | p99 us | interval p99 min / median / max us | server RSS KiB first / last window | client RSS KiB first / last | server fds | client fds | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        run = v["run"] or {}
        lat = run.get("latency_us") or {}
        sp = v["interval_p99"] or {}
        res = {g["role"]: g for g in v["growth"]}

        def pair(role, key):
            g = res.get(role, {}).get(key)
            return "%s / %s" % (g["first_window_median"], g["last_window_median"]) if g else "-"
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            v["mode"], run.get("status", "no report"), run.get("operations", "-"), lat.get("p50", "-"),
            lat.get("p99", "-"),
            "%.1f / %.1f / %.1f" % (sp["min"], sp["median"], sp["max"]) if sp else "-",
            pair("server", "rss_kib"), pair("client", "rss_kib"), pair("server", "fds"), pair("client", "fds"),
            "ok" if not v["problems"] else "; ".join(v["problems"])))
    return "\n".join(lines) + "\n"


def main(argv):
    p = OneLineParser(prog="soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--mode", default="uds,shm,lfshm")
    p.add_argument("--duration", type=float, default=600)
    p.add_argument("--size", default="4K")
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--out")
    args = p.parse_args(argv[1:])
    args.mode = [m for m in args.mode.split(",") if m]
    if args.duration <= 0 or args.interval <= 0 or not args.mode:
        p.error("--duration and --interval must be positive and --mode must name modes")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or os.path.join(os.path.dirname(HERE), "results", "%s-%s-soak" % (stamp, socket.gethostname()))
    os.makedirs(out, exist_ok=True)
    warmup_s = min(WARMUP_S, args.duration / 3)
    report, verdicts, resources = None, [], {}
    for mode in args.mode:
        print("soak: %s for %g s" % (mode, args.duration), file=sys.stderr, flush=True)
        path, rc, output, samples = run_mode(args, mode, out)
        resources[mode] = samples
        v = {"mode": mode, "exit_status": rc, "problems": [], "warmup_s": warmup_s, "run": None}
        try:
            with open(path) as f:
                r = json.load(f)
            os.remove(path)
        except (OSError, ValueError):
            r = None
            v["problems"].append("no report (exit %d): %s" % (rc, output.strip().splitlines()[-1:] or ""))
        if r:
            report = report or dict(r, runs=[])
            report["runs"] += r["runs"]
            run = r["runs"][0]
            v["run"] = run
            if run["status"] != "ok":
                v["problems"].append("run %s: %s" % (run["status"], run.get("error")))
            elif (run.get("load") or {}).get("saturated"):
                v["problems"].append("saturated: %s" % run["load"].get("saturated_because"))
            elif len(run.get("timeline", [])) < args.duration / args.interval * 0.9:
                v["problems"].append("timeline has %d intervals for %g s" % (len(run.get("timeline", [])), args.duration))
        v["interval_p99"] = interval_spread(v["run"] or {})
        v["growth"] = [growth(samples, role, warmup_s) for role in ("server", "client", "orchestrator")]
        for g in v["growth"]:
            v["problems"] += g["problems"]
        verdicts.append(v)
        print("soak: %s %s" % (mode, "ok" if not v["problems"] else "FAILED: " + "; ".join(v["problems"])),
              file=sys.stderr, flush=True)
    if report is None:
        print("soak: no run wrote a report", file=sys.stderr)
        return 1
    report["soak"] = [{k: v[k] for k in ("mode", "problems", "interval_p99", "growth", "warmup_s")} for v in verdicts]
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(out, "resources.json"), "w") as f:
        json.dump(resources, f)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(summary(report, verdicts, args))
    draw(report, resources, out)
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "report_html.py"), os.path.join(out, "report.json")],
                   stdout=subprocess.DEVNULL, check=False)
    failed = [v["mode"] for v in verdicts if v["problems"]]
    print("soak: results in %s; %s" % (out, "every mode held" if not failed else "FAILED: " + ", ".join(failed)),
          file=sys.stderr)
    return 1 if failed else 0


def draw(report, resources, out):
    from ipcb_plot import figure, import_matplotlib
    import plot_timeline
    plt = import_matplotlib()
    plot_timeline.plot_timelines(plt, report, out, "png")

    def resources_plot(fig, axes):
        for ax, key, label in zip(axes, ("rss_kib", "fds", "shm_maps"),
                                  ("resident memory (KiB)", "open descriptors", "shared-memory mappings")):
            for mode, samples in resources.items():
                for role in ("server", "client"):
                    pts = [s for s in samples if s["role"] == role]
                    ax.plot([s["t_s"] for s in pts], [s[key] for s in pts], label="%s %s" % (mode, role))
            ax.set_xlabel("time since the run started (s)")
            ax.set_ylabel(label)
            ax.grid(True, alpha=0.3)
        axes[0].legend(fontsize=7)
    figure(plt, report, out, "png", "resources", resources_plot, ncols=3, height=4.5)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
