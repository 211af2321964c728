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

// Completions of a loop's other sources (loop/event_loop.hpp) in a ring a mode waits in: their
// user_data has kForeignTag set, and every reap() hands them to the sink instead of the mode's
// handler, so a mode's own wait loop serves the loop's other work as a side effect.
inline constexpr std::uint64_t kForeignTag = std::uint64_t(1) << 63;
class CompletionSink {
public:
    virtual ~CompletionSink() = default;
    virtual void on_completion(std::uint64_t tag, int res, unsigned flags) = 0;
};

// What a ring did, for an event loop's figures: io_uring_enter calls that waited, and completions.
struct UringCounts {
    std::uint64_t enters = 0, cqes = 0;
};

class Uring {
public:
    // Tries SINGLE_ISSUER|DEFER_TASKRUN (completions run only when we wait: no IPIs or task-work
    // interrupting the loop), then COOP_TASKRUN, then no flags, for older kernels. Of `knobs`,
    // kSqpoll sets the ring up with an SQ polling thread (SQPOLL; DEFER_TASKRUN does not go with
    // it) and kRingFd registers the ring fd.
    // `sq_thread_cpu` >= 0 pins the SQ polling thread there (IORING_SETUP_SQ_AFF).
    explicit Uring(unsigned entries, unsigned knobs = 0, int sq_thread_cpu = -1);
    // Every ring made after this call has at least `entries` SQ entries: a server whose event
    // loop has other work calls it before opening its mode, whose rings are sized for the IPC
    // alone, so the loop's other sources never fill the SQ between a linked SEND and its RECV.
    static void reserve_entries(unsigned entries);
    // Plain setup (no TASKRUN flag): completions are posted by task work that interrupts the task,
    // so a loop that never enters the kernel still sees them in its CQ (a busy-polling loop).
    struct Interrupting {};
    Uring(unsigned entries, Interrupting);
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
    // The same, bounded: returns after timeout_ns even with nothing completed.
    void submit_and_wait_for(unsigned wait_nr, std::uint64_t timeout_ns);
    // Submits what is queued, if anything, without waiting.
    void submit_queued();
    // Calls on_cqe(user_data, res) - or on_cqe(user_data, res, flags) - for every completion in
    // the CQ, in order, then marks them seen (one CQ head update for the batch). Returns how many
    // there were.
    template <class OnCqe>
    unsigned reap(OnCqe on_cqe) {
        io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
            if (foreign_ && (cqe->user_data & kForeignTag)) {
                foreign_->on_completion(cqe->user_data, cqe->res, cqe->flags);
                continue;
            }
            if constexpr (std::is_invocable_v<OnCqe, std::uint64_t, int, unsigned>)
                on_cqe(io_uring_cqe_get_data64(cqe), cqe->res, cqe->flags);
            else on_cqe(io_uring_cqe_get_data64(cqe), cqe->res);
        }
        io_uring_cq_advance(&ring_, seen);
        counts_.cqes += seen;
        return seen;
    }
    const std::string &setup() const { return setup_; }  // e.g. "SINGLE_ISSUER|DEFER_TASKRUN"
    bool sqpoll() const { return ring_.flags & IORING_SETUP_SQPOLL; }
    // submit_and_wait calls that took longer than kSlowWaitNs.
    std::uint64_t slow_waits() const { return slow_waits_; }
    // Hands completions with kForeignTag to `sink` from now on (nullptr: none).
    void set_foreign_sink(CompletionSink *sink) { foreign_ = sink; }
    const UringCounts &counts() const { return counts_; }

private:
    io_uring ring_{};
    std::string setup_;
    std::uint64_t slow_waits_ = 0;
    CompletionSink *foreign_ = nullptr;
    UringCounts counts_;
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
