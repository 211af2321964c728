#pragma once
// The table of IPC modes (one file per mode in this folder, registered in registry.cpp): what
// each is, what it is measured against, what the kernel must have, and how to open its Endpoint.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/endpoint.hpp"

namespace ipcb {

// The spin budget of the lfshm family: a sleeping wake-up costs tens of microseconds on a VM, and
// 50 us covers a round trip of every size up to 128 KiB (docs/measurements.md).
inline constexpr std::uint64_t kDefaultSpinNs = 50'000;

// How a mode's server joins an event loop that has other work (--neighbours, loop/event_loop.hpp).
enum class LoopJoin {
    completion,   // its wait is a completion in an io_uring: the loop's other sources join that ring
    integration,  // its wait is a futex: the loop polls its rings (poll) or a helper thread sleeps (helper)
    spin,         // it never sleeps: the loop peeks its completions between polls of the rings
    cannot,       // it blocks in a system call the loop cannot see (loop_note says which)
};
const char *loop_join_name(LoopJoin j);  // "completion" | "integration" | "spin" | "cannot"

struct Mode {
    const char *name;
    const char *summary;
    // Empty when this kernel supports the mode, else why not (the run is reported "unsupported").
    std::string (*unsupported_reason)();
    std::unique_ptr<Endpoint> (*open)(Role role, Channel &channel, const ModeConfig &config);
    bool spins = false;                              // honours ModeConfig::spin_ns (busy-polls before sleeping)
    std::uint64_t default_spin_ns = kDefaultSpinNs;  // its budget when --spin is not given (spins)
    bool never_sleeps = false;                       // busy-polls all the time (the spinning baseline)
    const char *baseline = nullptr;                  // the mode this one is set against (the overhead table's pair)
    const char *kernel_needs = "";                   // what the kernel must offer beyond AF_UNIX, memfd and futex
    bool uring_knobs = false;                        // honours ModeConfig::uring_knobs (--uring)
    bool socket_types = false;                       // honours ModeConfig::socket (--socket)
    // Its rings live in a memfd the server maps first (--memory-node binds their pages, the run
    // reports the node that holds them).
    bool shared_memory = false;
    // Fan-in (--clients N > 1): one server loop over every client's channel; null when the mode
    // serves one peer per process (fan_in_design then says why).
    std::unique_ptr<FanInServer> (*open_fan_in)(std::span<Channel *const> channels, const ModeConfig &config) = nullptr;
    const char *fan_in_design = "";  // how its server waits for many clients, or why it cannot
    // Empty when a run of this configuration can be set up, else why not (limits that depend on
    // the message size or window, e.g. a message queue's); null when every configuration can.
    std::string (*unsupported_for)(const ModeConfig &config, unsigned clients) = nullptr;
    // The largest in-flight window the mechanism holds here (a message queue's fs.mqueue.msg_max
    // less one); null or 0: no limit below kMaxInflight. An open loop's default --max-inflight is
    // lowered to it.
    unsigned (*max_window)() = nullptr;
    LoopJoin loop_join = LoopJoin::cannot;
    const char *loop_note = "";  // the wait the loop sees (completion), or why it cannot join one

    // The open loop's --max-inflight when the user gave none: `asked` within max_window.
    unsigned default_max_inflight(unsigned asked) const {
        const unsigned limit = max_window ? max_window() : 0;
        return limit > 0 && limit < asked ? limit : asked;
    }

    // The spin budget of a run: `asked` (--spin, a matrix's spin) or the mode's default; 0 for a
    // mode that does not spin.
    std::uint64_t spin_budget(std::optional<std::uint64_t> asked = std::nullopt) const {
        return spins ? asked.value_or(default_spin_ns) : 0;
    }
};

// Mode::unsupported_reason for modes that need nothing beyond what the harness itself needs.
inline std::string runs_everywhere() { return {}; }

const std::vector<const Mode *> &all_modes();
const Mode *find_mode(std::string_view name);  // nullptr when unknown

}  // namespace ipcb
