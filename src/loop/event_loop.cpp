#include "loop/event_loop.hpp"

#include "core/sys.hpp"

namespace ipcb {

namespace {
// Room for every neighbour connection's RECV and SEND plus the IPC's own: the SQ is submitted
// early when full (Uring::sqe), and the CQ (twice the SQ) keeps overflow in the kernel (NODROP).
constexpr unsigned kOwnRingEntries = 256;
}  // namespace

// An attached ring is the mode's server's, and the server (which also holds the integrations
// that use this loop) is destroyed before the loop (run/child/server_role.cpp): it is not touched.
EventLoop::~EventLoop() = default;

void EventLoop::attach(Uring &ring) {
    if (own_) throw Error("event loop: its own ring is already in use");
    attached_ = &ring;
    ring.set_foreign_sink(this);
}

Uring &EventLoop::ring() {
    if (attached_) return *attached_;
    if (!own_) {
        own_ = integration_ == LoopIntegration::spin ? std::make_unique<Uring>(kOwnRingEntries, Uring::Interrupting{})
                                                     : std::make_unique<Uring>(kOwnRingEntries);
        own_->set_foreign_sink(this);
    }
    return *own_;
}

unsigned EventLoop::add_source(LoopSource *source) {
    sources_.push_back(source);
    return unsigned(sources_.size() - 1);
}

void EventLoop::on_completion(std::uint64_t tag, int res, unsigned flags) {
    const std::uint64_t source = (tag & ~kForeignTag) >> kLocalBits;
    if (source >= sources_.size())
        throw Error("event loop: a completion of no source (tag " + std::to_string(tag) + ")");
    sources_[source]->on_completion(tag & ((std::uint64_t(1) << kLocalBits) - 1), res, flags);
}

void EventLoop::run_once(std::uint64_t timeout_ns) {
    Uring &r = ring();
    ++own_iterations_;
    if (timeout_ns == 0) r.submit_queued();
    else r.submit_and_wait_for(1, timeout_ns);
    const bool shared = attached_ != nullptr;
    r.reap([shared](std::uint64_t tag, int) {
        // Every SQE of the loop's sources carries kForeignTag. In an attached ring the loop runs
        // on its own only once the IPC session has ended, so what is left of the IPC's is moot.
        if (!shared) throw Error("event loop: an untagged completion (" + std::to_string(tag) + ") in its ring");
    });
}

LoopCounts EventLoop::snapshot() const {
    const Uring *r = attached_ ? attached_ : own_.get();
    if (!r) return {own_iterations_, 0, 0};
    const UringCounts &c = r->counts();
    // A completion design's iterations are its ring's enters; an integration's are its own polls.
    return {attached_ ? c.enters + own_iterations_ : own_iterations_, c.enters, c.cqes};
}

}  // namespace ipcb
