// `lfshm`: lock-free shared-memory rings; a side that finds nothing to read busy-polls for the
// spin budget, then sleeps with futex(FUTEX_WAIT) on a shared doorbell word, and the peer calls
// futex(FUTEX_WAKE) only when the doorbell says somebody sleeps. No io_uring, no helper thread.
#include "loop/loop_sleepers.hpp"
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/lockfree_fan_in.hpp"

namespace ipcb {
namespace {

std::string how(const ModeConfig &config) {
    return "spin " + std::to_string(config.spin_ns / 1000) + " us, then futex(2) wait/wake (shared)";
}

std::unique_ptr<Endpoint> open_lfshm(Role role, Channel &channel, const ModeConfig &config) {
    if (role == Role::server && config.loop)  // a loop with other work: the integration waits for it
        return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config,
                                                        make_loop_sleeper(*config.loop, poll_tick_ns(config.spin_ns)),
                                                        spin_outside_loop(config.integration, config.spin_ns),
                                                        loop_sleeper_text(config.integration, config.spin_ns));
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, std::make_unique<FutexSleeper>(),
                                                    config.spin_ns, how(config));
}

std::unique_ptr<FanInServer> open_lfshm_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    return std::make_unique<LockFreeFanInServer>(channels, config, std::make_unique<FutexSleeper>(), config.spin_ns,
                                                 how(config) + "; the server sleeps in futex_waitv(2)");
}

}  // namespace

extern const Mode lfshm_mode = {
    .name = "lfshm",
    .summary = "lock-free SPSC rings in memfd shared memory, spin then futex wait/wake",
    .unsupported_reason = runs_everywhere,
    .open = open_lfshm,
    .spins = true,
    .shared_memory = true,
    .open_fan_in = open_lfshm_fan_in,
    .fan_in_design =
        "one loop polls every client's request ring round-robin, spins, then sleeps on all their "
        "doorbells at once with futex_waitv(2); clients wake it with FUTEX_WAKE on their own doorbell",
    .loop_join = LoopJoin::integration,
    .loop_note = "sleeps in futex(2): the loop polls its rings (poll) or a helper thread sleeps for it (helper)",
};

}  // namespace ipcb
