#pragma once
// The IPC's timed phase as the server saw it, for the neighbours' process of a run with
// neighbours: one anonymous shared page the orchestrator maps before it forks the roles, so the
// server and the neighbours inherit it. The neighbours cannot time their window by the clock
// alone: between the warmup and the timed phase the server closes its syscall counters (perf
// tracepoint events; 26-61 ms in close on a 2-vCPU AMD EPYC VM, four runs: the kernel waits for
// the tracepoint's unregistration, RCU grace periods by my reading), and meanwhile the server's
// loop answers nobody. A window that began at the warmup's end put that stall into the
// neighbours' figures (p99 3-32 ms at 8@2000 beside uds, against 0.3-0.5 ms alone); this one
// holds exactly the requests due during the IPC's timed phase.
#include <atomic>
#include <cstdint>

namespace ipcb {

struct TimedWindow {
    std::atomic<std::uint64_t> start_ns{0};  // CLOCK_MONOTONIC when the server's timed phase began; 0: not yet
    std::atomic<std::uint64_t> end_ns{0};    // when every client's session ended; 0: not yet
};

// The page, mapped MAP_SHARED | MAP_ANONYMOUS (inherited across fork), unmapped on destruction.
class SharedTimedWindow {
public:
    SharedTimedWindow();
    ~SharedTimedWindow();
    SharedTimedWindow(const SharedTimedWindow &) = delete;
    SharedTimedWindow &operator=(const SharedTimedWindow &) = delete;
    TimedWindow *get() { return window_; }

private:
    TimedWindow *window_;
};

}  // namespace ipcb
