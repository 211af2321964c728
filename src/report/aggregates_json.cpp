// report.json's aggregates and io_uring overhead pairs (sweep_json.cpp puts them in its `sweep`
// section; a plain run's report has its aggregates too).
#include "report/report.hpp"
#include "run/results/run_axes.hpp"

namespace ipcb {

using json = nlohmann::json;

namespace {

json spread_json(const Spread &s) {
    return {{"median", s.median}, {"min", s.min}, {"max", s.max}, {"relative_spread", s.relative()}};
}

json maybe_spread(const Spread &s) { return s.median > 0 ? spread_json(s) : json(nullptr); }

json by_placement_json(const Aggregate &a) {
    json out = json::object();
    for (const auto &[placement, g] : a.by_placement)
        out[placement] = {{"ok_runs", g.ok_runs},
                          {"p50_us", spread_json(g.p50_us)},
                          {"p50_over_floor", maybe_spread(g.p50_over_floor)}};
    return out;
}

}  // namespace

json aggregates_json(const std::vector<Aggregate> &aggregates) {
    json out = json::array();
    for (const Aggregate &a : aggregates)
        out.push_back({{"section", section_name(a.section)},
                       {"name", a.key},
                       {"mode", a.mode},
                       {"variant", a.variant},
                       {"axes", axes_json(a.config)},
                       {"size", a.size},
                       {"inflight", a.inflight},
                       {"runs", a.runs},
                       {"ok_runs", a.ok_runs},
                       {"noisy_runs", a.noisy_runs},
                       {"repeated_runs", a.repeated_runs},
                       {"unsupported_runs", a.unsupported_runs},
                       {"p50_us", spread_json(a.p50_us)},
                       {"p99_us", spread_json(a.p99_us)},
                       {"avg_us", spread_json(a.avg_us)},
                       {"ops_per_sec", spread_json(a.ops_per_sec)},
                       {"throughput_mib_s", spread_json(a.mib_per_sec)},
                       {"cpu_us_per_op", spread_json(a.cpu_us_per_op)},
                       {"server_cpu_percent", spread_json(a.server_cpu_percent)},
                       {"client_cpu_percent", spread_json(a.client_cpu_percent)},
                       {"p50_over_floor", maybe_spread(a.p50_over_floor)},
                       {"syscalls_per_op", maybe_spread(a.syscalls_per_op)},
                       {"placements", a.placements},
                       {"by_placement", by_placement_json(a)},
                       {"repetitions_disagree", a.disagree},
                       {"placement_explains_disagreement", a.placement_explains},
                       {"disagree_threshold", kDisagreeThreshold}});
    return out;
}

json overhead_json(const std::vector<OverheadRow> &rows) {
    json out = json::array();
    for (const OverheadRow &r : rows)
        out.push_back({{"pair", r.pair},
                       {"uring_mode", r.uring_mode},
                       {"baseline_mode", r.baseline_mode},
                       {"variant", r.variant},
                       {"size", r.size},
                       {"size_bytes", r.size_bytes ? json(r.size_bytes) : json(nullptr)},
                       {"p50_us", {r.p50_uring, r.p50_base}},
                       {"p99_us", {r.p99_uring, r.p99_base}},
                       {"cpu_us_per_op", {r.cpu_uring, r.cpu_base}},
                       {"p50_ratio", r.p50_ratio()},
                       {"p99_ratio", r.p99_ratio()},
                       {"cpu_ratio", r.cpu_ratio()}});
    return out;
}

}  // namespace ipcb
