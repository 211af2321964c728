#include "run/results/run_axes.hpp"

#include <algorithm>
#include <cstdio>

#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

using json = nlohmann::json;

const Mode *mode_of(const RunConfig &c) { return find_mode(c.mode); }
bool always(const RunConfig &) { return true; }

std::string rate_part(const RunConfig &c) {
    if (!c.open_loop()) return {};
    char text[48];
    if (c.rate_percent > 0) std::snprintf(text, sizeof text, "rate=%g%%", c.rate_percent);
    else std::snprintf(text, sizeof text, "rate=%.0f/s", c.rate);
    return text;
}

// clang-format off
const AxisSpec kAxes[] = {
    {Axis::spin, "spin_us", "--spin", true,
     [](const RunConfig &c) { const Mode *m = mode_of(c); return m && m->spins; },
     [](const RunConfig &c) { return "spin=" + std::to_string(c.spin_ns / 1000) + "us"; },
     [](const RunConfig &c) { return json(double(c.spin_ns) / 1000.0); }},
    {Axis::uring, "uring", "--uring", true,
     [](const RunConfig &c) { const Mode *m = mode_of(c); return m && m->uring_knobs; },
     [](const RunConfig &c) { return c.uring_knobs ? "uring=" + uring_knobs_text(*c.uring_knobs) : std::string(); },
     [](const RunConfig &c) { return c.uring_knobs ? json(uring_knobs_text(*c.uring_knobs)) : json("default"); }},
    {Axis::socket, "socket", "--socket", true,
     [](const RunConfig &c) { const Mode *m = mode_of(c); return m && m->socket_types; },
     [](const RunConfig &c) { return c.socket ? std::string("socket=") + socket_type_name(*c.socket) : std::string(); },
     [](const RunConfig &c) { return json(socket_type_name(c.socket.value_or(SocketType::seqpacket))); }},
    {Axis::inflight, "inflight", "--inflight", true, always,
     [](const RunConfig &c) { return c.inflight != 1 ? "inflight=" + std::to_string(c.inflight) : std::string(); },
     [](const RunConfig &c) { return json(c.inflight); }},
    {Axis::rate, "rate", "--rate", false, [](const RunConfig &c) { return c.open_loop(); }, rate_part,
     [](const RunConfig &c) {
         return c.rate_percent > 0 ? json{{"percent", c.rate_percent}, {"per_s", c.rate}}
                                   : json{{"percent", nullptr}, {"per_s", c.rate}};
     }},
    {Axis::max_inflight, "max_inflight", "--max-inflight", false, [](const RunConfig &c) { return c.open_loop(); },
     [](const RunConfig &c) {
         return c.max_inflight != RunConfig{}.max_inflight ? "max-inflight=" + std::to_string(c.max_inflight)
                                                            : std::string();
     },
     [](const RunConfig &c) { return json(c.max_inflight); }},
    {Axis::clients, "clients", "--clients", true, always,
     [](const RunConfig &c) { return c.clients > 1 ? "clients=" + std::to_string(c.clients) : std::string(); },
     [](const RunConfig &c) { return json(c.clients); }},
    {Axis::placement, "placement", "--placement", true, always,
     [](const RunConfig &c) {
         return c.placement == Placement::separate ? std::string() : std::string(placement_name(c.placement));
     },
     [](const RunConfig &c) { return json(placement_name(c.placement)); }},
    // Where the rings' pages live is part of the design, as where the two ends run is; a mode
    // without shared memory has no such pages (null).
    {Axis::memory_node, "memory_node", "--memory-node", true,
     [](const RunConfig &c) { const Mode *m = mode_of(c); return m && m->shared_memory; },
     [](const RunConfig &c) { return c.memory_node >= 0 ? "memory-node=" + std::to_string(c.memory_node) : std::string(); },
     [](const RunConfig &c) { return c.memory_node >= 0 ? json(c.memory_node) : json("first-touch"); }},
    // The neighbours are load on the server's loop, not part of the design.
    {Axis::neighbours, "neighbours", "--neighbours", false, always,
     [](const RunConfig &c) { return c.neighbours.none() ? std::string() : "neighbours=" + c.neighbours.text(); },
     [](const RunConfig &c) { return json(c.neighbours.text()); }},
    {Axis::integration, "integration", "--integration", true,
     [](const RunConfig &c) {
         const Mode *m = mode_of(c);
         return !c.neighbours.none() && m && m->loop_join == LoopJoin::integration;
     },
     [](const RunConfig &c) { return std::string("integration=") + loop_integration_name(c.integration); },
     [](const RunConfig &c) { return json(loop_integration_name(c.integration)); }},
};
// clang-format on

}  // namespace

std::span<const AxisSpec> run_axes() { return kAxes; }

const AxisSpec &axis_spec(Axis axis) {
    for (const AxisSpec &a : kAxes)
        if (a.axis == axis) return a;
    return kAxes[0];  // unreachable: every Axis has a row (the run_axes unit test)
}

std::string variant_of(const RunConfig &c, bool with_load) {
    std::string v;
    for (const AxisSpec &a : kAxes) {
        if ((!with_load && !a.design) || !a.applies(c)) continue;
        const std::string part = a.variant_part(c);
        if (!part.empty()) v += (v.empty() ? "" : ",") + part;
    }
    return v;
}

json axes_json(const RunConfig &c) {
    json j = json::object();
    for (const AxisSpec &a : kAxes) j[a.key] = a.applies(c) ? a.value(c) : json(nullptr);
    return j;
}

bool same_axes(const RunConfig &a, const RunConfig &b, std::initializer_list<Axis> except) {
    for (const AxisSpec &spec : kAxes) {
        if (std::find(except.begin(), except.end(), spec.axis) != except.end()) continue;
        const bool in_a = spec.applies(a), in_b = spec.applies(b);
        if (in_a && in_b && spec.value(a) != spec.value(b)) return false;
        // An offered load is compared even where only one side has it: open loop is not closed.
        if (!spec.design && in_a != in_b) return false;
    }
    return true;
}

}  // namespace ipcb
