#include <cstdio>

#include "report/report.hpp"

namespace ipcb {
namespace {

std::string label(const RunResult &r) { return r.config.label(); }

}  // namespace

std::string console_run_line(const RunResult &r) {
    char buf[512];
    if (!r.ok()) {
        std::snprintf(buf, sizeof buf, "%-26s %-10s %s: %s", label(r).c_str(), r.config.size.text.c_str(),
                      r.status == "unsupported" ? "UNSUPPORTED" : "FAILED", r.error.c_str());
        return buf;
    }
    const LatencyStats &l = *r.latency;
    std::snprintf(buf, sizeof buf, "%-26s %-10s %10.0f %9.1f %8.2f %8.2f %8.2f %8.1f %5.0f %5.0f %7.2f %s",
                  label(r).c_str(), r.config.size.text.c_str(), r.ops_per_sec, r.throughput_mib_s, l.avg, l.p50, l.p99,
                  l.max, r.server_cpu_percent, r.client_cpu_percent, r.cpu_us_per_op,
                  (r.config.server_cpu >= 0 && r.config.server_cpu == r.config.client_cpu) ? "same-cpu" : "");
    return buf;
}

std::string console_table(const std::vector<RunResult> &runs) {
    std::string out;
    char head[256];
    std::snprintf(head, sizeof head, "%-26s %-10s %10s %9s %8s %8s %8s %8s %5s %5s %7s\n", "mode", "size", "ops/s",
                  "MiB/s", "avg_us", "p50_us", "p99_us", "max_us", "srv%", "cli%", "cpu_us/op");
    out += head;
    for (const RunResult &r : runs) out += console_run_line(r) + "\n";
    return out;
}

}  // namespace ipcb
