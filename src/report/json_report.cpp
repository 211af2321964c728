#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "core/payload.hpp"
#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "report/report.hpp"
#include "run/noise.hpp"
#include "run/role_json.hpp"

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
            {"timestamp", e.timestamp}};
}

namespace {

json load_to_json(const LoadSample &l) {
    return {
        {"loadavg_1min", l.loadavg1},
        {"cpu_pressure_some_avg10", l.cpu_pressure_some_avg10 < 0 ? json(nullptr) : json(l.cpu_pressure_some_avg10)}};
}

json role_json(const std::optional<RoleReport> &r) { return r ? json(*r) : json(nullptr); }

// Per round trip (the client's operations), over the timed phase, every thread of each process.
json syscalls_json(const RunResult &r) {
    const RoleReport &cl = *r.client, &sv = *r.server;
    if (cl.syscalls.empty() || sv.syscalls.empty()) return nullptr;
    const double ops = double(cl.operations);
    auto per_op = [&](const RoleReport &role) {
        json by_name = json::object();
        for (const auto &[name, n] : role.syscalls)
            if (n > 0 && name != "total") by_name[name] = double(n) / ops;
        return by_name;
    };
    return {{"server_per_op", double(sv.syscalls.at("total")) / ops},
            {"client_per_op", double(cl.syscalls.at("total")) / ops},
            {"server_by_name", per_op(sv)},
            {"client_by_name", per_op(cl)},
            {"counted_by", "perf counters on the raw_syscalls:sys_enter tracepoint, inherited by every thread"}};
}

json floor_json(const RunResult &r) {
    if (!r.has_floor()) return nullptr;
    const FloorReading &a = *r.floor_before, &b = *r.floor_after;
    return {{"size", a.bytes},
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
            {"status", r.status},
            {"error", r.error.empty() ? json(nullptr) : json(r.error)},
            {"repetition", c.repetition},
            {"started_unix_s", r.started_unix_s},
            {"loop", c.inflight == 1 ? "closed-loop ping-pong (1 request in flight)"
                                     : "closed-loop, " + std::to_string(c.inflight) + " requests in flight"},
            {"inflight", c.inflight},
            {"spin_us", double(c.spin_ns) / 1000},
            {"seed", c.seed},
            {"server_cpu", c.server_cpu},
            {"client_cpu", c.client_cpu},
            {"same_cpu", c.server_cpu >= 0 && c.server_cpu == c.client_cpu},
            {"warmup_s", c.warmup_s},
            {"requested_duration_s", c.iterations ? json(nullptr) : json(c.duration_s)},
            {"requested_iterations", c.iterations ? json(c.iterations) : json(nullptr)},
            {"fault_injected", c.fault ? json(c.fault->text()) : json(nullptr)},
            {"floor", floor_json(r)},
            {"floor_skipped",
             r.has_floor() ? json(nullptr) : json(r.floor_skipped.empty() ? "not measured" : r.floor_skipped)},
            {"placement", r.placement()},
            {"p50_over_floor", r.p50_over_floor() > 0 ? json(r.p50_over_floor()) : json(nullptr)},
            {"load_before", load_to_json(r.load_before)},
            {"load_after", load_to_json(r.load_after)},
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
            {"server_us_per_op", 1e6 * (sv.user_s + sv.sys_s) / double(cl.operations)},
            {"client_us_per_op", 1e6 * (cl.user_s + cl.sys_s) / double(cl.operations)}};
}

json context_switches_json(const RoleReport &cl, const RoleReport &sv) {
    return {{"server_voluntary", sv.voluntary_switches},
            {"server_involuntary", sv.involuntary_switches},
            {"client_voluntary", cl.voluntary_switches},
            {"client_involuntary", cl.involuntary_switches}};
}

json latency_json(const LatencyStats &l) {
    return {{"samples", l.count},
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
    json spectrum = json::array();
    for (auto [p, v] : l.spectrum) spectrum.push_back({p, v});
    j["latency_spectrum_us"] = spectrum;
    j["verified_messages"] = cl.verified_messages;
    j["server_verified_messages"] = sv.verified_messages;
    j["verification"] = verification_json(r);
    j["setup"] = {{"server", sv.mode_setup}, {"client", cl.mode_setup}};
    j["timer"] = {{"clock", "CLOCK_MONOTONIC"}, {"cost_ns", cl.clock_cost_ns}};
    return j;
}

json report_to_json(const Report &report) {
    json runs = json::array();
    for (const RunResult &r : report.runs) runs.push_back(run_to_json(r));
    json j = {{"schema_version", kSchemaVersion},
              {"generator", "ipc_benchmark"},
              {"command_line", report.command_line},
              {"environment", environment_to_json(report.environment)},
              {"runs", runs}};
    if (!report.sweep.is_null()) j["sweep"] = report.sweep;
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
                       {"unsupported_here", why.empty() ? json(nullptr) : json(why)}});
    }
    return out;
}

std::string json_text(const json &j) {
    // Invalid UTF-8 (an argv byte, say) becomes U+FFFD: the report stays valid JSON.
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace ipcb
