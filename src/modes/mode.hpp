#pragma once
// The table of IPC modes (one file per mode in this folder, registered in registry.cpp): what
// each is, what it is measured against, what the kernel must have, and how to open its Endpoint.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/endpoint.hpp"

namespace ipcb {

inline constexpr std::uint64_t kDefaultSpinNs = 50'000;  // see README "spin budget"

struct Mode {
    const char *name;
    const char *summary;
    // Empty when this kernel supports the mode, else why not (the run is reported "unsupported").
    std::string (*unsupported_reason)();
    std::unique_ptr<Endpoint> (*open)(Role role, Channel &channel, const ModeConfig &config);
    bool spins = false;              // honours ModeConfig::spin_ns (busy-polls before sleeping)
    bool never_sleeps = false;       // busy-polls all the time (the spinning baseline)
    const char *baseline = nullptr;  // the mode this one is set against (the overhead table's pair)
    const char *kernel_needs = "";   // what the kernel must offer beyond AF_UNIX, memfd and futex
    bool uring_knobs = false;        // honours ModeConfig::uring_knobs (--uring)
    // Fan-in (--clients N > 1): one server loop over every client's channel; null when the mode
    // serves one peer per process (fan_in_design then says why).
    std::unique_ptr<FanInServer> (*open_fan_in)(std::span<Channel *const> channels, const ModeConfig &config) = nullptr;
    const char *fan_in_design = "";  // how its server waits for many clients, or why it cannot
};

// Mode::unsupported_reason for modes that need nothing beyond what the harness itself needs.
inline std::string runs_everywhere() { return {}; }

const std::vector<const Mode *> &all_modes();
const Mode *find_mode(std::string_view name);  // nullptr when unknown

}  // namespace ipcb
