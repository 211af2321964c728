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
/usr/bin/python3 "$root/tests/scripts/check_sweep_folder.py" "$dir/out" "$root"
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
    /usr/bin/python3 "$root/scripts/plot.py" "$dir/out/report.json" >/dev/null
    n=$(find "$dir/out" -name '*.png' | wc -l)
    (( n >= 3 )) || { echo "only $n plots"; exit 1; }
    for f in latency_vs_load.png latency_vs_capacity.png fan_in.png pareto.png; do
        [[ -s $dir/out/$f ]] || { echo "no $f"; exit 1; }
    done
fi
# report.html from this sweep: written, and self-contained (the report-html test renders one)
/usr/bin/python3 "$root/scripts/report_html.py" "$dir/out/report.json" >/dev/null
if grep -qiE '(src|href)="(https?:)?//' "$dir/out/report.html"; then echo "report.html loads from the network"; exit 1; fi
grep -q '<table class="decision">' "$dir/out/report.html" || { echo "report.html has no decision table"; exit 1; }
/usr/bin/python3 "$root/scripts/compare.py" "$dir/out/report.json" "$dir/out/report.json" >"$dir/compare.txt"
grep -q "p50/floor" "$dir/compare.txt" || { echo "compare.py shows no floor-normalized figure"; exit 1; }
echo "quick sweep ok"
