#include "uring/uring.hpp"

#include <cerrno>

#include "core/sys.hpp"

namespace ipcb {

Uring::Uring(unsigned entries) {
    struct Attempt {
        unsigned flags;
        const char *name;
    };
    const Attempt attempts[] = {
        {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "SINGLE_ISSUER|DEFER_TASKRUN"},
        {IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
        {0, "default"},
    };
    int rc = -EINVAL;
    for (const Attempt &a : attempts) {
        io_uring_params p{};
        p.flags = a.flags;
        rc = io_uring_queue_init_params(entries, &ring_, &p);
        if (rc == 0) {
            setup_ = a.name;
            return;
        }
        if (rc != -EINVAL) break;
    }
    throw_errno("io_uring_queue_init", -rc);
}

Uring::~Uring() { io_uring_queue_exit(&ring_); }

io_uring_sqe *Uring::sqe() {
    io_uring_sqe *s = io_uring_get_sqe(&ring_);
    if (!s) {
        check_sys(io_uring_submit(&ring_), "io_uring_submit");
        s = io_uring_get_sqe(&ring_);
        if (!s) throw Error("io_uring: no free SQE after submit");
    }
    return s;
}

void Uring::submit_and_wait(unsigned wait_nr) {
    int rc;
    do rc = io_uring_submit_and_wait(&ring_, wait_nr);
    while (rc == -EINTR);
    check_sys(rc, "io_uring_submit_and_wait");
}

bool uring_opcode_supported(int op) {
    io_uring_probe *probe = io_uring_get_probe();
    if (!probe) return false;
    bool ok = io_uring_opcode_supported(probe, op);
    io_uring_free_probe(probe);
    return ok;
}

}  // namespace ipcb
