#pragma once
// A small owner of one io_uring instance, set up the way that suits one thread per ring.
#include <liburing.h>

#include <string>

namespace ipcb {

class Uring {
public:
    // Tries SINGLE_ISSUER|DEFER_TASKRUN (completions run only when we wait: no IPIs or task-work
    // interrupting the loop), then COOP_TASKRUN, then no flags, for older kernels.
    explicit Uring(unsigned entries);
    ~Uring();
    Uring(const Uring &) = delete;
    Uring &operator=(const Uring &) = delete;

    io_uring *get() { return &ring_; }
    // A free SQE; submits what is queued when the SQ is full. Never returns nullptr.
    io_uring_sqe *sqe();
    // Submits everything queued and waits for at least one completion (EINTR retried).
    void submit_and_wait();
    const std::string &setup() const { return setup_; }  // e.g. "SINGLE_ISSUER|DEFER_TASKRUN"

private:
    io_uring ring_{};
    std::string setup_;
};

// Whether the running kernel implements io_uring opcode `op` (IORING_REGISTER_PROBE).
bool uring_opcode_supported(int op);

}  // namespace ipcb
