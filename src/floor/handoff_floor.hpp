#pragma once
// The floor under any shared-memory ping-pong on this machine: two threads pinned to two CPUs
// hand a message back and forth through shared buffers and one flag each way, with nothing else
// (no ring, no records, no verification, no futex, no sleeping). Each round trip copies the
// message into a shared buffer and out again in both directions, as every mode does. The sweep
// measures it next to the modes so their latency can be read against it; tools/handoff_floor
// runs it alone.
//
// Two variants, in alternating passes so both see the same host placement:
//   plain   one buffer per direction, plain copies;
//   warmed  two buffers per direction used in turn; while a side waits it takes write ownership
//           (PREFETCHW) of the buffer it fills next - what lfshm does with its ring.
#include <cstddef>
#include <vector>

namespace ipcb {

struct HandoffFloor {
    std::size_t bytes = 0;
    unsigned round_trips = 0;  // per variant
    double plain_p50_us = 0, plain_p99_us = 0;
    double warmed_p50_us = 0, warmed_p99_us = 0;
};

// `round_trips` per variant, split over two passes each; client on client_cpu, server on
// server_cpu (must differ: both threads spin). bytes in 1..128 KiB. Throws ipcb::Error when a
// thread cannot be pinned.
HandoffFloor measure_handoff_floor(std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu);

}  // namespace ipcb
