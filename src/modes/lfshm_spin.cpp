// `lfshm-spin`: the `lfshm` rings with pure busy-polling, never sleeping: the floor any
// shared-memory design can reach on this machine, at the price of both CPUs at 100%.
#include "loop/loop_sleepers.hpp"
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/lockfree_fan_in.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_lfshm_spin(Role role, Channel &channel, const ModeConfig &config) {
    if (role == Role::server && config.loop)  // the loop's completions peeked between polls
        return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, make_loop_sleeper(*config.loop, 0), 0,
                                                        loop_sleeper_text(LoopIntegration::spin, 0));
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
    .shared_memory = true,
    .open_fan_in = open_lfshm_spin_fan_in,
    .fan_in_design = "one loop busy-polls every client's request ring round-robin",
    .loop_join = LoopJoin::spin,
    .loop_note = "never sleeps: the loop takes its completions from the CQ between polls of the rings",
};

}  // namespace ipcb
