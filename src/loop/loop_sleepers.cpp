#include "loop/loop_sleepers.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "core/sys.hpp"

namespace ipcb {
namespace {

// The client's wakes reach the server's helper or nobody; the server wakes the client (asleep in
// futex(2)) as lfshm does.
class WakesByFutex : public Sleeper {
public:
    void wake(std::atomic<std::uint32_t> &word) override { futex_.wake(word); }

protected:
    FutexSleeper futex_;
};

class PollSleeper final : public WakesByFutex {
public:
    PollSleeper(EventLoop &loop, std::uint64_t tick_ns) : loop_(loop), tick_ns_(tick_ns) {}
    void sleep(std::atomic<std::uint32_t> &word, std::uint32_t, int) override {
        // Not asleep where the client's FUTEX_WAKE reaches: take the announcement back, so the
        // client does not make one, and look at the rings again after at most a tick.
        word.store(0, std::memory_order_relaxed);
        loop_.run_once(tick_ns_);
    }

private:
    EventLoop &loop_;
    std::uint64_t tick_ns_;
};

class SpinSleeper final : public Sleeper {
public:
    explicit SpinSleeper(EventLoop &loop) : loop_(loop) {}
    // The announcement stays: the client's doorbell (it has no sleeper of its own) only clears it,
    // which tells this loop that a record was published. Between looks, the loop's completions.
    void sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int) override {
        const std::uint64_t until = now_ns() + kSpinSliceNs;
        for (unsigned i = 1; word.load(std::memory_order_acquire) == expected; ++i) {
            loop_.run_once(0);
            cpu_relax();
            if (i % 32 == 0 && now_ns() >= until) return;  // the caller checks liveness
        }
    }
    void wake(std::atomic<std::uint32_t> &) override {}  // the client never sleeps

private:
    static constexpr std::uint64_t kSpinSliceNs = 1'000'000;
    EventLoop &loop_;
};

// The helper thread sleeps on the doorbell word the server hands it, then writes the eventfd.
class HelperSleeper final : public WakesByFutex, private LoopSource {
public:
    explicit HelperSleeper(EventLoop &loop)
        : loop_(loop), efd_(int(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd"))), source_(loop.add_source(this)) {
        thread_ = std::thread([this] { run(); });
    }
    ~HelperSleeper() override {
        stop_.store(true);
        arm_.store(1, std::memory_order_release);
        futex_.wake(arm_);
        if (std::atomic<std::uint32_t> *word = word_.load()) futex_.wake(*word);
        thread_.join();
    }

    void sleep(std::atomic<std::uint32_t> &word, std::uint32_t, int timeout_ms) override {
        if (!read_armed_) {
            io_uring_sqe *sqe = loop_.ring().sqe();
            io_uring_prep_read(sqe, efd_.get(), &count_, sizeof count_, 0);
            io_uring_sqe_set_data64(sqe, EventLoop::tag(source_, 0));
            read_armed_ = true;
        }
        if (arm_.load(std::memory_order_relaxed) == 0) {  // the helper is idle: send it to the doorbell
            word_.store(&word, std::memory_order_relaxed);
            arm_.store(1, std::memory_order_release);
            futex_.wake(arm_);
        }
        loop_.run_once(std::uint64_t(timeout_ms) * 1'000'000u);  // the READ, or another source's completion
        if (failed_.load()) throw Error("helper thread: " + error_);
    }

private:
    void on_completion(std::uint64_t, int res, unsigned) override {
        read_armed_ = false;
        if (res < 0) throw_errno("loop helper: io_uring READ(eventfd)", -res);
    }

    void run() {
        try {
            FutexSleeper futex;  // the helper's own
            while (!stop_.load()) {
                futex.sleep(arm_, 0, 50);
                if (arm_.load(std::memory_order_acquire) == 0) continue;
                std::atomic<std::uint32_t> *word = word_.load(std::memory_order_relaxed);
                // Asleep while the server's announcement stands; the client's wake clears it.
                while (!stop_.load() && word && word->load(std::memory_order_acquire) == 1) futex.sleep(*word, 1, 50);
                arm_.store(0, std::memory_order_release);
                const std::uint64_t one = 1;
                while (::write(efd_.get(), &one, sizeof one) < 0)
                    if (errno != EINTR) throw_errno("write(eventfd)");
            }
        } catch (const std::exception &e) {
            error_ = e.what();
            failed_.store(true);
        }
    }

    EventLoop &loop_;
    Fd efd_;
    unsigned source_;
    std::uint64_t count_ = 0;
    bool read_armed_ = false;
    std::atomic<std::uint32_t> arm_{0};  // 1: the helper watches word_
    std::atomic<std::atomic<std::uint32_t> *> word_{nullptr};
    std::atomic<bool> stop_{false}, failed_{false};
    std::string error_;
    std::thread thread_;
};

}  // namespace

std::unique_ptr<Sleeper> make_loop_sleeper(EventLoop &loop, std::uint64_t tick_ns) {
    switch (loop.integration()) {
    case LoopIntegration::helper: return std::make_unique<HelperSleeper>(loop);
    case LoopIntegration::spin: return std::make_unique<SpinSleeper>(loop);
    default: return std::make_unique<PollSleeper>(loop, tick_ns);
    }
}

std::string loop_sleeper_text(LoopIntegration integration, std::uint64_t spin_ns) {
    switch (integration) {
    case LoopIntegration::helper:
        return "spin " + std::to_string(spin_ns / 1000) +
               " us, then in the event loop: a helper thread sleeps in FUTEX_WAIT on the doorbell and writes an "
               "eventfd the "
               "loop READs";
    case LoopIntegration::spin:
        return "busy-polling in the event loop: never sleeps; the loop's completions are taken from its CQ between "
               "polls";
    default:
        return "in the event loop: the rings polled once per iteration, the loop's wait bounded by " +
               std::to_string(poll_tick_ns(spin_ns) / 1000) + " us (no spin outside it)";
    }
}

}  // namespace ipcb
