#!/usr/bin/env bash
# plot.py on a small committed report; skipped (77) when matplotlib is not installed.
set -euo pipefail
root=$1
/usr/bin/python3 -c "import matplotlib" 2>/dev/null || { echo "matplotlib missing: skip"; exit 77; }
dir=$(mktemp -d /tmp/ipcb-plot-XXXXXX)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 "$root/scripts/plot.py" "$root/tests/data/small_report.json" --out "$dir" >"$dir/list"
for f in $(cat "$dir/list"); do file "$f" | grep -q "PNG image" || { echo "$f is not a PNG"; exit 1; }; done
(( $(wc -l <"$dir/list") >= 4 )) || { echo "too few plots"; exit 1; }
/usr/bin/python3 "$root/scripts/plot.py" "$root/tests/data/small_report.json" --out "$dir" --format svg | grep -q '\.svg$'
# the PATH python3 may lack matplotlib: plot.py re-runs itself under /usr/bin/python3
python3 "$root/scripts/plot.py" "$root/tests/data/small_report.json" --out "$dir" >/dev/null
echo "plots ok"
