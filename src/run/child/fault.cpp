#include "run/child/fault.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "core/payload.hpp"
#include "core/sys.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {
namespace {
constexpr const char *kNames[] = {"exit", "abort", "kill", "hang", "corrupt", "drop", "duplicate", "truncate", "stall"};
}

const char *fault_name(FaultKind k) { return kNames[int(k)]; }

std::string FaultPlan::text() const {
    std::string kind_text = fault_name(kind);
    if (kind == FaultKind::stall) kind_text += "=" + std::to_string(stall_ms);
    return (mode.empty() ? "" : mode + "/") + role + ":" + kind_text + "@" + std::to_string(at_op);
}

FaultPlan parse_fault(std::string_view spec) {
    const std::string bad = "bad --inject '" + std::string(spec) + "' (want [MODE/]ROLE:FAULT@OP, e.g. server:kill@50)";
    FaultPlan plan;
    std::string_view rest = spec;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        plan.mode = std::string(rest.substr(0, slash));
        rest.remove_prefix(slash + 1);
    }
    auto colon = rest.find(':'), at = rest.find('@');
    if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) throw std::invalid_argument(bad);
    plan.role = std::string(rest.substr(0, colon));
    if (plan.role != "server" && plan.role != "client") throw std::invalid_argument(bad + ": ROLE is server or client");
    std::string_view kind = rest.substr(colon + 1, at - colon - 1);
    if (kind.rfind("stall=", 0) == 0) {
        std::string_view ms = kind.substr(6);
        auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), plan.stall_ms);
        if (ec != std::errc() || end != ms.data() + ms.size()) plan.stall_ms = 0;  // refused below
        kind = "stall";
    }
    bool found = false;
    for (int i = 0; i < int(std::size(kNames)); ++i)
        if (kind == kNames[i]) plan.kind = FaultKind(i), found = true;
    if (!found)
        throw std::invalid_argument(bad + ": FAULT is exit|abort|kill|hang|corrupt|drop|duplicate|truncate|stall=MS");
    if (plan.kind == FaultKind::stall && (plan.stall_ms == 0 || plan.stall_ms > 60'000))
        throw std::invalid_argument(bad + ": stall=MS wants 1..60000 milliseconds");
    std::string_view op = rest.substr(at + 1);
    auto [end, ec] = std::from_chars(op.data(), op.data() + op.size(), plan.at_op);
    if (ec != std::errc() || end != op.data() + op.size()) throw std::invalid_argument(bad + ": OP is a number");
    return plan;
}

namespace {

// The misbehaviours that do not depend on the message.
void inject_process_fault(const FaultPlan &f) {
    switch (f.kind) {
    case FaultKind::exit: _exit(3);
    case FaultKind::abort: std::abort();
    case FaultKind::kill: ::raise(SIGKILL); break;
    case FaultKind::hang:
        for (;;) ::pause();
    default: break;
    }
}

}  // namespace

const FaultPlan *fault_for(const RunConfig &run, const char *role) {
    return run.fault && run.fault->applies_to(run.mode, role) ? &*run.fault : nullptr;
}

int apply_fault_before_send(const FaultPlan &fault, std::span<std::byte> msg, std::uint64_t seq) {
    inject_process_fault(fault);
    switch (fault.kind) {
    case FaultKind::corrupt: msg[payload::stamped_offset(msg.size(), seq)] ^= std::byte{0x40}; return 1;
    case FaultKind::drop: return 0;
    case FaultKind::duplicate: return 2;
    case FaultKind::stall: sleep_until_ns(now_ns() + fault.stall_ms * 1'000'000); return 1;
    default: return 1;
    }
}

}  // namespace ipcb
