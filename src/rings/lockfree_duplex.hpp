#pragma once
// The lock-free duplex transport behind the lfshm family of modes: a request ring and a response
// ring (SpscByteRing) with a data and a space Doorbell each, in one memfd region. The modes differ
// only in their Sleeper (futex syscall, io_uring futex ops, none) and spin budget.
#include <memory>
#include <string>

#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"
#include "rings/duplex_region.hpp"
#include "rings/lockfree_port.hpp"

namespace ipcb {

// How the rings are used: messages copied in and out (records may wrap around the ring's end), or
// built and read in place (records contiguous, the ring one record longer to leave room for the
// skip at its end).
enum class RingUse { copying, zero_copy };

class LockFreeDuplexEndpoint final : public Endpoint, public ZeroCopy {
public:
    // `sleeper` may be null (pure busy-polling). `how` describes the waiting, for the report.
    LockFreeDuplexEndpoint(Role role, Channel &channel, const ModeConfig &config, std::unique_ptr<Sleeper> sleeper,
                           std::uint64_t spin_ns, std::string how, RingUse use = RingUse::copying);
    // The same, sleeping and waking through a sleeper it does not own (a fan-in server's, shared
    // by all its clients' endpoints).
    LockFreeDuplexEndpoint(Role role, Channel &channel, const ModeConfig &config, Sleeper *shared_sleeper,
                           std::uint64_t spin_ns, std::string how, RingUse use = RingUse::copying);

    void send(std::span<const std::byte> msg) override;
    std::size_t recv(std::span<std::byte> buf) override;
    void finish() override;
    std::string describe() const override;
    ZeroCopy *zero_copy() override { return use_ == RingUse::zero_copy ? this : nullptr; }
    std::span<std::byte> loan(std::size_t n) override { return port_->loan(n); }
    void commit(std::size_t n) override { port_->commit(n); }
    std::span<const std::byte> peek() override { return port_->peek(); }
    void release() override { port_->release(); }
    std::uint64_t slow_waits() const override {
        return sleeper_ ? sleeper_->slow_sleeps.load(std::memory_order_relaxed) : 0;
    }
    Uring *loop_ring() override { return sleeper_ ? sleeper_->ring() : nullptr; }
    LockFreePort &port() { return *port_; }
    void check_alive() const;  // throws when the peer closed its connection

    // Ring capacity per direction for a run: room for every request in flight plus one.
    static std::size_t ring_capacity(const ModeConfig &config, RingUse use = RingUse::copying);

private:
    struct Bells;

    Channel &channel_;
    DuplexRegion region_;
    std::unique_ptr<Sleeper> owned_sleeper_;
    Sleeper *sleeper_;
    std::optional<LockFreePort> port_;
    std::size_t capacity_ = 0;
    std::string how_;
    RingUse use_;
};

}  // namespace ipcb
