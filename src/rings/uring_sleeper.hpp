#pragma once
// A Sleeper that sleeps and wakes through its own io_uring instance, as an event loop does: a wake
// is an SQE queued with IOSQE_CQE_SKIP_SUCCESS (only a failure posts a completion) and submitted
// with this side's next wait, in the same io_uring_enter, or by flush() when this side returns or
// spins without sleeping (rings/doorbell.hpp, wait_until).
#include <cstdint>

#include "rings/doorbell.hpp"
#include "uring/uring.hpp"

namespace ipcb {

class UringSleeper : public Sleeper {
public:
    void flush() override {
        if (!wakes_queued_) return;
        wakes_queued_ = false;
        check_sys(io_uring_submit(ring_.get()), "io_uring_submit(wake)");
        reap();
    }
    const std::string &setup() const { return ring_.setup(); }

protected:
    explicit UringSleeper(unsigned entries) : ring_(entries) {}

    // Queues a wake: prep(sqe) fills it; the flags and the tag are set after it.
    template <class Prep>
    void queue_wake(std::uint64_t tag, Prep prep) {
        io_uring_sqe *sqe = ring_.sqe();
        prep(sqe);
        sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
        io_uring_sqe_set_data64(sqe, tag);
        wakes_queued_ = true;
    }
    // Call when a wait is about to be submitted: the queued wakes go with it.
    void wakes_submitted() { wakes_queued_ = false; }
    // Reaps the completions in the CQ (a failed wake, a wait's).
    virtual void reap() = 0;

    Uring ring_;

private:
    bool wakes_queued_ = false;
};

}  // namespace ipcb
