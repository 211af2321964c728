#pragma once
// What a role's process used over its timed phase (getrusage deltas and wall time), and the system
// calls it made in its counting phase, a phase of its own before the timed one (the counters tax
// every system call on the machine while they exist: core/syscall_counter.hpp).
#include <sys/resource.h>

#include <cstdint>
#include <optional>

#include "core/syscall_counter.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

struct UsageSnapshot {
    std::uint64_t wall_ns;
    rusage usage;  // RUSAGE_SELF: every thread of the process, helpers included
    static UsageSnapshot take();
};

// Fills r's CPU times, context switches and wall time with the change from a to b.
void fill_usage(RoleReport &r, const UsageSnapshot &a, const UsageSnapshot &b);

// A role's counting phase: counters on every thread of the process from start() (so the
// endpoint's helper threads count too) to stop(), which fills r.syscalls and r.syscall_operations
// and closes them. Where the kernel will not count, r.syscalls_unavailable says why.
class SyscallCounting {
public:
    void start(RoleReport &r, std::uint64_t ops_so_far);
    void stop(RoleReport &r, std::uint64_t ops_so_far);
    bool started() const { return started_; }

private:
    std::optional<SyscallCounter> counter_;
    SyscallCounts at_start_;
    std::uint64_t ops_at_start_ = 0;
    bool started_ = false;
};

}  // namespace ipcb
