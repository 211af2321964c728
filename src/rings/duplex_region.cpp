#include "rings/duplex_region.hpp"

#include "ipc/rendezvous.hpp"

namespace ipcb {
namespace {

constexpr int kLayoutTimeoutMs = 10'000;

SharedRegion open_region(Role role, Channel &channel, const DuplexRegion::Family &f) {
    const std::size_t bytes = DuplexRegion::kHeaderBytes + 2 * f.ring_bytes;
    if (role == Role::client) return SharedRegion::receive(channel, bytes);
    const std::string name = std::string("ipc_benchmark-") + f.label;
    return SharedRegion::create_and_send(channel, bytes, name.c_str());
}

}  // namespace

DuplexRegion::DuplexRegion(Role role, Channel &channel, const Family &f) : region_(open_region(role, channel, f)) {
    static_assert(sizeof(Header) <= kFamilyOffset);
    const std::string label = f.label;
    if (role == Role::server) {
        auto *header = new (region_.data()) Header{};
        header->ring_bytes = ring_bytes_ = f.ring_bytes;
        f.build(family_area(), request_ring(), response_ring());
        // The client reads the layout only after the message below; the release store orders
        // everything built above before the magic.
        header->magic.store(f.magic, std::memory_order_release);
        channel.send_text("layout-ready");
        return;
    }
    if (channel.recv_text(kLayoutTimeoutMs) != "layout-ready")
        throw Error(label + ": peer sent an unexpected setup message");
    auto *header = reinterpret_cast<Header *>(region_.data());
    if (header->magic.load(std::memory_order_acquire) != f.magic)
        throw Error(label + ": shared region has a bad magic");
    ring_bytes_ = f.ring_bytes;
    if (header->ring_bytes != ring_bytes_)
        throw Error(label + ": the shared header says rings of " + std::to_string(header->ring_bytes) +
                    " bytes; this run needs " + std::to_string(ring_bytes_));
}

}  // namespace ipcb
