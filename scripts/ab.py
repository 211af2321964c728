#!/usr/bin/env python3
"""A/B of two ipc_benchmark binaries on the same runs, alternating, on one host in one stretch.

Usage: scripts/ab.py A_BINARY B_BINARY [--pairs N] [--out DIR] -- RUN OPTIONS...
  e.g. scripts/ab.py old/build/ipc_benchmark build/ipc_benchmark --pairs 8 -- \\
           --mode uds,shm,lfshm,lfshm-uring --size 4K --duration 1

Each pair runs both binaries once with the same run options (and their own --json), in the
order A B, then B A, and so on (ABBA), so a drift of the host over the stretch falls on both
alike. For each configuration (mode, variant, size) it prints the median over the pairs of p50,
p50/floor (each run over its own same-moment floor), p99 and CPU per round trip for A and B, the
ratio B/A of the medians, and the spread of the per-pair ratios (min-max), with how many runs
were flagged noisy and the hypervisor's steal. Another process running beside it moves the
numbers: run nothing else. Standard library only; exit 2 on bad input or a failed run.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

METRICS = (("p50", lambda r: r["latency_us"]["p50"]),
           ("p50/floor", lambda r: r.get("p50_over_floor")),
           ("p99", lambda r: r["latency_us"]["p99"]),
           ("CPU/op", lambda r: r["cpu"]["cpu_us_per_op"]))


def die(msg):
    print(f"ab.py: {msg}", file=sys.stderr)
    sys.exit(2)


def run_once(binary, run_args, path):
    cmd = [binary, *run_args, "--json", path]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        die(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    with open(path) as f:
        return json.load(f)


def key_of(run):
    return (run["mode"], run.get("variant", ""), str(run["message_size"]["spec"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--out", help="keep every report here (default: a temporary folder)")
    argv = sys.argv[1:]
    if "--" not in argv:
        die("the run options go after --")
    cut = argv.index("--")
    args = ap.parse_args(argv[:cut])
    run_args = argv[cut + 1:]
    if args.pairs < 1:
        die("--pairs must be at least 1")
    for b in (args.a, args.b):
        if not os.access(b, os.X_OK):
            die(f"{b}: not an executable")
    out = args.out or tempfile.mkdtemp(prefix="ipcb-ab-")
    os.makedirs(out, exist_ok=True)
    runs = {"A": {}, "B": {}}
    cpu_model = ""
    for i in range(args.pairs):
        order = ("A", "B") if i % 2 == 0 else ("B", "A")
        for side in order:
            report = run_once(args.a if side == "A" else args.b, run_args, os.path.join(out, f"{side}{i}.json"))
            cpu_model = report["environment"].get("cpu_model", "")
            for r in report["runs"]:
                if r.get("status") != "ok":
                    die(f"{side} pair {i}: {key_of(r)} {r.get('status')}: {r.get('error')}")
                runs[side].setdefault(key_of(r), []).append(r)
        print(f"pair {i + 1}/{args.pairs} done", file=sys.stderr)
    print(f"A = {args.a}\nB = {args.b}\nruns: {' '.join(run_args)}; {args.pairs} pairs, ABBA; CPU: {cpu_model}")
    print(f"reports: {out}")
    print(f"{'configuration':<28} {'metric':<10} {'A median':>10} {'B median':>10} {'B/A':>7} "
          f"{'pair ratios':>15} {'noisy A/B':>10} {'steal ms A/B':>13}")
    for key in sorted(runs["A"]):
        a, b = runs["A"][key], runs["B"].get(key, [])
        if len(a) != len(b):
            die(f"{key}: {len(a)} runs of A, {len(b)} of B")
        noisy = f"{sum(r['noise']['noisy'] for r in a)}/{sum(r['noise']['noisy'] for r in b)}"
        steal = f"{statistics.median(r['noise'].get('steal_ms', 0) for r in a):.1f}/" \
                f"{statistics.median(r['noise'].get('steal_ms', 0) for r in b):.1f}"
        for name, get in METRICS:
            va, vb = [get(r) for r in a], [get(r) for r in b]
            if None in va or None in vb:
                continue
            ma, mb = statistics.median(va), statistics.median(vb)
            ratios = [y / x for x, y in zip(va, vb) if x > 0]
            spread = f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios else "-"
            label = " ".join(k for k in key if k)
            print(f"{label:<28} {name:<10} {ma:>10.2f} {mb:>10.2f} {mb / ma if ma else float('nan'):>7.3f} "
                  f"{spread:>15} {noisy:>10} {steal:>13}")


if __name__ == "__main__":
    main()
