#pragma once
// Fault injection (`--inject [MODE/]ROLE:FAULT@OP`, the plan in run/wire/fault_plan.hpp): makes
// one role misbehave at one operation so tests can prove that every failure ends as a reported,
// cleaned-up failed run; `stall=MS` pauses the role for MS ms and carries on (the run stays ok),
// to show how a load accounts for a stall.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ipc/endpoint.hpp"
#include "run/wire/fault_plan.hpp"

namespace ipcb {

struct RunConfig;

// The run's fault for `role` ("server" | "client"), or nullptr.
const FaultPlan *fault_for(const RunConfig &run, const char *role);
// Applies the due fault (a process fault does not return); returns how often to send the message.
int apply_fault_before_send(const FaultPlan &fault, std::span<std::byte> msg, std::uint64_t seq);
// Sends message `seq`, first applying `fault` when it is due at this operation: a process fault
// (exit, abort, kill, hang) happens instead; corrupt flips a stamped byte, drop sends nothing,
// duplicate sends it twice, stall sleeps first. `send(msg)` sends one message.
template <class Send>
void send_with_faults(Send send, std::span<std::byte> msg, std::uint64_t seq, const FaultPlan *fault) {
    if (!fault || fault->at_op != seq) return send(msg);
    for (int n = apply_fault_before_send(*fault, msg, seq); n > 0; --n) send(msg);
}
inline void send_with_faults(Endpoint &ep, std::span<std::byte> msg, std::uint64_t seq, const FaultPlan *fault) {
    send_with_faults([&](std::span<const std::byte> m) { ep.send(m); }, msg, seq, fault);
}

}  // namespace ipcb
