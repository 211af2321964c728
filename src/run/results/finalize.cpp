#include "run/results/finalize.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "core/hgrm.hpp"
#include "core/stats.hpp"
#include "core/sys.hpp"

namespace ipcb {

double jain_index(const std::vector<double> &x) {
    double sum = 0, sq = 0;
    for (double v : x) sum += v, sq += v * v;
    return sq > 0 ? sum * sum / (double(x.size()) * sq) : 1;
}

namespace {

void check_client(const RoleReport &c, std::size_t samples) {
    if (c.operations == 0) throw Error("client completed no operation in the timed phase");
    if (c.verified_messages != c.operations)
        throw Error("client verified " + std::to_string(c.verified_messages) + " of " + std::to_string(c.operations) +
                    " responses");
    if (samples != c.operations)
        throw Error("client sent " + std::to_string(samples) + " samples for " + std::to_string(c.operations) +
                    " operations");
    if (c.wall_s <= 0) throw Error("client reported a non-positive timed phase");
}

// Open loop: each request's send lag (latency from the due time minus service time from the
// actual send), per client in the order sent; and whether it grew over the run: a client whose
// last quarter of requests left later, at the median, than kBacklogNs and kBacklogFactor x its
// first quarter's. A brief hiccup delays a burst, not the last quarter.
constexpr double kBacklogNs = 1e6, kBacklogFactor = 4;

bool lag_grew(std::span<const std::uint32_t> lag) {
    const std::size_t q = lag.size() / 4;
    if (q < 8) return false;
    auto median_of = [](std::span<const std::uint32_t> part) {
        return median(std::vector<double>(part.begin(), part.end()));
    };
    const double first = median_of(lag.first(q)), last = median_of(lag.last(q));
    return last > kBacklogNs && last > kBacklogFactor * first;
}

void fill_send_lag(RunResult &r) {
    std::vector<std::uint32_t> all;
    std::size_t at = 0;
    for (const auto &client : r.client_samples_ns) {
        std::vector<std::uint32_t> lag(client.size());
        for (std::size_t i = 0; i < client.size(); ++i) lag[i] = client[i] - std::min(client[i], r.service_ns[at + i]);
        at += client.size();
        r.load.backlog_grew = r.load.backlog_grew || lag_grew(lag);
        all.insert(all.end(), lag.begin(), lag.end());
    }
    r.load.send_lag = compute_latency_stats(all);
}

void fill_load(RunResult &r) {
    const RunConfig &c = r.config;
    LoadReport &l = r.load;
    l.open = c.open_loop();
    l.offered_rate = c.rate;
    l.achieved_rate = r.ops_per_sec;
    l.max_inflight = c.outstanding();
    l.rate_percent = c.rate_percent;
    l.capacity_ops_per_sec = c.capacity_ops_per_sec;
    l.max_inflight_waits = r.client->max_inflight_waits;
    l.pacing_us_per_op = 1e6 * r.client->pacing_s / double(r.client->operations);
    if (!l.open) return;
    if (l.achieved_rate < kCarriedFraction * l.offered_rate) l.saturated_because = "carried under 95% of the rate";
    else if (double(l.max_inflight_waits) > kWaitsFraction * double(r.client->operations))
        l.saturated_because = "requests fell due with max-inflight outstanding in over 1% of them";
    else if (l.backlog_grew) l.saturated_because = "the send lag grew over the run";
    l.saturated = !l.saturated_because.empty();
}

void fill_per_client(RunResult &r) {
    r.per_client.clear();
    std::vector<double> ops;
    for (std::size_t i = 0; i < r.clients.size(); ++i) {
        const RoleReport &c = r.clients[i];
        ClientFigures f{.cpu = r.config.cpu_of_client(unsigned(i)),
                        .operations = c.operations,
                        .ops_per_sec = double(c.operations) / c.wall_s,
                        .latency = compute_latency_stats(r.client_samples_ns[i])};
        ops.push_back(double(c.operations));
        r.per_client.push_back(std::move(f));
    }
    r.fairness_jain = jain_index(ops);
    const auto [lo, hi] = std::minmax_element(ops.begin(), ops.end());
    r.fairness_min_over_max = *hi > 0 ? *lo / *hi : 1;
}

}  // namespace

RoleReport merge_clients(const std::vector<RoleReport> &clients) {
    RoleReport m = clients.at(0);
    double size_sum = m.size_mean * double(m.operations);
    for (std::size_t i = 1; i < clients.size(); ++i) {
        const RoleReport &c = clients[i];
        m.user_s += c.user_s, m.sys_s += c.sys_s;
        m.voluntary_switches += c.voluntary_switches, m.involuntary_switches += c.involuntary_switches;
        m.wall_s = std::max(m.wall_s, c.wall_s);
        m.operations += c.operations, m.warmup_operations += c.warmup_operations;
        m.verified_messages += c.verified_messages, m.full_checks += c.full_checks;
        m.payload_bytes += c.payload_bytes;
        m.size_min = std::min(m.size_min, c.size_min), m.size_max = std::max(m.size_max, c.size_max);
        size_sum += c.size_mean * double(c.operations);
        for (auto &[name, n] : c.syscalls) m.syscalls[name] += n;
        if (m.syscalls_unavailable.empty()) m.syscalls_unavailable = c.syscalls_unavailable;
        m.slow_waits += c.slow_waits;
        m.max_inflight_waits += c.max_inflight_waits;
        m.pacing_s += c.pacing_s;
        m.affinity.insert(m.affinity.end(), c.affinity.begin(), c.affinity.end());
    }
    m.size_mean = m.operations ? size_sum / double(m.operations) : 0;
    if (clients.size() > 1) m.outside_sample_ns = 0;  // samples of several clients overlap
    return m;
}

void finalize_result(RunResult &r) {
    if (r.client_samples_ns.empty() && r.client) {  // one client's report and samples (two-terminal)
        r.clients = {*r.client};
        r.client_samples_ns = {std::move(r.samples_ns)};
    }
    if (r.clients.empty() || r.client_samples_ns.size() != r.clients.size())
        throw Error("samples of " + std::to_string(r.client_samples_ns.size()) + " clients for " +
                    std::to_string(r.clients.size()) + " client reports");
    for (std::size_t i = 0; i < r.clients.size(); ++i) check_client(r.clients[i], r.client_samples_ns[i].size());
    r.client = merge_clients(r.clients);
    const RoleReport &c = *r.client;
    const RoleReport &s = *r.server;
    const double ops = double(c.operations);
    r.samples_ns.clear();
    for (auto &v : r.client_samples_ns) r.samples_ns.insert(r.samples_ns.end(), v.begin(), v.end());
    fill_per_client(r);
    r.ops_per_sec = 0;
    for (const ClientFigures &f : r.per_client) r.ops_per_sec += f.ops_per_sec;
    r.throughput_mib_s = double(c.payload_bytes) / c.wall_s / (1024.0 * 1024.0);
    // Both sides' CPU over the clients' timed wall time: the same denominator for both.
    r.server_cpu_percent = 100.0 * (s.user_s + s.sys_s) / c.wall_s;
    r.client_cpu_percent = 100.0 * (c.user_s + c.sys_s) / c.wall_s;
    r.cpu_us_per_op = 1e6 * (s.user_s + s.sys_s + c.user_s + c.sys_s) / ops;
    r.server_cpu_us_per_op = 1e6 * (s.user_s + s.sys_s) / ops;
    if (r.config.open_loop()) {
        if (r.service_ns.size() != r.samples_ns.size()) throw Error("clients sent fewer service times than samples");
        fill_send_lag(r);  // before anything sorts the samples
    }
    r.latency = compute_latency_stats(r.samples_ns);  // sorts
    r.hgrm = hgrm_text(r.samples_ns);
    if (r.config.open_loop()) {
        r.service_time = compute_latency_stats(r.service_ns);
    } else {
        r.service_time = r.latency;
    }
    fill_load(r);
    // a sweep keeps many runs: the statistics are what outlives the run
    r.samples_ns = {}, r.service_ns = {}, r.client_samples_ns = {};
}

}  // namespace ipcb
