// The lfshm rings' loop integrations (loop/loop_sleepers.hpp), driven from two threads of one
// process so ThreadSanitizer sees them: the server's port waits through the integration's sleeper
// in an EventLoop, the client's as the mode's client does. Each integration must (1) carry every
// request and response, checked by sequence and content, with no wake-up lost, and (2) keep
// serving the loop's other source while the IPC side is idle: a design that sleeps where the loop
// cannot see would leave that source's completions unserved. Both are asserted on counts.
#include <doctest/doctest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/payload.hpp"
#include "core/size_spec.hpp"
#include "core/sys.hpp"
#include "loop/event_loop.hpp"
#include "loop/loop_sleepers.hpp"
#include "rings/lockfree_port.hpp"
#include "two_threads.hpp"

using namespace ipcb;
using payload::Dir;

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif

using test::RingMemory;

// A second source in the loop: a READ of an eventfd, re-armed after each completion. Another
// thread writes the eventfd and waits until the loop has served it.
class EventfdSource final : public LoopSource {
public:
    explicit EventfdSource(EventLoop &loop)
        : loop_(loop), efd_(int(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd"))), id_(loop.add_source(this)) {
        arm();
    }
    void on_completion(std::uint64_t, int res, unsigned) override {
        if (res != int(sizeof value_)) failed.store(true);
        served.fetch_add(1, std::memory_order_release);
        arm();
    }
    // Writes once and waits until the loop served that write; false after 5 s without it.
    bool poke_and_wait() {
        const unsigned before = served.load(std::memory_order_acquire);
        const std::uint64_t one = 1;
        if (::write(efd_.get(), &one, sizeof one) != sizeof one) return false;
        const std::uint64_t deadline = now_ns() + 5'000'000'000u;
        while (served.load(std::memory_order_acquire) == before)
            if (now_ns() > deadline) return false;
            else std::this_thread::yield();
        return true;
    }
    std::atomic<unsigned> served{0};
    std::atomic<bool> failed{false};

private:
    void arm() {
        io_uring_sqe *sqe = loop_.ring().sqe();
        io_uring_prep_read(sqe, efd_.get(), &value_, sizeof value_, 0);
        io_uring_sqe_set_data64(sqe, EventLoop::tag(id_, 0));
    }
    EventLoop &loop_;
    Fd efd_;
    unsigned id_;
    std::uint64_t value_ = 0;
};

// The server's port waits through make_loop_sleeper(loop); the client's as the mode's client:
// futex(2) for poll and helper, never sleeping for spin (lfshm-spin's client has no sleeper).
// Waits are bounded by a 2 s tick whose liveness check throws once a client futex sleep ran
// into its timeout, so a lost wake-up fails the test within seconds instead of hanging it.
struct LoopPair {
    LoopPair(LoopIntegration integration, std::size_t capacity, std::uint64_t spin_ns)
        : loop(integration),
          other(loop),
          server_sleeper(make_loop_sleeper(loop, poll_tick_ns(spin_ns))),
          to_server(capacity),
          to_client(capacity),
          client({to_server.ring, &bells[0], &bells[1]}, {to_client.ring, &bells[2], &bells[3]},
                 {.spin_ns = 0,
                  .sleeper = integration == LoopIntegration::spin ? nullptr : &client_sleeper,
                  .tick_ms = 2000,
                  .check_alive = [] {}}),
          server({to_client.ring, &bells[2], &bells[3]}, {to_server.ring, &bells[0], &bells[1]},
                 {.spin_ns = spin_outside_loop(integration, spin_ns),
                  .sleeper = server_sleeper.get(),
                  .tick_ms = 2000,
                  .check_alive = [] {}}) {}

    // Runs the client in a thread and the server here; the first error of each ("" if none).
    std::pair<std::string, std::string> run(const std::function<void(std::string &)> &client_side,
                                            const std::function<void(std::string &)> &server_side) {
        const std::pair<std::string, std::string> errors = test::run_two_sides(server_side, client_side);
        return {errors.second, errors.first};
    }

    EventLoop loop;
    EventfdSource other;
    FutexSleeper client_sleeper;
    std::unique_ptr<Sleeper> server_sleeper;
    RingMemory to_server, to_client;
    Doorbell bells[4];
    LockFreePort client, server;
};

std::string check_message(std::span<const std::byte> msg, std::size_t want, std::uint64_t seq, Dir dir) {
    if (msg.size() != want)
        return "seq " + std::to_string(seq) + ": length " + std::to_string(msg.size()) + ", want " +
               std::to_string(want);
    return payload::check_full(msg, seq, dir);
}

struct Case {
    LoopIntegration integration;
    std::uint64_t spin_ns;
};
const Case kCases[] = {{LoopIntegration::poll, 0},
                       {LoopIntegration::poll, 20'000},
                       {LoopIntegration::helper, 0},
                       {LoopIntegration::helper, 20'000},
                       {LoopIntegration::spin, 0}};

}  // namespace

TEST_CASE("loop integrations: request/response through the rings, every message checked, the other source served") {
    const std::uint64_t count = kTsan ? 1000 : 10000;
    const SizeSpec spec = parse_size_spec("1-16K");
    for (const Case &c : kCases) {
        CAPTURE(loop_integration_name(c.integration));
        CAPTURE(c.spin_ns);
        LoopPair pair(c.integration, 2 * SpscByteRing::record_bytes(spec.max), c.spin_ns);
        std::atomic<unsigned> pokes{0};
        std::atomic<bool> done{false}, poker_finished{false}, poke_failed{false};
        // While the IPC runs, a third thread keeps the loop's other source busy.
        std::thread poker([&] {
            while (!done.load() && pokes.load() < 500) {
                if (!pair.other.poke_and_wait()) {
                    poke_failed.store(true);
                    break;
                }
                pokes.fetch_add(1);
            }
            poker_finished.store(true);
        });
        const std::pair<std::string, std::string> errors = pair.run(
            [&](std::string &error) {
                std::vector<std::byte> req(spec.max), resp(spec.max);
                payload::fill_pattern(req);
                SizeGenerator sizes(spec, 3), want(spec, 3);
                for (std::uint64_t seq = 0; seq < count; ++seq) {
                    auto msg = std::span(req).first(sizes.next());
                    payload::stamp(msg, seq, Dir::request);
                    pair.client.send(msg);
                    payload::restore_pattern(msg);
                    const std::size_t got = pair.client.recv(resp);
                    if (error.empty())
                        error = check_message(std::span(resp).first(got), want.next(), seq, Dir::response);
                }
            },
            [&](std::string &error) {
                std::vector<std::byte> buf(spec.max);
                SizeGenerator want(spec, 3);
                for (std::uint64_t seq = 0; seq < count; ++seq) {
                    auto msg = std::span(buf).first(pair.server.recv(buf));
                    if (error.empty()) error = check_message(msg, want.next(), seq, Dir::request);
                    payload::stamp(msg, seq, Dir::response);
                    pair.server.send(msg);
                }
            });
        done.store(true);
        // The poker may be waiting on a poke the server, done with its IPC, no longer serves.
        while (!poker_finished.load()) pair.loop.run_once(1'000'000);
        poker.join();
        CHECK_MESSAGE(errors.first.empty(), "client: " << errors.first);
        CHECK_MESSAGE(errors.second.empty(), "server: " << errors.second);
        CHECK_FALSE(poke_failed.load());  // each poke served within 5 s, while the IPC ran or after
        CHECK_FALSE(pair.other.failed.load());
        CHECK(pair.other.served.load() == pokes.load());
    }
}

TEST_CASE("loop integrations: with the IPC side idle, the loop keeps serving its other source") {
    // The client sends nothing until the other source has been served `pokes` times, each poke
    // waiting for its completion: the server sits in recv() all along, inside its integration.
    // A sleeper that slept in futex(2) would serve none, and the first poke would time out.
    const unsigned pokes = kTsan ? 100 : 1000;
    for (const Case &c : kCases) {
        CAPTURE(loop_integration_name(c.integration));
        CAPTURE(c.spin_ns);
        LoopPair pair(c.integration, 2 * SpscByteRing::record_bytes(64), c.spin_ns);
        unsigned served_while_idle = 0;
        const std::pair<std::string, std::string> errors = pair.run(
            [&](std::string &error) {
                for (unsigned i = 0; i < pokes; ++i)
                    if (!pair.other.poke_and_wait()) {
                        error = "poke " + std::to_string(i) + " not served within 5 s";
                        break;
                    }
                served_while_idle = pair.other.served.load();
                std::vector<std::byte> msg(64), resp(64);
                payload::fill_pattern(msg);
                payload::stamp(msg, 0, Dir::request);
                pair.client.send(msg);  // now the IPC: one round trip ends the server's wait
                const std::size_t got = pair.client.recv(resp);
                if (error.empty()) error = check_message(std::span(resp).first(got), 64, 0, Dir::response);
            },
            [&](std::string &error) {
                std::vector<std::byte> buf(64);
                auto msg = std::span(buf).first(pair.server.recv(buf));
                error = check_message(msg, 64, 0, Dir::request);
                payload::stamp(msg, 0, Dir::response);
                pair.server.send(msg);
            });
        CHECK_MESSAGE(errors.first.empty(), "client: " << errors.first);
        CHECK_MESSAGE(errors.second.empty(), "server: " << errors.second);
        CHECK_FALSE(pair.other.failed.load());
        CHECK(served_while_idle == pokes);
    }
}
