// The floor under any shared-memory ping-pong on this machine: two threads pinned to two CPUs
// hand a message back and forth through shared buffers and one flag each way, with nothing else
// (no ring, no records, no verification, no futex). Each round trip copies the message into a
// shared buffer and out again in both directions, as every mode does.
//
// Two variants, in alternating rounds so both see the same host placement:
//   plain   one buffer per direction, plain copies;
//   warmed  two buffers per direction used in turn, and while a side waits it takes write
//           ownership (PREFETCHW) of the buffer it fills next - what lfshm does with its ring.
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
alignas(4096) std::byte request[2][kMax], response[2][kMax];
alignas(64) std::atomic<unsigned> request_seq{0};
alignas(64) std::atomic<unsigned> response_seq{0};

void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Waits for `seq` on `flag`; when warming, first takes ownership of the next buffer to fill.
void wait_for(const std::atomic<unsigned> &flag, unsigned seq, std::byte *fill_next, std::size_t n) {
    if (fill_next)
        for (std::size_t off = 0; off < n; off += 64) ipcb::prefetch_for_write(fill_next + off);
    while (flag.load(std::memory_order_acquire) != seq) ipcb::cpu_relax();
}

struct Result {
    std::vector<std::uint32_t> ns;
    double percentile(double p) const { return ns[std::min(ns.size() - 1, std::size_t(p * ns.size()))] / 1e3; }
};

// One measured pass; returns the client's round-trip times, sorted.
Result measure(std::size_t n, unsigned rounds, bool warmed, int client_cpu, int server_cpu) {
    request_seq = 0;
    response_seq = 0;
    const unsigned buffers = warmed ? 2 : 1;
    std::thread server([&] {
        pin(server_cpu);
        std::vector<std::byte> in(n), out(n, std::byte{2});
        for (unsigned i = 1; i <= rounds; ++i) {
            std::byte *reply = response[i % buffers];
            wait_for(request_seq, i, warmed ? reply : nullptr, n);
            std::memcpy(in.data(), request[i % buffers], n);
            std::memcpy(reply, out.data(), n);
            response_seq.store(i, std::memory_order_release);
        }
    });
    pin(client_cpu);
    std::vector<std::byte> in(n), out(n, std::byte{1});
    Result r;
    r.ns.reserve(rounds);
    for (unsigned i = 1; i <= rounds; ++i) {
        const std::uint64_t t0 = ipcb::now_ns();
        std::memcpy(request[i % buffers], out.data(), n);
        request_seq.store(i, std::memory_order_release);
        wait_for(response_seq, i, warmed ? request[(i + 1) % buffers] : nullptr, n);
        std::memcpy(in.data(), response[i % buffers], n);
        r.ns.push_back(std::uint32_t(ipcb::now_ns() - t0));
    }
    server.join();
    std::sort(r.ns.begin(), r.ns.end());
    return r;
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
    if (cpus.size() < 2 || n == 0 || rounds < 4) {
        std::fprintf(stderr, "handoff_floor: needs 2 CPUs, BYTES in 1..131072, ROUND_TRIPS >= 4\n");
        return 2;
    }
    // Four alternating passes (plain, warmed, plain, warmed) of half the round trips each.
    Result plain, warmed;
    for (int pass = 0; pass < 4; ++pass) {
        Result &into = pass % 2 ? warmed : plain;
        Result r = measure(n, rounds / 2, pass % 2 == 1, cpus[0], cpus[1]);
        into.ns.insert(into.ns.end(), r.ns.begin(), r.ns.end());
    }
    for (Result *r : {&plain, &warmed}) std::sort(r->ns.begin(), r->ns.end());
    std::printf("%zu B handoff round trip, CPUs %d/%d, %u round trips each: plain p50 %.2f us p99 %.2f us; "
                "warmed p50 %.2f us p99 %.2f us\n",
                n, cpus[0], cpus[1], rounds, plain.percentile(0.5), plain.percentile(0.99), warmed.percentile(0.5),
                warmed.percentile(0.99));
    return 0;
}
