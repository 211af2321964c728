#include "run/run_types.hpp"

#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {

std::string RunConfig::variant() const {
    std::string v;
    const Mode *m = find_mode(mode);
    if (m && m->spins) v = "spin=" + std::to_string(spin_ns / 1000) + "us";
    if (m && m->uring_knobs && uring_knobs) {
        if (!v.empty()) v += ',';
        v += "uring=" + uring_knobs_text(*uring_knobs);
    }
    if (inflight != 1) {
        if (!v.empty()) v += ',';
        v += "inflight=";
        v += std::to_string(inflight);
    }
    return v;
}

std::size_t RunConfig::floor_bytes() const { return size.fixed() ? size.max : (size.min + size.max) / 2; }

double RunResult::floor_us() const { return has_floor() ? (floor_before->p50_us + floor_after->p50_us) / 2 : 0; }

double RunResult::p50_over_floor() const { return ok() && has_floor() ? latency->p50 / floor_us() : 0; }

double RunResult::syscalls_per_op() const {
    if (!ok() || !client->syscalls.count("total") || !server->syscalls.count("total")) return -1;
    return double(client->syscalls.at("total") + server->syscalls.at("total")) / double(client->operations);
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
    return out;
}

void finalize_result(RunResult &r) {
    const RoleReport &c = *r.client;
    const RoleReport &s = *r.server;
    if (c.operations == 0) throw Error("client completed no operation in the timed phase");
    if (c.verified_messages != c.operations)
        throw Error("client verified " + std::to_string(c.verified_messages) + " of " + std::to_string(c.operations) +
                    " responses");
    if (r.samples_ns.size() != c.operations)
        throw Error("client sent " + std::to_string(r.samples_ns.size()) + " samples for " +
                    std::to_string(c.operations) + " operations");
    if (c.wall_s <= 0) throw Error("client reported a non-positive timed phase");
    const double ops = double(c.operations);
    r.ops_per_sec = ops / c.wall_s;
    r.throughput_mib_s = double(c.payload_bytes) / c.wall_s / (1024.0 * 1024.0);
    // Both sides' CPU over the client's timed wall time: the same denominator for both.
    r.server_cpu_percent = 100.0 * (s.user_s + s.sys_s) / c.wall_s;
    r.client_cpu_percent = 100.0 * (c.user_s + c.sys_s) / c.wall_s;
    r.cpu_us_per_op = 1e6 * (s.user_s + s.sys_s + c.user_s + c.sys_s) / ops;
    r.latency = compute_latency_stats(r.samples_ns);
    r.samples_ns = {};  // a sweep keeps many runs: the statistics are what outlives the run
}

}  // namespace ipcb
