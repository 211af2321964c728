#include "run/child/recording.hpp"

#include <algorithm>

#include "core/sys.hpp"

namespace ipcb {

namespace {

double cpu_ms(clockid_t clock) { return double(clock_ns(clock)) * 1e-6; }

}  // namespace

Recording::Recording(bool open_loop, int server_pid, std::uint64_t interval_ns, std::size_t expected)
    : open_loop_(open_loop), interval_ns_(std::max<std::uint64_t>(interval_ns, 1'000'000)) {
    // resize() writes every page now, clear() keeps them: the same memory for any run length
    const std::size_t room = std::min(expected, kExactCap);
    exact.resize(room), exact.clear();
    if (open_loop_) exact_service.resize(room), exact_service.clear();
    // Another process's CPU clock: its CPU time in ns, one system call (no /proc parsing).
    if (server_pid > 0 && ::clock_getcpuclockid(server_pid, &server_clock_) == 0) {
        timespec t{};
        server_clock_ok_ = ::clock_gettime(server_clock_, &t) == 0;
    }
}

double Recording::process_cpu_ms() const { return cpu_ms(CLOCK_PROCESS_CPUTIME_ID); }

void Recording::start(std::uint64_t now) {
    started_ = interval_start_ = now;
    next_at_ = now + interval_ns_;
    client_cpu_at_ = process_cpu_ms();
    if (server_clock_ok_) server_cpu_at_ = cpu_ms(server_clock_);
}

void Recording::add(std::uint64_t now, std::uint64_t latency_ns, std::uint64_t service_ns) {
    latency.record(latency_ns);
    interval_.record(latency_ns);
    ++interval_ops_;
    if (open_loop_) {
        service.record(service_ns);
        lag.record(latency_ns - std::min(latency_ns, service_ns));
        interval_lag_.record(latency_ns - std::min(latency_ns, service_ns));
    }
    if (exact_complete) {
        if (exact.size() < kExactCap && latency_ns <= UINT32_MAX) {
            exact.push_back(std::uint32_t(latency_ns));
            if (open_loop_) exact_service.push_back(std::uint32_t(std::min<std::uint64_t>(service_ns, UINT32_MAX)));
        } else {
            exact_complete = false;  // the histogram has them all; the exact set is no longer whole
            exact = {}, exact_service = {};
        }
    }
    if (now >= next_at_) close_interval(now);
}

void Recording::finish(std::uint64_t now) {
    if (interval_ops_ > 0 || timeline.empty()) close_interval(now);
}

void Recording::close_interval(std::uint64_t now) {
    TimelineEntry e;
    e.t_s = double(now - started_) * 1e-9;
    e.length_s = double(now - interval_start_) * 1e-9;
    e.operations = interval_ops_;
    e.p50_us = double(interval_.value_at_percentile(50)) * 1e-3;
    e.p99_us = double(interval_.value_at_percentile(99)) * 1e-3;
    e.max_us = double(interval_.max()) * 1e-3;
    e.lag_p50_us = double(interval_lag_.value_at_percentile(50)) * 1e-3;
    const double client_cpu = process_cpu_ms();
    e.client_cpu_ms = client_cpu - client_cpu_at_;
    client_cpu_at_ = client_cpu;
    if (server_clock_ok_) {
        timespec t{};
        if (::clock_gettime(server_clock_, &t) == 0) {
            const double server_cpu = double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
            e.server_cpu_ms = server_cpu - server_cpu_at_;
            server_cpu_at_ = server_cpu;
        }
    }
    timeline.push_back(e);
    interval_.reset();
    interval_lag_.reset();
    interval_ops_ = 0;
    interval_start_ = now;
    while (next_at_ <= now) next_at_ += interval_ns_;
}

}  // namespace ipcb
