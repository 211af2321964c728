#include "run/parent/orchestrator.hpp"

#include <string.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "core/stats.hpp"
#include "core/sys.hpp"
#include "core/syscall_counter.hpp"
#include "ipc/tcp_link.hpp"
#include "modes/mode.hpp"
#include "run/child/roles.hpp"
#include "run/parent/children.hpp"
#include "run/parent/run_processes.hpp"
#include "run/results/finalize.hpp"
#include "run/results/noise.hpp"
#include "run/results/role_json.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

// The run's floor on its own two CPUs, measured while its roles are idle (blocked before the
// start, or gone); unset, with the reason in r.floor_skipped, where it cannot be measured.
std::optional<FloorReading> floor_now(RunResult &r) {
    const RunConfig &c = r.config;
    if (c.server_cpu < 0 || c.client_cpu < 0) r.floor_skipped = "the roles are not pinned";
    else if (g_interrupt_signal.load()) r.floor_skipped = "interrupted";
    if (!r.floor_skipped.empty()) return std::nullopt;
    try {
        return measure_run_floor(c.floor_bytes(), c.client_cpu, c.server_cpu);
    } catch (const std::exception &e) {
        r.floor_skipped = e.what();
        return std::nullopt;
    }
}

double unix_now_s() {
    using namespace std::chrono;
    return double(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) * 1e-6;
}

}  // namespace

// A percent rate made absolute: the mode's closed-loop maximum at the run's size, in-flight and
// clients, measured now by a closed-loop run as long as the run (at most 1 s). Unset on success,
// else the run's result: failed (or unsupported) as the capacity run was.
std::optional<RunResult> resolve_percent_rate(RunConfig &c) {
    if (c.rate_percent <= 0 || c.rate > 0) return std::nullopt;  // absolute, or resolved already
    RunConfig closed = c;
    closed.rate = closed.rate_percent = 0;
    closed.fault.reset();
    closed.iterations = 0;
    closed.duration_s = std::min(c.duration_s > 0 ? c.duration_s : 1.0, 1.0);
    RunResult cap = run_orchestrated(closed);
    if (!cap.ok()) {
        cap.config = c;
        if (cap.status != RunStatus::unsupported)
            cap.error = "measuring the closed-loop maximum for a percent rate: " + cap.error;
        return cap;
    }
    c.set_percent_rate(c.rate_percent, cap.ops_per_sec);
    return std::nullopt;
}

// The neighbours-alone pass, right after a run with neighbours: the same configuration with the
// IPC client connected and silent; its neighbours' figures go into r.neighbours->alone.
static void run_neighbours_alone(RunResult &r) {
    RunConfig idle = r.config;
    idle.ipc_idle = true;
    idle.fault.reset();
    RunResult alone = run_orchestrated(idle);
    NeighboursReport::Alone &a = r.neighbours->alone;
    a.ran = alone.ok() && alone.neighbours;
    if (!a.ran) {
        a.error = alone.error.empty() ? "the pass did not run" : alone.error;
        return;
    }
    a.achieved_rate = alone.neighbours->achieved_rate;
    if (alone.server && alone.server->wall_s > 0)
        a.server_cpu_percent = 100.0 * (alone.server->user_s + alone.server->sys_s) / alone.server->wall_s;
    a.latency = alone.neighbours->latency;
}

RunResult run_measured(const RunConfig &requested) {
    RunConfig config = requested;
    if (std::optional<RunResult> failed = resolve_percent_rate(config)) return std::move(*failed);
    MachineBusy before = sample_machine_busy();
    RunResult r = run_orchestrated(config);
    r.busy_before = std::move(before);
    r.busy_after = sample_machine_busy();
    r.noise = assess_noise(r);
    if (r.ok() && r.neighbours) run_neighbours_alone(r);
    return r;
}

double run_deadline_s(const RunConfig &c) {
    if (c.timeout_s > 0) return c.timeout_s;
    if (c.iterations) return 120 + c.warmup_s;
    return c.warmup_s + 2 * c.duration_s + 10;
}

RunResult run_orchestrated(const RunConfig &asked) {
    const RunConfig config = with_sq_threads(asked);
    RunResult r;
    r.config = config;
    r.started_unix_s = unix_now_s();
    if (config.server_cpu >= 0 && config.cpu_of_client(0) >= 0)
        r.pair_class = relation_name(relation_of(machine_topology(), config.server_cpu, config.cpu_of_client(0)));
    if (!find_mode(config.mode)) {
        r.error = "unknown mode '" + config.mode + "'";
        return r;
    }
    if (const std::string why = run_unsupported(config); !why.empty()) {
        r.status = RunStatus::unsupported;
        r.error = why;
        return r;
    }

    // tracefs for the roles' syscall counters, mounted once if missing (root); where counting
    // cannot work, each role reports why.
    static std::once_flag tracefs;
    std::call_once(tracefs, [] { prepare_syscall_counting(); });
    RunProcesses p;
    start_roles(config, p);
    std::vector<std::string> events;
    const bool started = wait_until_ready(p, events);
    if (started && !config.ipc_idle) r.floor_before = floor_now(r);
    else if (!started) r.floor_skipped = "the run did not start";
    p.go.write.reset();  // EOF on the start pipe releases both roles at once
    if (started) supervise(p, config, events);
    if (int sig = g_interrupt_signal.load()) events.push_back(std::string("interrupted by SIG") + sigabbrev_np(sig));
    for (Child &c : p.kids) kill_group(c);
    for (Child &c : p.kids) reap(c);
    for (Child &c : p.kids) note_problems(c, events);
    if (started && !config.ipc_idle) r.floor_after = floor_now(r);

    try {
        if (!events.empty() || p.any_failed() || !started) {
            std::string cause;
            for (auto &e : events) cause += (cause.empty() ? "" : "; ") + e;
            throw Error(cause);
        }
        evaluate(r, p.kids);
        r.status = RunStatus::ok;
    } catch (const Error &e) {
        r.status = RunStatus::failed;
        r.error = e.what();
        if (r.error.empty()) r.error = "run failed without a reported cause";
    }
    return r;
}

}  // namespace ipcb
