#!/usr/bin/env bash
# report_html.py on a committed quick sweep's report, then the page opened in headless Chromium
# (check_report_html.py); skipped (77) when plotly, Chromium or selenium is missing.
set -euo pipefail
root=$1
/usr/bin/python3 -c "import plotly" 2>/dev/null || { echo "SKIP: python3-plotly is not installed"; exit 77; }
dir=$(mktemp -d /tmp/ipcb-html-XXXXXX)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 "$root/scripts/report_html.py" "$root/tests/data/quick_report.json" --out "$dir/report.html" >/dev/null
if grep -qiE '(src|href)="(https?:)?//' "$dir/report.html"; then echo "report.html loads from the network"; exit 1; fi
exec /usr/bin/python3 "$root/tests/scripts/check_report_html.py" "$dir/report.html" "$root/tests/data/quick_report.json"
