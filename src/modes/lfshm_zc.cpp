// `lfshm-zc`: lfshm's rings and waiting (spin, then futex), with messages built and read where
// they lie: the sender reserves a slot in the ring, writes the message into it and publishes it;
// the receiver checks it in place and releases the slot. No copy in, no copy out.
//
// What is touched, to be comparable: the sender writes every byte of every message (as an
// application building it would); the receiver reads what every mode's receiver reads (the stamps
// of every message, every byte of one in kFullCheckEvery). The server builds its response fresh in
// the response ring, so it checks the request's every byte itself on the sampled messages (in the
// copying modes the client's full check of the echoed body covers the request too).
#include "loop/loop_sleepers.hpp"
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_lfshm_zc(Role role, Channel &channel, const ModeConfig &config) {
    if (role == Role::server && config.loop)  // a loop with other work: the integration waits for it
        return std::make_unique<LockFreeDuplexEndpoint>(
            role, channel, config, make_loop_sleeper(*config.loop, poll_tick_ns(config.spin_ns)),
            spin_outside_loop(config.integration, config.spin_ns),
            loop_sleeper_text(config.integration, config.spin_ns), RingUse::zero_copy);
    return std::make_unique<LockFreeDuplexEndpoint>(
        role, channel, config, std::make_unique<FutexSleeper>(), config.spin_ns,
        "spin " + std::to_string(config.spin_ns / 1000) + " us, then futex(2) wait/wake (shared)", RingUse::zero_copy);
}

}  // namespace

extern const Mode lfshm_zc_mode = {
    .name = "lfshm-zc",
    .summary = "lfshm with messages built and checked in place in the ring (zero-copy loan/commit)",
    .unsupported_reason = runs_everywhere,
    .open = open_lfshm_zc,
    .spins = true,
    .baseline = "lfshm",
    .shared_memory = true,
    .fan_in_design =
        "not built: a zero-copy fan-in server would hand out slots of every client's ring at once; "
        "fan-in is measured with lfshm",
    .loop_join = LoopJoin::integration,
    .loop_note = "sleeps in futex(2): the loop polls its rings (poll) or a helper thread sleeps for it (helper)",
};

}  // namespace ipcb
