#include "run/child/usage.hpp"

#include "core/sys.hpp"

namespace ipcb {
namespace {

double seconds(const timeval &tv) { return double(tv.tv_sec) + double(tv.tv_usec) * 1e-6; }

}  // namespace

UsageSnapshot UsageSnapshot::take(const SyscallCounter *counter) {
    UsageSnapshot s;
    if (counter) s.syscalls = counter->read();
    getrusage(RUSAGE_SELF, &s.usage);
    s.wall_ns = now_ns();
    return s;
}

std::optional<SyscallCounter> open_syscall_counter(RoleReport &r) {
    try {
        return SyscallCounter();
    } catch (const Error &e) {
        r.syscalls_unavailable = e.what();
        return std::nullopt;
    }
}

void fill_usage(RoleReport &r, const UsageSnapshot &a, const UsageSnapshot &b) {
    r.user_s = seconds(b.usage.ru_utime) - seconds(a.usage.ru_utime);
    r.sys_s = seconds(b.usage.ru_stime) - seconds(a.usage.ru_stime);
    r.voluntary_switches = b.usage.ru_nvcsw - a.usage.ru_nvcsw;
    r.involuntary_switches = b.usage.ru_nivcsw - a.usage.ru_nivcsw;
    r.wall_s = double(b.wall_ns - a.wall_ns) * 1e-9;
    r.peak_rss_kib = b.usage.ru_maxrss;  // Linux: KiB, the process's peak so far
    if (a.syscalls && b.syscalls) {
        const SyscallCounts d = *b.syscalls - *a.syscalls;
        r.syscalls = d.by_name;
        r.syscalls["total"] = d.total;
    }
}

}  // namespace ipcb
