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
    for run in report["runs"]:
        if isinstance(run, dict) and "label" not in run:
            name_older_run(run)
    return report


def name_older_run(run):
    """Reports written before runs carried `label` and `config` (the committed sweeps of
    2026-11-28): the same names, built as the harness builds them (RunConfig::label, config_key)."""
    try:
        variant = run.get("variant") or ""
        run["label"] = run["mode"] + ("[%s]" % variant if variant else "")
        run["config"] = run["mode"] + ("/" + variant if variant else "") + "/size:" + run["message_size"]["spec"]
    except (KeyError, TypeError):
        pass  # not a run the tools can use: they say so when they read it
