#include "rings/lockfree_fan_in.hpp"

namespace ipcb {

LockFreeFanInServer::LockFreeFanInServer(std::span<Channel *const> channels, const ModeConfig &config,
                                         std::unique_ptr<Sleeper> sleeper, std::uint64_t spin_ns, std::string how)
    : sleeper_(std::move(sleeper)),
      turns_(channels.size()),
      policy_{.spin_ns = spin_ns, .sleeper = sleeper_.get(), .tick_ms = 50, .check_alive = [this] { check_alive(); }},
      how_(std::move(how)) {
    for (Channel *ch : channels)
        peers_.push_back(
            std::make_unique<LockFreeDuplexEndpoint>(Role::server, *ch, config, sleeper_.get(), spin_ns, how_));
    for (auto &p : peers_) bells_.push_back(&p->port().data_bell().sleeping);
}

std::optional<FanInServer::Arrival> LockFreeFanInServer::poll_once(std::span<std::byte> buf) {
    std::optional<Arrival> a = turns_.poll([&](unsigned c) { return peers_[c]->port().try_recv(buf); });
    if (a && a->length == 0)  // that client is done: stop sleeping on its ring too
        std::erase(bells_, &peers_[a->client]->port().data_bell().sleeping);
    return a;
}

bool LockFreeFanInServer::any_has_data() {
    for (std::size_t c = 0; c < peers_.size(); ++c)
        if (!turns_.finished(c) && peers_[c]->port().has_data()) return true;
    return false;
}

void LockFreeFanInServer::check_alive() {
    for (std::size_t c = 0; c < peers_.size(); ++c)
        if (!turns_.finished(c)) peers_[c]->check_alive();
}

// The doorbell protocol of rings/doorbell.hpp, over every live client's bell at once.
void LockFreeFanInServer::sleep_on_all() {
    announce_then_sleep(
        bells_, *sleeper_, [&] { return any_has_data(); }, [&] { sleeper_->sleep_any(bells_, policy_.tick_ms); });
    retract_announcement(bells_);
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
            if (!turns_.finished(c)) peers_[c]->port().before_idle();
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
