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
    // Submits everything queued and waits until at least `wait_nr` completions are ready, in one
    // io_uring_enter (EINTR retried). A loop that knows how many completions it expects waits for
    // all of them at once: waiting for fewer returns at the first inline completion and costs a
    // second enter for the rest.
    void submit_and_wait(unsigned wait_nr = 1);
    // Calls on_cqe(user_data, res) for every completion in the CQ, in order, then marks them
    // seen (one CQ head update for the batch). Returns how many there were.
    template <class OnCqe>
    unsigned reap(OnCqe on_cqe) {
        io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
            on_cqe(io_uring_cqe_get_data64(cqe), cqe->res);
        }
        io_uring_cq_advance(&ring_, seen);
        return seen;
    }
    const std::string &setup() const { return setup_; }  // e.g. "SINGLE_ISSUER|DEFER_TASKRUN"

private:
    io_uring ring_{};
    std::string setup_;
};

// Whether the running kernel implements io_uring opcode `op` (IORING_REGISTER_PROBE).
bool uring_opcode_supported(int op);

}  // namespace ipcb
