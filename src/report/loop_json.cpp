// report.json's runs[].neighbours and runs[].event_loop: a run whose server loop had other work.
#include "report/report.hpp"

namespace ipcb {

using json = nlohmann::json;

namespace {

json percentiles_json(const LatencyStats &l) {
    return {{"count", l.count}, {"p50", l.p50}, {"p90", l.p90}, {"p99", l.p99},
            {"p999", l.p999},   {"max", l.max}, {"avg", l.avg}};
}

}  // namespace

json neighbours_json(const RunResult &r) {
    if (!r.neighbours) return nullptr;
    const NeighboursReport &n = *r.neighbours;
    json alone = {{"ran", n.alone.ran}};
    if (n.alone.ran) {
        alone["achieved_rate"] = n.alone.achieved_rate;
        alone["latency_us"] = percentiles_json(n.alone.latency);
        alone["server_cpu_percent"] = n.alone.server_cpu_percent;
        // What the IPC design costs the neighbours: their latency with IPC traffic over without.
        alone["p50_ratio"] = n.alone.latency.p50 > 0 ? json(n.latency.p50 / n.alone.latency.p50) : json(nullptr);
        alone["p99_ratio"] = n.alone.latency.p99 > 0 ? json(n.latency.p99 / n.alone.latency.p99) : json(nullptr);
    } else {
        alone["error"] = n.alone.error;
    }
    return {{"spec", n.spec.text()},
            {"connections", n.spec.connections},
            {"size", n.spec.size},
            {"work_us", double(n.spec.work_ns) / 1000.0},
            {"cpu", n.cpu},
            {"offered_rate", n.offered_rate},
            {"achieved_rate", n.achieved_rate},
            {"answered", n.answered},
            {"window", kNeighbourWindow},
            {"window_waits", n.window_waits},
            {"latency_us", percentiles_json(n.latency)},
            {"send_lag_us", percentiles_json(n.send_lag)},
            {"cpu_time", {{"user_s", n.user_s}, {"sys_s", n.sys_s}, {"percent", n.cpu_percent}}},
            {"alone", alone},
            {"note",
             "latency from each request's due time (open loop), over the IPC run's timed window; 'alone' is the "
             "same load with the IPC client connected and silent, run right after"}};
}

json event_loop_json(const RunResult &r) {
    if (!r.event_loop) return nullptr;
    const EventLoopReport &e = *r.event_loop;
    return {{"integration", e.integration},
            {"tick_us", e.integration == "poll" ? json(e.tick_us) : json(nullptr)},
            {"iterations_per_sec", e.iterations_per_sec},
            {"cqes_per_enter", e.cqes_per_enter},
            {"enters_per_round_trip", e.enters_per_round_trip},
            {"neighbour_requests", e.neighbour_requests},
            {"note",
             "the server's loop over its timed phase: iterations are io_uring_enter calls (completion designs) or "
             "the integration's own looks at the rings; completions of every source"}};
}

}  // namespace ipcb
