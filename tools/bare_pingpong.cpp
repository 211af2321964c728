// Bare reference ping-pongs (floor/bare_pingpong.hpp): a blocking SOCK_SEQPACKET socketpair and
// the plain futex handoff, two processes, nothing else. Hold the harness against them:
//   build/bare_pingpong 4096 20000 0 1    vs  build/ipc_benchmark --mode uds-sync --size 4K
//   build/bare_pingpong 4096 20000 0 0    vs  ... --placement same-cpu
//
// Usage: build/bare_pingpong [BYTES=4096] [ROUND_TRIPS=20000] [CLIENT_CPU] [SERVER_CPU]
//        (CPUs default to the two lowest allowed; give the same CPU twice for one CPU)
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "core/sys.hpp"
#include "floor/bare_pingpong.hpp"

int main(int argc, char **argv) {
    const std::vector<int> cpus = ipcb::current_affinity();
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
    const unsigned rounds = argc > 2 ? unsigned(std::strtoul(argv[2], nullptr, 10)) : 20000;
    const int client_cpu = argc > 3 ? std::atoi(argv[3]) : cpus.at(0);
    const int server_cpu = argc > 4 ? std::atoi(argv[4]) : cpus.at(cpus.size() > 1 ? 1 : 0);
    try {
        for (const auto &r : {ipcb::bare_socketpair_pingpong(n, rounds, client_cpu, server_cpu),
                              ipcb::bare_futex_pingpong(n, rounds, client_cpu, server_cpu)})
            std::printf(
                "%-10s %zu B, client CPU %d, server CPU %d, %u round trips: p50 %.2f us, p99 %.2f us, "
                "mean %.2f us\n",
                r.kind.c_str(), r.bytes, client_cpu, server_cpu, r.round_trips, r.p50_us, r.p99_us, r.mean_us);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bare_pingpong: %s\n", e.what());
        return 1;
    }
    return 0;
}
