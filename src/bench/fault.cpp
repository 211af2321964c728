#include "bench/fault.hpp"

#include <charconv>

#include "core/size_spec.hpp"

namespace ipcb {
namespace {
constexpr const char *kNames[] = {"exit", "abort", "kill", "hang", "corrupt", "drop", "duplicate", "truncate"};
}

const char *fault_name(FaultKind k) { return kNames[int(k)]; }

std::string FaultPlan::text() const {
    return (mode.empty() ? "" : mode + "/") + role + ":" + fault_name(kind) + "@" + std::to_string(at_op);
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
    if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) throw UsageError(bad);
    plan.role = std::string(rest.substr(0, colon));
    if (plan.role != "server" && plan.role != "client") throw UsageError(bad + ": ROLE is server or client");
    std::string_view kind = rest.substr(colon + 1, at - colon - 1);
    bool found = false;
    for (int i = 0; i < int(std::size(kNames)); ++i)
        if (kind == kNames[i]) plan.kind = FaultKind(i), found = true;
    if (!found) throw UsageError(bad + ": FAULT is exit|abort|kill|hang|corrupt|drop|duplicate|truncate");
    std::string_view op = rest.substr(at + 1);
    auto [end, ec] = std::from_chars(op.data(), op.data() + op.size(), plan.at_op);
    if (ec != std::errc() || end != op.data() + op.size()) throw UsageError(bad + ": OP is a number");
    return plan;
}

}  // namespace ipcb
