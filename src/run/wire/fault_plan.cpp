#include "run/wire/fault_plan.hpp"

#include <charconv>
#include <stdexcept>

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
    if (plan.role != "server" && plan.role != "client" && plan.role != "neighbours")
        throw std::invalid_argument(bad + ": ROLE is server, client or neighbours");
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

}  // namespace ipcb
