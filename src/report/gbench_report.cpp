#include "report/report.hpp"

namespace ipcb {

using json = nlohmann::json;

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
