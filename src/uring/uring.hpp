#pragma once
// A small owner of one io_uring instance, set up the way that suits one thread per ring.
#include <liburing.h>

#include <cstdint>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ipcb {

// The io_uring knobs a mode may be run with (`--uring`), as a bit set. A set of knobs is written
// "poll-first+ring-fd"; the empty set "none".
enum UringKnob : unsigned {
    kPollFirst = 1,  // RECV with IORING_RECVSEND_POLL_FIRST: arm a poll instead of trying first
    kMultishot = 2,  // one multishot RECV into a provided buffer ring, armed once
    kRingFd = 4,     // io_uring_register_ring_fd: enter without the fd table lookup
    kSqpoll = 8,     // IORING_SETUP_SQPOLL: a kernel thread takes submissions; completions are polled
};
inline constexpr unsigned kAllUringKnobs = kPollFirst | kMultishot | kRingFd | kSqpoll;
std::string uring_knobs_text(unsigned knobs);
// Parses "none" or knob names joined by '+'; throws std::invalid_argument naming a bad one.
unsigned parse_uring_knobs(std::string_view text);
// Empty when this kernel and machine can run `knobs`, else why not (the run is "unsupported"):
// each knob's kernel version, and for sqpoll CPUs for the two SQ threads besides the two roles.
std::string uring_knobs_unsupported(unsigned knobs);
inline constexpr int kSqpollMinCpus = 4;

class Uring {
public:
    // Tries SINGLE_ISSUER|DEFER_TASKRUN (completions run only when we wait: no IPIs or task-work
    // interrupting the loop), then COOP_TASKRUN, then no flags, for older kernels. Of `knobs`,
    // kSqpoll sets the ring up with an SQ polling thread (SQPOLL; DEFER_TASKRUN does not go with
    // it) and kRingFd registers the ring fd.
    explicit Uring(unsigned entries, unsigned knobs = 0);
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
    // Calls on_cqe(user_data, res) - or on_cqe(user_data, res, flags) - for every completion in
    // the CQ, in order, then marks them seen (one CQ head update for the batch). Returns how many
    // there were.
    template <class OnCqe>
    unsigned reap(OnCqe on_cqe) {
        io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
            if constexpr (std::is_invocable_v<OnCqe, std::uint64_t, int, unsigned>)
                on_cqe(io_uring_cqe_get_data64(cqe), cqe->res, cqe->flags);
            else on_cqe(io_uring_cqe_get_data64(cqe), cqe->res);
        }
        io_uring_cq_advance(&ring_, seen);
        return seen;
    }
    const std::string &setup() const { return setup_; }  // e.g. "SINGLE_ISSUER|DEFER_TASKRUN"
    bool sqpoll() const { return ring_.flags & IORING_SETUP_SQPOLL; }
    // submit_and_wait calls that took longer than kSlowWaitNs.
    std::uint64_t slow_waits() const { return slow_waits_; }

private:
    io_uring ring_{};
    std::string setup_;
    std::uint64_t slow_waits_ = 0;
};

// Whether the running kernel implements io_uring opcode `op` (IORING_REGISTER_PROBE).
bool uring_opcode_supported(int op);

// What this kernel's io_uring offers, for --version: each opcode, setup flag and feature the
// modes use, and whether it is there (probed, not inferred from the version).
struct UringFeature {
    std::string name;  // "IORING_OP_FUTEX_WAIT", "IORING_SETUP_DEFER_TASKRUN", ...
    bool present = false;
};
std::vector<UringFeature> uring_features();

// Empty when this process can set up an io_uring instance, else why not, naming
// kernel.io_uring_disabled (2: off for everyone; 1: only for root and kernel.io_uring_group).
// The unsupported_reason of every io_uring mode starts here.
std::string io_uring_unavailable();

}  // namespace ipcb
