"""Shared by plot.py and compare.py: reading an ipc_benchmark report, failing with one line."""
import json
import sys


def die(tool, msg, status=2):
    sys.stderr.write("%s: %s\n" % (tool, msg))
    sys.exit(status)


def load_report(path, tool):
    """The parsed report; exit status 2 with one line when it cannot be read or is not a report."""
    try:
        with open(path) as f:
            report = json.load(f)
    except OSError as e:
        die(tool, "cannot read %s: %s" % (path, e.strerror))
    except ValueError as e:
        die(tool, "%s is not valid JSON (%s)" % (path, e))
    if not isinstance(report, dict) or not isinstance(report.get("runs"), list) or "environment" not in report:
        die(tool, "%s is not an ipc_benchmark report (no runs/environment)" % path)
    return report


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return float("nan")
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
