#pragma once
// What the client records in its timed phase, in memory that does not depend on the run's length:
// latency (and, open loop, service time and send lag) in histograms (core/histogram.hpp, 3
// significant digits), the first kExactCap samples exactly (for the spectrum plots and the backlog
// test, used only when the run's every sample is among them), and a timeline: per interval, the
// round trips, latency p50/p99/max and both processes' CPU.
//
// Closing an interval reads two CPU clocks (two system calls) and walks a small histogram, once
// per interval, after a sample is taken and before the next request goes out: never inside a
// sample (docs/method.md, "Recording").
#include <cstdint>
#include <ctime>
#include <vector>

#include "core/histogram.hpp"
#include "run/results/timeline.hpp"

namespace ipcb {

class Recording {
public:
    static constexpr std::size_t kExactCap = std::size_t(1) << 20;  // per client and kind

    // server_pid: whose CPU the timeline reads (0: none); interval_ns: the timeline's step;
    // expected: round trips the run may take at most (room for that many exact samples, up to
    // kExactCap, is written now: no page fault lands inside a sample).
    Recording(bool open_loop, int server_pid, std::uint64_t interval_ns, std::size_t expected);

    void start(std::uint64_t now_ns);
    void add(std::uint64_t now_ns, std::uint64_t latency_ns, std::uint64_t service_ns);
    void finish(std::uint64_t now_ns);  // closes the last, possibly short, interval

    LatencyHistogram latency{3}, service{3}, lag{3};
    std::vector<std::uint32_t> exact, exact_service;  // all samples while they fit; see exact_complete
    bool exact_complete = true;                       // every sample is in `exact` (none over 2^32 ns)
    std::vector<TimelineEntry> timeline;

private:
    void close_interval(std::uint64_t now_ns);
    double process_cpu_ms() const;

    bool open_loop_;
    clockid_t server_clock_{};
    bool server_clock_ok_ = false;
    std::uint64_t interval_ns_, started_ = 0, interval_start_ = 0, next_at_ = 0;
    double client_cpu_at_ = 0, server_cpu_at_ = 0;
    LatencyHistogram interval_{2}, interval_lag_{2};
    std::uint64_t interval_ops_ = 0;
};

}  // namespace ipcb
