#pragma once
// A Sleeper that sleeps and wakes through its own io_uring instance, as an event loop does: a wake
// is an SQE queued with IOSQE_CQE_SKIP_SUCCESS (only a failure posts a completion) and submitted
// with this side's next wait, in the same io_uring_enter, or by flush() when this side returns or
// spins without sleeping (rings/doorbell.hpp, wait_until).
#include <cstdint>
#include <string>

#include "core/sys.hpp"
#include "rings/doorbell.hpp"
#include "uring/uring.hpp"

namespace ipcb {

class UringSleeper : public Sleeper {
public:
    void flush() override {
        if (!wakes_queued_) return;
        wakes_queued_ = false;
        check_sys(io_uring_submit(ring_.get()), "io_uring_submit(wake)");
        reap_wakes();
    }
    const std::string &setup() const { return ring_.setup(); }
    Uring *ring() override { return &ring_; }

protected:
    enum : std::uint64_t { kWakeTag = 1, kWaitTag = 2, kTimeoutTag = 3 };

    // `wake_op` names the wake in errors ("lfshm-uring: IORING_OP_FUTEX_WAKE").
    UringSleeper(unsigned entries, std::string wake_op) : ring_(entries), wake_op_(std::move(wake_op)) {}

    // Queues a wake: prep(sqe) fills it; the flags and the tag are set after it.
    template <class Prep>
    void queue_wake(Prep prep) {
        io_uring_sqe *sqe = ring_.sqe();
        prep(sqe);
        sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
        io_uring_sqe_set_data64(sqe, kWakeTag);
        wakes_queued_ = true;
    }

    // Sleeps on the wait prep(sqe) fills, with a linked timeout of timeout_ms, submitted together
    // with the queued wakes in one io_uring_enter that waits for both completions: one cancels the
    // other, and waiting for only the first left the second behind to cut the next sleep short.
    // check(res) judges the wait's result (it may throw).
    template <class Prep, class Check>
    void sleep_linked(Prep prep, int timeout_ms, Check check) {
        io_uring_sqe *wait = ring_.sqe();
        prep(wait);
        wait->flags |= IOSQE_IO_LINK;
        io_uring_sqe_set_data64(wait, kWaitTag);
        timeout_ = timespec_of_ms<__kernel_timespec>(timeout_ms);
        io_uring_sqe *t = ring_.sqe();
        io_uring_prep_link_timeout(t, &timeout_, 0);
        io_uring_sqe_set_data64(t, kTimeoutTag);
        wakes_queued_ = false;  // they go with the wait
        for (unsigned pending = 2; pending > 0;) {
            ring_.submit_and_wait(pending);
            ring_.reap([&](std::uint64_t tag, int res) {
                if (tag == kWaitTag) --pending, check(res);
                else if (tag == kTimeoutTag) --pending;  // -ETIME fired, -ECANCELED the wait ended first
                else fail_if_wake(tag, res);
            });
        }
    }

    // Reaps what is in the CQ: a failed wake throws; anything else (a wake message) is taken.
    void reap_wakes() {
        ring_.reap([&](std::uint64_t tag, int res) { fail_if_wake(tag, res); });
    }
    // Call when a wait is submitted by other means: the queued wakes went with it.
    void wakes_submitted() { wakes_queued_ = false; }

    Uring ring_;

private:
    void fail_if_wake(std::uint64_t tag, int res) const {
        if (tag == kWakeTag && res < 0) throw_errno(wake_op_, -res);
    }

    std::string wake_op_;
    bool wakes_queued_ = false;
    __kernel_timespec timeout_{};
};

}  // namespace ipcb
