#pragma once
// What a role's process used over its timed phase: getrusage deltas and wall time.
#include <sys/resource.h>

#include <cstdint>

#include "run/run_types.hpp"

namespace ipcb {

struct UsageSnapshot {
    std::uint64_t wall_ns;
    rusage usage;  // RUSAGE_SELF: every thread of the process, helpers included
    static UsageSnapshot take();
};

// Fills r's CPU times, context switches and wall time with the change from a to b.
void fill_usage(RoleReport &r, const UsageSnapshot &a, const UsageSnapshot &b);

}  // namespace ipcb
