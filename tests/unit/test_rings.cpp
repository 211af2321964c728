// The shared-memory rings, driven from two threads of one process so ThreadSanitizer can see
// them (it cannot see across processes). Capacities go down to a single record, every size
// from 1 byte to 128 KiB (and a stride on to 4 MiB) goes through, wrap-around lands on every offset, and every message is
// checked by sequence number and content.
#include <doctest/doctest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/payload.hpp"
#include "core/size_spec.hpp"
#include "rings/doorbell.hpp"
#include "rings/locked_ring.hpp"
#include "rings/lockfree_port.hpp"
#include "rings/spsc_byte_ring.hpp"
#include "two_threads.hpp"

using namespace ipcb;
using payload::Dir;

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif

// The producer side of every test: message `seq` of a seeded size mix, stamped for `dir`, built
// in one reused buffer the way the benchmark's client builds its requests.
class StampedMessages {
public:
    StampedMessages(const SizeSpec &spec, std::uint64_t seed, Dir dir) : buf_(spec.max), sizes_(spec, seed), dir_(dir) {
        payload::fill_pattern(buf_);
    }
    std::span<const std::byte> next(std::uint64_t seq) {
        payload::restore_pattern(std::span(buf_).first(last_));
        auto view = std::span(buf_).first(last_ = sizes_.next());
        payload::stamp(view, seq, dir_);
        return view;
    }

private:
    std::vector<std::byte> buf_;
    SizeGenerator sizes_;
    Dir dir_;
    std::size_t last_ = 0;
};

using test::RingMemory;

// Producer thread pushes `count` stamped messages with sizes from `spec`; the consumer thread
// checks every byte of each. Waiting uses the real doorbell protocol (spin, then futex).
void two_thread_transfer(std::size_t capacity, const SizeSpec &spec, std::uint64_t count, std::uint64_t spin_ns) {
    RingMemory m(capacity);
    Doorbell data_bell, space_bell;
    FutexSleeper sleeper;
    WaitPolicy policy{.spin_ns = spin_ns, .sleeper = &sleeper, .tick_ms = 50, .check_alive = {}};
    std::string consumer_error;
    std::thread consumer([&] {
        SpscByteRing::Consumer c(m.ring);
        std::vector<std::byte> buf(spec.max);
        SizeGenerator sizes(spec, 7);
        for (std::uint64_t seq = 0; seq < count; ++seq) {
            std::optional<std::size_t> n;
            while (!(n = c.try_pop(buf))) wait_until(data_bell, policy, [&] { return c.has_data(); });
            ring_doorbell(space_bell, &sleeper);
            const std::size_t want = sizes.next();
            if (!consumer_error.empty()) continue;  // keep draining: the producer would block
            if (*n != want)
                consumer_error =
                    "seq " + std::to_string(seq) + ": length " + std::to_string(*n) + ", want " + std::to_string(want);
            else consumer_error = payload::check_full(std::span(buf).first(*n), seq, Dir::request);
        }
    });
    SpscByteRing::Producer p(m.ring);
    StampedMessages messages(spec, 7, Dir::request);
    for (std::uint64_t seq = 0; seq < count; ++seq) {
        auto view = messages.next(seq);
        while (!p.try_push(view)) wait_until(space_bell, policy, [&] { return p.fits(view.size()); });
        ring_doorbell(data_bell, &sleeper);
    }
    consumer.join();
    CHECK_MESSAGE(consumer_error.empty(), consumer_error);
}

// A futex sleeper that counts sleeps which ran into their timeout. With a long timeout and a peer
// that keeps working, such a sleep means a wake-up was lost.
class WatchedSleeper final : public Sleeper {
public:
    void sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int timeout_ms) override {
        const std::uint64_t t0 = now_ns();
        futex_.sleep(word, expected, timeout_ms);
        ++sleeps;
        if (now_ns() - t0 >= std::uint64_t(timeout_ms) * 1'000'000u) ++timeouts;
    }
    void wake(std::atomic<std::uint32_t> &word) override { futex_.wake(word); }
    std::atomic<unsigned> sleeps{0}, timeouts{0};

private:
    FutexSleeper futex_;
};

// Two LockFreePorts over two rings, one per thread, as the lfshm modes pair them across processes.
// A sleep that runs into its 2 s timeout means a lost wake-up: the next liveness check then
// throws, so a broken doorbell protocol fails the test within seconds instead of crawling.
struct PortPair {
    PortPair(std::size_t capacity, std::uint64_t spin_ns)
        : a_to_b(capacity),
          b_to_a(capacity),
          a({a_to_b.ring, &bells[0], &bells[1]}, {b_to_a.ring, &bells[2], &bells[3]}, policy(spin_ns)),
          b({b_to_a.ring, &bells[2], &bells[3]}, {a_to_b.ring, &bells[0], &bells[1]}, policy(spin_ns)) {}
    WaitPolicy policy(std::uint64_t spin_ns) {
        return {.spin_ns = spin_ns, .sleeper = &sleeper, .tick_ms = 2000, .check_alive = [this] {
                    if (sleeper.timeouts > 0) throw std::runtime_error("a sleep timed out: lost wake-up");
                }};
    }
    // Runs side_b in a thread and side_a here (test::run_two_sides).
    std::pair<std::string, std::string> run(const std::function<void(std::string &)> &side_a,
                                            const std::function<void(std::string &)> &side_b) {
        return test::run_two_sides(side_a, side_b);
    }
    WatchedSleeper sleeper;
    RingMemory a_to_b, b_to_a;
    Doorbell bells[4];
    LockFreePort a, b;
};

// The first problem with received message `seq`, or "".
std::string check_message(std::span<const std::byte> msg, std::size_t want_size, std::uint64_t seq, Dir dir) {
    if (msg.size() != want_size)
        return "seq " + std::to_string(seq) + ": length " + std::to_string(msg.size()) + ", want " +
               std::to_string(want_size);
    return payload::check_full(msg, seq, dir);
}

}  // namespace

// The next size to try after `n`: every `step`-th up to 128 KiB (the matrix's largest), then a
// prime stride up to 4 MiB, ending on 4 MiB itself.
static std::size_t next_size(std::size_t n, std::size_t step) {
    if (n < kMatrixMaxSize) return n + step;
    if (n == kMaxMessageSize) return n + 1;
    return std::min(n + (kTsan ? 524287 : 65521), kMaxMessageSize);
}

TEST_CASE("SPSC ring: every size from 1 byte to 128 KiB, then up to 4 MiB, in a ring of exactly one record") {
    const std::size_t step = kTsan ? 61 : 1;  // TSan instruments every copied byte: sample the sizes
    RingMemory m(SpscByteRing::record_bytes(kMaxMessageSize));
    SpscByteRing::Producer p(m.ring);
    SpscByteRing::Consumer c(m.ring);
    std::vector<std::byte> in(kMaxMessageSize), out(kMaxMessageSize);
    payload::fill_pattern(in);
    const std::size_t cap = m.ring->capacity;
    std::uint64_t seq = 0;
    std::size_t failures = 0;
    for (std::size_t n = 1; n <= kMaxMessageSize; n = next_size(n, step), ++seq) {
        auto msg = std::span(in).first(n);
        payload::stamp(msg, seq, Dir::request);
        if (!p.try_push(msg)) ++failures;
        // A 1-byte record (16 bytes) fits exactly when the ring has 16 bytes left.
        const bool room = cap - SpscByteRing::record_bytes(n) >= SpscByteRing::record_bytes(1);
        if (p.try_push(std::span(in).first(1)) != room) ++failures;
        auto got = c.try_pop(out);
        if (!got || *got != n || !payload::check_full(std::span(out).first(n), seq, Dir::request).empty()) ++failures;
        if (room && c.try_pop(out) != std::optional<std::size_t>(1)) ++failures;
        if (c.try_pop(out)) ++failures;  // empty now
        payload::restore_pattern(msg);
    }
    CHECK(failures == 0);
}

TEST_CASE("SPSC ring: wrap-around at every 8-byte offset") {
    const std::size_t capacity = 4096;
    RingMemory m(capacity);
    SpscByteRing::Producer p(m.ring);
    SpscByteRing::Consumer c(m.ring);
    std::vector<std::byte> in(3000), out(3000);
    payload::fill_pattern(in);
    std::uint64_t seq = 0;
    // Advance the write position by 8 bytes at a time (1-byte records take 16 bytes, so mix in
    // a record of 8-byte payload), then push a 3000-byte record that wraps at that offset.
    for (std::size_t shift = 0; shift < capacity; shift += 8) {
        auto big = std::span(in).first(3000);
        payload::stamp(big, seq, Dir::response);
        REQUIRE(p.try_push(big));
        auto n = c.try_pop(out);
        REQUIRE(n);
        REQUIRE(*n == 3000);
        REQUIRE(payload::check_full(std::span(out).first(3000), seq, Dir::response) == "");
        payload::restore_pattern(big);
        ++seq;
        // 3008 + 8k bytes consumed per round: offsets walk through every multiple of 8.
        std::vector<std::byte> pad(8);
        for (std::size_t k = 0; k < (shift / 8) % 2; ++k) {
            REQUIRE(p.try_push(std::span(pad).first(0)));
            REQUIRE(c.try_pop(out) == std::optional<std::size_t>(0));
        }
    }
}

TEST_CASE("SPSC ring: a full ring refuses, and a zero-length record is delivered") {
    RingMemory m(SpscByteRing::record_bytes(100) * 2);
    SpscByteRing::Producer p(m.ring);
    SpscByteRing::Consumer c(m.ring);
    std::vector<std::byte> msg(100), out(100);
    CHECK(p.try_push(msg));
    CHECK(p.try_push(msg));
    CHECK_FALSE(p.try_push(msg));
    CHECK_FALSE(p.fits(1));
    CHECK(c.try_pop(out) == std::optional<std::size_t>(100));
    CHECK(p.fits(100));
    CHECK(c.try_pop(out) == std::optional<std::size_t>(100));
    CHECK_FALSE(c.try_pop(out));
    CHECK(p.try_push({}));
    CHECK(c.try_pop(out) == std::optional<std::size_t>(0));
    CHECK_THROWS(p.try_push(std::vector<std::byte>(1000)));  // larger than the ring
}

TEST_CASE("SPSC ring between two threads: small capacities, all sizes, with and without spinning") {
    const std::uint64_t count = kTsan ? 3000 : 20000;
    struct Case {
        const char *sizes;
        std::size_t capacity_records;
        std::uint64_t spin_ns;
    } cases[] = {{"1", 1, 0},         {"1-64", 1, 0},   {"1-4K", 1, 0},       {"1-4K", 2, 20000}, {"4K", 3, 0},
                 {"2K-4K", 2, 50000}, {"1-128K", 1, 0}, {"1-128K", 2, 20000}, {"128K", 1, 0}};
    for (auto &c : cases) {
        CAPTURE(c.sizes);
        CAPTURE(c.capacity_records);
        CAPTURE(c.spin_ns);
        SizeSpec spec = parse_size_spec(c.sizes);
        const std::size_t cap = SpscByteRing::record_bytes(spec.max) * c.capacity_records;
        const std::uint64_t n = spec.max > 8192 ? count / 10 : count;
        two_thread_transfer(cap, spec, n, c.spin_ns);
    }
}

TEST_CASE("locked ring between two threads, one record of capacity, condvar waits") {
    const SizeSpec spec = parse_size_spec("1-20000");
    const std::size_t capacity = (record::bytes(spec.max) + 7) & ~std::size_t(7);
    std::vector<std::byte> mem(LockedRing::footprint(capacity) + kCacheLine);
    LockedRingView ring(LockedRing::create(mem.data(), capacity), capacity);
    const std::uint64_t count = kTsan ? 2000 : 20000;
    std::function<void()> alive;  // same process: the peer cannot vanish
    std::string error;
    std::thread consumer([&] {
        std::vector<std::byte> buf(spec.max);
        SizeGenerator sizes(spec, 3);
        for (std::uint64_t seq = 0; seq < count; ++seq) {  // to the end: the producer would block
            std::size_t n;
            {
                RingLock lock(*ring, alive);
                while (ring.empty()) lock.wait(ring->not_empty);
                n = ring.pop(buf);
            }
            pthread_cond_signal(&ring->not_full);
            if (!error.empty()) continue;
            if (n != sizes.next()) error = "wrong length at seq " + std::to_string(seq);
            else error = payload::check_full(std::span(buf).first(n), seq, Dir::response);
        }
    });
    StampedMessages messages(spec, 3, Dir::response);
    for (std::uint64_t seq = 0; seq < count; ++seq) {
        auto view = messages.next(seq);
        {
            RingLock lock(*ring, alive);
            while (!ring.fits(view.size())) lock.wait(ring->not_full);
            ring.push(view);
        }
        pthread_cond_signal(&ring->not_empty);
    }
    consumer.join();
    CHECK_MESSAGE(error.empty(), error);
}

TEST_CASE("lock-free ports: a one-way stream through a tiny ring, with sleeping on both sides") {
    // The sender keeps finding the ring full and the receiver empty, so both sleep on their
    // doorbells over and over; the receiver rings "space" lazily (half a ring, or before it waits).
    const std::uint64_t count = kTsan ? 2000 : 20000;
    for (const char *sizes : {"1-64", "1-4K", "4K", "1-128K"}) {
        for (std::size_t records : {1, 2}) {
            for (std::uint64_t spin_ns : {std::uint64_t(0), std::uint64_t(20000)}) {
                CAPTURE(sizes);
                CAPTURE(records);
                CAPTURE(spin_ns);
                const SizeSpec spec = parse_size_spec(sizes);
                PortPair ports(records * SpscByteRing::record_bytes(spec.max), spin_ns);
                const std::uint64_t n = spec.max > 8192 ? count / 10 : count;
                // (no structured bindings: clang 14 cannot capture them in doctest's CHECK lambdas)
                const std::pair<std::string, std::string> errors = ports.run(
                    [&](std::string &) {
                        StampedMessages messages(spec, 5, Dir::request);
                        for (std::uint64_t seq = 0; seq < n; ++seq) ports.a.send(messages.next(seq));
                    },
                    [&](std::string &error) {
                        std::vector<std::byte> buf(spec.max);
                        SizeGenerator want(spec, 5);
                        for (std::uint64_t seq = 0; seq < n; ++seq) {
                            const std::size_t got = ports.b.recv(buf);
                            if (error.empty())
                                error = check_message(std::span(buf).first(got), want.next(), seq, Dir::request);
                        }
                    });
                CHECK_MESSAGE(errors.first.empty(), "sender: " << errors.first);
                CHECK_MESSAGE(errors.second.empty(), "receiver: " << errors.second);
                CHECK(ports.sleeper.timeouts == 0);
                if (spin_ns == 0) CHECK(ports.sleeper.sleeps > 0);  // the doorbells were exercised
            }
        }
    }
}

TEST_CASE("lock-free ports: request/response with requests in flight, both directions checked") {
    const std::uint64_t count = kTsan ? 2000 : 20000;
    const unsigned inflight = 4;
    const SizeSpec spec = parse_size_spec("1-16K");
    for (std::uint64_t spin_ns : {std::uint64_t(0), std::uint64_t(50000)}) {
        CAPTURE(spin_ns);
        PortPair ports((inflight + 1) * SpscByteRing::record_bytes(spec.max), spin_ns);
        const std::pair<std::string, std::string> errors = ports.run(
            [&](std::string &error) {
                StampedMessages requests(spec, 9, Dir::request);
                SizeGenerator sizes(spec, 9);
                std::vector<std::byte> buf(spec.max);
                std::uint64_t sent = 0;
                for (std::uint64_t seq = 0; seq < count; ++seq) {
                    while (sent < count && sent < seq + inflight) ports.a.send(requests.next(sent)), ++sent;
                    const std::size_t got = ports.a.recv(buf);
                    if (error.empty())
                        error = check_message(std::span(buf).first(got), sizes.next(), seq, Dir::response);
                }
            },
            [&](std::string &error) {  // answers each request with its own bytes, restamped
                std::vector<std::byte> buf(spec.max);
                SizeGenerator sizes(spec, 9);
                for (std::uint64_t seq = 0; seq < count; ++seq) {
                    auto msg = std::span(buf).first(ports.b.recv(buf));
                    if (error.empty()) error = check_message(msg, sizes.next(), seq, Dir::request);
                    payload::stamp(msg, seq, Dir::response);
                    ports.b.send(msg);
                }
            });
        CHECK_MESSAGE(errors.first.empty(), "client: " << errors.first);
        CHECK_MESSAGE(errors.second.empty(), "server: " << errors.second);
        CHECK(ports.sleeper.timeouts == 0);
    }
}

TEST_CASE("ring capacity whose records do not walk: an exact multiple of the record, at least a page, up to 4 KiB") {
    for (std::size_t payload : {1ul, 64ul, 100ul, 2048ul, 4096ul, 65536ul, 131072ul})
        for (std::size_t records : {2ul, 3ul, 17ul}) {
            const std::size_t cap = record::repeating_capacity(records, payload), rec = record::bytes(payload);
            CAPTURE(payload);
            CAPTURE(records);
            CHECK(cap / rec >= records);
            CHECK(cap >= 4096);
            CHECK(cap % 8 == 0);  // the SPSC ring's rule
            if (payload <= record::kRepeatingMaxPayload) {
                CHECK(cap % rec == 0);
                CHECK(cap - rec < std::max<std::size_t>(4096, records * rec));  // no more than needed
            } else {
                CHECK(cap == ((records * rec + 4095) & ~std::size_t(4095)));  // page-rounded above a page
            }
        }
    // 4 KiB messages, one in flight: two records, 8208 bytes (was 12288, three page windows)
    CHECK(record::repeating_capacity(2, 4096) == 8208);
}

// The zero-copy side of the ring (lfshm-zc): try_loan / commit on the producer, try_peek /
// release on the consumer, and the skip marker that keeps a loaned record contiguous.

namespace {

// Producer thread builds `count` stamped messages in loaned slots; the consumer thread checks
// every byte of each where it lies, then releases it. Waiting uses the doorbell protocol.
void two_thread_loans(std::size_t capacity, const SizeSpec &spec, std::uint64_t count, std::uint64_t spin_ns) {
    RingMemory m(capacity);
    Doorbell data_bell, space_bell;
    FutexSleeper sleeper;
    WaitPolicy policy{.spin_ns = spin_ns, .sleeper = &sleeper, .tick_ms = 50, .check_alive = {}};
    std::string consumer_error;
    std::thread consumer([&] {
        SpscByteRing::Consumer c(m.ring);
        SizeGenerator sizes(spec, 11);
        for (std::uint64_t seq = 0; seq < count; ++seq) {
            std::optional<std::span<const std::byte>> msg;
            while (!(msg = c.try_peek())) wait_until(data_bell, policy, [&] { return c.has_data(); });
            const std::size_t want = sizes.next();
            if (consumer_error.empty()) consumer_error = check_message(*msg, want, seq, Dir::request);
            c.release();
            ring_doorbell(space_bell, &sleeper);
        }
    });
    SpscByteRing::Producer p(m.ring);
    StampedMessages messages(spec, 11, Dir::request);
    for (std::uint64_t seq = 0; seq < count; ++seq) {
        const auto view = messages.next(seq);
        std::byte *slot = nullptr;
        while (!(slot = p.try_loan(view.size())))
            wait_until(space_bell, policy, [&] { return (slot = p.try_loan(view.size())) != nullptr; });
        std::memcpy(slot, view.data(), view.size());  // the application builds it in place
        p.commit(view.size());
        ring_doorbell(data_bell, &sleeper);
    }
    consumer.join();
    CHECK_MESSAGE(consumer_error.empty(), consumer_error);
}

}  // namespace

TEST_CASE("zero-copy ring: loan, commit, peek, release at every size; an empty ring of two records always lends") {
    const std::size_t step = kTsan ? 61 : 7;
    // Two records of the largest size: whatever the write offset, an empty ring has a contiguous
    // stretch of at least half its capacity, at its end or (behind a skip marker) at its start.
    RingMemory m(2 * SpscByteRing::record_bytes(kMaxMessageSize));
    SpscByteRing::Producer p(m.ring);
    SpscByteRing::Consumer c(m.ring);
    std::vector<std::byte> in(kMaxMessageSize);
    payload::fill_pattern(in);
    std::uint64_t seq = 0;
    std::size_t failures = 0;
    for (std::size_t n = 1; n <= kMaxMessageSize; n = next_size(n, step), ++seq) {
        CHECK_FALSE(c.try_peek());  // empty
        std::byte *slot = p.try_loan(n);
        if (!slot) {
            ++failures;
            continue;
        }
        auto msg = std::span(in).first(n);
        payload::stamp(msg, seq, Dir::request);
        std::memcpy(slot, msg.data(), n);
        CHECK_FALSE(c.try_peek());  // loaned but not committed: nothing visible
        p.commit(n);
        const auto got = c.try_peek();
        if (!got || !check_message(*got, n, seq, Dir::request).empty()) ++failures;
        // the record lies in the ring itself, contiguous
        if (got && (got->data() < m.mem || got->data() + got->size() > m.mem + m.bytes)) ++failures;
        c.release();
        payload::restore_pattern(msg);
    }
    CHECK(failures == 0);
    CHECK_THROWS_AS(p.try_loan(m.ring->capacity), Error);  // larger than the ring
}

TEST_CASE("zero-copy ring: the skip marker at every 16-byte offset, a full ring, an empty one") {
    const std::size_t record = SpscByteRing::record_bytes(1000);
    RingMemory m(3 * record);
    SpscByteRing::Producer p(m.ring);
    SpscByteRing::Consumer c(m.ring);
    const std::size_t cap = m.ring->capacity;
    std::vector<std::byte> in(1000);
    payload::fill_pattern(in);
    std::uint64_t seq = 0;
    for (std::size_t shift = 0; shift < cap; shift += 16) {
        CAPTURE(shift);
        // Three 1000-byte records fill the ring exactly when they start at offset 0; a fourth is refused.
        std::byte *slots[3];
        std::size_t lent = 0;
        for (auto &slot : slots) {
            if (!(slot = p.try_loan(1000))) break;
            auto msg = std::span(in);
            payload::stamp(msg, seq + lent, Dir::response);
            std::memcpy(slot, msg.data(), msg.size());
            p.commit(msg.size());
            payload::restore_pattern(msg);
            ++lent;
        }
        REQUIRE(lent >= 1);
        CHECK_FALSE(p.try_loan(1000));  // full: the next record would overwrite unreleased ones
        for (std::size_t k = 0; k < lent; ++k) {
            const auto got = c.try_peek();
            REQUIRE(got);
            CHECK(check_message(*got, 1000, seq + k, Dir::response) == "");
            c.release();
        }
        CHECK_FALSE(c.try_peek());
        seq += lent;
        // Move the write offset on by 16 bytes: a 0-byte record is one header of 16.
        REQUIRE(p.try_loan(0));
        p.commit(0);
        REQUIRE(c.try_peek()->empty());
        c.release();
    }
}

TEST_CASE("zero-copy ring: a peer's corrupt record length is refused, never read past the ring") {
    RingMemory m(4 * SpscByteRing::record_bytes(64));
    SpscByteRing::Producer p(m.ring);
    SpscByteRing::Consumer c(m.ring);
    std::byte *slot = p.try_loan(64);
    REQUIRE(slot);
    p.commit(64);
    // A hostile peer rewrites the header (the record's first 4 bytes) to claim more than was published.
    const std::uint32_t lie = 1u << 20;
    std::memcpy(m.ring->data(), &lie, sizeof lie);
    CHECK_THROWS_AS(c.try_peek(), Error);
}

TEST_CASE("zero-copy ring between two threads: small capacities, all sizes, with and without spinning") {
    const std::uint64_t count = kTsan ? 3000 : 20000;
    struct Case {
        const char *sizes;
        std::size_t capacity_records;
        std::uint64_t spin_ns;
    } cases[] = {{"1", 2, 0},  {"1-64", 2, 0},      {"1-4K", 2, 0},   {"1-4K", 3, 20000},
                 {"4K", 3, 0}, {"2K-4K", 2, 50000}, {"1-128K", 2, 0}, {"128K", 3, 20000}};
    for (auto &c : cases) {
        CAPTURE(c.sizes);
        CAPTURE(c.capacity_records);
        SizeSpec spec = parse_size_spec(c.sizes);
        const std::uint64_t n = spec.max > 8192 ? count / 10 : count;
        two_thread_loans(SpscByteRing::record_bytes(spec.max) * c.capacity_records, spec, n, c.spin_ns);
    }
}
