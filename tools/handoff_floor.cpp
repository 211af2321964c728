// The floor under any shared-memory ping-pong on this machine: two threads pinned to two CPUs
// hand a message back and forth through plain buffers and one flag each way, with nothing else
// (no ring, no records, no verification, no futex). Each round trip copies the message into a
// shared buffer and out again in both directions, as every mode does.
//
// Usage: build/handoff_floor [BYTES=4096] [ROUND_TRIPS=200000]   (CPUs: the two lowest allowed)
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "core/sys.hpp"

namespace {

constexpr std::size_t kMax = 128 * 1024;
alignas(64) std::byte request[kMax], response[kMax];
alignas(64) std::atomic<unsigned> request_seq{0};
alignas(64) std::atomic<unsigned> response_seq{0};

void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

}  // namespace

int main(int argc, char **argv) {
    const std::size_t n = argc > 1 ? std::min<std::size_t>(std::strtoul(argv[1], nullptr, 10), kMax) : 4096;
    const unsigned rounds = argc > 2 ? unsigned(std::strtoul(argv[2], nullptr, 10)) : 200000;
    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
    if (cpus.size() < 2 || n == 0 || rounds == 0) {
        std::fprintf(stderr, "handoff_floor: needs 2 CPUs, BYTES in 1..131072, ROUND_TRIPS > 0\n");
        return 2;
    }
    std::thread server([&] {
        pin(cpus[1]);
        std::vector<std::byte> in(n), out(n, std::byte{2});
        for (unsigned i = 1; i <= rounds; ++i) {
            while (request_seq.load(std::memory_order_acquire) != i) ipcb::cpu_relax();
            std::memcpy(in.data(), request, n);
            std::memcpy(response, out.data(), n);
            response_seq.store(i, std::memory_order_release);
        }
    });
    pin(cpus[0]);
    std::vector<std::byte> in(n), out(n, std::byte{1});
    std::vector<std::uint32_t> lat;
    lat.reserve(rounds);
    for (unsigned i = 1; i <= rounds; ++i) {
        const std::uint64_t t0 = ipcb::now_ns();
        std::memcpy(request, out.data(), n);
        request_seq.store(i, std::memory_order_release);
        while (response_seq.load(std::memory_order_acquire) != i) ipcb::cpu_relax();
        std::memcpy(in.data(), response, n);
        lat.push_back(std::uint32_t(ipcb::now_ns() - t0));
    }
    server.join();
    std::sort(lat.begin(), lat.end());
    std::printf("%zu B handoff round trip, CPUs %d/%d: p50 %.2f us, p99 %.2f us (%u round trips)\n", n, cpus[0],
                cpus[1], lat[lat.size() / 2] / 1e3, lat[lat.size() * 99 / 100] / 1e3, rounds);
    return 0;
}
