#!/usr/bin/env bash
# Memory does not depend on run length: lfshm-spin (the fastest mode, ~1 M round trips/s) for 20 s
# and for 60 s; each side's peak RSS (runs[].memory) of the long run within 10% + 1 MiB of the
# short one's. Usage: check_bounded_memory.sh BINARY
set -u
BIN=$1
TMP=$(mktemp -d /tmp/ipcb-memory-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
for d in 20 60; do
    "$BIN" --mode lfshm-spin --size 64 --duration $d --json "$TMP/$d.json" >"$TMP/$d.out" 2>&1 ||
        { echo "lfshm-spin --duration $d failed: $(tail -1 "$TMP/$d.out")"; exit 1; }
done
/usr/bin/python3 - "$TMP/20.json" "$TMP/60.json" <<'PY'
import json, sys
short, long_ = (json.load(open(p))["runs"][0] for p in sys.argv[1:3])
ok = True
for side in ("server", "client"):
    a, b = short["memory"][side + "_peak_rss_kib"], long_["memory"][side + "_peak_rss_kib"]
    bound = a * 1.10 + 1024
    print("%s peak RSS: %d KiB at 20 s, %d KiB at 60 s (bound %d)" % (side, a, b, bound))
    ok = ok and 0 < b <= bound
assert long_["duration_s"] > 2 * short["duration_s"], "the long run did not run longer"
assert len(long_["timeline"]) >= 55, "a 60 s run has %d intervals" % len(long_["timeline"])
sys.exit(0 if ok else 1)
PY
