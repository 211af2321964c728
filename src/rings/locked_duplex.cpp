#include "rings/locked_duplex.hpp"

#include "core/size_spec.hpp"
#include "rings/record_format.hpp"

namespace ipcb {
namespace {

constexpr std::uint64_t kMagic = 0x4C4B44555058494EULL;  // "LKDUPXIN"

std::size_t ring_bytes(const ModeConfig &config) {
    return (LockedRing::footprint(LockedDuplex::ring_capacity(config)) + 63) & ~std::size_t(63);
}

}  // namespace

std::size_t LockedDuplex::ring_capacity(const ModeConfig &c) {
    // Every request in flight plus one (at least two), records that do not walk (record_format.hpp);
    // it was two 128 KiB records rounded up to pages, through which a 4 KiB record walked 65 slots.
    return record::repeating_capacity(std::max<std::size_t>(2, c.inflight + 1), c.max_message);
}

LockedDuplex::LockedDuplex(Role role, Channel &channel, const ModeConfig &config)
    : region_(role, channel,
              {.label = "shm",
               .magic = kMagic,
               .ring_bytes = ring_bytes(config),
               .build = [&](std::byte *, std::byte *request, std::byte *response) {
                   LockedRing::create(request, ring_capacity(config));
                   LockedRing::create(response, ring_capacity(config));
               }}) {
    const LockedRingView request(reinterpret_cast<LockedRing *>(region_.request_ring()), ring_capacity(config));
    const LockedRingView response(reinterpret_cast<LockedRing *>(region_.response_ring()), ring_capacity(config));
    out_ = role == Role::client ? request : response;
    in_ = role == Role::client ? response : request;
    alive_ = [&channel] {
        if (channel.peer_gone()) throw Error("peer closed its connection (exited or died)");
    };
}

void LockedDuplex::send(std::span<const std::byte> msg) {
    LockedRingView &out = *out_;
    {
        RingLock lock(*out, alive_);
        while (!out.fits(msg.size())) lock.wait(out->not_full);
        out.push(msg);
    }
    // Signalled after unlocking, so the woken thread does not block at once on our mutex.
    pthread_cond_signal(&out->not_empty);
}

std::optional<std::size_t> LockedDuplex::try_recv(std::span<std::byte> buf, bool arm) {
    LockedRingView &in = *in_;
    std::optional<std::size_t> n;
    {
        RingLock lock(*in, alive_);
        if (in.empty()) {
            in->consumer_armed = arm;
            return std::nullopt;
        }
        n = in.pop(buf);
    }
    pthread_cond_signal(&in->not_full);
    return n;
}

}  // namespace ipcb
