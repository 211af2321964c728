"""Shared by plot.py and compare.py: argument parsing and reading an ipc_benchmark report, failing
with one line and exit status 2."""
import argparse
import json
import sys


def die(tool, msg, status=2):
    sys.stderr.write("%s: %s\n" % (tool, msg))
    sys.exit(status)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit status 2), not usage text plus a line."""

    def error(self, message):
        die(self.prog, message)


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
    if any(isinstance(run, dict) and "label" not in run for run in report["runs"]):
        die(tool, "%s was written before runs carried `label`, `config` and `axes` (reports of 2026-11-28 and "
                  "older): its runs cannot be named; run the sweep again" % path)
    return report


def twin_key(mode, size, axes):
    """A configuration's identity without its placement, from the typed axes report.json carries
    (runs[].axes, sweep.aggregates[].axes): two configurations with one key differ only in where
    their ends ran. None for a report without axes."""
    if not isinstance(axes, dict):
        return None
    rest = {k: v for k, v in axes.items() if k != "placement"}
    return (mode, size, json.dumps(rest, sort_keys=True))
