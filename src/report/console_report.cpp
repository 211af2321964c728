#include <cstdio>

#include "modes/mode.hpp"
#include "report/report.hpp"

namespace ipcb {
namespace {

std::string label(const RunResult &r) { return r.config.label(); }

}  // namespace

namespace {

// The percentiles a run's console line shows: --percentiles, else p50 and p99.
std::span<const double> shown_percentiles(const std::vector<double> &asked) {
    return asked.empty() ? std::span<const double>(kDefaultPercentiles) : std::span<const double>(asked);
}

}  // namespace

std::string console_run_line(const RunResult &r) {
    char buf[512];
    if (!r.ok()) {
        std::snprintf(buf, sizeof buf, "%-34s %-10s %s: %s", label(r).c_str(), r.config.size.text.c_str(),
                      r.status == RunStatus::unsupported ? "UNSUPPORTED" : "FAILED", r.error.c_str());
        return buf;
    }
    const LatencyStats &l = *r.latency;
    char over_floor[16] = "-", syscalls[16] = "-";
    if (r.has_floor()) std::snprintf(over_floor, sizeof over_floor, "%.2f", r.p50_over_floor());
    const bool paired = r.interleaved && r.interleaved->floor_ratio;  // "p": paired per round (--floor-paired)
    if (paired) std::snprintf(over_floor, sizeof over_floor, "%.2fp", r.interleaved->floor_ratio->median);
    if (r.syscalls_per_op() >= 0) std::snprintf(syscalls, sizeof syscalls, "%.2f", r.syscalls_per_op());
    std::snprintf(buf, sizeof buf, "%-34s %-10s %10.0f %9.1f %8.2f", label(r).c_str(), r.config.size.text.c_str(),
                  r.ops_per_sec, r.throughput_mib_s, l.avg);
    std::string line = buf;
    for (double p : shown_percentiles(r.config.percentiles)) {
        std::snprintf(buf, sizeof buf, " %8.2f", l.at(p));
        line += buf;
    }
    std::snprintf(buf, sizeof buf, " %8.1f %5.0f %5.0f %9.2f %7s %9s %s%s", l.max, r.server_cpu_percent,
                  r.client_cpu_percent, r.mechanism_cpu_us_per_op(), syscalls, over_floor,
                  paired ? "interleaved" : r.placement().c_str(),
                  (r.config.server_cpu >= 0 && r.config.server_cpu == r.config.client_cpu) ? " same-cpu" : "");
    return line + buf + std::string(r.load.saturated ? " SATURATED" : "") +
           (r.superseded    ? " NOISY: run again"
            : r.attempt > 1 ? " (attempt " + std::to_string(r.attempt) + ")"
                            : "");
}

namespace {

std::string figure(const char *format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// Open loop: offered against achieved, service time; fan-in: per-client figures and fairness;
// spinning clients that outnumber their CPUs.
std::string load_notes(const RunResult &r, const std::string &who) {
    std::string out;
    const Mode *m = find_mode(r.config.mode);
    const bool spinning = m && ((m->spins && r.config.spin_ns > 0) || m->never_sleeps);
    if (r.config.clients > 1 && spinning && !r.config.client_cpus.empty() &&
        r.config.clients > r.config.client_cpus.size())
        out += "warning: " + who + std::to_string(r.config.clients) + " spinning clients share " +
               std::to_string(r.config.client_cpus.size()) + " CPU(s): they spin in each other's time slices\n";
    if (!r.ok()) return out;
    if (r.load.open) {
        out += "note: " + who + (r.load.saturated ? "SATURATED (" + r.load.saturated_because + "): " : "") +
               "open loop offered " + figure("%.0f", r.load.offered_rate) + "/s" +
               (r.load.rate_percent > 0 ? " (" + figure("%g", r.load.rate_percent) + "% of " +
                                              figure("%.0f", r.load.capacity_ops_per_sec) + "/s)"
                                        : "") +
               ", achieved " + figure("%.0f", r.load.achieved_rate) + "/s" +
               (r.load.max_inflight_waits
                    ? ", waited " + std::to_string(r.load.max_inflight_waits) + " times with max-inflight " +
                          std::to_string(r.load.max_inflight) + " outstanding"
                    : "") +
               "; service time p50 " + figure("%.2f", r.service_time->p50) + " us, p99 " +
               figure("%.2f", r.service_time->p99) + " us (latency counts from the intended send); send lag p99 " +
               figure("%.2f", r.load.send_lag->p99) + " us; the client's pacing took " +
               figure("%.2f", r.load.pacing_us_per_op) + " us CPU per request (not in cpu_us/op)\n";
    }
    if (r.neighbours && r.event_loop) {
        const NeighboursReport &n = *r.neighbours;
        const EventLoopReport &e = *r.event_loop;
        out += "note: " + who + "neighbours " + n.spec.text() + " on CPU " + std::to_string(n.cpu) + ": achieved " +
               figure("%.0f", n.achieved_rate) + "/s of " + figure("%.0f", n.offered_rate) + "/s, p50 " +
               figure("%.1f", n.latency.p50) + " us, p99 " + figure("%.1f", n.latency.p99) + " us";
        if (n.alone.ran)
            out += " (alone, IPC idle: p99 " + figure("%.1f", n.alone.latency.p99) + " us, " +
                   figure("%.0f", n.alone.achieved_rate) + "/s)";
        else out += " (alone pass failed: " + n.alone.error + ")";
        out += "; their process took " + figure("%.0f", n.cpu_percent) + "% of a CPU; loop (" + e.integration +
               "): " + figure("%.0f", e.iterations_per_sec) + " iterations/s, " + figure("%.2f", e.cqes_per_enter) +
               " completions per enter, " + figure("%.2f", e.enters_per_round_trip) + " enters per IPC round trip\n";
    }
    if (r.per_client.size() > 1) {
        out += "note: " + who + std::to_string(r.per_client.size()) + " clients, ops/s each:";
        for (const ClientFigures &c : r.per_client) out += " " + figure("%.0f", c.ops_per_sec);
        out += "; Jain fairness " + figure("%.3f", r.fairness_jain) + ", min/max " +
               figure("%.3f", r.fairness_min_over_max) + "; server CPU " + figure("%.2f", r.server_cpu_us_per_op) +
               " us/op\n";
    }
    return out;
}

}  // namespace

std::string console_notes(const std::vector<RunResult> &runs) {
    std::string out;
    for (const RunResult &r : runs) {
        const std::string who = r.config.label() + " " + r.config.size.text + ": ";
        if (r.ok() && r.config.server_cpu >= 0 && r.config.server_cpu == r.config.client_cpu)
            out += "note: " + who + "server and client shared CPU " + std::to_string(r.config.server_cpu) +
                   " (every hand-off is a context switch)\n";
        if (r.noise.noisy) {
            out += "note: " + who + "NOISY:";
            for (const std::string &why : r.noise.reasons) out += " " + why + ";";
            out.back() = '\n';
        }
        out += load_notes(r, who);
        if (r.ok())
            if (const std::string spike = r.timeline_spike(); !spike.empty())
                out += "note: " + who + "TIMELINE SPIKE: " + spike + "\n";
        if (r.ok() && double(r.latency->outliers) > 0.001 * double(r.latency->count))
            out += "note: " + who + std::to_string(r.latency->outliers) + " of " + std::to_string(r.latency->count) +
                   " round trips took over " + std::to_string(int(kOutlierFactor)) +
                   " x p50 (kept in the statistics)\n";
    }
    return out;
}

std::string console_table(const std::vector<RunResult> &runs, const std::vector<double> &percentiles) {
    std::string out =
        "round trips (closed loop unless the mode shows a rate); latency in us; srv%/cli%: CPU % of one CPU per side; "
        "cpu_us/op, sys/op: CPU time\n"
        "and system calls of both sides per round trip (the CPU without an open-loop client's pacing);\n"
        "p50/floor: p50 over the run's own two-thread handoff floor, measured right before and after it\n";
    char head[256];
    std::snprintf(head, sizeof head, "%-34s %-10s %10s %9s %8s", "mode", "size", "ops/s", "MiB/s", "avg_us");
    out += head;
    for (double p : shown_percentiles(percentiles)) {
        std::snprintf(head, sizeof head, " %8s", (percentile_name(p) + "_us").c_str());
        out += head;
    }
    std::snprintf(head, sizeof head, " %8s %5s %5s %9s %7s %9s %s\n", "max_us", "srv%", "cli%", "cpu_us/op", "sys/op",
                  "p50/floor", "placement");
    out += head;
    for (const RunResult &r : runs) out += console_run_line(r) + "\n";
    return out;
}

}  // namespace ipcb
