#include "rings/locked_duplex.hpp"

#include "core/size_spec.hpp"
#include "rings/record_format.hpp"

namespace ipcb {
namespace {

struct Header {
    static constexpr std::uint64_t kMagic = 0x4C4B44555058494EULL;  // "LKDUPXIN"
    std::uint64_t magic;
    std::uint64_t ring_bytes;
};
constexpr std::size_t kHeaderBytes = 4096;

LockedRing *ring_at(std::byte *base, std::size_t ring_bytes, int i) {
    return reinterpret_cast<LockedRing *>(base + kHeaderBytes + std::size_t(i) * ring_bytes);
}

SharedRegion open_region(Role role, Channel &channel, const ModeConfig &config) {
    if (role == Role::client) return SharedRegion::receive(channel);
    const std::size_t ring_bytes = LockedRing::footprint(LockedDuplex::ring_capacity(config));
    return SharedRegion::create_and_send(channel, kHeaderBytes + 2 * ((ring_bytes + 63) & ~std::size_t(63)), "ipc_benchmark-shm");
}

}  // namespace

std::size_t LockedDuplex::ring_capacity(const ModeConfig &c) {
    // At least two of the largest messages, and every request in flight plus one.
    std::size_t records = std::max<std::size_t>(2, c.inflight + 1);
    std::size_t bytes = std::max(2 * record::bytes(kMaxMessageSize), records * record::bytes(c.max_message));
    return (bytes + 4095) & ~std::size_t(4095);
}

LockedDuplex::LockedDuplex(Role role, Channel &channel, const ModeConfig &config)
    : region_(open_region(role, channel, config)) {
    auto *header = reinterpret_cast<Header *>(region_.data());
    if (role == Role::server) {
        const std::size_t capacity = ring_capacity(config);
        header->ring_bytes = (LockedRing::footprint(capacity) + 63) & ~std::size_t(63);
        LockedRing::create(ring_at(region_.data(), header->ring_bytes, 0), capacity);
        LockedRing::create(ring_at(region_.data(), header->ring_bytes, 1), capacity);
        header->magic = Header::kMagic;
        channel.send_text("layout-ready");  // the client reads the layout only after this
    } else {
        if (channel.recv_text(10'000) != "layout-ready") throw Error("shm: peer sent an unexpected setup message");
        if (header->magic != Header::kMagic) throw Error("shm: shared region has a bad magic");
        if (kHeaderBytes + 2 * header->ring_bytes > region_.size()) throw Error("shm: shared region too small");
    }
    LockedRing *request = ring_at(region_.data(), header->ring_bytes, 0);
    LockedRing *response = ring_at(region_.data(), header->ring_bytes, 1);
    out_ = role == Role::client ? request : response;
    in_ = role == Role::client ? response : request;
    alive_ = [&channel] {
        if (channel.peer_gone()) throw Error("peer closed its connection (exited or died)");
    };
}

void LockedDuplex::send(std::span<const std::byte> msg) {
    {
        RingLock lock(*out_, alive_);
        while (!out_->fits(msg.size())) lock.wait(out_->not_full);
        out_->push(msg);
    }
    // Signalled after unlocking, so the woken thread does not block at once on our mutex.
    pthread_cond_signal(&out_->not_empty);
}

std::optional<std::size_t> LockedDuplex::try_recv(std::span<std::byte> buf, bool arm) {
    std::optional<std::size_t> n;
    {
        RingLock lock(*in_, alive_);
        if (in_->empty()) {
            in_->consumer_armed = arm;
            return std::nullopt;
        }
        n = in_->pop(buf);
    }
    pthread_cond_signal(&in_->not_full);
    return n;
}

}  // namespace ipcb
