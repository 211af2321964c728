// `lfshm-spin`: the `lfshm` rings with pure busy-polling, never sleeping: the floor any
// shared-memory design can reach on this machine, at the price of both CPUs at 100%.
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_lfshm_spin(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, nullptr, 0,
                                                    "busy-polling only (never sleeps)");
}

}  // namespace

extern const Mode lfshm_spin_mode = {
    .name = "lfshm-spin",
    .summary = "baseline: the lfshm rings, pure busy-polling (no futex; both CPUs at 100%)",
    .unsupported_reason = runs_everywhere,
    .open = open_lfshm_spin,
};

}  // namespace ipcb
