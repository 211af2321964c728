#pragma once
// How an lfshm ring's server joins an event loop with other work (LoopIntegration): a Sleeper that
// runs the loop where the mode would have slept in futex(2), so the loop's other sources are
// served while the IPC side waits. The client side is unchanged (it sleeps and wakes with futex).
//  - poll: the rings are polled once per loop iteration and the loop's wait is bounded by a tick
//    (the run's spin budget, or kPollTickNs without one): the server spends that budget waiting
//    in the loop, where the other sources are served, instead of spinning outside it. It never
//    sleeps where the client's wake reaches, so it takes its announcement back at once (no
//    FUTEX_WAKE is made for it); a request waits at most a tick.
//  - helper: a helper thread sleeps in FUTEX_WAIT on the doorbell and writes an eventfd that the
//    loop READs (shm's design on lock-free rings): the client's FUTEX_WAKE wakes the helper.
//  - spin (lfshm-spin): the loop never sleeps; between polls of the rings it takes the loop's
//    completions from the CQ (a ring whose completions interrupt the task: no enter needed).
#include <cstdint>
#include <memory>

#include "loop/event_loop.hpp"
#include "rings/doorbell.hpp"

namespace ipcb {

inline constexpr std::uint64_t kPollTickNs = 50'000;  // the poll integration's bound without a spin budget
inline std::uint64_t poll_tick_ns(std::uint64_t spin_ns) { return spin_ns > 0 ? spin_ns : kPollTickNs; }

// The sleeper for loop.integration(); poll waits at most tick_ns per iteration.
std::unique_ptr<Sleeper> make_loop_sleeper(EventLoop &loop, std::uint64_t tick_ns);
// The spin budget the endpoint keeps outside the loop: none for poll (the tick is the budget).
inline std::uint64_t spin_outside_loop(LoopIntegration i, std::uint64_t spin_ns) {
    return i == LoopIntegration::poll || i == LoopIntegration::spin ? 0 : spin_ns;
}
// One line for the report: how the server waits in its loop.
std::string loop_sleeper_text(LoopIntegration integration, std::uint64_t spin_ns);

}  // namespace ipcb
