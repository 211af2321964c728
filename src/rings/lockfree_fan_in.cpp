#include "rings/lockfree_fan_in.hpp"

namespace ipcb {

LockFreeFanInServer::LockFreeFanInServer(std::span<Channel *const> channels, const ModeConfig &config,
                                         std::unique_ptr<Sleeper> sleeper, std::uint64_t spin_ns, std::string how)
    : sleeper_(std::move(sleeper)),
      finished_(channels.size(), false),
      policy_{.spin_ns = spin_ns, .sleeper = sleeper_.get(), .tick_ms = 50, .check_alive = [this] { check_alive(); }},
      how_(std::move(how)) {
    for (Channel *ch : channels)
        peers_.push_back(
            std::make_unique<LockFreeDuplexEndpoint>(Role::server, *ch, config, sleeper_.get(), spin_ns, how_));
    for (auto &p : peers_) bells_.push_back(&p->port().data_bell().sleeping);
}

std::optional<FanInServer::Arrival> LockFreeFanInServer::poll_once(std::span<std::byte> buf) {
    const unsigned n = unsigned(peers_.size());
    for (unsigned k = 0; k < n; ++k) {
        const unsigned c = (next_ + k) % n;
        if (finished_[c]) continue;
        if (std::optional<std::size_t> got = peers_[c]->port().try_recv(buf)) {
            next_ = c + 1;
            if (*got == 0) {  // that client is done: stop polling and sleeping on its ring
                finished_[c] = true;
                std::erase(bells_, &peers_[c]->port().data_bell().sleeping);
            }
            return Arrival{c, *got};
        }
    }
    return std::nullopt;
}

bool LockFreeFanInServer::any_has_data() {
    for (std::size_t c = 0; c < peers_.size(); ++c)
        if (!finished_[c] && peers_[c]->port().has_data()) return true;
    return false;
}

void LockFreeFanInServer::check_alive() {
    for (std::size_t c = 0; c < peers_.size(); ++c)
        if (!finished_[c]) peers_[c]->check_alive();
}

// The doorbell protocol of rings/doorbell.hpp (wait_until), over every live client's bell.
void LockFreeFanInServer::sleep_on_all() {
    for (auto *bell : bells_) bell->store(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);  // announce before re-checking
    if (!any_has_data()) {
        const std::uint64_t start = now_ns();
        sleeper_->sleep_any(bells_, policy_.tick_ms);
        if (now_ns() - start > kSlowWaitNs) ++sleeper_->slow_sleeps;
    }
    for (auto *bell : bells_) bell->store(0, std::memory_order_relaxed);
}

FanInServer::Arrival LockFreeFanInServer::recv_any(std::span<std::byte> buf) {
    // As wait_until does for one peer: wakes the sleeper holds back for clients go out with this
    // loop's sleep, or before it returns or spins, so no client waits for a wake held here.
    auto flush = [&] {
        if (sleeper_) sleeper_->flush();
    };
    for (;;) {
        if (std::optional<Arrival> a = poll_once(buf)) {
            flush();
            return *a;
        }
        for (std::size_t c = 0; c < peers_.size(); ++c)
            if (!finished_[c]) peers_[c]->port().before_idle();
        if (!sleeper_ || policy_.spin_ns > 0) {
            flush();
            if (spin_until(policy_, [&] { return any_has_data(); })) continue;
        }
        sleep_on_all();
        check_alive();
    }
}

std::string LockFreeFanInServer::describe() const {
    return std::to_string(peers_.size()) + " clients, each " + peers_[0]->describe() +
           "; one loop polls them round-robin" +
           (sleeper_ ? ", then sleeps on every client's doorbell at once" : " and never sleeps");
}

}  // namespace ipcb
