#!/usr/bin/env python3
"""What a quick sweep's folder must hold: a report valid against the schema, with the load and
fan-in sections, a floor and placement for every run, the handoff floor, summary.md, and the
Google Benchmark and Bencher files. Usage: check_sweep_folder.py SWEEP_DIR PROJECT_ROOT.
Exits non-zero (an AssertionError naming the check) on the first defect."""
import json
import os
import re
import sys

import jsonschema


def main(d, root):
    r = json.load(open(os.path.join(d, "report.json")))
    assert r["schema_version"] == 2
    jsonschema.validate(r, json.load(open(os.path.join(root, "schemas", "report.schema.json"))))
    # every run says its section; matrix aggregates hold matrix runs only
    assert {x["section"] for x in r["runs"]} == {"matrix", "capacity", "load", "fan_in", "spin", "placement", "harness",
                                                 "loop"}
    # the loop section: its runs with neighbours report both sides and the alone pass; each row
    # pairs a design at a load with its none twin; the decision table has a row per load
    loop_runs = [x for x in r["runs"] if x["section"] == "loop"]
    assert any(x["status"] == "ok" and x["neighbours"] is None for x in loop_runs), loop_runs  # the twins
    for x in loop_runs:
        if x["status"] == "ok" and x["axes"]["neighbours"] != "none":
            n = x["neighbours"]
            assert n["achieved_rate"] > 0 and n["latency_us"]["p99"] >= n["latency_us"]["p50"] > 0, x
            assert n["alone"]["ran"] and x["event_loop"]["cqes_per_enter"] > 0, x
    assert r["sweep"]["loop"] and all(l["ipc_p99_none_us"] for l in r["sweep"]["loop"] if l["ok_runs"]), r["sweep"]["loop"]
    assert any("neighbours" in d for d in r["sweep"]["decision"])
    # the placement section: every mode that sleeps, both ends on one CPU, with the one-CPU floor;
    # side by side with its two-CPU runs; uds-sync against the bare socketpair in both placements
    modes = {m["name"]: m for m in r["sweep"]["modes"]}
    one_cpu = [x for x in r["runs"] if x["section"] == "placement"]
    assert {x["mode"] for x in one_cpu} == {m for m in r["sweep"]["matrix"]["modes"] if m != "lfshm-spin"}, one_cpu
    for x in one_cpu:
        assert x["requested_placement"] == "same-cpu" and x["server_cpu"] == x["client_cpu"] and x["spin_us"] == 0, x
        assert x["status"] != "ok" or (x["floor"]["kind"].startswith("futex") and x["p50_over_floor"] > 0), x
    assert all(x["requested_placement"] == "separate" for x in r["runs"] if x["section"] == "matrix")
    pairs = r["sweep"]["placement"]
    assert pairs and all(p["same_cpu"]["p50_us"] > 0 and p["separate"]["p50_us"] > 0 for p in pairs), pairs
    harness = r["sweep"]["harness_overhead"]
    assert [h["placement"] for h in harness] == ["separate", "same-cpu"], harness
    assert all(h["median_ratio"] > 0 and len(h["bare_p50_us"]) == len(h["harness_p50_us"]) >= 1 for h in harness), harness
    assert any(row["requested_placement"] == "same-cpu" for row in r["sweep"]["decision"])
    reps = r["sweep"]["matrix"]["repetitions"]
    for a in r["sweep"]["aggregates"]:
        assert a["section"] != "matrix" or a["runs"] <= reps, a
    # the load section: each mode's capacity, then the ladder of absolute rates up to the first it
    # cannot carry, then percents of its own capacity
    load = r["sweep"]["load"]
    assert {p["kind"] for p in load} == {"ladder", "percent"}, load
    for p in load:
        assert p["status"] == "ok" and p["p99_us"] >= p["p50_us"] > 0, p
    for mode in {p["mode"] for p in load}:
        ladder = [p for p in load if p["mode"] == mode and p["kind"] == "ladder"]
        assert all(not p["saturated"] for p in ladder[:-1]), ladder  # the ladder stops at the first saturated
    for x in r["runs"]:
        if x["section"] == "load":
            assert x["cpu"]["mechanism_us_per_op"] > 0 and x["load"]["send_lag_us"]["p50"] >= 0, x
            assert abs(x["cpu"]["mechanism_us_per_op"] + x["cpu"]["client_pacing_us_per_op"]
                       - x["cpu"]["cpu_us_per_op"]) < 1e-6 * x["cpu"]["cpu_us_per_op"] + 1e-9, x
    # the spin section and the decision table
    assert {p["spin_us"] for p in r["sweep"]["spin"]} == {0, 50}
    rates = {round(p["offered_rate"]) for p in load if p["kind"] == "ladder"}
    decision = r["sweep"]["decision"]
    assert {round(row["rate"]) for row in decision if row["rate"] is not None} == rates, decision
    assert {row["size"] for row in decision if row["rate"] is None} >= set(r["sweep"]["matrix"]["sizes"])
    for row in decision:
        if row["candidates"]:
            assert row["lowest_p99"]["p99_us"] == min(c["p99_us"] for c in row["pareto"]), row
            assert row["lowest_cpu"]["cpu_us_per_op"] == min(c["cpu_us_per_op"] for c in row["pareto"]), row
    assert all(k["p99_at_lowest_us"] > 0 for k in r["sweep"]["load_knees"])
    # the fan-in section: 1 and 3 clients of every mode with a fan-in server
    fan = r["sweep"]["fan_in"]
    assert {p["clients"] for p in fan} == {1, 3} and {"uds", "shm", "lfshm", "lfshm-uring"} <= {p["mode"] for p in fan}
    three = [x for x in r["runs"] if x["clients"] == 3]
    assert three and all(len(x["per_client"]) == 3 and sum(c["operations"] for c in x["per_client"]) == x["operations"]
                         for x in three)
    assert len(os.listdir(os.path.join(d, "hgrm"))) == sum(x["status"] == "ok" for x in r["runs"])
    # every run ok, but those a host limit rules out, which must name the sysctl to raise
    host_limited = [x for x in r["runs"] if x["status"] == "unsupported" and re.search(r"fs\.(mqueue|pipe-max-size)", x["error"] or "")]
    assert r["runs"] and all(x["status"] == "ok" for x in r["runs"] if x not in host_limited), \
        [x.get("error") for x in r["runs"] if x["status"] != "ok"]
    r["runs"] = [x for x in r["runs"] if x not in host_limited]
    # configurations a host limit rules out are left out of the sweep, each with its reason
    assert all(re.search(r"fs\.(mqueue|pipe-max-size)|RLIMIT", k["reason"]) and k["repetitions"] > 0
               for k in r["sweep"]["matrix"]["skipped"]), r["sweep"]["matrix"]["skipped"]
    assert len({x["mode"] for x in r["runs"]}) >= 3
    assert r["sweep"]["aggregates"] and "shuffle_seed" in r["sweep"]["matrix"]
    # every run has its own floor and placement; aggregates count placements
    for x in r["runs"]:
        assert x["floor"]["before_p50_us"] > 0 and x["floor"]["after_p50_us"] > 0 and x["placement"], x
        assert abs(x["p50_over_floor"] * (x["floor"]["before_p50_us"] + x["floor"]["after_p50_us"]) / 2
                   - x["latency_us"]["p50"]) < 1e-6 * x["latency_us"]["p50"] + 1e-9, x
    for a in r["sweep"]["aggregates"]:
        assert sum(a["placements"].values()) == a["runs"], a
    assert [m["name"] for m in r["sweep"]["modes"]][:1] == ["uds"] and \
        {m["name"]: m["baseline"] for m in r["sweep"]["modes"]}["uds"] == "uds-sync"
    # the handoff floor at the quick matrix's one fixed size (128 KiB), both variants, ordered percentiles
    floors = r["sweep"]["handoff_floor"]
    assert [f["bytes"] for f in floors] == [131072], floors
    for f in floors:
        for v in ("plain", "warmed"):
            assert 0 < f[v]["p50_us"] <= f[v]["p99_us"], f
    # the host probed first; noisy runs repeated with every attempt kept (a superseded attempt has
    # its next attempt of the same configuration right after it); every decision row says how sure
    assert r["host_probe"]["ran"] and r["host_probe"]["verdict"], r["host_probe"]
    for i, x in enumerate(r["runs"]):
        if x["superseded"]:
            nxt = r["runs"][i + 1]
            assert nxt["config"] == x["config"] and nxt["attempt"] == x["attempt"] + 1, (x, nxt)
            assert x["noise"]["noisy"] or x["placement"] == "changed", x
    assert all(x["attempt"] == 1 or r["runs"][i - 1]["superseded"] for i, x in enumerate(r["runs"]))
    assert r["sweep"]["retries"]["max_per_run"] == 2
    for row in decision:
        assert row["confidence"] in ("high", "medium", "low", "undecided", "single"), row
        assert row["confidence"] != "single" or row["candidates"] == 1, row
        assert row["note"] is None or "\n" not in row["note"], row
    summary = open(os.path.join(d, "summary.md")).read()
    assert summary.index("## The answer") < summary.index("## Closed loop") < summary.index("## Decision table")
    assert "## Against the shared-memory handoff floor" in summary and "| placement |" in summary
    assert "## Decision table" in summary and "## Load section" in summary and "## Spin section" in summary
    assert "## Placement: one CPU or two" in summary and "## The harness against a bare ping-pong" in summary
    b = json.load(open(os.path.join(d, "benchmark.json")))
    assert "context" in b and b["benchmarks"]
    for e in b["benchmarks"]:
        for k in ("name", "run_name", "run_type", "repetitions", "iterations", "real_time", "cpu_time", "time_unit"):
            assert k in e, k
    json.load(open(os.path.join(d, "bmf.json")))
    assert open(os.path.join(d, "summary.md")).read().startswith("# ipc_benchmark")

    print("sweep folder ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
