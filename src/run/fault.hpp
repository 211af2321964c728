#pragma once
// Test-only fault injection (`--inject [MODE/]ROLE:FAULT@OP`): makes one role misbehave at one
// operation so tests can prove that every failure ends as a reported, cleaned-up failed run.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ipc/endpoint.hpp"

namespace ipcb {

enum class FaultKind { exit, abort, kill, hang, corrupt, drop, duplicate, truncate };

struct FaultPlan {
    std::string mode;  // empty: every mode
    std::string role;  // "server" | "client"
    FaultKind kind = FaultKind::exit;
    std::uint64_t at_op = 0;  // operation index (counted from the first warmup op)
    bool applies_to(std::string_view run_mode, std::string_view run_role) const {
        return (mode.empty() || mode == run_mode) && role == run_role;
    }
    std::string text() const;
};

// Throws std::invalid_argument for a malformed spec.
FaultPlan parse_fault(std::string_view spec);
const char *fault_name(FaultKind k);

struct RunConfig;

// The run's fault for `role` ("server" | "client"), or nullptr.
const FaultPlan *fault_for(const RunConfig &run, const char *role);
// Sends message `seq`, first applying `fault` when it is due at this operation: a process fault
// (exit, abort, kill, hang) happens instead; corrupt flips a stamped byte, drop sends nothing,
// duplicate sends it twice.
void send_with_faults(Endpoint &ep, std::span<std::byte> msg, std::uint64_t seq, const FaultPlan *fault);

}  // namespace ipcb
