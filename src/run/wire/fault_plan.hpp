#pragma once
// The fault plan (`--inject [MODE/]ROLE:FAULT@OP`): which role misbehaves how at which operation.
// Plain data that the run's configuration carries and both sides read; what a fault does is the
// child's (run/child/fault.hpp).
#include <cstdint>
#include <string>
#include <string_view>

namespace ipcb {

enum class FaultKind { exit, abort, kill, hang, corrupt, drop, duplicate, truncate, stall };

struct FaultPlan {
    std::string mode;  // empty: every mode
    std::string role;  // "server" | "client"
    FaultKind kind = FaultKind::exit;
    std::uint64_t at_op = 0;     // operation index (counted from the first warmup op)
    std::uint64_t stall_ms = 0;  // stall: how long
    bool applies_to(std::string_view run_mode, std::string_view run_role) const {
        return (mode.empty() || mode == run_mode) && role == run_role;
    }
    std::string text() const;
};

// Throws std::invalid_argument for a malformed spec.
FaultPlan parse_fault(std::string_view spec);
const char *fault_name(FaultKind k);

}  // namespace ipcb
