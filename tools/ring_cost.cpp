// Takes the lfshm ring protocol apart: what each of its pieces costs over the plain two-thread
// handoff floor, measured on this host, in two threads pinned to the two lowest allowed CPUs.
// Each step adds one piece to the step before it:
//   floor      plain handoff: copy in, a flag, copy out (floor/handoff_floor.hpp), and its warmed twin
//   records    the SPSC byte ring: an 8-byte record header, head and tail indices with cached
//              copies; whole records published at once, no prefetching of any kind
//   chunks     records published in chunks (1 KiB up to 8 KiB records, eighths above)
//   prefetch   the consumer requests a record's published lines before reading its header
//   warming    the producer takes write ownership of its next slot while it waits (PREFETCHW)
//   stamps     every message stamped and its stamps checked, as the roles do
//   doorbells  LockFreePort: the data and space doorbells' fences (never sleeping): the protocol
//              of lfshm-spin, short of the process boundary and the harness around it
//   repeating  the same in a ring whose capacity is an exact multiple of the record (two records,
//              or a page of them when smaller), so every message lands on the same lines lap after
//              lap, at every size (the modes do it up to 4 KiB); the steps before it use a
//              capacity rounded up to 4 KiB pages, where record positions drift through the pages
//              (at 4 KiB: 8208 of 12288 bytes, three 4 KiB windows). lfshm and shm repeat up to
//              4 KiB messages and keep pages above (rings/record_format.hpp says why).
//   whole      the same with records up to 32 KiB published whole (larger ones still in eighths):
//              the protocol the modes run (RingTuning's defaults)
// and, aside, "(warming, whole)": records + prefetch + warming without chunks, and "(records,
// repeating)": the records step in the repeating ring.
// Steps run in alternating rounds, so each sees the same host placement as the others.
//
// Usage: build/ring_cost [BYTES=4096] [ROUNDS=8] [ROUND_TRIPS=20000]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/payload.hpp"
#include "core/stats.hpp"
#include "core/sys.hpp"
#include "floor/handoff_floor.hpp"
#include "rings/lockfree_port.hpp"

namespace {

using namespace ipcb;
using payload::Dir;

// whole_warmed is not a step: the warming step without chunks, to show how the two interact.
enum class Step {
    records,
    chunks,
    prefetch,
    warming,
    stamps,
    doorbells,
    repeating,
    whole,
    whole_warmed,
    records_repeating
};
const char *const kStepNames[] = {"records",   "chunks",    "prefetch", "warming",          "stamps",
                                  "doorbells", "repeating", "whole",    "(warming, whole)", "(records, repeating)"};
// The small records' chunk of the "chunks" to "repeating" steps (the ring's default until the
// "whole" step measured faster on an AMD EPYC host; the modes now publish records to 32 KiB whole).
constexpr std::size_t kSmallChunk = 1024, kSmallLimit = 8192;
bool aside(Step step) { return step >= Step::whole_warmed; }

SpscByteRing::Tuning tuning_of(Step step) {
    SpscByteRing::Tuning t;
    if (step == Step::whole_warmed) return {.small_chunk = 0, .chunk_large = false};
    if (step == Step::whole) return t;  // the ring's defaults: what the modes run
    if (step == Step::records_repeating) step = Step::records;
    t.small_chunk = kSmallChunk, t.small_limit = kSmallLimit;
    if (step < Step::chunks) t.small_chunk = 0, t.chunk_large = false;
    if (step < Step::prefetch) t.prefetch_bytes = 0;
    if (step < Step::warming) t.warm_bytes = 0;
    return t;
}

bool warms(Step step) { return step >= Step::warming && step != Step::records_repeating; }
bool stamps(Step step) { return step >= Step::stamps && !aside(step); }
bool through_port(Step step) { return step == Step::doorbells || step == Step::repeating || step == Step::whole; }
bool repeats(Step step) { return step == Step::repeating || step == Step::whole || step == Step::records_repeating; }

// Two rings (request, response) and their doorbells in ordinary memory, rebuilt for every pass.
struct Rings {
    std::size_t capacity;
    std::unique_ptr<std::byte[]> memory;
    SpscByteRing::Shared *request, *response;
    Doorbell bells[4];

    Rings(std::size_t bytes, bool repeating)
        : capacity(repeating ? std::max<std::size_t>(2, (4096 + SpscByteRing::record_bytes(bytes) - 1) /
                                                            SpscByteRing::record_bytes(bytes)) *
                                   SpscByteRing::record_bytes(bytes)
                             : (2 * SpscByteRing::record_bytes(bytes) + 4095) & ~std::size_t(4095)),
          memory(new std::byte[2 * SpscByteRing::footprint(capacity) + kCacheLine]) {
        auto base = (reinterpret_cast<std::uintptr_t>(memory.get()) + kCacheLine - 1) & ~std::uintptr_t(kCacheLine - 1);
        auto *p = reinterpret_cast<std::byte *>(base);
        request = SpscByteRing::create(p, capacity);
        response = SpscByteRing::create(p + SpscByteRing::footprint(capacity), capacity);
    }
};

template <class Ready>
void spin(Ready ready) {
    while (!ready()) cpu_relax();
}

// One side of a bare-ring step (records .. stamps): push, pop, spinning, with the step's pieces.
class BareSide {
public:
    BareSide(SpscByteRing::Shared *out, SpscByteRing::Shared *in, Step step, std::size_t bytes)
        : step_(step), producer_(out, tuning_of(step)), consumer_(in, tuning_of(step)), buf_(bytes) {
        payload::fill_pattern(buf_);
    }
    void send(std::span<std::byte> msg, std::uint64_t seq, Dir dir) {
        if (stamps(step_)) payload::stamp(msg, seq, dir);
        spin([&] { return producer_.try_push(msg); });
    }
    std::span<std::byte> recv(std::uint64_t seq, Dir dir) {
        if (warms(step_)) producer_.warm_next();
        spin([&] { return consumer_.has_data(); });
        auto msg = std::span(buf_).first(*consumer_.try_pop(buf_));
        if (stamps(step_) && !payload::check_stamps(msg, seq, dir).empty())
            throw Error("ring_cost: a message failed its stamp check");
        return msg;
    }

private:
    Step step_;
    SpscByteRing::Producer producer_;
    SpscByteRing::Consumer consumer_;
    std::vector<std::byte> buf_;
};

// One pass of a step: the server thread answers, the calling thread times round trips.
void ring_pass(Step step, std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu,
               std::vector<std::uint32_t> &samples) {
    Rings rings(bytes, repeats(step));
    const WaitPolicy spin_only{};  // no sleeper: spins, as lfshm-spin
    auto server_main = [&] {
        pin_to_cpu(server_cpu);
        if (through_port(step)) {
            LockFreePort port({rings.response, &rings.bells[2], &rings.bells[3]},
                              {rings.request, &rings.bells[0], &rings.bells[1]}, spin_only, tuning_of(step));
            std::vector<std::byte> buf(bytes);
            for (unsigned i = 0; i < round_trips; ++i) {
                auto msg = std::span(buf).first(port.recv(buf));
                payload::stamp(msg, i, Dir::response);
                port.send(msg);
            }
            return;
        }
        BareSide side(rings.response, rings.request, step, bytes);
        for (unsigned i = 0; i < round_trips; ++i) side.send(side.recv(i, Dir::request), i, Dir::response);
    };
    std::thread server(server_main);
    pin_to_cpu(client_cpu);
    std::vector<std::byte> request(bytes);
    payload::fill_pattern(request);
    if (through_port(step)) {
        LockFreePort port({rings.request, &rings.bells[0], &rings.bells[1]},
                          {rings.response, &rings.bells[2], &rings.bells[3]}, spin_only, tuning_of(step));
        std::vector<std::byte> in(bytes);
        for (unsigned i = 0; i < round_trips; ++i) {
            const std::uint64_t t0 = now_ns();
            payload::stamp(request, i, Dir::request);
            port.send(request);
            auto msg = std::span(in).first(port.recv(in));
            if (!payload::check_stamps(msg, i, Dir::response).empty()) throw Error("ring_cost: bad response");
            samples.push_back(std::uint32_t(now_ns() - t0));
        }
    } else {
        BareSide side(rings.request, rings.response, step, bytes);
        for (unsigned i = 0; i < round_trips; ++i) {
            const std::uint64_t t0 = now_ns();
            side.send(request, i, Dir::request);
            side.recv(i, Dir::response);
            samples.push_back(std::uint32_t(now_ns() - t0));
        }
    }
    server.join();
}

}  // namespace

int main(int argc, char **argv) {
    const std::size_t bytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 8;
    const unsigned trips = argc > 3 ? unsigned(std::strtoul(argv[3], nullptr, 10)) : 20000;
    const std::vector<int> cpus = current_affinity();
    if (cpus.size() < 2 || bytes == 0 || bytes > 128 * 1024 || rounds < 1 || trips < 100) {
        std::fprintf(stderr, "ring_cost: needs 2 CPUs, BYTES in 1..131072, ROUNDS >= 1, ROUND_TRIPS >= 100\n");
        return 2;
    }
    const int client_cpu = cpus[0], server_cpu = cpus[1];
    try {
        std::vector<std::uint32_t> samples[std::size(kStepNames)];
        std::vector<double> plain, warmed;
        for (int r = 0; r < rounds; ++r) {
            const HandoffFloor f = measure_handoff_floor(bytes, trips, client_cpu, server_cpu);
            plain.push_back(f.plain_p50_us);
            warmed.push_back(f.warmed_p50_us);
            for (std::size_t s = 0; s < std::size(kStepNames); ++s)
                ring_pass(Step(s), bytes, trips, client_cpu, server_cpu, samples[s]);
        }
        const double floor = median(plain);
        std::printf("%zu B round trips on CPUs %d/%d, %d alternating rounds of %u each; p50 of all samples\n", bytes,
                    client_cpu, server_cpu, rounds, trips);
        std::printf("%-20s %9s %9s %9s %8s\n", "step", "p50_us", "p99_us", "delta_us", "x_floor");
        std::printf("%-20s %9.3f %9s %9s %8.2f\n", "floor", floor, "-", "-", 1.0);
        std::printf("%-20s %9.3f %9s %9s %8.2f\n", "(warmed floor)", median(warmed), "-", "-", median(warmed) / floor);
        double previous = floor;
        for (std::size_t s = 0; s < std::size(kStepNames); ++s) {
            const LatencyStats l = compute_latency_stats(samples[s]);
            char delta[32] = "-";
            if (!aside(Step(s))) std::snprintf(delta, sizeof delta, "%+.3f", l.p50 - previous);
            std::printf("%-20s %9.3f %9.3f %9s %8.2f\n", kStepNames[s], l.p50, l.p99, delta, l.p50 / floor);
            if (!aside(Step(s))) previous = l.p50;
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ring_cost: %s\n", e.what());
        return 1;
    }
    return 0;
}
