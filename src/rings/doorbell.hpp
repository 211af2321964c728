#pragma once
// Sleeping and waking across processes without lost or needless wake-ups.
//
// A Doorbell is a 32-bit futex word in shared memory meaning "I am asleep (or about to be)".
// The waiter announces itself (store 1), issues a full fence, re-checks its condition, and only
// then sleeps while the word is still 1. The notifier publishes its data, issues a full fence,
// and makes the wake system call only if it sees the announcement (exchange to 0). The two
// fences form a Dekker pair: either the waiter sees the data, or the notifier sees the waiter.
// Without the fences a store could sit in the store buffer while the later load runs, and both
// sides would miss each other (a lost wake-up).
//
// How a side actually sleeps is a Sleeper: futex(2) (lfshm), io_uring FUTEX_WAIT (lfshm-uring),
// or never (lfshm-spin). Futex words are never FUTEX_PRIVATE: the memory is shared between
// processes, and a private futex is keyed by the address space, so the peer's wake would miss.
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <linux/futex.h>

#include "core/sys.hpp"
#include "rings/spsc_byte_ring.hpp"

namespace ipcb {

class Uring;

struct alignas(kCacheLine) Doorbell {
    std::atomic<std::uint32_t> sleeping{0};
};

class Sleeper {
public:
    virtual ~Sleeper() = default;
    // Blocks while word == expected, for at most timeout_ms; may return early or spuriously.
    virtual void sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int timeout_ms) = 0;
    // Wakes one sleeper on word. A sleeper may hold the wake back until this side next sleeps,
    // to send it in the same system call (an io_uring loop submits its SQEs when it waits);
    // flush() sends what it holds.
    virtual void wake(std::atomic<std::uint32_t> &word) = 0;
    virtual void flush() {}
    // Blocks while every word still holds 1 (a fan-in server asleep on all its clients' doorbells),
    // for at most timeout_ms; may return early. Sleepers that cannot wait on several words throw.
    virtual void sleep_any(std::span<std::atomic<std::uint32_t> *const> words, int timeout_ms);
    // The io_uring it sleeps in, for a sleeper whose wait is a completion there (an event loop with
    // other work joins it); nullptr otherwise.
    virtual Uring *ring() { return nullptr; }

    // Sleeps that took longer than kSlowWaitNs (wait_until counts). Atomic: a sleeper shared by
    // two threads (the ring tests' ports) counts from both; only slow sleeps touch it.
    std::atomic<std::uint64_t> slow_sleeps{0};
};

// futex(2) FUTEX_WAIT / FUTEX_WAKE on a shared (non-private) word.
class FutexSleeper final : public Sleeper {
public:
    void sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int timeout_ms) override;
    void wake(std::atomic<std::uint32_t> &word) override;
    // futex_waitv(2) (Linux 5.16+) on every word at once.
    void sleep_any(std::span<std::atomic<std::uint32_t> *const> words, int timeout_ms) override;
};

// After publishing (a release store the peer's condition reads): wake the peer if it sleeps.
inline void ring_doorbell(Doorbell &bell, Sleeper *sleeper) {
    std::atomic_thread_fence(std::memory_order_seq_cst);  // publish before reading the announcement
    if (bell.sleeping.load(std::memory_order_relaxed) && bell.sleeping.exchange(0, std::memory_order_relaxed) == 1 &&
        sleeper)
        sleeper->wake(bell.sleeping);
}

struct WaitPolicy {
    std::uint64_t spin_ns = 0;          // busy-poll this long before sleeping
    Sleeper *sleeper = nullptr;         // nullptr: never sleep (spin until ready)
    int tick_ms = 50;                   // at most this long between liveness checks
    std::function<void()> check_alive;  // throws when the peer is gone
};

// Busy-polls ready() for policy.spin_ns (forever without a sleeper); true once it holds.
template <class Ready>
bool spin_until(const WaitPolicy &policy, Ready ready) {
    // A sleeping wake-up (the idle CPU must be woken) costs a hundred polls or more: spinning
    // first pays off whenever the answer comes within the budget.
    const std::uint64_t tick = std::uint64_t(policy.tick_ms) * 1'000'000u;
    const std::uint64_t start = now_ns();
    std::uint64_t next_tick = start + tick;
    for (unsigned i = 1;; ++i) {
        if (ready()) return true;
        cpu_relax();
        if (i % 32 == 0) {  // reading the clock costs more than a poll: not on every one
            const std::uint64_t now = now_ns();
            if (policy.sleeper && now - start >= policy.spin_ns) return false;
            if (now >= next_tick) {
                if (policy.check_alive) policy.check_alive();
                next_tick = now + tick;
            }
        }
    }
}

// One announce-then-sleep step of the protocol above, over one doorbell word or several (a
// fan-in server sleeps on all its clients' at once): announce on every word, fence, re-check
// ready(), and only if it is still false sleep(); counts a sleep over kSlowWaitNs. Returns ready()
// as last seen. The announcement stays until retract_announcement: a waiter that loops keeps it.
template <class Ready, class Sleep>
bool announce_then_sleep(std::span<std::atomic<std::uint32_t> *const> bells, Sleeper &sleeper, Ready ready,
                         Sleep sleep) {
    for (auto *bell : bells) bell->store(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);  // announce before re-checking
    if (ready()) return true;
    const std::uint64_t start = now_ns();
    sleep();
    if (now_ns() - start > kSlowWaitNs) sleeper.slow_sleeps.fetch_add(1, std::memory_order_relaxed);
    return ready();
}

inline void retract_announcement(std::span<std::atomic<std::uint32_t> *const> bells) {
    for (auto *bell : bells) bell->store(0, std::memory_order_relaxed);
}

// Returns once ready() is true. ready() must read the peer's published state with acquire.
// Wakes the sleeper holds back go out with this side's own sleep, or before it returns or spins
// without sleeping: a side that waits never leaves the peer waiting for a wake it holds.
template <class Ready>
void wait_until(Doorbell &bell, const WaitPolicy &policy, Ready ready) {
    auto flush = [&] {
        if (policy.sleeper) policy.sleeper->flush();
    };
    if (ready()) return flush();
    if (!policy.sleeper || policy.spin_ns > 0) {
        flush();
        if (spin_until(policy, ready)) return;
    }
    std::atomic<std::uint32_t> *const bells[] = {&bell.sleeping};
    // A sleeper returns early when the loop it sleeps in has other work (loop/loop_sleepers.hpp):
    // liveness is checked once a tick, not on every return (it costs a poll(2)).
    std::uint64_t next_check = 0;
    while (!announce_then_sleep(bells, *policy.sleeper, ready,
                                [&] { policy.sleeper->sleep(bell.sleeping, 1, policy.tick_ms); })) {
        if (!policy.check_alive) continue;
        const std::uint64_t now = now_ns();
        if (now < next_check) continue;
        policy.check_alive();
        next_check = now + std::uint64_t(policy.tick_ms) * 1'000'000u;
    }
    retract_announcement(bells);
    flush();
}

}  // namespace ipcb

namespace ipcb {
// futex_waitv entries for `words`, each waited on while it holds 1 (shared, 32-bit).
std::vector<futex_waitv> futex_waiters(std::span<std::atomic<std::uint32_t> *const> words);
}  // namespace ipcb
