#!/usr/bin/env bash
# `ipc_benchmark --sweep --quick --out DIR` then plot.py: every output file exists and parses.
set -euo pipefail
bin=$1 root=$2
dir=$(mktemp -d /tmp/ipcb-sweep-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$bin" --sweep --quick --out "$dir/out" >"$dir/log" 2>&1 || { cat "$dir/log"; echo "sweep failed"; exit 1; }
for f in report.json benchmark.json bmf.json summary.md runs.csv command.txt; do
    [[ -s $dir/out/$f ]] || { echo "missing $f"; exit 1; }
done
/usr/bin/python3 "$root/tests/scripts/check_sweep_folder.py" "$dir/out" "$root"
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
    /usr/bin/python3 "$root/scripts/plot.py" "$dir/out/report.json" >/dev/null
    n=$(find "$dir/out" -name '*.png' | wc -l)
    (( n >= 3 )) || { echo "only $n plots"; exit 1; }
    for f in latency_vs_load.png latency_vs_capacity.png fan_in.png pareto.png placement.png; do
        [[ -s $dir/out/$f ]] || { echo "no $f"; exit 1; }
    done
fi
# report.html from this sweep: written, and self-contained (the report-html test renders one)
/usr/bin/python3 "$root/scripts/report_html.py" "$dir/out/report.json" >/dev/null
if grep -qiE '(src|href)="(https?:)?//' "$dir/out/report.html"; then echo "report.html loads from the network"; exit 1; fi
grep -q '<table class="decision">' "$dir/out/report.html" || { echo "report.html has no decision table"; exit 1; }
/usr/bin/python3 "$root/scripts/compare.py" "$dir/out/report.json" "$dir/out/report.json" >"$dir/compare.txt"
grep -q "p50/floor" "$dir/compare.txt" || { echo "compare.py shows no floor-normalized figure"; exit 1; }
# a configuration 50% slower: a regression in the same placement, set apart in another one
/usr/bin/python3 - "$dir/out/report.json" "$dir" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = next(a for a in r["sweep"]["aggregates"] if a["section"] == "matrix" and a["ok_runs"] == a["runs"] >= 2
         and a["p50_us"]["max"] - a["p50_us"]["min"] < 0.2 * a["p50_us"]["median"]
         and set(a["placements"]) - {"changed", "unmeasured", "time-shared"})
for m in ("p50_us", "p99_us"):
    for k in ("median", "min", "max"):
        a[m][k] *= 1.5
json.dump(r, open(sys.argv[2] + "/slower.json", "w"))
a["placements"] = {"time-shared": a["runs"]}
json.dump(r, open(sys.argv[2] + "/slower-elsewhere.json", "w"))
PY
if /usr/bin/python3 "$root/scripts/compare.py" "$dir/out/report.json" "$dir/slower.json" >"$dir/c1.txt"; then
    echo "compare.py missed a 50% regression"; exit 1; fi
/usr/bin/python3 "$root/scripts/compare.py" "$dir/out/report.json" "$dir/slower-elsewhere.json" >"$dir/c2.txt" ||
    { echo "compare.py called a placement difference a regression"; cat "$dir/c2.txt"; exit 1; }
grep -q "not called regressions, the placement differs" "$dir/c2.txt" || { echo "compare.py did not say the placement differs"; exit 1; }
# a configuration in one report only, its twin in another placement (the same typed axes but
# placement) in the other: named as such, found from the axes, not from the variant's text
/usr/bin/python3 - "$dir/out/report.json" "$dir" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
one = next(a for a in r["sweep"]["aggregates"] if a["section"] == "placement" and a["ok_runs"])
r["sweep"]["aggregates"] = [a for a in r["sweep"]["aggregates"] if a is not one]
json.dump(r, open(sys.argv[2] + "/no-same-cpu.json", "w"))
open(sys.argv[2] + "/twin.txt", "w").write(one["name"])
PY
/usr/bin/python3 "$root/scripts/compare.py" "$dir/out/report.json" "$dir/no-same-cpu.json" >"$dir/c3.txt" || true
grep -qF "$(cat "$dir/twin.txt"): the same configuration asked in another placement" "$dir/c3.txt" ||
    { echo "compare.py did not name the other placement of $(cat "$dir/twin.txt")"; cat "$dir/c3.txt"; exit 1; }
# runs.csv: a header and one row per run
rows=$(/usr/bin/python3 -c "import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))" "$dir/out/runs.csv")
runs=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['runs']))" "$dir/out/report.json")
[[ $rows == "$runs" ]] || { echo "runs.csv has $rows rows for $runs runs"; exit 1; }
echo "quick sweep ok"
