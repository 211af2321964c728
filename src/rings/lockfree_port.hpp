#pragma once
// One side of a lock-free duplex: it produces into one SpscByteRing and consumes from the other,
// waking and sleeping through the rings' Doorbells. The lfshm family of modes is this plus the
// shared-memory setup; the ring tests drive two ports from two threads.
#include <cstdint>
#include <optional>
#include <span>

#include "rings/doorbell.hpp"
#include "rings/spsc_byte_ring.hpp"

namespace ipcb {

class LockFreePort {
public:
    struct Lane {
        SpscByteRing::Shared *ring;
        Doorbell *data_bell;   // the consumer sleeps here while the ring is empty
        Doorbell *space_bell;  // the producer sleeps here while the ring is full
    };

    // policy.sleeper may be null (pure busy-polling); policy.check_alive also guards a record
    // whose producer stalls halfway.
    LockFreePort(Lane out, Lane in, WaitPolicy policy, SpscByteRing::Tuning tuning = {});

    void send(std::span<const std::byte> msg);   // waits while the ring is full
    std::size_t recv(std::span<std::byte> buf);  // waits while the ring is empty

    // Zero-copy (lfshm-zc): a slot in the outgoing ring to build a message in (waits while none
    // fits), published by commit(); the next incoming message where it lies (waits while the ring
    // is empty; empty span: the peer finished), given back by release().
    std::span<std::byte> loan(std::size_t n);
    void commit(std::size_t n);
    std::span<const std::byte> peek();
    void release();

    // For a loop that waits on several ports (a fan-in server): pop without waiting, see whether a
    // record waits, settle what is owed before idling, and the doorbell to sleep on.
    std::optional<std::size_t> try_recv(std::span<std::byte> buf);
    bool has_data() { return consumer_.has_data(); }
    void before_idle();
    Doorbell &data_bell() { return *in_.data_bell; }

private:
    void signal_space();

    Lane out_, in_;
    WaitPolicy policy_;
    SpscByteRing::Producer producer_;
    SpscByteRing::Consumer consumer_;
    const std::uint64_t signal_space_every_;  // half the incoming ring, in bytes
    std::uint64_t unsignalled_space_ = 0;     // bytes popped since the space doorbell last rang
    std::size_t peeked_bytes_ = 0;            // record bytes of the message peek() returned
};

}  // namespace ipcb
