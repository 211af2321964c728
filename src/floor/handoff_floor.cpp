#include "floor/handoff_floor.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/size_spec.hpp"
#include "core/stats.hpp"
#include "core/sys.hpp"
#include "floor/bare_pingpong.hpp"

namespace ipcb {
namespace {

// The two threads' buffers, two each way (a warmed pass fills the next while the peer reads the
// last), each on pages of its own and sized for the message: a 4 MiB floor must not make every
// 64 B floor clear 16 MiB.
class SharedBuffers {
public:
    explicit SharedBuffers(std::size_t bytes)
        : stride_((std::max<std::size_t>(bytes, 64) + 4095) / 4096 * 4096),
          storage_(new (std::align_val_t(4096)) std::byte[4 * stride_]) {
        std::memset(storage_.get(), 0, 4 * stride_);  // fault the pages in before any pass
        for (int i = 0; i < 2; ++i) request[i] = storage_.get() + i * stride_, response[i] = request[i] + 2 * stride_;
    }
    std::byte *request[2], *response[2];
    alignas(64) std::atomic<unsigned> request_seq{0};
    alignas(64) std::atomic<unsigned> response_seq{0};

private:
    struct AlignedDelete {
        void operator()(std::byte *p) const { ::operator delete[](p, std::align_val_t(4096)); }
    };
    std::size_t stride_;
    std::unique_ptr<std::byte[], AlignedDelete> storage_;
};

// Waits for `seq` on `flag`; when warming, first takes ownership of the next buffer to fill.
void wait_for(const std::atomic<unsigned> &flag, unsigned seq, std::byte *fill_next, std::size_t n) {
    if (fill_next)
        for (std::size_t off = 0; off < n; off += 64) prefetch_for_write(fill_next + off);
    while (flag.load(std::memory_order_acquire) != seq) cpu_relax();
}

// One pass; appends the client's round-trip times (ns) to `out`.
void one_pass(SharedBuffers &sh, std::size_t n, unsigned rounds, bool warmed, int client_cpu, int server_cpu,
              std::vector<std::uint32_t> &out) {
    sh.request_seq = 0;
    sh.response_seq = 0;
    const unsigned buffers = warmed ? 2 : 1;
    std::string server_error;
    std::thread server([&] {
        try {
            pin_to_cpu(server_cpu);
        } catch (const std::exception &e) {
            server_error = e.what();  // still answers, so the client does not wait forever
        }
        std::vector<std::byte> in(n), reply_bytes(n, std::byte{2});
        for (unsigned i = 1; i <= rounds; ++i) {
            std::byte *reply = sh.response[i % buffers];
            wait_for(sh.request_seq, i, warmed ? reply : nullptr, n);
            std::memcpy(in.data(), sh.request[i % buffers], n);
            std::memcpy(reply, reply_bytes.data(), n);
            sh.response_seq.store(i, std::memory_order_release);
        }
    });
    std::string client_error;
    try {
        pin_to_cpu(client_cpu);
    } catch (const std::exception &e) {
        client_error = e.what();
    }
    std::vector<std::byte> in(n), request_bytes(n, std::byte{1});
    for (unsigned i = 1; i <= rounds; ++i) {
        const std::uint64_t t0 = now_ns();
        std::memcpy(sh.request[i % buffers], request_bytes.data(), n);
        sh.request_seq.store(i, std::memory_order_release);
        wait_for(sh.response_seq, i, warmed ? sh.request[(i + 1) % buffers] : nullptr, n);
        std::memcpy(in.data(), sh.response[i % buffers], n);
        out.push_back(std::uint32_t(std::min<std::uint64_t>(now_ns() - t0, UINT32_MAX)));
    }
    server.join();
    if (!client_error.empty() || !server_error.empty()) throw Error(client_error.empty() ? server_error : client_error);
}

// Restores the calling thread's CPU affinity when the measurement is over (or failed).
class AffinityRestorer {
public:
    AffinityRestorer() { sched_getaffinity(0, sizeof saved_, &saved_); }
    ~AffinityRestorer() { sched_setaffinity(0, sizeof saved_, &saved_); }
    AffinityRestorer(const AffinityRestorer &) = delete;
    AffinityRestorer &operator=(const AffinityRestorer &) = delete;

private:
    cpu_set_t saved_;
};

}  // namespace

HandoffFloor measure_handoff_floor(std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu) {
    if (bytes == 0 || bytes > kMaxMessageSize || round_trips < 2 || client_cpu == server_cpu)
        throw std::invalid_argument("handoff floor: bytes 1..4 MiB, >= 2 round trips, two different CPUs");
    const AffinityRestorer restore;  // the calling thread is the client, pinned for the passes
    auto sh = std::make_unique<SharedBuffers>(bytes);
    std::vector<std::uint32_t> plain, warmed;
    plain.reserve(round_trips);
    warmed.reserve(round_trips);
    for (int pass = 0; pass < 4; ++pass)
        one_pass(*sh, bytes, round_trips / 2, pass % 2 == 1, client_cpu, server_cpu, pass % 2 ? warmed : plain);
    const unsigned measured = unsigned(plain.size());
    const LatencyStats p = compute_latency_stats(plain), w = compute_latency_stats(warmed);
    return {.bytes = bytes,
            .round_trips = measured,
            .plain_p50_us = p.p50,
            .plain_p99_us = p.p99,
            .warmed_p50_us = w.p50,
            .warmed_p99_us = w.p99};
}

// The one-CPU floor: the futex handoff, the lowest p50 of three passes. A pair of processes on
// one CPU settles into one of two regimes (here 2.6 or 4.2 us at 4 KiB, pass to pass: whether the
// woken side preempts its waker at once or the waker first goes to sleep); the floor is the cheaper.
FloorReading measure_same_cpu_floor(std::size_t bytes, unsigned rounds, int cpu) {
    double floor = 0, line = 0;
    for (int pass = 0; pass < 3; ++pass) {
        const double f = bare_futex_pingpong(bytes, rounds / 3 + 2, cpu, cpu).p50_us;
        const double l = bare_futex_pingpong(64, 400, cpu, cpu).p50_us;
        floor = pass == 0 ? f : std::min(floor, f);
        line = pass == 0 ? l : std::min(line, l);
    }
    return {.bytes = bytes, .round_trips = rounds / 3 + 2, .p50_us = floor, .line_p50_us = line, .same_cpu = true};
}

FloorReading measure_run_floor(std::size_t bytes, int client_cpu, int server_cpu) {
    if (bytes == 0 || bytes > kMaxMessageSize || client_cpu < 0 || server_cpu < 0)
        throw std::invalid_argument("run floor: bytes 1..4 MiB on pinned CPUs");
    // ~16 MiB handed each way: 4096 round trips at 4 KiB, 200 at 128 KiB, 20000 at 64 B.
    const unsigned rounds = unsigned(std::clamp<std::size_t>((std::size_t(1) << 24) / bytes, 200, 20000));
    if (client_cpu == server_cpu) return measure_same_cpu_floor(bytes, std::min(rounds, 4096u), server_cpu);
    const AffinityRestorer restore;
    auto sh = std::make_unique<SharedBuffers>(bytes);
    std::vector<std::uint32_t> discard, line, floor;
    line.reserve(2000);
    floor.reserve(rounds);
    // A first short pass of each warms the threads' stacks, the buffers' pages and the lines.
    one_pass(*sh, 64, 200, false, client_cpu, server_cpu, discard);
    one_pass(*sh, 64, 2000, false, client_cpu, server_cpu, line);
    one_pass(*sh, bytes, rounds / 8 + 2, false, client_cpu, server_cpu, discard);
    one_pass(*sh, bytes, rounds, false, client_cpu, server_cpu, floor);
    return {.bytes = bytes,
            .round_trips = rounds,
            .p50_us = compute_latency_stats(floor).p50,
            .line_p50_us = compute_latency_stats(line).p50};
}

FloorSliceReading measure_floor_for(std::size_t bytes, int client_cpu, int server_cpu, std::uint64_t duration_ns) {
    if (bytes == 0 || bytes > kMaxMessageSize || client_cpu < 0 || server_cpu < 0)
        throw std::invalid_argument("floor slice: bytes 1..4 MiB on pinned CPUs");
    const std::uint64_t deadline = now_ns() + duration_ns;
    if (client_cpu == server_cpu) {
        // One process pair per pass (a fork each): passes of ~10 ms, the first one short.
        double p50 = 0, p99 = 0;
        unsigned rounds = 0, pass_rounds = 200;
        while (rounds == 0 || now_ns() < deadline) {
            const std::uint64_t t0 = now_ns();
            const BareResult b = bare_futex_pingpong(bytes, pass_rounds, client_cpu, server_cpu);
            // Passes of one pair settle in one of two regimes (measure_same_cpu_floor): the lowest.
            p50 = rounds == 0 ? b.p50_us : std::min(p50, b.p50_us);
            p99 = rounds == 0 ? b.p99_us : std::min(p99, b.p99_us);
            rounds += pass_rounds;
            const double per_round_ns = double(now_ns() - t0) / pass_rounds;
            pass_rounds = unsigned(std::clamp(10e6 / std::max(per_round_ns, 1.0), 200.0, 100000.0));
        }
        return {.p50_us = p50, .p99_us = p99, .round_trips = rounds};
    }
    const AffinityRestorer restore;
    auto sh = std::make_unique<SharedBuffers>(bytes);
    std::vector<std::uint32_t> discard, samples;
    samples.reserve(std::size_t(std::min<std::uint64_t>(duration_ns / 400, 1'000'000)));  // no growth mid-slice
    one_pass(*sh, bytes, 50, false, client_cpu, server_cpu, discard);
    // Passes of ~5 ms (a thread start each, outside every sample) until the time is up.
    unsigned pass_rounds = 200;
    while (samples.empty() || now_ns() < deadline) {
        const std::uint64_t t0 = now_ns();
        one_pass(*sh, bytes, pass_rounds, false, client_cpu, server_cpu, samples);
        const double per_round_ns = double(now_ns() - t0) / pass_rounds;
        pass_rounds = unsigned(std::clamp(5e6 / std::max(per_round_ns, 1.0), 200.0, 1e6));
    }
    const unsigned n = unsigned(samples.size());
    const LatencyStats st = compute_latency_stats(samples);
    return {.p50_us = st.p50, .p99_us = st.p99, .round_trips = n};
}

std::string placement_class(double line_p50_us) {
    if (line_p50_us < kSharedCoreLineUs) return "shared-core";
    if (line_p50_us <= kTimeSharedLineUs) return "separate-cores";
    return "time-shared";
}

std::string placement_of(const FloorReading &before, const FloorReading &after) {
    const std::string a = before.same_cpu ? "same-cpu" : placement_class(before.line_p50_us),
                      b = after.same_cpu ? "same-cpu" : placement_class(after.line_p50_us);
    const double ratio = std::max(before.p50_us, after.p50_us) / std::min(before.p50_us, after.p50_us);
    return a == b && ratio <= kChangedFloorRatio ? a : "changed";
}

}  // namespace ipcb
