#!/usr/bin/env bash
# compare.py and plot.py given a file that is not valid JSON, or no file: one line, exit 2.
set -uo pipefail
root=$1
dir=$(mktemp -d /tmp/ipcb-bad-XXXXXX)
trap 'rm -rf "$dir"' EXIT
printf '{"runs": [' >"$dir/bad.json"
printf '[1, 2]' >"$dir/notreport.json"
fail=0
check() {  # check WHAT CMD...
    local what=$1; shift
    "$@" >"$dir/out" 2>"$dir/err"; local rc=$?
    if [[ $rc != 2 || $(wc -l <"$dir/err") != 1 ]]; then
        echo "FAIL: $what: exit $rc, stderr: $(cat "$dir/err")"; fail=1
    fi
}
for tool in compare.py plot.py; do
    args=("$dir/bad.json"); [[ $tool == compare.py ]] && args+=("$root/tests/data/small_report.json")
    check "$tool invalid JSON" /usr/bin/python3 "$root/scripts/$tool" "${args[@]}"
    args=("$dir/notreport.json"); [[ $tool == compare.py ]] && args+=("$root/tests/data/small_report.json")
    check "$tool not a report" /usr/bin/python3 "$root/scripts/$tool" "${args[@]}"
    args=("$dir/missing.json"); [[ $tool == compare.py ]] && args+=("$root/tests/data/small_report.json")
    check "$tool missing file" /usr/bin/python3 "$root/scripts/$tool" "${args[@]}"
done
exit $fail
