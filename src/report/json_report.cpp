#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "core/payload.hpp"
#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "report/report.hpp"
#include "report/topology_report.hpp"
#include "run/child/recording.hpp"
#include "run/results/finalize.hpp"
#include "run/results/noise.hpp"
#include "run/results/role_json.hpp"
#include "run/results/run_axes.hpp"
#include "sweep/aggregate.hpp"

namespace ipcb {

using json = nlohmann::json;

json environment_to_json(const Environment &e) {
    return {{"kernel", e.kernel},
            {"hostname", e.hostname},
            {"cpu_model", e.cpu_model},
            {"cpus_online", e.cpus_online},
            {"virtualization", e.virtualization},
            {"clocksource", e.clocksource},
            {"clock", e.clock},
            {"clock_cost_ns", e.clock_cost_ns},
            {"cpu_governor", e.governor},
            {"smt", e.smt},
            {"mitigations", e.mitigations},
            {"liburing_version", e.liburing_version},
            {"compiler", e.compiler},
            {"build_type", e.build_type},
            {"git_commit", e.git_commit},
            {"timestamp", e.timestamp},
            {"topology", topology_json(machine_topology())}};
}

namespace {

// An interleaved run's slices and its paired floor ratio (run_types.hpp, InterleavedReport).
json interleaved_json(const RunResult &r) {
    if (!r.interleaved) return nullptr;
    const InterleavedReport &i = *r.interleaved;
    json floor = nullptr;
    if (i.floor_ratio)
        floor = {{"median", i.floor_ratio->median},
                 {"interval", json::array({i.floor_ratio->low, i.floor_ratio->high})},
                 {"coverage", i.floor_ratio->coverage},
                 {"rounds", i.floor_pairs}};
    return {
        {"slice_ms", i.slice_ms}, {"slices", i.slices}, {"slices_dropped", i.slices_dropped}, {"floor_ratio", floor}};
}

json latency_json(const LatencyStats &l);

json busy_to_json(const MachineBusy &l) {
    return {
        {"loadavg_1min", l.loadavg1},
        {"cpu_pressure_some_avg10", l.cpu_pressure_some_avg10 < 0 ? json(nullptr) : json(l.cpu_pressure_some_avg10)}};
}

json role_json(const std::optional<RoleReport> &r) { return r ? json(*r) : json(nullptr); }

// Per round trip (client) and per request (server), every thread of each process, over the
// counting phase before the timed one.
json syscalls_json(const RunResult &r) {
    const RoleReport &cl = *r.client, &sv = *r.server;
    if (cl.syscalls_per_op("total") < 0 || sv.syscalls_per_op("total") < 0) return nullptr;
    auto per_op = [&](const RoleReport &role) {
        json by_name = json::object();
        for (const auto &[name, n] : role.syscalls)
            if (n > 0 && name != "total") by_name[name] = role.syscalls_per_op(name);
        return by_name;
    };
    return {
        {"server_per_op", sv.syscalls_per_op("total")},
        {"client_per_op", cl.syscalls_per_op("total")},
        {"server_by_name", per_op(sv)},
        {"client_by_name", per_op(cl)},
        {"counted_over", {{"client_round_trips", cl.syscall_operations}, {"server_requests", sv.syscall_operations}}},
        {"counted_by",
         "perf counters on the raw_syscalls:sys_enter tracepoint on every thread, in a counting "
         "phase (the second half of the warmup) closed before the timed phase"}};
}

std::string loop_text(const RunConfig &c) {
    std::string clients = c.clients > 1 ? ", " + std::to_string(c.clients) + " clients into one server loop" : "";
    if (c.open_loop())
        return "open loop, at most " + std::to_string(c.max_inflight) + " requests in flight per client" + clients;
    if (c.inflight == 1) return "closed-loop ping-pong (1 request in flight)" + clients;
    return "closed-loop, " + std::to_string(c.inflight) + " requests in flight" + clients;
}

// Each CPU the clients run on, and how many share it.
json client_cpus_json(const RunConfig &c) {
    std::map<int, unsigned> sharing;
    for (unsigned i = 0; i < c.clients; ++i) ++sharing[c.cpu_of_client(i)];
    json out = json::array();
    for (auto [cpu, n] : sharing) out.push_back({{"cpu", cpu}, {"clients", n}});
    return out;
}

json load_json(const RunResult &r) {
    const LoadReport &l = r.load;
    return {{"kind", l.open ? "open" : "closed"},
            {"offered_rate", l.open ? json(l.offered_rate) : json(nullptr)},
            {"achieved_rate", l.achieved_rate},
            {"max_inflight", l.max_inflight},
            {"saturated", l.saturated},
            {"max_inflight_waits", l.max_inflight_waits},
            {"rate_percent", l.rate_percent > 0 ? json(l.rate_percent) : json(nullptr)},
            {"capacity_ops_per_sec", l.rate_percent > 0 ? json(l.capacity_ops_per_sec) : json(nullptr)},
            {"saturated_because", l.saturated_because.empty() ? json(nullptr) : json(l.saturated_because)},
            {"send_lag_us", l.send_lag ? latency_json(*l.send_lag) : json(nullptr)},
            {"backlog_grew", l.backlog_grew},
            {"saturation_rule", kSaturationRule}};
}

json per_client_json(const RunResult &r) {
    json out = json::array();
    for (std::size_t i = 0; i < r.per_client.size(); ++i) {
        const ClientFigures &c = r.per_client[i];
        out.push_back({{"client", i},
                       {"cpu", c.cpu},
                       {"operations", c.operations},
                       {"ops_per_sec", c.ops_per_sec},
                       {"latency_us", latency_json(c.latency)}});
    }
    return out;
}

json floor_json(const RunResult &r) {
    if (!r.has_floor()) return nullptr;
    const FloorReading &a = *r.floor_before, &b = *r.floor_after;
    return {{"size", a.bytes},
            {"kind", a.same_cpu ? "futex handoff between two processes on one CPU: two context switches and the copies"
                                : "two-thread spinning handoff between the two CPUs"},
            {"before_p50_us", a.p50_us},
            {"after_p50_us", b.p50_us},
            {"round_trips", a.round_trips},
            {"line_before_p50_us", a.line_p50_us},
            {"line_after_p50_us", b.line_p50_us}};
}

}  // namespace

namespace {

// What was asked, and what the machine did meanwhile: every run has these, ok or not.
json run_request_json(const RunResult &r) {
    const RunConfig &c = r.config;
    return {{"mode", c.mode},
            {"variant", c.variant()},
            {"axes", axes_json(c)},
            {"label", c.label()},
            {"section", section_name(c.section)},
            {"config", config_key(c)},
            {"status", status_name(r.status)},
            {"error", r.error.empty() ? json(nullptr) : json(r.error)},
            {"repetition", c.repetition},
            {"attempt", r.attempt},
            {"superseded", r.superseded},
            {"started_unix_s", r.started_unix_s},
            {"loop", loop_text(c)},
            {"inflight", c.inflight},
            {"clients", c.clients},
            {"client_cpus", client_cpus_json(c)},
            {"spin_us", double(c.spin_ns) / 1000},
            {"seed", c.seed},
            {"server_cpu", c.server_cpu},
            {"client_cpu", c.client_cpu},
            {"same_cpu", c.server_cpu >= 0 && c.server_cpu == c.client_cpu},
            {"requested_placement", placement_name(c.placement)},
            {"placement_class", r.pair_class},
            {"sq_thread_cpus", c.server_sq_cpu < 0 && c.client_sq_cpu < 0
                                   ? json(nullptr)
                                   : json{{"server", c.server_sq_cpu}, {"client", c.client_sq_cpu}}},
            {"warmup_s", c.warmup_s},
            {"requested_duration_s", c.iterations ? json(nullptr) : json(c.duration_s)},
            {"requested_iterations", c.iterations ? json(c.iterations) : json(nullptr)},
            {"fault_injected", c.fault ? json(c.fault->text()) : json(nullptr)},
            {"floor", floor_json(r)},
            {"floor_skipped",
             r.has_floor() ? json(nullptr) : json(r.floor_skipped.empty() ? "not measured" : r.floor_skipped)},
            {"placement", r.placement()},
            {"p50_over_floor", r.p50_over_floor() > 0 ? json(r.p50_over_floor()) : json(nullptr)},
            {"floor_paired_ratio",
             r.interleaved && r.interleaved->floor_ratio ? json(r.interleaved->floor_ratio->median) : json(nullptr)},
            {"interleaved", interleaved_json(r)},
            {"load_before", busy_to_json(r.busy_before)},
            {"load_after", busy_to_json(r.busy_after)},
            {"noise",
             {{"noisy", r.noise.noisy},
              {"reasons", r.noise.reasons},
              {"steal_ms", r.noise.steal_ms},
              {"cpu_pressure_fraction", r.noise.cpu_pressure < 0 ? json(nullptr) : json(r.noise.cpu_pressure)},
              {"rule", noise_thresholds_text()}}}};
}

json cpu_json(const RunResult &r) {
    const RoleReport &cl = *r.client, &sv = *r.server;
    return {{"server_percent", r.server_cpu_percent},
            {"client_percent", r.client_cpu_percent},
            {"server_user_s", sv.user_s},
            {"server_sys_s", sv.sys_s},
            {"client_user_s", cl.user_s},
            {"client_sys_s", cl.sys_s},
            {"cpu_us_per_op", r.cpu_us_per_op},
            {"server_us_per_op", r.server_cpu_us_per_op},  // finalize.cpp computes it once
            {"client_us_per_op", 1e6 * (cl.user_s + cl.sys_s) / double(cl.operations)},
            {"client_pacing_us_per_op", r.load.pacing_us_per_op},
            {"mechanism_us_per_op", r.mechanism_cpu_us_per_op()},
            {"client_mechanism_us_per_op", 1e6 * (cl.user_s + cl.sys_s - cl.pacing_s) / double(cl.operations)}};
}

json context_switches_json(const RoleReport &cl, const RoleReport &sv) {
    return {{"server_voluntary", sv.voluntary_switches},
            {"server_involuntary", sv.involuntary_switches},
            {"client_voluntary", cl.voluntary_switches},
            {"client_involuntary", cl.involuntary_switches}};
}

json latency_json(const LatencyStats &l) {
    json j = {{"samples", l.count},
              {"avg", l.avg},
              {"min", l.min},
              {"p50", l.p50},
              {"p90", l.p90},
              {"p95", l.p95},
              {"p99", l.p99},
              {"p999", l.p999},
              {"p9999", l.p9999},
              {"max", l.max},
              {"stddev", l.stddev},
              {"outliers", l.outliers},
              {"outlier_rule", "samples above " + std::to_string(int(kOutlierFactor)) + " x p50, counted and kept"}};
    // --percentiles: each under its own name ("p99.9"), beside the fixed ones
    for (auto [p, us] : l.asked) j[percentile_name(p)] = us;
    return j;
}

json verification_json(const RunResult &r) {
    const RoleReport &cl = *r.client;
    return {{"policy", "every message: sequence/direction/length stamps every " +
                           std::to_string(payload::kStampStride) + " B and at the tail; every byte of a sampled 1 in " +
                           std::to_string(payload::kFullCheckEvery) + " responses"},
            {"stamp_stride_bytes", payload::kStampStride},
            {"full_check_every", payload::kFullCheckEvery},
            {"full_checks", cl.full_checks},
            {"client_ns_per_message", cl.verify_client_ns},
            {"server_ns_per_message", cl.verify_server_ns},
            {"outside_sample_ns_per_op", r.config.inflight == 1 ? json(cl.outside_sample_ns) : json(nullptr)}};
}

}  // namespace

json run_to_json(const RunResult &r) {
    const RunConfig &c = r.config;
    json j = run_request_json(r);
    json size = {{"spec", c.size.text}, {"min", c.size.min}, {"max", c.size.max}, {"mean", nullptr}};
    if (!r.ok()) {
        j["message_size"] = size;
        j["server"] = role_json(r.server);
        j["client"] = role_json(r.client);
        return j;
    }
    const RoleReport &cl = *r.client, &sv = *r.server;
    const LatencyStats &l = *r.latency;
    size["mean"] = cl.size_mean;
    size["observed_min"] = cl.size_min;
    size["observed_max"] = cl.size_max;
    j["message_size"] = size;
    j["server_affinity"] = sv.affinity;
    j["client_affinity"] = cl.affinity;
    j["duration_s"] = cl.wall_s;
    j["operations"] = cl.operations;
    j["warmup_operations"] = cl.warmup_operations;
    j["ops_per_sec"] = r.ops_per_sec;
    j["throughput_mib_s"] = r.throughput_mib_s;
    j["cpu"] = cpu_json(r);
    j["context_switches"] = context_switches_json(cl, sv);
    j["syscalls"] = syscalls_json(r);
    j["slow_waits"] = {
        {"server", sv.slow_waits}, {"client", cl.slow_waits}, {"threshold_ms", double(kSlowWaitNs) / 1e6}};
    j["syscalls_unavailable"] =
        j["syscalls"].is_null()
            ? json(sv.syscalls_unavailable.empty() ? cl.syscalls_unavailable : sv.syscalls_unavailable)
            : json(nullptr);
    j["latency_us"] = latency_json(l);
    j["service_time_us"] = latency_json(*r.service_time);
    j["server_cpu_us_per_op"] = r.server_cpu_us_per_op;
    j["load"] = load_json(r);
    j["per_client"] = per_client_json(r);
    j["fairness"] = {{"jain", r.fairness_jain},
                     {"min_over_max", r.fairness_min_over_max},
                     {"over", "per-client operations in the timed phase"}};
    json spectrum = json::array();
    for (auto [p, v] : l.spectrum) spectrum.push_back({p, v});
    j["latency_spectrum_us"] = spectrum;
    j["recording"] = {
        {"percentiles_from", "histogram"},
        {"significant_digits", r.histogram_digits},
        {"exact_samples_complete", r.exact_complete},
        {"exact_sample_cap", Recording::kExactCap},
        {"spectrum_from", r.exact_complete ? "exact samples" : "histogram"},
        {"note",
         "latency, service time and send lag percentiles and the .hgrm come from histograms (values kept to "
         "the significant digits; count, min, max and mean exact); the spectrum from every exact sample "
         "when the run kept them all"}};
    json timeline = json::array();
    for (const TimelineEntry &e : r.timeline)
        timeline.push_back({{"t_s", e.t_s},
                            {"length_s", e.length_s},
                            {"operations", e.operations},
                            {"ops_per_sec", e.length_s > 0 ? double(e.operations) / e.length_s : 0},
                            {"p50_us", e.p50_us},
                            {"p99_us", e.p99_us},
                            {"max_us", e.max_us},
                            {"lag_p50_us", r.config.open_loop() ? json(e.lag_p50_us) : json(nullptr)},
                            {"client_cpu_ms", e.client_cpu_ms},
                            {"server_cpu_ms", e.server_cpu_ms >= 0 ? json(e.server_cpu_ms) : json(nullptr)}});
    j["timeline"] = timeline;
    j["interval_s"] = double(r.config.interval_ns()) * 1e-9;
    j["memory"] = {{"server_peak_rss_kib", sv.peak_rss_kib},
                   {"client_peak_rss_kib", cl.peak_rss_kib},
                   {"note",
                    "each process's peak resident memory by the end of the timed phase (getrusage "
                    "ru_maxrss; fan-in: the largest client's)"}};
    const std::string spike = r.timeline_spike();
    j["timeline_spike"] = spike.empty() ? json(nullptr) : json(spike);
    j["verified_messages"] = cl.verified_messages;
    j["server_verified_messages"] = sv.verified_messages;
    j["verification"] = verification_json(r);
    j["setup"] = {{"server", sv.mode_setup}, {"client", cl.mode_setup}};
    j["shared_memory"] =
        sv.memory_pages_by_node.empty()
            ? json(nullptr)
            : json{{"requested_node", r.config.memory_node < 0 ? json(nullptr) : json(r.config.memory_node)},
                   {"pages_by_node", sv.memory_pages_by_node}};
    j["timer"] = {{"clock", "CLOCK_MONOTONIC"}, {"cost_ns", cl.clock_cost_ns}};
    j["neighbours"] = neighbours_json(r);
    j["event_loop"] = event_loop_json(r);
    return j;
}

int schema_version_of(const Report &report) {
    if (report.sweep) return kSchemaVersion;
    for (const RunResult &r : report.runs)
        if (r.config.open_loop() || r.config.clients > 1) return kSchemaVersion;
    return 1;
}

json report_to_json(const Report &report) {
    json runs = json::array();
    for (const RunResult &r : report.runs) runs.push_back(run_to_json(r));
    json j = {{"schema_version", schema_version_of(report)},
              {"generator", "ipc_benchmark"},
              {"command_line", report.command_line},
              {"environment", environment_to_json(report.environment)},
              {"runs", runs}};
    if (report.sweep) j["sweep"] = sweep_to_json(*report.sweep, report.runs);
    if (report.host_probe) j["host_probe"] = host_probe_json(*report.host_probe);
    if (report.advice) j["advice"] = advice_json(*report.advice, report.runs);
    return j;
}

json modes_json() {
    json out = json::array();
    for (const Mode *m : all_modes()) {
        const std::string why = m->unsupported_reason();
        out.push_back({{"name", m->name},
                       {"summary", m->summary},
                       {"baseline", m->baseline ? json(m->baseline) : json(nullptr)},
                       {"spins", m->spins},
                       {"kernel_needs", m->kernel_needs},
                       {"loop_join", loop_join_name(m->loop_join)},
                       {"loop_note", m->loop_note},
                       {"unsupported_here", why.empty() ? json(nullptr) : json(why)}});
    }
    return out;
}

std::string json_text(const json &j) {
    // Invalid UTF-8 (an argv byte, say) becomes U+FFFD: the report stays valid JSON.
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace ipcb
