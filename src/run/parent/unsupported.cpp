// Why a run cannot run here: the mode, its knobs, the window's memory, fan-in, placement, the
// SQ polling threads' CPUs, neighbours. Checked before anything is forked.
#include "run/parent/unsupported.hpp"

#include "modes/mode.hpp"
#include "run/child/roles.hpp"
#include "topology/placement.hpp"
#include "uring/uring.hpp"

namespace ipcb {

// --uring sqpoll: each side's SQ polling thread on a CPU of its own, from the topology: not an
// end, not an end's SMT sibling (it would share that core's pipeline with the end it serves), in
// the side's last-level cache where one is free. The server's is chosen first.
RunConfig with_sq_threads(RunConfig c) {
    if (!(c.uring_knobs.value_or(0) & kSqpoll) || c.server_cpu < 0 || c.client_cpu < 0) return c;
    const CpuTopology &t = machine_topology();
    std::vector<int> taken{c.server_cpu, c.client_cpu};
    c.server_sq_cpu = sq_thread_cpu_for(t, c.server_cpu, taken);
    if (c.server_sq_cpu >= 0) taken.push_back(c.server_sq_cpu);
    c.client_sq_cpu = sq_thread_cpu_for(t, c.client_cpu, taken);
    return c;
}

namespace {

// Why a mode cannot run at the requested placement ("" when it can). On one CPU the peer cannot
// run while a side busy-polls: a spin only burns the time slice the answer needs.
std::string placement_unsupported(const Mode &mode, const RunConfig &c) {
    if (!c.placement_missing.empty()) return std::string(placement_name(c.placement)) + ": " + c.placement_missing;
    if (c.placement != Placement::same_cpu) return {};
    if (mode.never_sleeps)
        return std::string(mode.name) +
               " busy-polls and never sleeps: on one CPU each side would spin out its time slice before the other "
               "could answer (run it on separate CPUs)";
    if (c.spin_ns > 0)
        return "a spin budget on one CPU only delays the peer, which cannot run while this side spins (run it with "
               "--spin 0, the default on one CPU)";
    return {};
}

std::string neighbours_unsupported(const Mode &mode, const RunConfig &c) {
    if (c.neighbours.none()) return {};
    if (mode.loop_join == LoopJoin::cannot)
        return std::string(mode.name) + " cannot serve a loop with other work: " + mode.loop_note;
    if (c.clients > 1) return "neighbours with fan-in are not built: the loop serves one IPC client beside them";
    return {};
}

// Rings and socket buffers sized for the window would pass the per-run cap: the figure, and how
// to come under it.
std::string window_too_large(const RunConfig &c) {
    const auto mib = [](std::size_t b) { return std::to_string((b + (1 << 20) - 1) >> 20) + " MiB"; };
    return "rings and buffers for " + std::to_string(c.outstanding()) + " outstanding " + std::to_string(c.size.max) +
           "-byte messages each way" +
           (c.clients > 1 ? " from each of " + std::to_string(c.clients) + " clients" : "") + " take " +
           mib(c.window_bytes()) + ", over the " + mib(kMaxWindowBytes) + " cap per run: lower " +
           (c.open_loop() ? "--max-inflight" : "--inflight") + (c.clients > 1 ? ", --clients" : "") + " or --size";
}

std::string sq_threads_unsupported(const RunConfig &asked) {
    const RunConfig c = with_sq_threads(asked);
    if (asked.server_cpu < 0 || asked.client_cpu < 0 || (c.server_sq_cpu >= 0 && c.client_sq_cpu >= 0)) return {};
    return "sqpoll needs a CPU for each side's SQ polling thread that is neither end (CPUs " +
           std::to_string(c.server_cpu) + ", " + std::to_string(c.client_cpu) +
           ") nor an end's SMT sibling, and this process's CPUs (" + cpu_list_text(machine_topology().cpu_numbers()) +
           ") have " + (c.server_sq_cpu >= 0 ? "one" : "none");
}

}  // namespace

std::string run_unsupported(const RunConfig &config) {
    const Mode *mode = find_mode(config.mode);
    if (!mode) return "unknown mode '" + config.mode + "'";
    std::string why = mode->unsupported_reason();
    if (why.empty() && config.window_bytes() > kMaxWindowBytes) why = window_too_large(config);
    if (why.empty() && mode->uring_knobs && config.uring_knobs) why = uring_knobs_unsupported(*config.uring_knobs);
    if (why.empty() && mode->uring_knobs && (config.uring_knobs.value_or(0) & kSqpoll))
        why = sq_threads_unsupported(config);
    if (why.empty() && config.clients > 1 && !mode->open_fan_in)
        why = std::string("no fan-in server: ") + mode->fan_in_design;
    if (why.empty() && config.clients > 1 && config.uring_knobs.value_or(0) != 0)
        why = "the fan-in server takes the default io_uring knobs only";
    if (why.empty() && mode->unsupported_for) why = mode->unsupported_for(mode_config_of(config), config.clients);
    if (why.empty()) why = placement_unsupported(*mode, config);
    if (why.empty()) why = neighbours_unsupported(*mode, config);
    return why;
}

}  // namespace ipcb
