#pragma once
// The server's event loop when it has other work than its IPC (--neighbours): one io_uring whose
// completions come from several sources (the IPC channel, the neighbours' TCP connections), each
// source's user_data tagged with kForeignTag and its own number.
//
// How the IPC side joins it (Mode::loop_join, ipc/endpoint.hpp's LoopIntegration):
//  - completion designs (uds, pipe, tcp, mq, shm, lfshm-uring, lfshm-eventfd, lfshm-msgring) wait
//    for a completion in a ring of their own; the loop is attached to that ring, and every reap of
//    the mode's wait loop hands the other sources' completions to them (Uring::set_foreign_sink).
//    The IPC's wait and the neighbours' completions are picked up by the same io_uring_enter.
//  - the lfshm rings, whose wait is a futex, need an integration (loop/loop_sleepers.hpp): the
//    loop owns the ring then, and the integration runs it where the mode would sleep.
#include <cstdint>
#include <memory>
#include <vector>

#include "ipc/endpoint.hpp"
#include "uring/uring.hpp"

namespace ipcb {

// One source of completions in the loop (the neighbours' connections). `local` is the source's
// own part of the tag: the low 48 bits.
class LoopSource {
public:
    virtual ~LoopSource() = default;
    virtual void on_completion(std::uint64_t local, int res, unsigned flags) = 0;
};

// The loop's figures over a stretch of time (snapshot() twice, then minus).
struct LoopCounts {
    std::uint64_t iterations = 0;  // waits of the loop (io_uring_enter; an integration's polls)
    std::uint64_t enters = 0;      // io_uring_enter calls
    std::uint64_t cqes = 0;        // completions reaped, every source's
    LoopCounts operator-(const LoopCounts &o) const {
        return {iterations - o.iterations, enters - o.enters, cqes - o.cqes};
    }
};

class EventLoop final : public CompletionSink {
public:
    static constexpr std::uint64_t kLocalBits = 48;

    explicit EventLoop(LoopIntegration integration) : integration_(integration) {}
    ~EventLoop() override;
    EventLoop(const EventLoop &) = delete;
    EventLoop &operator=(const EventLoop &) = delete;

    LoopIntegration integration() const { return integration_; }
    // A completion design: the loop's other sources join the ring the IPC server waits in.
    void attach(Uring &ring);
    // The ring the sources submit to: the attached one, or the loop's own (made on first use:
    // plain setup for the spin integration, whose loop never enters the kernel to wait).
    Uring &ring();
    bool attached() const { return attached_ != nullptr; }

    // Registers a source; its SQEs carry tag(id, local).
    unsigned add_source(LoopSource *source);
    static std::uint64_t tag(unsigned source, std::uint64_t local) {
        return kForeignTag | (std::uint64_t(source) << kLocalBits) | (local & ((std::uint64_t(1) << kLocalBits) - 1));
    }
    void on_completion(std::uint64_t tag, int res, unsigned flags) override;

    // One iteration run by the loop itself (an integration's, or serving the sources once the IPC
    // is done): submits what is queued, waits at most timeout_ns for a completion (0: does not
    // wait, only takes what is there), and hands every completion to its source.
    void run_once(std::uint64_t timeout_ns);

    LoopCounts snapshot() const;

private:
    LoopIntegration integration_;
    Uring *attached_ = nullptr;
    std::unique_ptr<Uring> own_;
    std::vector<LoopSource *> sources_;
    std::uint64_t own_iterations_ = 0;
};

}  // namespace ipcb
