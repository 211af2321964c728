#!/usr/bin/env python3
"""report.html: the page a person opens first after a sweep. One self-contained file (plotly.js
and the data inline, nothing from the network): the machine and build, the decision table, the
Pareto chart, the two placements side by side (one CPU or two) and the harness against a bare
ping-pong, latency and CPU against offered rate, latency and throughput against size, fan-in, the
latency spectra, and the full tables. Charts are interactive (hover for values, click a
legend entry to hide a mode).

Usage: scripts/report_html.py REPORT.json [--out FILE]   (default: report.html beside the report)

Needs plotly (Debian: python3-plotly, served to /usr/bin/python3); re-runs itself under
/usr/bin/python3 when the python3 first on PATH lacks it.
"""
import html
import os
import re
import sys
from statistics import median

from ipcb_plot import design_styles, missing_library, unique_in_order
from ipcb_report import OneLineParser, load_report
import plot_load


def import_plotly():
    try:
        import plotly.graph_objects as go
        import plotly.io as pio
        return go, pio
    except ImportError:
        missing_library("report_html.py", "python3-plotly")


def offline_plotlyjs():
    """plotly.js to inline. Debian's copy holds links in comments ('See <a href="http://...">') and
    in map attributions nothing here draws; a page should not even look as if it loads from the
    network, so each such quote gets a backslash: the same character inside a JS string literal,
    inert in a comment (and `href="` cannot appear in JS outside either)."""
    from plotly.offline import get_plotlyjs
    return re.sub(r'\b(href|src)="(?=(https?:)?//)', r'\1=\\"', get_plotlyjs())


def esc(x):
    return html.escape(str(x))


def num(v, digits=1):
    return "-" if v is None else ("{:,.%df}" % digits).format(v)


def rate_text(rate):
    return "closed loop" if rate is None else "{:,.0f}/s".format(rate)


# Above this many lines a chart gets a menu that shows one family (a mode and its baseline) at a time.
MAX_LINES_AT_ONCE = 8


def style_lines(fig):
    """Each design its own colour and dash (ipcb_plot.design_styles: a mode and its baseline one
    hue, solid and dashed; no colour twice in the chart), legend entries grouped by family, and,
    with more than MAX_LINES_AT_ONCE lines, a menu to show one family at a time."""
    named = [t for t in fig.data if t.name and t.name != "Pareto front"]
    st = design_styles([t.name for t in named])
    for t in named:
        colour, dash, family = st[t.name]
        t.update(legendgroup=family, marker=dict(color=colour))
        if "lines" in (getattr(t, "mode", None) or ""):
            t.update(line=dict(color=colour, dash=dash))
    families = unique_in_order(st[t.name][2] for t in named)
    if len(named) <= MAX_LINES_AT_ONCE or len(families) < 2:
        return
    def visible(fam):
        return [True if t not in named else (fam is None or st[t.name][2] == fam) for t in fig.data]
    buttons = [dict(label="every design", method="update", args=[{"visible": visible(None)}])]
    buttons += [dict(label=f, method="update", args=[{"visible": visible(f)}]) for f in families]
    fig.update_layout(updatemenus=[dict(type="dropdown", buttons=buttons, x=1.0, xanchor="right", y=1.12,
                                        yanchor="top", showactive=True)])


class Page:
    """Sections of HTML; charts are plotly figures, the first carrying plotly.js inline."""

    def __init__(self, go, pio):
        self.go, self.pio, self.parts, self.charts = go, pio, [], 0

    def add(self, text):
        self.parts.append(text)

    def chart(self, fig, title):
        style_lines(fig)
        fig.update_layout(title=title, template="plotly_white", height=460, margin=dict(l=60, r=20, t=50, b=50),
                          legend=dict(font=dict(size=10)))
        if self.charts == 0:
            self.add('<script type="text/javascript">%s</script>' % offline_plotlyjs())
        self.add(self.pio.to_html(fig, full_html=False, include_plotlyjs=False,
                                  config={"displaylogo": False, "responsive": True}))
        self.charts += 1

    def table(self, head, rows, css=""):
        out = '<table class="%s"><thead><tr>%s</tr></thead><tbody>' % (css, "".join("<th>%s</th>" % esc(h) for h in head))
        for r in rows:
            out += "<tr>%s</tr>" % "".join("<td>%s</td>" % c for c in r)
        self.add(out + "</tbody></table>")


def machine_section(page, report):
    e = report["environment"]
    runs = report["runs"]
    placements = {}
    for r in runs:
        if r.get("status") == "ok":
            where = r.get("placement") or "unmeasured"
            placements[where] = placements.get(where, 0) + 1
    text = "%s, %s CPUs (%s); %s; clocksource %s; SMT %s; %s; liburing %s; commit %s; %s. %d runs, %d ok; " \
           "placement of the two CPUs: %s." % (
               e.get("cpu_model"), e.get("cpus_online"), e.get("virtualization"), e.get("kernel"), e.get("clocksource"),
               e.get("smt"), e.get("compiler"), e.get("liburing_version"), e.get("git_commit"), e.get("timestamp"),
               len(runs), sum(r.get("status") == "ok" for r in runs),
               ", ".join("%s (%d runs)" % kv for kv in sorted(placements.items())))
    page.add("<h1>Which IPC design for an io_uring server?</h1><p class=machine>%s</p>" % esc(text))


def answer_section(page, report):
    """The answer first: the advice when the report has one, else the decision table's rows that are
    confident (high or medium), a sentence each; the host's probe beside it."""
    page.add("<h2>The answer</h2>")
    probe = report.get("host_probe") or {}
    if probe.get("ran"):
        page.add("<p><small>Host, probed first: %s.</small></p>" % esc(probe.get("verdict")))
    advice = report.get("advice")
    if advice:
        by_label = {c["label"]: c for c in advice["candidates"]}
        choice = by_label.get(advice.get("choice"))
        if not choice:
            page.add("<p>No design could be advised (%s).</p>" % esc(advice.get("confidence_note") or
                                                                     advice.get("stop_reason")))
            return
        obj = advice["objective"]
        interleaved = advice.get("method") == "interleaved"
        text = "For %s, use <b>%s</b>: %s %s us (median of %d %s, %s-%s)." % (
            esc(advice["workload"]), esc(choice["label"]), esc(obj), num(choice["objective"]["median"]),
            len(choice["objective"]["values"]), "slices" if interleaved else "runs", num(choice["objective"]["low"]),
            num(choice["objective"]["high"]))
        if advice.get("runner_up"):
            text += " The runner-up, %s, is %sx higher; confidence <b>%s</b> (%s p = %s, %d rounds)." % (
                esc(advice["runner_up"]), num(advice.get("gap"), 2), esc(advice["confidence"]),
                "paired signed-rank" if interleaved else "rank test", num(advice["confidence_p_value"], 3),
                advice["rounds"])
        other = (advice.get("other_objective") or {}).get("best")
        if other and other != advice["choice"]:
            text += " Lowest %s instead: %s." % (esc(advice["other_objective"]["objective"]), esc(other))
        if advice.get("confidence_note"):
            text += " <small>%s</small>" % esc(advice["confidence_note"])
        page.add("<p>%s</p>" % text)
        paired_chart(page, advice)
        return
    rows = (report.get("sweep") or {}).get("decision") or []
    said = []
    for d in rows:
        c = d.get("lowest_p99")
        if not c or d.get("confidence") not in ("high", "medium"):
            continue
        where = ("in a loop with neighbours %s, " % d["neighbours"]) if d.get("neighbours") else ""
        cheap = d.get("lowest_cpu")
        extra = "; cheapest in CPU: %s (%s us per request)" % (esc(cheap["label"]), num(cheap["cpu_us_per_op"], 2)) \
            if cheap and cheap["label"] != c["label"] else ""
        said.append("<li>%sAt %s, %s B, %s: use <b>%s</b> (p99 %s us%s; confidence %s)%s.</li>" % (
            esc(where), esc(rate_text(d["rate"])), esc(d["size"]), esc(d.get("requested_placement", "separate")),
            esc(c["label"]), num(c["p99_us"]), (", ahead of %s" % esc(d["runner_up"])) if d.get("runner_up") else "",
            esc(d["confidence"]), extra))
    if said:
        page.add("<ul>%s</ul>" % "".join(said))
    elif rows:
        page.add("<p>No row of the decision table is confident (high or medium) with the repetitions this sweep has; "
                 "each row's note names the <code>--advise</code> command that settles it.</p>")


def paired_chart(page, advice):
    """An interleaved advice: each candidate's ratio to the leader, round by round, with its interval,
    and the A/A twin's ratio (the noise band) beside them: every figure is the report's."""
    pairs = list(advice.get("pairs") or [])
    aa = advice.get("aa")
    if advice.get("method") != "interleaved" or not (pairs or aa):
        return
    rows = [(p["candidate"] + " / " + p["against"], p) for p in pairs]
    if aa:
        rows.append(("A/A: " + aa["candidate"] + " / " + aa["against"], aa))
    go = page.go
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[p["ratio_median"] for _, p in rows], y=[label for label, _ in rows], mode="markers",
        marker={"size": 10, "color": ["#888" if label.startswith("A/A") else "#1f77b4" for label, _ in rows]},
        error_x={"type": "data", "symmetric": False,
                 "array": [p["interval"][1] - p["ratio_median"] for _, p in rows],
                 "arrayminus": [p["ratio_median"] - p["interval"][0] for _, p in rows]},
        text=["%s rounds, signed-rank p = %s" % (p["rounds"], num(p["p"], 4)) for _, p in rows],
        hovertemplate="%{y}: x%{x:.3f}<br>%{text}<extra></extra>", showlegend=False))
    band = advice.get("aa_band")
    if band:
        fig.add_vrect(x0=1 / band, x1=band, fillcolor="#ccc", opacity=0.35, line_width=0,
                      annotation_text="A/A band", annotation_position="top left")
    fig.add_vline(x=1, line_dash="dot")
    fig.update_xaxes(type="log", title="%s over the leader's, per round (median, interval)" % advice["objective"])
    page.chart(fig, "Paired ratios: %d rounds of %s ms slices, %d slices dropped" % (
        advice["rounds"], num(advice.get("slice_ms"), 0), advice.get("slices_dropped", 0)))


def choice_cell(c):
    if not c:
        return "-"
    return "<b>%s</b><br><small>p99 %s us, CPU %s us</small>" % (esc(c["label"]), num(c["p99_us"]),
                                                                num(c["cpu_us_per_op"], 2))


def decision_section(page, report):
    rows = (report.get("sweep") or {}).get("decision") or []
    page.add("<h2>Decision table</h2><p>At each offered rate of the load ladder (open loop: requests due on a fixed "
             "schedule, latency from the due time) and, closed loop, at each size the matrix ran: the design with the "
             "lowest p99, the one with the lowest CPU per request (both sides, the open-loop client's pacing "
             "excluded), and the Pareto set (p99 / CPU: no other design beats them on both). Saturated runs are not "
             "candidates. Confidence: how sure the lowest-p99 choice is over the runner-up: paired rows ran the row's leading "
             "designs again interleaved in slices with an A/A twin and the floor (one-sided signed-rank test over the "
             "rounds, never a difference inside the A/A band), the others (loop rows) the one-sided Mann-Whitney rank "
             "test over their repetitions; high p &le; 0.01, medium &le; 0.05, low &le; 0.20. The note is the one "
             "thing that matters, report.json has every caveat. Placement: the two ends on two CPUs (separate) or both on "
             "one (same-cpu).</p>")
    body = []
    for d in rows:
        pareto = "<br>".join("%s <small>%s / %s</small>" % (esc(c["label"]), num(c["p99_us"]),
                                                             num(c["cpu_us_per_op"], 2)) for c in d["pareto"]) or "-"
        confidence = d.get("confidence", "undecided")
        single = confidence == "single"
        sure = "%s<br><small>p = %s</small>" % (esc(confidence), num(d.get("confidence_p_value"), 3)) \
            if not single else "single"
        body.append([esc(d.get("requested_placement", "separate")), esc(rate_text(d["rate"])), esc(d["size"]),
                     ("only " if single else "") + choice_cell(d["lowest_p99"]),
                     "-" if single else choice_cell(d["lowest_cpu"]), pareto, sure,
                     "%s<br><small>%d candidates</small>" % (esc(d.get("note") or "-"), d["candidates"])])
    page.table(["placement", "rate", "size", "lowest p99", "lowest CPU per request", "Pareto set (p99 us / CPU us)",
                "confidence", "note"], body, "decision")
    loop_rows = [d for d in rows if d.get("neighbours")]
    if loop_rows:
        body = [[esc(rate_text(d["rate"])), esc(d["neighbours"]), choice_cell(d["lowest_p99"]),
                 num((d["lowest_p99"] or {}).get("neighbours_p99_us")),
                 "<br>".join(esc(n) for n in d["notes"]) or "-"] for d in loop_rows]
        page.add("<p>With neighbours in the server's loop (the loop section): the lowest IPC p99 among the designs "
                 "that carry the neighbours and keep their p99 within 2 x the best design's, with the neighbours' "
                 "p99 beside it.</p>")
        page.table(["IPC rate", "neighbours", "lowest IPC p99", "neighbours' p99 us", "notes"], body, "decision-loop")


def placement_section(page, report):
    sweep = report.get("sweep") or {}
    pairs, harness = sweep.get("placement") or [], sweep.get("harness_overhead") or []
    if not pairs and not harness and not sweep.get("placement_classes"):
        return
    go = page.go
    page.add("<h2>One CPU or two</h2><p>Every sleeping mode with its two ends on separate CPUs and both on one CPU "
             "(a wake-up there is a context switch, not an interrupt to another CPU); medians over repetitions. "
             "Spinning-only modes are not run on one CPU.</p>")
    for size in unique_in_order(p["size"] for p in pairs):
        mine = [p for p in pairs if p["size"] == size]
        labels = [p["mode"] + ("[%s]" % p["variant"] if p["variant"] else "") for p in mine]
        for key, what in (("p50_us", "p50 round trip (us)"), ("cpu_us_per_op", "CPU per round trip, both sides (us)")):
            fig = go.Figure()
            for side, name in (("separate", "separate CPUs"), ("same_cpu", "one CPU")):
                fig.add_trace(go.Bar(x=labels, y=[p[side][key] for p in mine], name=name,
                                     hovertemplate="%{x}<br>" + name + ": %{y:.2f} us"))
            fig.update_layout(barmode="group")
            fig.update_yaxes(title=what)
            page.chart(fig, "%s, %s B: separate CPUs against one CPU" % (what, size))
    if harness:
        body = [[esc(h["placement"]), ", ".join(num(v, 2) for v in h["bare_p50_us"]),
                 ", ".join(num(v, 2) for v in h["harness_p50_us"]), num(h["median_ratio"], 3)] for h in harness]
        page.add("<p>The harness against a bare blocking SOCK_SEQPACKET socketpair ping-pong (two processes, no "
                 "verification, no counters), 4 KiB, pair by pair back to back:</p>")
        page.table(["placement", "bare p50 us", "uds-sync p50 us", "uds-sync / bare (median)"], body, "harness")
    classes = sweep.get("placement_classes") or []
    if classes:
        page.add("<h2>Placement by the machine's topology</h2><p>The pair each class takes here "
                 "(<code>--list-cpus</code>); a class the machine has runs every mode at the placement section's "
                 "sizes, against the matrix's pair.</p>")
        page.table(["class", "CPUs", "status"],
                   [[esc(c["placement"]), esc(", ".join(str(x) for x in c["pair"]) if c["pair"] else "-"),
                     esc(c["status"] + (": " + c["why"] if c.get("why") else ""))] for c in classes], "classes")
        rows = [[esc(c["placement"]), esc(r["mode"] + ("[%s]" % r["variant"] if r["variant"] else "")), esc(r["size"]),
                 num(r["separate_p50_us"], 2), num(r["p50_us"], 2), num(r["p50_over_separate"], 2),
                 num(r["cpu_us_per_op"], 2)] for c in classes for r in c["rows"]]
        if rows:
            page.table(["class", "design", "size", "p50 us separate", "p50 us in class", "class / separate",
                        "CPU us in class"], rows, "classes")


def pareto_section(page, report):
    go = page.go
    for rate, pts in sorted(plot_load.design_points(report).items()):
        fig = go.Figure()
        for label in unique_in_order(p["label"] for p in pts):
            mine = [p for p in pts if p["label"] == label]
            fig.add_trace(go.Scatter(x=[p["mechanism_cpu_us_per_op"] for p in mine], y=[p["p99_us"] for p in mine],
                                     mode="markers", name=label, marker=dict(size=10),
                                     hovertemplate="%{fullData.name}<br>CPU %{x:.2f} us<br>p99 %{y:.1f} us"))
        front = plot_load.pareto_front(pts)
        fig.add_trace(go.Scatter(x=[p["mechanism_cpu_us_per_op"] for p in front], y=[p["p99_us"] for p in front],
                                 mode="lines", name="Pareto front", line=dict(dash="dash", color="black")))
        fig.update_xaxes(type="log", title="CPU per request, both sides, pacing excluded (us)")
        fig.update_yaxes(type="log", title="p99 latency (us)")
        page.chart(fig, "p99 against CPU per request at {:,.0f} requests/s: designs and spin budgets".format(rate))


def loop_section(page, report):
    rows = (report.get("sweep") or {}).get("loop") or []
    if not rows:
        return
    go = page.go
    page.add("<h2>A loop with other work</h2><p>The server's io_uring loop also serves TCP neighbours (a third "
             "process, open loop: latency from each request's due time). Per design: its IPC p99 beside the same "
             "design with no neighbours, and the neighbours' p99 beside the same load with the IPC client idle "
             "(the alone pass). A design whose loop makes the neighbours wait is not the answer, however low its "
             "own p99.</p>")
    body = []
    for r in rows:
        body.append([esc(r["design"]), esc(rate_text(r["rate"])), esc(r["neighbours"]), num(r["ipc_p99_us"]),
                     num(r["ipc_p99_none_us"]), num(r["ipc_p99_over_none"], 2), num(r["neighbours_p99_us"]),
                     num(r["neighbours_alone_p99_us"]), num(r["neighbours_p99_over_alone"], 2),
                     num(r.get("neighbours_p50_over_alone"), 2),
                     "{:,.0f} / {:,.0f}".format(r["neighbours_achieved_rate"], r["neighbours_offered_rate"]),
                     num(r["cqes_per_enter"], 2), str(r["ok_runs"])])
    page.table(["design", "IPC rate", "neighbours", "IPC p99 us", "IPC p99, none", "ratio", "neighbours p99 us",
                "neighbours p99, IPC idle", "ratio", "p50 ratio", "neighbours achieved / offered", "completions per enter",
                "ok runs"], body, "loop")
    loads = unique_in_order(r["neighbours"] for r in rows)
    for rate in unique_in_order(r["rate"] for r in rows):
        mine = [r for r in rows if r["rate"] == rate]
        for key, what in (("ipc_p99_us", "IPC p99 (us)"), ("neighbours_p99_us", "neighbours' p99 (us)")):
            fig = go.Figure()
            for design in unique_in_order(r["design"] for r in mine):
                pts = sorted((r for r in mine if r["design"] == design), key=lambda r: loads.index(r["neighbours"]))
                fig.add_trace(go.Scatter(x=[r["neighbours"] for r in pts], y=[r[key] for r in pts],
                                         mode="lines+markers", name=design,
                                         hovertemplate="%{fullData.name}: %{y:.1f} us at %{x}"))
            fig.update_xaxes(type="category", title="neighbour load (CONNS@RATE)", categoryorder="array",
                             categoryarray=loads)
            fig.update_yaxes(type="log", title=what)
            page.chart(fig, "%s against the neighbour load, IPC %s" % (what, rate_text(rate)))


def lines_chart(page, points, x, y, title, xtitle, ytitle, xlog=True, ylog=True, whole_x=False):
    go = page.go
    fig = go.Figure()
    for mode in unique_in_order(p["mode"] for p in points):
        rows = sorted((p for p in points if p["mode"] == mode and p.get(y) is not None), key=lambda p: p[x])
        fig.add_trace(go.Scatter(x=[p[x] for p in rows], y=[p[y] for p in rows], mode="lines+markers", name=mode,
                                 text=["saturated" if p.get("saturated") else "" for p in rows],
                                 hovertemplate="%{fullData.name}: %{y:.2f} at %{x}<br>%{text}"))
    fig.update_xaxes(type="log" if xlog else "linear", title=xtitle)
    if whole_x:  # a count (clients): whole-number ticks only
        fig.update_xaxes(tickmode="array", tickvals=sorted({p[x] for p in points}), tickformat="d")
    fig.update_yaxes(type="log" if ylog else "linear", title=ytitle)
    page.chart(fig, title)


def load_section(page, report):
    pts = [p for p in (report.get("sweep") or {}).get("load") or [] if p.get("status") == "ok"
           and p.get("kind") == "ladder"]
    if not pts:
        return
    page.add("<h2>Latency and CPU against the offered rate</h2>")
    for key, what in (("p50_us", "p50 latency (us)"), ("p99_us", "p99 latency (us)"),
                      ("mechanism_cpu_us_per_op", "CPU per request, pacing excluded (us)")):
        lines_chart(page, pts, "offered_rate", key, "%s against the offered rate (%s B)" % (what, pts[0]["size"]),
                    "offered rate (requests/s)", what)


def matrix_aggregates(report):
    aggs = (report.get("sweep") or {}).get("aggregates") or []
    return [a for a in aggs if a.get("section", "matrix") in ("matrix", "run") and a.get("ok_runs")]


def size_section(page, report):
    aggs = [a for a in matrix_aggregates(report) if a["inflight"] == 1 and str(a["size"]).isdigit()]
    if not aggs:
        return
    page.add("<h2>Latency and throughput against message size (closed loop)</h2>")
    points = [{"mode": a["name"].rsplit("/size:", 1)[0], "size": int(a["size"]), "p50": a["p50_us"]["median"],
               "p99": a["p99_us"]["median"], "mib": a["throughput_mib_s"]["median"]} for a in aggs]
    for key, what in (("p50", "p50 round trip (us)"), ("p99", "p99 round trip (us)"),
                      ("mib", "throughput (MiB/s, request + response)")):
        lines_chart(page, points, "size", key, "%s against message size (median of repetitions)" % what,
                    "message size (bytes)", what)


def fan_in_section(page, report):
    pts = (report.get("sweep") or {}).get("fan_in") or []
    if not pts:
        return
    page.add("<h2>Fan-in: N clients into one server loop</h2>")
    lines_chart(page, pts, "clients", "ops_per_sec", "aggregate round trips/s against clients (%s B)" % pts[0]["size"],
                "clients", "round trips/s", xlog=False, whole_x=True)
    lines_chart(page, pts, "clients", "p99_us", "p99 against clients", "clients", "p99 (us)", xlog=False,
                whole_x=True)


def spectra_section(page, report):
    go = page.go
    runs = [r for r in report["runs"] if r.get("status") == "ok" and r.get("section", "matrix") in ("matrix", "run")
            and r.get("inflight", 1) == 1 and r.get("clients", 1) == 1 and (r.get("load") or {}).get("kind") != "open"]
    specs = unique_in_order(r["message_size"]["spec"] for r in runs)
    if not specs:
        return
    page.add("<h2>Latency spectra (closed loop, median of repetitions)</h2>")
    for spec in specs:
        fig = go.Figure()
        for label in sorted({r["label"] for r in runs if r["message_size"]["spec"] == spec}):
            vals = {}
            for r in runs:
                if r["label"] == label and r["message_size"]["spec"] == spec:
                    for p, v in r.get("latency_spectrum_us", []):
                        if 50 <= p <= 99.99:
                            vals.setdefault(p, []).append(v)
            ps = sorted(vals)
            fig.add_trace(go.Scatter(x=["%g%%" % p for p in ps], y=[median(vals[p]) for p in ps], mode="lines+markers",
                                     name=label))
        fig.update_xaxes(type="category", title="percentile")
        fig.update_yaxes(type="log", title="round trip (us)")
        page.chart(fig, "Latency percentile spectrum, %s B messages" % spec)


def tables_section(page, report):
    aggs = (report.get("sweep") or {}).get("aggregates") or []
    if not aggs:
        return
    page.add("<h2>Every configuration</h2><p>Medians over repetitions (min-max); sections never mix.</p>")
    body = []
    for a in aggs:
        if not a.get("ok_runs"):
            continue
        body.append([esc(a.get("section", "matrix")), esc(a["name"]), "%d/%d" % (a["ok_runs"], a["runs"]),
                     num(a["p50_us"]["median"]), num(a["p99_us"]["median"]),
                     num((a.get("p50_over_floor") or {}).get("median"), 2), num(a["ops_per_sec"]["median"], 0),
                     num(a["cpu_us_per_op"]["median"], 2)])
    page.table(["section", "configuration", "runs ok", "p50 us", "p99 us", "p50 / floor", "ops/s", "CPU us/op"], body,
               "full")


STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
p.machine { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f3f3f3; } td small { color: #666; }
</style>"""


def build_page(report):
    go, pio = import_plotly()
    page = Page(go, pio)
    machine_section(page, report)
    answer_section(page, report)
    decision_section(page, report)
    pareto_section(page, report)
    placement_section(page, report)
    loop_section(page, report)
    load_section(page, report)
    size_section(page, report)
    fan_in_section(page, report)
    spectra_section(page, report)
    tables_section(page, report)
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>ipc_benchmark report</title>%s</head>"
            "<body>\n%s\n</body></html>\n" % (STYLE, "\n".join(page.parts)))


def main(argv):
    p = OneLineParser(prog="report_html.py", description=__doc__)
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--out", metavar="FILE", help="output file (default: report.html beside the report)")
    args = p.parse_args(argv[1:])
    report = load_report(args.report, "report_html.py")
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.report)), "report.html")
    text = build_page(report)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
