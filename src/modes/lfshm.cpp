// `lfshm`: lock-free shared-memory rings; a side that finds nothing to read busy-polls for the
// spin budget, then sleeps with futex(FUTEX_WAIT) on a shared doorbell word, and the peer calls
// futex(FUTEX_WAKE) only when the doorbell says somebody sleeps. No io_uring, no helper thread.
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_lfshm(Role role, Channel &channel, const ModeConfig &config) {
    std::string how = "spin " + std::to_string(config.spin_ns / 1000) + " us, then futex(2) wait/wake (shared)";
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, std::make_unique<FutexSleeper>(),
                                                    config.spin_ns, how);
}

}  // namespace

extern const Mode lfshm_mode = {
    .name = "lfshm",
    .summary = "lock-free SPSC rings in memfd shared memory, spin then futex wait/wake",
    .unsupported_reason = runs_everywhere,
    .open = open_lfshm,
    .spins = true,
};

}  // namespace ipcb
