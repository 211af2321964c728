#pragma once
// The mutex-guarded duplex transport behind `shm` and `shm-direct`: a request and a response
// LockedRing in one memfd region. Sending is the same for both modes (lock, push, signal
// "not empty"); they differ in how the receiver learns that a record arrived.
#include <functional>
#include <optional>
#include <span>

#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"
#include "rings/duplex_region.hpp"
#include "rings/locked_ring.hpp"

namespace ipcb {

class LockedDuplex {
public:
    LockedDuplex(Role role, Channel &channel, const ModeConfig &config);

    LockedRingView &in() { return *in_; }
    LockedRingView &out() { return *out_; }
    // Throws when the peer closed its connection (exited or died).
    const std::function<void()> &alive() const { return alive_; }

    // Lock, wait (timed) for room, push, unlock, signal the receiver.
    void send(std::span<const std::byte> msg);
    // Pops one record into buf (signalling "not full"); when the ring is empty, returns nullopt
    // after setting in().consumer_armed to `arm` - all under one lock hold.
    std::optional<std::size_t> try_recv(std::span<std::byte> buf, bool arm);
    std::size_t capacity() const { return in_->capacity(); }

    static std::size_t ring_capacity(const ModeConfig &config);

private:
    DuplexRegion region_;
    std::optional<LockedRingView> in_, out_;
    std::function<void()> alive_;
};

}  // namespace ipcb
