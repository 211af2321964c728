#pragma once
// JSON (de)serialisation of RoleReport: the result pipe and the handshake carry it this way.
#include <nlohmann/json.hpp>

#include "core/sys.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TimelineEntry, t_s, length_s, operations, p50_us, p99_us, max_us, lag_p50_us,
                                   client_cpu_ms, server_cpu_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RoleReport, role, pid, affinity, mode_setup, user_s, sys_s, voluntary_switches,
                                   involuntary_switches, wall_s, operations, warmup_operations, verified_messages,
                                   full_checks, payload_bytes, size_min, size_max, size_mean, clock_cost_ns,
                                   verify_client_ns, verify_server_ns, outside_sample_ns, syscalls,
                                   syscalls_unavailable, syscall_operations, slow_waits, max_inflight_waits, pacing_s,
                                   client_index, timeline, exact_samples_complete, peak_rss_kib, loop_iterations,
                                   loop_enters, loop_cqes, neighbour_requests, loop_integration, memory_pages_by_node)

// A role's result record read back: throws Error naming `role` when the text is not JSON or a
// field is missing or mistyped (nlohmann's own exceptions stop here), so a bad record fails its
// run and the sweep goes on.
inline RoleReport role_report_from_text(const std::string &text, const std::string &role) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw Error(role + ": malformed result record");
    try {
        return j.get<RoleReport>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(role + ": incomplete result record (" + e.what() + ")");
    }
}
}  // namespace ipcb
