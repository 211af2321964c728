// The floor under any shared-memory ping-pong on this machine (see floor/handoff_floor.hpp): two
// threads on two CPUs hand a message back and forth through shared buffers, plain and warmed.
//
// Usage: build/handoff_floor [BYTES=4096] [ROUND_TRIPS=200000]   (CPUs: the two lowest allowed)
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "core/sys.hpp"
#include "floor/handoff_floor.hpp"

int main(int argc, char **argv) {
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
    const unsigned rounds = argc > 2 ? unsigned(std::strtoul(argv[2], nullptr, 10)) : 200000;
    const std::vector<int> cpus = ipcb::current_affinity();
    if (cpus.size() < 2 || n == 0 || n > 128 * 1024 || rounds < 4) {
        std::fprintf(stderr, "handoff_floor: needs 2 CPUs, BYTES in 1..131072, ROUND_TRIPS >= 4\n");
        return 2;
    }
    try {
        const ipcb::HandoffFloor f = ipcb::measure_handoff_floor(n, rounds, cpus[0], cpus[1]);
        std::printf(
            "%zu B handoff round trip, CPUs %d/%d, %u round trips each: plain p50 %.2f us p99 %.2f us; "
            "warmed p50 %.2f us p99 %.2f us\n",
            n, cpus[0], cpus[1], f.round_trips, f.plain_p50_us, f.plain_p99_us, f.warmed_p50_us, f.warmed_p99_us);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "handoff_floor: %s\n", e.what());
        return 1;
    }
    return 0;
}
