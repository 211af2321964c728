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
#include <cstdint>
#include <string>
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

// A run's own floor, measured by the orchestrator on the run's two CPUs right before and right
// after its timed phase: the plain handoff of the run's message size, and the round trip of one
// 64-byte line between the two CPUs, the probe that tells where the host placed them. Each
// reading takes tens of milliseconds.
//
// With both ends on one CPU nothing can spin (the peer cannot run meanwhile): the floor is then
// the bare futex handoff between two processes on that CPU (floor/bare_pingpong.hpp), two context
// switches and the copies, the least any sleeping round trip there costs; its "line" is the same
// handoff of 64 bytes.
struct FloorReading {
    std::size_t bytes = 0;
    unsigned round_trips = 0;  // of `bytes`
    double p50_us = 0;         // plain handoff of `bytes`
    double line_p50_us = 0;    // plain handoff of 64 bytes
    bool same_cpu = false;     // the one-CPU floor (futex handoff), not the two-CPU spinning one
};
FloorReading measure_run_floor(std::size_t bytes, int client_cpu, int server_cpu);

// The same floor for about `duration_ns` (an interleaved run's floor slice): passes of the plain
// handoff of `bytes` until the time is up, after a short warming pass; on one CPU the futex
// handoff. Returns the round trips' p50 and p99 (microseconds) and how many there were.
struct FloorSliceReading {
    double p50_us = 0, p99_us = 0;
    unsigned round_trips = 0;
};
FloorSliceReading measure_floor_for(std::size_t bytes, int client_cpu, int server_cpu, std::uint64_t duration_ns);

// Where the host put the run's two CPUs, from the line probe (docs/method.md, "Floor and placement"):
//   shared-core     line round trip < kSharedCoreLineUs: the line never leaves one core's caches
//   separate-cores  up to kTimeSharedLineUs: the line crosses between cores
//   time-shared     above: the two vCPUs take turns on one host CPU
//   same-cpu        both ends on one CPU (the one-CPU floor)
//   changed         before and after differ in class, or their floors differ by more than
//                   kChangedFloorRatio
inline constexpr double kSharedCoreLineUs = 0.15;
inline constexpr double kTimeSharedLineUs = 5.0;
inline constexpr double kChangedFloorRatio = 1.5;
std::string placement_class(double line_p50_us);
std::string placement_of(const FloorReading &before, const FloorReading &after);

}  // namespace ipcb
