#pragma once
// The fan-in server of the lfshm family: one loop over every client's pair of lock-free rings
// (each client's region is its own LockFreeDuplexEndpoint, as with one client). It polls the
// clients round-robin, starting after the one it served last so none is starved; when none has a
// request it spins for the spin budget, then announces itself asleep on every client's request
// doorbell and sleeps on all of them at once (Sleeper::sleep_any: futex_waitv(2), or io_uring
// FUTEX_WAITV). Clients are unchanged: they wake the server through their own doorbell as usual.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/round_robin.hpp"

namespace ipcb {

class LockFreeFanInServer final : public FanInServer {
public:
    // `sleeper` null: busy-poll only (lfshm-spin).
    LockFreeFanInServer(std::span<Channel *const> channels, const ModeConfig &config, std::unique_ptr<Sleeper> sleeper,
                        std::uint64_t spin_ns, std::string how);

    Arrival recv_any(std::span<std::byte> buf) override;
    void send(unsigned client, std::span<const std::byte> msg) override { peers_.at(client)->send(msg); }
    std::string describe() const override;
    std::uint64_t slow_waits() const override {
        return sleeper_ ? sleeper_->slow_sleeps.load(std::memory_order_relaxed) : 0;
    }

private:
    std::optional<Arrival> poll_once(std::span<std::byte> buf);
    bool any_has_data();
    void sleep_on_all();
    void check_alive();

    std::unique_ptr<Sleeper> sleeper_;
    std::vector<std::unique_ptr<LockFreeDuplexEndpoint>> peers_;
    RoundRobin turns_;
    std::vector<std::atomic<std::uint32_t> *> bells_;  // the live clients' request doorbells
    WaitPolicy policy_;
    std::string how_;
};

}  // namespace ipcb
