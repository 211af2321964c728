#include "rings/lockfree_duplex.hpp"

#include <new>

namespace ipcb {

// The family's part of the region's header page: the four doorbells.
struct LockFreeDuplexEndpoint::Bells {
    Doorbell request_data, request_space, response_data, response_space;
};

namespace {

constexpr std::uint64_t kMagic = 0x4C46445550584931ULL;  // "LFDUPXI1"

}  // namespace

std::size_t LockFreeDuplexEndpoint::ring_capacity(const ModeConfig &c, RingUse use) {
    const std::size_t records = std::max<std::size_t>(2, c.inflight + 1);
    // Records that do not walk (record_format.hpp). Zero-copy records never wrap, so its ring
    // holds one record more and needs no page minimum.
    if (use == RingUse::zero_copy) return (records + 1) * SpscByteRing::record_bytes(c.max_message);
    return record::repeating_capacity(records, c.max_message);
}

LockFreeDuplexEndpoint::LockFreeDuplexEndpoint(Role role, Channel &channel, const ModeConfig &config,
                                               std::unique_ptr<Sleeper> sleeper, std::uint64_t spin_ns, std::string how,
                                               RingUse use)
    : LockFreeDuplexEndpoint(role, channel, config, sleeper.get(), spin_ns, std::move(how), use) {
    owned_sleeper_ = std::move(sleeper);
}

void LockFreeDuplexEndpoint::check_alive() const {
    if (channel_.peer_gone()) throw Error("peer closed its connection (exited or died)");
}

LockFreeDuplexEndpoint::LockFreeDuplexEndpoint(Role role, Channel &channel, const ModeConfig &config,
                                               Sleeper *shared_sleeper, std::uint64_t spin_ns, std::string how,
                                               RingUse use)
    : channel_(channel),
      region_(role, channel,
              {.label = "lfshm",
               .magic = kMagic,
               .ring_bytes = SpscByteRing::footprint(ring_capacity(config, use)),
               .build =
                   [&](std::byte *family, std::byte *request, std::byte *response) {
                       new (family) Bells;
                       SpscByteRing::create(request, ring_capacity(config, use));
                       SpscByteRing::create(response, ring_capacity(config, use));
                   }}),
      sleeper_(shared_sleeper),
      how_(std::move(how)),
      use_(use) {
    static_assert(sizeof(Bells) <= DuplexRegion::kFamilyBytes);
    auto *bells = reinterpret_cast<Bells *>(region_.family_area());
    auto *request_ring = reinterpret_cast<SpscByteRing::Shared *>(region_.request_ring());
    auto *response_ring = reinterpret_cast<SpscByteRing::Shared *>(region_.response_ring());
    // The ports copy capacity and data offset once, now: they must be what this side computes
    // from the run's parameters, whatever the peer wrote (a client checks the server's layout).
    for (const SpscByteRing::Shared *ring : {request_ring, response_ring})
        if (ring->capacity != ring_capacity(config, use) || ring->data_offset != SpscByteRing::footprint(0))
            throw Error("lfshm: the shared ring's header says capacity " + std::to_string(ring->capacity) +
                        ", data at " + std::to_string(ring->data_offset) + "; this side expects " +
                        std::to_string(ring_capacity(config, use)) + " at " +
                        std::to_string(SpscByteRing::footprint(0)));
    using Lane = LockFreePort::Lane;
    const Lane request{request_ring, &bells->request_data, &bells->request_space};
    const Lane response{response_ring, &bells->response_data, &bells->response_space};
    WaitPolicy policy{.spin_ns = spin_ns, .sleeper = sleeper_, .tick_ms = 50, .check_alive = [this] { check_alive(); }};
    if (role == Role::client) port_.emplace(request, response, std::move(policy));
    else port_.emplace(response, request, std::move(policy));
    capacity_ = request_ring->capacity;
}

void LockFreeDuplexEndpoint::send(std::span<const std::byte> msg) { port_->send(msg); }

std::size_t LockFreeDuplexEndpoint::recv(std::span<std::byte> buf) { return port_->recv(buf); }

void LockFreeDuplexEndpoint::finish() {
    // a zero-length record: "no more messages"
    if (use_ == RingUse::zero_copy) loan(0), commit(0);
    else send({});
    if (sleeper_) sleeper_->flush();
}

std::string LockFreeDuplexEndpoint::describe() const {
    return "memfd, 2 lock-free SPSC byte rings of " + std::to_string(capacity_ / 1024) + " KiB" +
           (use_ == RingUse::zero_copy ? ", messages built and read in place (zero-copy)" : "") + "; " + how_;
}

}  // namespace ipcb
