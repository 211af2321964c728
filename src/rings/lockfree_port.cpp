#include "rings/lockfree_port.hpp"

#include <stdexcept>

namespace ipcb {

LockFreePort::LockFreePort(Lane out, Lane in, WaitPolicy policy, SpscByteRing::Tuning tuning)
    : out_(out),
      in_(in),
      policy_(std::move(policy)),
      producer_(out.ring, tuning),
      consumer_(in.ring, tuning),
      signal_space_every_(in.ring->capacity / 2) {
    consumer_.on_stall = policy_.check_alive;
}

void LockFreePort::send(std::span<const std::byte> msg) {
    if (!producer_.try_push(msg)) {
        signal_space();  // before this side waits: the peer may be waiting for that space
        wait_until(*out_.space_bell, policy_, [&] { return producer_.fits(msg.size()); });
        if (!producer_.try_push(msg)) throw Error("lock-free ring: no room after the consumer made room");
    }
    ring_doorbell(*out_.data_bell, policy_.sleeper);
}

std::size_t LockFreePort::recv(std::span<std::byte> buf) {
    std::optional<std::size_t> n = try_recv(buf);
    while (!n) {
        before_idle();
        wait_until(*in_.data_bell, policy_, [&] { return consumer_.has_data(); });
        n = try_recv(buf);
    }
    return *n;
}

std::optional<std::size_t> LockFreePort::try_recv(std::span<std::byte> buf) {
    std::optional<std::size_t> n = consumer_.try_pop(buf);
    if (!n) return n;
    unsignalled_space_ += SpscByteRing::record_bytes(*n);
    if (unsignalled_space_ >= signal_space_every_) signal_space();
    return n;
}

std::span<std::byte> LockFreePort::loan(std::size_t n) {
    std::byte *slot = producer_.try_loan(n);
    if (!slot) {
        signal_space();  // before this side waits: the peer may be waiting for that space
        wait_until(*out_.space_bell, policy_, [&] { return (slot = producer_.try_loan(n)) != nullptr; });
    }
    return {slot, n};
}

void LockFreePort::commit(std::size_t n) {
    producer_.commit(n);
    ring_doorbell(*out_.data_bell, policy_.sleeper);
}

std::span<const std::byte> LockFreePort::peek() {
    std::optional<std::span<const std::byte>> msg = consumer_.try_peek();
    while (!msg) {
        before_idle();
        wait_until(*in_.data_bell, policy_, [&] { return consumer_.has_data(); });
        msg = consumer_.try_peek();
    }
    peeked_bytes_ = SpscByteRing::record_bytes(msg->size());
    return *msg;
}

void LockFreePort::release() {
    consumer_.release();
    unsignalled_space_ += peeked_bytes_;
    if (unsignalled_space_ >= signal_space_every_) signal_space();
}

// Idle until the peer answers: settle what is owed and prepare the next send now.
void LockFreePort::before_idle() {
    signal_space();
    producer_.warm_next();
}

// The space doorbell's fence waits for this core's store of the head index, whose line the
// producer last read, i.e. for a cross-core invalidation. Ringing it after every pop put that
// wait on the critical path of every round trip (docs/measurements.md, "Why the code is as it is"); the head itself is still published
// by every pop, so a spinning producer sees the space at once. A producer asleep on a full ring
// is woken once half the ring is free, or when this side is about to wait itself (for data or
// for space), so neither side can end up waiting for the other's doorbell.
void LockFreePort::signal_space() {
    if (unsignalled_space_ == 0) return;
    unsignalled_space_ = 0;
    ring_doorbell(*in_.space_bell, policy_.sleeper);
}

}  // namespace ipcb
