#pragma once
// What a role's process used over its timed phase: getrusage deltas and wall time.
#include <sys/resource.h>

#include <cstdint>
#include <optional>

#include "core/syscall_counter.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

struct UsageSnapshot {
    std::uint64_t wall_ns;
    rusage usage;  // RUSAGE_SELF: every thread of the process, helpers included
    std::optional<SyscallCounts> syscalls;
    static UsageSnapshot take(const SyscallCounter *counter);
};

// A role's syscall counter, opened before its endpoint (so the endpoint's threads count too);
// unset, with the reason in r.syscalls_unavailable, where the kernel will not count.
std::optional<SyscallCounter> open_syscall_counter(RoleReport &r);

// Fills r's CPU times, context switches, wall time and syscalls with the change from a to b.
void fill_usage(RoleReport &r, const UsageSnapshot &a, const UsageSnapshot &b);

}  // namespace ipcb
