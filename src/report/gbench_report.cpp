#include "report/report.hpp"

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
        out.push_back({{"section", a.section},
                       {"name", a.key},
                       {"mode", a.mode},
                       {"variant", a.variant},
                       {"size", a.size},
                       {"inflight", a.inflight},
                       {"runs", a.runs},
                       {"ok_runs", a.ok_runs},
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

namespace {

json gbench_context(const Environment &e) {
    return {{"date", e.timestamp},
            {"host_name", e.hostname},
            {"executable", "ipc_benchmark"},
            {"num_cpus", e.cpus_online},
            {"mhz_per_cpu", 0},
            {"cpu_scaling_enabled", e.governor != "unknown" && e.governor != "performance"},
            {"caches", json::array()},
            {"load_avg", json::array()},
            {"library_build_type", "release"},
            {"kernel", e.kernel},
            {"cpu_model", e.cpu_model},
            {"git_commit", e.git_commit},
            {"note",
             "one iteration = one request/response round trip; real_time = mean round trip; "
             "cpu_time = CPU time of both processes per round trip"}};
}

json gbench_entry(const Aggregate &a, int family, const std::string &name, const char *run_type) {
    return json{{"name", name},      {"family_index", family}, {"per_family_instance_index", 0},
                {"run_name", a.key}, {"run_type", run_type},   {"repetitions", a.runs},
                {"threads", 1},      {"time_unit", "us"}};
}

// One "iteration" entry per ok repetition of the aggregate's configuration.
void add_iterations(json &out, const Report &report, const Aggregate &a, int family) {
    int repetition = 0;
    for (std::size_t i : a.run_indices) {
        const RunResult &r = report.runs[i];
        const int index = repetition++;
        if (!r.ok()) continue;
        json b = gbench_entry(a, family, a.key, "iteration");
        b["repetition_index"] = index;
        b["iterations"] = r.client->operations;
        b["real_time"] = r.latency->avg;
        b["cpu_time"] = r.cpu_us_per_op;
        b["p50"] = r.latency->p50;
        b["p95"] = r.latency->p95;
        b["p99"] = r.latency->p99;
        b["p999"] = r.latency->p999;
        b["bytes_per_second"] = r.throughput_mib_s * 1048576.0;
        b["items_per_second"] = r.ops_per_sec;
        b["server_cpu_percent"] = r.server_cpu_percent;
        b["client_cpu_percent"] = r.client_cpu_percent;
        out.push_back(b);
    }
}

// The median, min and max "aggregate" entries, as Google Benchmark names them.
void add_aggregates(json &out, const Aggregate &a, int family) {
    if (a.ok_runs == 0) return;
    for (const auto &choice : {std::pair{"median", 0}, std::pair{"min", 1}, std::pair{"max", 2}}) {
        const char *agg = choice.first;
        const int pick = choice.second;
        auto val = [pick](const Spread &s) { return pick == 0 ? s.median : pick == 1 ? s.min : s.max; };
        json b = gbench_entry(a, family, a.key + "_" + agg, "aggregate");
        b["aggregate_name"] = agg;
        b["aggregate_unit"] = "time";
        b["iterations"] = a.ok_runs;
        b["real_time"] = val(a.avg_us);
        b["cpu_time"] = val(a.cpu_us_per_op);
        b["p50"] = val(a.p50_us);
        b["p99"] = val(a.p99_us);
        b["bytes_per_second"] = val(a.mib_per_sec) * 1048576.0;
        b["items_per_second"] = val(a.ops_per_sec);
        out.push_back(b);
    }
}

}  // namespace

json gbench_json(const Report &report, const std::vector<Aggregate> &aggregates) {
    json benchmarks = json::array();
    int family = 0;
    for (const Aggregate &a : aggregates) {
        add_iterations(benchmarks, report, a, family);
        add_aggregates(benchmarks, a, family);
        ++family;
    }
    return {{"context", gbench_context(report.environment)}, {"benchmarks", benchmarks}};
}

json bmf_json(const std::vector<Aggregate> &aggregates) {
    json out = json::object();
    for (const Aggregate &a : aggregates) {
        if (a.ok_runs == 0) continue;
        auto m = [](const Spread &s) {
            return json{{"value", s.median}, {"lower_value", s.min}, {"upper_value", s.max}};
        };
        out[a.key] = {{"latency_p50_us", m(a.p50_us)},
                      {"latency_p99_us", m(a.p99_us)},
                      {"throughput", m(a.ops_per_sec)},
                      {"cpu_us_per_op", m(a.cpu_us_per_op)}};
    }
    return out;
}

}  // namespace ipcb
