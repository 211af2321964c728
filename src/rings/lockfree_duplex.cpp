#include "rings/lockfree_duplex.hpp"

#include <new>

namespace ipcb {

// Region layout: this header, then the request ring, then the response ring.
struct LockFreeDuplexEndpoint::Layout {
    static constexpr std::uint64_t kMagic = 0x4C46445550584931ULL;  // "LFDUPXI1"
    std::uint64_t magic = kMagic;
    std::uint64_t ring_bytes = 0;  // footprint of each ring
    Doorbell request_data, request_space, response_data, response_space;

    static std::size_t header_bytes() { return (sizeof(Layout) + 4095) & ~std::size_t(4095); }
    SpscByteRing::Shared *ring(int i) {
        return reinterpret_cast<SpscByteRing::Shared *>(reinterpret_cast<std::byte *>(this) + header_bytes() + i * ring_bytes);
    }
};

std::size_t LockFreeDuplexEndpoint::ring_capacity(const ModeConfig &c) {
    std::size_t records = std::max<std::size_t>(2, c.inflight + 1);
    return (records * SpscByteRing::record_bytes(c.max_message) + 4095) & ~std::size_t(4095);
}

namespace {

SharedRegion open_region(Role role, Channel &channel, const ModeConfig &config) {
    if (role == Role::client) return SharedRegion::receive(channel);
    const std::size_t ring_bytes = SpscByteRing::footprint(LockFreeDuplexEndpoint::ring_capacity(config));
    // header page + two rings; the layout constructor below fills it in
    return SharedRegion::create_and_send(channel, 4096 + 2 * ring_bytes, "ipc_benchmark-lfshm");
}

}  // namespace

LockFreeDuplexEndpoint::LockFreeDuplexEndpoint(Role role, Channel &channel, const ModeConfig &config,
                                               std::unique_ptr<Sleeper> sleeper, std::uint64_t spin_ns, std::string how)
    : channel_(channel), region_(open_region(role, channel, config)), sleeper_(std::move(sleeper)), how_(std::move(how)) {
    static_assert(sizeof(Layout) <= 4096);
    Layout *layout;
    if (role == Role::server) {
        // The server builds the layout before the client can see it: the client maps the region
        // only after receiving the fd, and then waits for the handshake's first message... the
        // fd was sent already, so the client checks the magic with acquire semantics below.
        const std::size_t capacity = ring_capacity(config);
        layout = new (region_.data()) Layout;
        layout->ring_bytes = SpscByteRing::footprint(capacity);
        SpscByteRing::create(layout->ring(0), capacity);
        SpscByteRing::create(layout->ring(1), capacity);
        std::atomic_thread_fence(std::memory_order_release);
        channel.send_text("layout-ready");
    } else {
        if (channel.recv_text(10'000) != "layout-ready") throw Error("lfshm: peer sent an unexpected setup message");
        std::atomic_thread_fence(std::memory_order_acquire);
        layout = reinterpret_cast<Layout *>(region_.data());
        if (layout->magic != Layout::kMagic) throw Error("lfshm: shared region has a bad magic");
        if (Layout::header_bytes() + 2 * layout->ring_bytes > region_.size()) throw Error("lfshm: shared region too small");
    }
    using Lane = LockFreePort::Lane;
    const Lane request{layout->ring(0), &layout->request_data, &layout->request_space};
    const Lane response{layout->ring(1), &layout->response_data, &layout->response_space};
    WaitPolicy policy{.spin_ns = spin_ns, .sleeper = sleeper_.get(), .tick_ms = 50, .check_alive = [this] {
                          if (channel_.peer_gone()) throw Error("peer closed its connection (exited or died)");
                      }};
    if (role == Role::client) port_.emplace(request, response, std::move(policy));
    else port_.emplace(response, request, std::move(policy));
    capacity_ = layout->ring(0)->capacity;
}

void LockFreeDuplexEndpoint::send(std::span<const std::byte> msg) { port_->send(msg); }

std::size_t LockFreeDuplexEndpoint::recv(std::span<std::byte> buf) { return port_->recv(buf); }

void LockFreeDuplexEndpoint::finish() { send({}); }  // a zero-length record: "no more messages"

std::string LockFreeDuplexEndpoint::describe() const {
    return "memfd, 2 lock-free SPSC byte rings of " + std::to_string(capacity_ / 1024) + " KiB; " + how_;
}

}  // namespace ipcb
