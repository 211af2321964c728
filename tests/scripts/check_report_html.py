#!/usr/bin/env python3
"""Opens a sweep's report.html in headless Chromium (python3-selenium, Debian's chromium and
chromium-driver) and checks that it renders: no console error, every chart drew its traces, and
the decision table has a row per decision of the report. Usage: check_report_html.py REPORT.html
REPORT.json. Exit 77 (skipped) when Chromium, its driver or selenium is missing; 1 on a defect."""
import json
import os
import shutil
import sys
import tempfile

SKIP = 77


def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("SKIP: python3-selenium is not installed")
        sys.exit(SKIP)
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path) or not shutil.which("chromium"):
        print("SKIP: chromium or chromium-driver is not installed")
        sys.exit(SKIP)
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + tempfile.mkdtemp(prefix="ipcb-chromium-")):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=opts)


def main(page, report_path):
    report = json.load(open(report_path))
    decisions = report["sweep"]["decision"]
    d = browser()
    try:
        d.get("file://" + os.path.abspath(page))
        charts = d.execute_script(
            "return Array.from(document.querySelectorAll('.plotly-graph-div'))"
            ".map(g => [g.id, (g.data || []).length, g.querySelectorAll('svg.main-svg').length])")
        rows = d.execute_script("return document.querySelectorAll('table.decision tbody tr').length")
        errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    finally:
        d.quit()
    problems = []
    if errors:
        problems.append("console errors: %s" % [e["message"] for e in errors])
    if len(charts) < 5:
        problems.append("only %d charts on the page" % len(charts))
    for cid, traces, svgs in charts:
        if traces == 0 or svgs == 0:
            problems.append("chart %s drew %d traces, %d svg layers" % (cid, traces, svgs))
    if rows != len(decisions):
        problems.append("decision table has %d rows, the report %d decisions" % (rows, len(decisions)))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("report.html rendered: %d charts, %d decision rows, no console error" % (len(charts), rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
