#!/usr/bin/env bash
# `ipc_benchmark --sweep --quick --out DIR` then plot.py: every output file exists and parses.
set -euo pipefail
bin=$1 root=$2
dir=$(mktemp -d /tmp/ipcb-sweep-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$bin" --sweep --quick --out "$dir/out" >"$dir/log" 2>&1 || { cat "$dir/log"; echo "sweep failed"; exit 1; }
for f in report.json benchmark.json bmf.json summary.md command.txt; do
    [[ -s $dir/out/$f ]] || { echo "missing $f"; exit 1; }
done
/usr/bin/python3 - "$dir/out" "$root" <<'PY'
import json, sys, os
d = sys.argv[1]
r = json.load(open(os.path.join(d, "report.json")))
assert r["schema_version"] == 2
import jsonschema
jsonschema.validate(r, json.load(open(os.path.join(sys.argv[2], "schemas", "report.schema.json"))))
# the load section: each mode's capacity, then open loop at percents of it and at one common rate
load = r["sweep"]["load"]
assert {p["kind"] for p in load} == {"percent", "common"}, load
assert len({p["offered_rate"] for p in load if p["kind"] == "common"}) == 1
for p in load:
    assert p["status"] == "ok" and p["p99_us"] >= p["p50_us"] > 0, p
assert all(k["p99_at_lowest_us"] > 0 for k in r["sweep"]["load_knees"])
# the fan-in section: 1 and 3 clients of every mode with a fan-in server
fan = r["sweep"]["fan_in"]
assert {p["clients"] for p in fan} == {1, 3} and {"uds", "shm", "lfshm", "lfshm-uring"} <= {p["mode"] for p in fan}
three = [x for x in r["runs"] if x["clients"] == 3]
assert three and all(len(x["per_client"]) == 3 and sum(c["operations"] for c in x["per_client"]) == x["operations"]
                     for x in three)
assert len(os.listdir(os.path.join(d, "hgrm"))) == sum(x["status"] == "ok" for x in r["runs"])
assert r["runs"] and all(x["status"] == "ok" for x in r["runs"]), [x.get("error") for x in r["runs"]]
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
summary = open(os.path.join(d, "summary.md")).read()
assert "## Against the shared-memory handoff floor" in summary and "| placement |" in summary
b = json.load(open(os.path.join(d, "benchmark.json")))
assert "context" in b and b["benchmarks"]
for e in b["benchmarks"]:
    for k in ("name", "run_name", "run_type", "repetitions", "iterations", "real_time", "cpu_time", "time_unit"):
        assert k in e, k
json.load(open(os.path.join(d, "bmf.json")))
assert open(os.path.join(d, "summary.md")).read().startswith("# ipc_benchmark")
PY
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
    /usr/bin/python3 "$root/scripts/plot.py" "$dir/out/report.json" >/dev/null
    n=$(find "$dir/out" -name '*.png' | wc -l)
    (( n >= 3 )) || { echo "only $n plots"; exit 1; }
    for f in latency_vs_load.png fan_in.png; do [[ -s $dir/out/$f ]] || { echo "no $f"; exit 1; }; done
fi
/usr/bin/python3 "$root/scripts/compare.py" "$dir/out/report.json" "$dir/out/report.json" >"$dir/compare.txt"
grep -q "p50/floor" "$dir/compare.txt" || { echo "compare.py shows no floor-normalized figure"; exit 1; }
echo "quick sweep ok"
