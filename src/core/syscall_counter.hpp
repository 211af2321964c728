#pragma once
// System calls made by this process, counted by the kernel: perf counters on the tracepoint
// raw_syscalls:sys_enter, one unfiltered (every syscall) and one per named syscall (a tracepoint
// filter on its number), opened on every thread the process has (pid = tid) with `inherit`, so the
// threads they start afterwards count too (shm's helper thread). Needs root (or
// perf_event_paranoid <= 1 and a readable tracefs); the tracepoint's id is read from tracefs.
//
// While any such counter exists, every system call of every task on the machine takes the
// tracing slow path, and each counter's filter runs on it: measured here, +2.6 us per 4 KiB
// round trip of uds-sync on one CPU (+68%), +1.5 us apart. So the roles count in a counting phase
// of their own and close the counters before the timed phase (run/child/client_role.cpp).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/sys.hpp"

namespace ipcb {

struct SyscallCounts {
    std::uint64_t total = 0;
    std::map<std::string, std::uint64_t> by_name;  // the named syscalls (a difference adds "other")
};

class SyscallCounter {
public:
    // Throws Error saying why the kernel will not count.
    SyscallCounter();
    // The counts since opening; a difference of two readings counts what happened between them.
    SyscallCounts read() const;

private:
    std::vector<Fd> total_;  // one per thread
    std::vector<std::pair<std::string, std::vector<Fd>>> named_;
};

// a - b, name by name, with "other": the calls of the total no named counter counted.
SyscallCounts operator-(const SyscallCounts &a, const SyscallCounts &b);

// Mounts tracefs at /sys/kernel/tracing when it is missing and this process may (root); what a
// SyscallCounter needs before roles are forked. Returns "" or why counting will not work.
std::string prepare_syscall_counting();

}  // namespace ipcb
