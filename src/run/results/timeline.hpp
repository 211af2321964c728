#pragma once
// One interval of a run's timed phase, as the client saw it (run/child/recording.hpp).
#include <cstdint>

namespace ipcb {

struct TimelineEntry {
    double t_s = 0;                             // end of the interval, seconds since the timed phase began
    double length_s = 0;                        // the interval's length (the last one may be short)
    std::uint64_t operations = 0;               // round trips completed in it
    double p50_us = 0, p99_us = 0, max_us = 0;  // their latency (2 significant digits)
    double lag_p50_us = 0;                      // open loop: their median send lag
    double client_cpu_ms = 0;                   // CPU of the client process in it
    double server_cpu_ms = -1;                  // of the server process (-1: not readable)
};

}  // namespace ipcb
