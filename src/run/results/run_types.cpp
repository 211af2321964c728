#include "run/results/run_types.hpp"

#include <algorithm>
#include <cstdio>

#include "core/hgrm.hpp"
#include "core/sys.hpp"
#include "run/results/run_axes.hpp"

namespace ipcb {

const char *section_name(Section s) {
    constexpr const char *names[] = {"run",    "matrix", "placement", "capacity", "load",
                                     "fan_in", "spin",   "harness",   "loop",     "decision"};
    return names[int(s)];
}

const char *status_name(RunStatus s) {
    constexpr const char *names[] = {"ok", "failed", "unsupported"};
    return names[int(s)];
}

std::string RunConfig::variant() const { return variant_text(true); }

std::string RunConfig::design_label() const {
    const std::string v = variant_text(false);
    return v.empty() ? mode : mode + "[" + v + "]";
}

std::string RunConfig::variant_text(bool with_rate) const { return variant_of(*this, with_rate); }

std::size_t RunConfig::floor_bytes() const { return size.fixed() ? size.max : (size.min + size.max) / 2; }

double RunResult::floor_us() const { return has_floor() ? (floor_before->p50_us + floor_after->p50_us) / 2 : 0; }

std::string RunResult::timeline_spike() const {
    std::vector<double> p99s;
    for (const TimelineEntry &e : timeline)
        if (e.operations > 0) p99s.push_back(e.p99_us);
    if (p99s.size() < 3) return {};
    const double typical = median(p99s);
    const auto worst =
        std::max_element(timeline.begin(), timeline.end(),
                         [](const TimelineEntry &a, const TimelineEntry &b) { return a.p99_us < b.p99_us; });
    if (typical <= 0 || worst->p99_us <= kSpikeFactor * typical) return {};
    char text[200];
    std::snprintf(text, sizeof text,
                  "the interval ending at %.1f s had p99 %.1f us, %.1f x the median interval's %.1f us", worst->t_s,
                  worst->p99_us, worst->p99_us / typical, typical);
    return text;
}

double RunResult::p50_over_floor() const { return ok() && has_floor() ? latency->p50 / floor_us() : 0; }

double RoleReport::syscalls_per_op(const std::string &name) const {
    const auto it = syscalls.find(name);
    return it == syscalls.end() || syscall_operations == 0 ? -1 : double(it->second) / double(syscall_operations);
}

double RunResult::syscalls_per_op() const {
    if (!ok()) return -1;
    const double c = client->syscalls_per_op("total"), s = server->syscalls_per_op("total");
    return c < 0 || s < 0 ? -1 : c + s;
}

std::string RunResult::placement() const {
    return has_floor() ? placement_of(*floor_before, *floor_after) : "unmeasured";
}

std::string RunConfig::label() const {
    std::string out = mode;
    if (std::string v = variant(); !v.empty()) {
        out += '[';
        out += v;
        out += ']';
    }
    if (!instance.empty()) out += "#" + instance;
    return out;
}

}  // namespace ipcb
