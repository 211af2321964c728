// `lfshm-spin`: the `lfshm` rings with pure busy-polling, never sleeping: the floor any
// shared-memory design can reach on this machine, at the price of both CPUs at 100%.
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/lockfree_fan_in.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_lfshm_spin(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, nullptr, 0,
                                                    "busy-polling only (never sleeps)");
}

std::unique_ptr<FanInServer> open_lfshm_spin_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    return std::make_unique<LockFreeFanInServer>(channels, config, nullptr, 0, "busy-polling only (never sleeps)");
}

}  // namespace

extern const Mode lfshm_spin_mode = {
    .name = "lfshm-spin",
    .summary = "baseline: the lfshm rings, pure busy-polling (no futex; both CPUs at 100%)",
    .unsupported_reason = runs_everywhere,
    .open = open_lfshm_spin,
    .never_sleeps = true,
    .open_fan_in = open_lfshm_spin_fan_in,
    .fan_in_design = "one loop busy-polls every client's request ring round-robin",
};

}  // namespace ipcb
