// report.json's `sweep` section, from a SweepResult (sweep/sweep.hpp) and the report's runs.
#include "report/report.hpp"
#include "sweep/placement_pairs.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

using json = nlohmann::json;

// A decision row answered in paired rounds (sweep/paired_rows.hpp), or null.
json paired_row_json(const DecisionRow &row) {
    if (!row.paired) return nullptr;
    const DecisionRow::Paired &p = *row.paired;
    return {{"rounds", p.rounds},
            {"slices_dropped", p.slices_dropped},
            {"leader", p.leader},
            {"runner_up_ratio_median", p.ratio_median > 0 ? json(p.ratio_median) : json(nullptr)},
            {"interval", p.ratio_median > 0 ? json::array({p.low, p.high}) : json(nullptr)},
            {"aa_band", p.aa_band > 0 ? json(p.aa_band) : json(nullptr)},
            {"runs", p.runs}};
}

// The matrix's configurations this host's limits rule out (not run; each with its reason).
json skipped_json(const SweepResult &s) {
    json out = json::array();
    for (const SkippedConfig &k : s.skipped)
        out.push_back({{"mode", k.config.mode},
                       {"variant", k.config.variant()},
                       {"size", k.config.size.text},
                       {"repetitions", k.repetitions},
                       {"reason", k.reason}});
    return out;
}

json matrix_json(const SweepResult &s) {
    const SweepMatrix &m = s.matrix;
    json sizes = json::array(), levels = json::array(), spins = json::array();
    for (auto &size : m.sizes) sizes.push_back(size.text);
    for (auto &l : m.inflight_levels) {
        json ls = json::array();
        for (auto &size : l.sizes) ls.push_back(size.text);
        levels.push_back({{"k", l.inflight}, {"sizes", ls}});
    }
    for (auto spin : m.spins_ns) spins.push_back(spin ? json(double(*spin) / 1000) : json("default"));
    json uring = json::array(), uring_sizes = json::array();
    for (unsigned knobs : m.uring_variants) uring.push_back(uring_knobs_text(knobs));
    for (auto &size : m.uring_sizes) uring_sizes.push_back(size.text);
    json sockets = json::array(), socket_sizes = json::array();
    for (SocketType t : m.socket_variants) sockets.push_back(socket_type_name(t));
    for (auto &size : m.socket_sizes) socket_sizes.push_back(size.text);
    json same_cpu_sizes = json::array();
    for (auto &size : m.same_cpu_sizes) same_cpu_sizes.push_back(size.text);
    json order = json::array();
    for (auto &c : s.order) order.push_back(config_key(c) + "#" + std::to_string(c.repetition));
    return {{"modes", m.modes},
            {"sizes", sizes},
            {"repetitions", m.repetitions},
            {"duration_s", m.duration_s},
            {"warmup_s", m.warmup_s},
            {"spin_us", spins},
            {"inflight", levels},
            {"shuffle_seed", s.shuffle_seed},
            {"uring", uring},
            {"uring_sizes", uring_sizes},
            {"socket", sockets},
            {"socket_sizes", socket_sizes},
            {"same_cpu_sizes", same_cpu_sizes},
            {"placement_repetitions", m.placement_repetitions},
            {"quick", s.quick},
            {"skipped", skipped_json(s)},
            {"order", order}};
}

json floors_json(const SweepResult &s) {
    if (!s.floors_skipped.empty()) return {{{"skipped", s.floors_skipped}}};
    json floors = json::array();
    for (const HandoffFloor &f : s.floors)
        floors.push_back({{"bytes", f.bytes},
                          {"round_trips", f.round_trips},
                          {"plain", {{"p50_us", f.plain_p50_us}, {"p99_us", f.plain_p99_us}}},
                          {"warmed", {{"p50_us", f.warmed_p50_us}, {"p99_us", f.warmed_p99_us}}}});
    return floors;
}

// A load or spin point: what was offered and what the run measured (nulls when it failed).
json point_json(const SectionPoint &p, const RunResult &r) {
    const RunConfig &c = r.config;
    json j = {{"mode", c.mode},
              {"variant", c.variant()},
              {"label", c.design_label()},
              {"size", c.size.text},
              {"kind", p.kind},
              {"run", p.run},
              {"status", status_name(r.status)},
              {"offered_rate", c.rate},
              {"rate_percent", c.rate_percent > 0 ? json(c.rate_percent) : json(nullptr)},
              {"capacity_ops_per_sec", c.capacity_ops_per_sec},
              {"achieved_rate", 0},
              {"p50_us", nullptr},
              {"p99_us", nullptr},
              {"p999_us", nullptr},
              {"service_p50_us", nullptr},
              {"saturated", false}};
    if (p.kind == "spin") j["spin_us"] = double(c.spin_ns) / 1000;
    if (!r.ok()) return j;
    j["achieved_rate"] = r.load.achieved_rate;
    j["p50_us"] = r.latency->p50;
    j["p99_us"] = r.latency->p99;
    j["p999_us"] = r.latency->p999;
    j["service_p50_us"] = r.service_time->p50;
    j["saturated"] = r.load.saturated;
    j["max_inflight_waits"] = r.load.max_inflight_waits;
    j["mechanism_cpu_us_per_op"] = r.mechanism_cpu_us_per_op();
    j["pacing_cpu_us_per_op"] = r.load.pacing_us_per_op;
    j["send_lag_p99_us"] = r.load.send_lag ? json(r.load.send_lag->p99) : json(nullptr);
    return j;
}

json points_json(const std::vector<SectionPoint> &points, const std::vector<RunResult> &runs) {
    json out = json::array();
    for (const SectionPoint &p : points) out.push_back(point_json(p, runs.at(p.run)));
    return out;
}

json knees_json(const std::vector<Knee> &knees) {
    auto opt = [](const std::optional<double> &v) { return v ? json(*v) : json(nullptr); };
    json out = json::array();
    for (const Knee &k : knees)
        out.push_back({{"mode", k.mode},
                       {"p99_at_lowest_us", opt(k.p99_at_lowest_us)},
                       {"knee_offered_rate", opt(k.knee_rate)},
                       {"p99_at_knee_us", opt(k.p99_at_knee_us)},
                       {"rule", kKneeRule}});
    return out;
}

json fan_in_json(const std::vector<std::size_t> &indices, const std::vector<RunResult> &runs) {
    json out = json::array();
    for (std::size_t i : indices) {
        const RunResult &r = runs.at(i);
        out.push_back({{"mode", r.config.mode},
                       {"variant", r.config.variant()},
                       {"size", r.config.size.text},
                       {"clients", r.config.clients},
                       {"run", i},
                       {"ops_per_sec", r.ops_per_sec},
                       {"p50_us", r.latency->p50},
                       {"p99_us", r.latency->p99},
                       {"server_cpu_us_per_op", r.server_cpu_us_per_op},
                       {"jain", r.fairness_jain},
                       {"min_over_max", r.fairness_min_over_max}});
    }
    return out;
}

// The topology's classes in the placement section: each one's pair, whether it ran (or the
// matrix's pair stands for it, or why the machine has none), and its configurations against
// the matrix's.
json placement_classes_json(const SweepResult &s) {
    json out = json::array();
    for (const PlacementClassPlan &c : s.placement_classes) {
        json rows = json::array();
        for (const PlacementPair &p : placement_pairs(s.aggregates, c.placement))
            rows.push_back(
                {{"mode", p.mode},
                 {"variant", p.variant},
                 {"size", p.size},
                 {"separate_p50_us", p.separate.p50_us.median},
                 {"p50_us", p.same_cpu.p50_us.median},
                 {"p50_over_separate", p.p50_ratio()},
                 {"cpu_us_per_op", p.same_cpu.cpu_us_per_op.median},
                 {"p50_over_floor",
                  p.same_cpu.p50_over_floor.median > 0 ? json(p.same_cpu.p50_over_floor.median) : json(nullptr)},
                 {"runs", p.same_cpu.run_indices}});
        out.push_back({{"placement", placement_name(c.placement)},
                       {"pair", c.pair.found() ? json{c.pair.server, c.pair.client} : json(nullptr)},
                       {"status", !c.pair.found() ? "not available here"
                                  : c.as_matrix   ? "the matrix's pair"
                                                  : "ran"},
                       {"why", c.pair.found() ? json(nullptr) : json(c.pair.why_none)},
                       {"rows", rows}});
    }
    return out;
}

// The two placements side by side (sweep/placement_pairs.hpp): medians per configuration.
json placement_json(const std::vector<Aggregate> &aggregates) {
    json out = json::array();
    auto side = [](const Aggregate &a) {
        return json{{"p50_us", a.p50_us.median},
                    {"p99_us", a.p99_us.median},
                    {"cpu_us_per_op", a.cpu_us_per_op.median},
                    {"p50_over_floor", a.p50_over_floor.median > 0 ? json(a.p50_over_floor.median) : json(nullptr)},
                    {"ok_runs", a.ok_runs},
                    {"runs", a.run_indices}};
    };
    for (const PlacementPair &p : placement_pairs(aggregates))
        out.push_back({{"mode", p.mode},
                       {"variant", p.variant},
                       {"size", p.size},
                       {"separate", side(p.separate)},
                       {"same_cpu", side(p.same_cpu)},
                       {"p50_same_over_separate", p.p50_ratio()},
                       {"cpu_same_over_separate", p.cpu_ratio()}});
    return out;
}

json harness_json(const std::vector<HarnessOverheadRow> &rows) {
    json out = json::array();
    for (const HarnessOverheadRow &r : rows)
        out.push_back({{"placement", r.placement},
                       {"bytes", r.bytes},
                       {"mode", "uds-sync"},
                       {"reference", "bare blocking SOCK_SEQPACKET socketpair ping-pong, two processes"},
                       {"bare_p50_us", r.bare_p50_us},
                       {"harness_p50_us", r.harness_p50_us},
                       {"runs", r.runs},
                       {"median_ratio", r.median_ratio > 0 ? json(r.median_ratio) : json(nullptr)},
                       {"error", r.error.empty() ? json(nullptr) : json(r.error)}});
    return out;
}

json decision_json(const std::vector<DecisionRow> &rows) {
    auto choice = [](const Choice &c) {
        return json{{"label", c.label},
                    {"p50_us", c.p50_us},
                    {"p99_us", c.p99_us},
                    {"cpu_us_per_op", c.cpu_us_per_op},
                    {"runs", c.runs},
                    {"placement", c.placement},
                    {"send_lag_p99_us", c.send_lag_p99_us},
                    {"neighbours_p99_us", c.neighbours_p99_us > 0 ? json(c.neighbours_p99_us) : json(nullptr)}};
    };
    json out = json::array();
    for (const DecisionRow &row : rows) {
        json pareto = json::array();
        for (const Choice &c : row.pareto) pareto.push_back(choice(c));
        out.push_back({{"rate", row.rate ? json(*row.rate) : json(nullptr)},
                       {"size", row.size},
                       {"section", section_name(row.section)},
                       {"requested_placement", row.requested_placement},
                       {"candidates", row.candidates},
                       {"lowest_p99", row.lowest_p99 ? choice(*row.lowest_p99) : json(nullptr)},
                       {"lowest_cpu", row.lowest_cpu ? choice(*row.lowest_cpu) : json(nullptr)},
                       {"pareto", pareto},
                       {"confidence", row.confidence},
                       {"confidence_p_value", row.confidence_p_value},
                       {"runner_up", row.runner_up.empty() ? json(nullptr) : json(row.runner_up)},
                       {"method", row.method},
                       {"paired", paired_row_json(row)},
                       {"uncertain", row.confidence != "high"},
                       {"note", row.note.empty() ? json(nullptr) : json(row.note)},
                       {"notes", row.notes}});
        if (!row.neighbours.empty()) out.back()["neighbours"] = row.neighbours;
    }
    return out;
}

json loop_json(const std::vector<LoopRow> &rows) {
    json out = json::array();
    auto opt = [](const std::optional<double> &v) { return v ? json(*v) : json(nullptr); };
    auto ratio = [](double v) { return v > 0 ? json(v) : json(nullptr); };
    for (const LoopRow &l : rows)
        out.push_back({{"design", l.design},
                       {"mode", l.mode},
                       {"integration", l.integration},
                       {"rate", opt(l.rate)},
                       {"neighbours", l.neighbours},
                       {"neighbours_offered_rate", l.neighbours_offered},
                       {"ok_runs", l.ok_runs},
                       {"ipc_p50_us", l.ipc_p50_us},
                       {"ipc_p99_us", l.ipc_p99_us},
                       {"ipc_cpu_us_per_op", l.ipc_cpu_us_per_op},
                       {"ipc_p99_none_us", opt(l.ipc_p99_none_us)},
                       {"ipc_p99_over_none", ratio(l.ipc_p99_ratio())},
                       {"neighbours_achieved_rate", l.neighbours_achieved},
                       {"neighbours_p50_us", l.neighbours_p50_us},
                       {"neighbours_p99_us", l.neighbours_p99_us},
                       {"neighbours_alone_p99_us", opt(l.neighbours_alone_p99_us)},
                       {"neighbours_p99_over_alone", ratio(l.neighbours_p99_ratio())},
                       {"neighbours_alone_p50_us", opt(l.neighbours_alone_p50_us)},
                       {"neighbours_p50_over_alone", ratio(l.neighbours_p50_ratio())},
                       {"iterations_per_sec", l.iterations_per_sec},
                       {"cqes_per_enter", l.cqes_per_enter},
                       {"enters_per_round_trip", l.enters_per_round_trip},
                       {"runs", l.runs},
                       {"none_runs", l.twin_runs}});
    return out;
}

}  // namespace

json sweep_to_json(const SweepResult &s, const std::vector<RunResult> &runs) {
    return {{"matrix", matrix_json(s)},
            {"memcpy_gbps",
             {{"block_4k_cold", s.memcpy.block_4k_cold_gbps},
              {"block_128k_cold", s.memcpy.block_128k_cold_gbps},
              {"block_128k_hot", s.memcpy.block_128k_hot_gbps}}},
            {"handoff_floor", floors_json(s)},
            {"modes", modes_json()},
            {"aggregates", aggregates_json(s.aggregates)},
            {"uring_overhead", overhead_json(s.overhead)},
            {"load", points_json(s.sections.load, runs)},
            {"load_knees", knees_json(s.sections.knees)},
            {"fan_in", fan_in_json(s.sections.fan_in, runs)},
            {"spin", points_json(s.sections.spin, runs)},
            {"decision", decision_json(s.decision)},
            {"retries",
             {{"max_per_run", s.retry.max_retries},
              {"share_of_first_attempts", s.retry.share},
              {"repeated", s.retry.retried},
              {"refused_by_budget", s.retry.refused},
              {"seconds", s.retry.spent_s}}},
            {"loop", loop_json(s.loop)},
            {"placement", placement_json(s.aggregates)},
            {"placement_classes", placement_classes_json(s)},
            {"harness_overhead", harness_json(s.harness)}};
}

}  // namespace ipcb
