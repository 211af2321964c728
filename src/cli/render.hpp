#pragma once
// The sweep folder's pictures: after report.json is written, the sweep runs scripts/plot.py (the
// PNG plots) and scripts/report_html.py (report.html) on it with Debian's /usr/bin/python3, so
// `ipc_benchmark --sweep` alone leaves a complete folder. A script that is missing, lacks its
// library (matplotlib, plotly) or fails gets a warning line; the numbers are written regardless.
#include <string>

namespace ipcb {

// Returns how many of the scripts failed (0: plots and report.html are in `dir`).
int render_sweep_folder(const std::string &dir);

}  // namespace ipcb
