#include "run/child/usage.hpp"

#include "core/sys.hpp"

namespace ipcb {
namespace {

double seconds(const timeval &tv) { return double(tv.tv_sec) + double(tv.tv_usec) * 1e-6; }

}  // namespace

UsageSnapshot UsageSnapshot::take() {
    UsageSnapshot s;
    getrusage(RUSAGE_SELF, &s.usage);
    s.wall_ns = now_ns();
    return s;
}

void SyscallCounting::start(RoleReport &r, std::uint64_t ops_so_far) {
    started_ = true;
    ops_at_start_ = ops_so_far;
    try {
        counter_.emplace();
        at_start_ = counter_->read();
    } catch (const Error &e) {
        r.syscalls_unavailable = e.what();
        counter_.reset();
    }
}

void SyscallCounting::stop(RoleReport &r, std::uint64_t ops_so_far) {
    if (!counter_) return;
    const SyscallCounts d = counter_->read() - at_start_;
    counter_.reset();  // closed now: the timed phase runs without the tracing slow path
    r.syscall_operations = ops_so_far - ops_at_start_;
    if (r.syscall_operations == 0) {
        r.syscalls_unavailable = "the counting phase had no round trips";
        return;
    }
    r.syscalls = d.by_name;
    r.syscalls["total"] = d.total;
}

void fill_usage(RoleReport &r, const UsageSnapshot &a, const UsageSnapshot &b) {
    r.user_s = seconds(b.usage.ru_utime) - seconds(a.usage.ru_utime);
    r.sys_s = seconds(b.usage.ru_stime) - seconds(a.usage.ru_stime);
    r.voluntary_switches = b.usage.ru_nvcsw - a.usage.ru_nvcsw;
    r.involuntary_switches = b.usage.ru_nivcsw - a.usage.ru_nivcsw;
    r.wall_s = double(b.wall_ns - a.wall_ns) * 1e-9;
    r.peak_rss_kib = b.usage.ru_maxrss;  // Linux: KiB, the process's peak so far
}

}  // namespace ipcb
