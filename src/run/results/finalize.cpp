#include "run/results/finalize.hpp"

#include "loop/loop_sleepers.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "core/hgrm.hpp"
#include "core/stats.hpp"
#include "core/sys.hpp"
#include "loop/loop_sleepers.hpp"

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

// The backlog test on the timeline when the exact samples are not whole: the intervals' median
// lag, last quarter against first, with the same thresholds.
bool lag_grew(const std::vector<TimelineEntry> &timeline) {
    const std::size_t q = timeline.size() / 4;
    if (q < 2) return false;
    std::vector<double> first, last;
    for (std::size_t i = 0; i < q; ++i) {
        first.push_back(timeline[i].lag_p50_us * 1e3);
        last.push_back(timeline[timeline.size() - 1 - i].lag_p50_us * 1e3);
    }
    const double a = median(first), b = median(last);
    return b > kBacklogNs && b > kBacklogFactor * a;
}

void fill_send_lag(RunResult &r) {
    LatencyHistogram lag(r.histogram_digits);
    for (const LatencyHistogram &h : r.client_lag) lag.merge(h);
    r.load.send_lag = histogram_stats(lag);
    if (!r.exact_complete) {
        r.load.backlog_grew = lag_grew(r.timeline);
        return;
    }
    std::size_t at = 0;
    for (const auto &client : r.client_samples_ns) {
        std::vector<std::uint32_t> lags(client.size());
        for (std::size_t i = 0; i < client.size(); ++i) lags[i] = client[i] - std::min(client[i], r.service_ns[at + i]);
        at += client.size();
        r.load.backlog_grew = r.load.backlog_grew || lag_grew(lags);
    }
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
                        .latency = histogram_stats(r.client_latency[i])};
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
        m.syscall_operations += c.syscall_operations;
        if (m.syscalls_unavailable.empty()) m.syscalls_unavailable = c.syscalls_unavailable;
        m.slow_waits += c.slow_waits;
        m.max_inflight_waits += c.max_inflight_waits;
        m.pacing_s += c.pacing_s;
        m.peak_rss_kib = std::max(m.peak_rss_kib, c.peak_rss_kib);
        m.affinity.insert(m.affinity.end(), c.affinity.begin(), c.affinity.end());
    }
    m.size_mean = m.operations ? size_sum / double(m.operations) : 0;
    if (clients.size() > 1) m.outside_sample_ns = 0;  // samples of several clients overlap
    return m;
}

namespace {

// Histograms from exact samples, for results that carry only those (a two-terminal client of an
// older build, unit tests).
void ensure_histograms(RunResult &r) {
    if (!r.client_latency.empty()) return;
    std::size_t at = 0;
    for (const auto &client : r.client_samples_ns) {
        LatencyHistogram latency(r.histogram_digits), service(r.histogram_digits), lag(r.histogram_digits);
        for (std::size_t i = 0; i < client.size(); ++i) {
            latency.record(client[i]);
            if (r.service_ns.size() >= at + client.size()) {
                service.record(r.service_ns[at + i]);
                lag.record(client[i] - std::min(client[i], r.service_ns[at + i]));
            }
        }
        at += client.size();
        r.client_latency.push_back(latency);
        if (r.config.open_loop()) r.client_service.push_back(service), r.client_lag.push_back(lag);
    }
}

// The clients' timelines, interval by interval: round trips added, the highest max and p99, the
// p50 weighted by round trips, CPU added (the server's taken from the first client that read it).
std::vector<TimelineEntry> merge_timelines(const std::vector<RoleReport> &clients) {
    std::vector<TimelineEntry> out;
    for (const RoleReport &c : clients) {
        if (out.size() < c.timeline.size()) out.resize(c.timeline.size());
        for (std::size_t i = 0; i < c.timeline.size(); ++i) {
            const TimelineEntry &e = c.timeline[i];
            TimelineEntry &m = out[i];
            const double ops = double(m.operations + e.operations);
            if (ops > 0) {
                m.p50_us = (m.p50_us * double(m.operations) + e.p50_us * double(e.operations)) / ops;
                m.lag_p50_us = (m.lag_p50_us * double(m.operations) + e.lag_p50_us * double(e.operations)) / ops;
            }
            m.t_s = std::max(m.t_s, e.t_s);
            m.length_s = std::max(m.length_s, e.length_s);
            m.operations += e.operations;
            m.p99_us = std::max(m.p99_us, e.p99_us);
            m.max_us = std::max(m.max_us, e.max_us);
            m.client_cpu_ms += e.client_cpu_ms;
            if (m.server_cpu_ms < 0) m.server_cpu_ms = e.server_cpu_ms;
        }
    }
    return out;
}

}  // namespace

// The server's event loop over its timed phase, in a run with neighbours.
static void fill_event_loop(RunResult &r) {
    if (r.config.neighbours.none()) return;
    const RoleReport &s = *r.server;
    EventLoopReport e;
    e.integration = s.loop_integration;
    if (e.integration == "poll") e.tick_us = double(poll_tick_ns(r.config.spin_ns)) / 1000.0;
    e.iterations_per_sec = s.wall_s > 0 ? double(s.loop_iterations) / s.wall_s : 0;
    e.cqes_per_enter = s.loop_enters ? double(s.loop_cqes) / double(s.loop_enters) : 0;
    e.enters_per_round_trip = s.operations ? double(s.loop_enters) / double(s.operations) : 0;
    e.neighbour_requests = s.neighbour_requests;
    r.event_loop = e;
}

void finalize_result(RunResult &r) {
    if (r.client_samples_ns.empty() && r.client) {  // one client's report and samples (two-terminal)
        r.clients = {*r.client};
        r.client_samples_ns = {std::move(r.samples_ns)};
    }
    if (r.clients.empty() || r.client_samples_ns.size() != r.clients.size())
        throw Error("samples of " + std::to_string(r.client_samples_ns.size()) + " clients for " +
                    std::to_string(r.clients.size()) + " client reports");
    ensure_histograms(r);
    if (r.client_latency.size() != r.clients.size() ||
        (r.config.open_loop() &&
         (r.client_service.size() != r.clients.size() || r.client_lag.size() != r.clients.size())))
        throw Error("latency histograms of " + std::to_string(r.client_latency.size()) + " clients for " +
                    std::to_string(r.clients.size()) + " client reports");
    r.exact_complete = true;
    for (std::size_t i = 0; i < r.clients.size(); ++i) {
        check_client(r.clients[i], r.client_latency[i].count());
        r.exact_complete = r.exact_complete && r.clients[i].exact_samples_complete &&
                           r.client_samples_ns[i].size() == r.clients[i].operations;
    }
    r.client = merge_clients(r.clients);
    r.timeline = merge_timelines(r.clients);
    const RoleReport &c = *r.client;
    const RoleReport &s = *r.server;
    const double ops = double(c.operations);
    fill_per_client(r);
    r.ops_per_sec = 0;
    for (const ClientFigures &f : r.per_client) r.ops_per_sec += f.ops_per_sec;
    r.throughput_mib_s = double(c.payload_bytes) / c.wall_s / (1024.0 * 1024.0);
    // Both sides' CPU over the clients' timed wall time: the same denominator for both.
    r.server_cpu_percent = 100.0 * (s.user_s + s.sys_s) / c.wall_s;
    r.client_cpu_percent = 100.0 * (c.user_s + c.sys_s) / c.wall_s;
    r.cpu_us_per_op = 1e6 * (s.user_s + s.sys_s + c.user_s + c.sys_s) / ops;
    r.server_cpu_us_per_op = 1e6 * (s.user_s + s.sys_s) / ops;
    if (r.config.open_loop() && r.exact_complete) {
        std::size_t exact = 0;
        for (auto &v : r.client_samples_ns) exact += v.size();
        if (r.service_ns.size() != exact) throw Error("clients sent fewer service times than samples");
    }
    if (r.config.open_loop()) fill_send_lag(r);  // before anything sorts the samples
    LatencyHistogram latency(r.histogram_digits);
    for (const LatencyHistogram &h : r.client_latency) latency.merge(h);
    // The statistics and the .hgrm from the histogram; the spectrum from every exact sample when
    // the run kept them all (docs/method.md, "Recording").
    r.latency = histogram_stats(latency, r.config.percentiles);
    r.hgrm = hgrm_text(latency);
    if (r.exact_complete) {
        r.samples_ns.clear();
        for (auto &v : r.client_samples_ns) r.samples_ns.insert(r.samples_ns.end(), v.begin(), v.end());
        r.latency->spectrum = compute_latency_stats(r.samples_ns).spectrum;
    }
    if (r.config.open_loop()) {
        LatencyHistogram service(r.histogram_digits);
        for (const LatencyHistogram &h : r.client_service) service.merge(h);
        r.service_time = histogram_stats(service, r.config.percentiles);
    } else {
        r.service_time = r.latency;
    }
    fill_load(r);
    fill_event_loop(r);
    // a sweep keeps many runs: the statistics are what outlives the run
    r.samples_ns = {}, r.service_ns = {}, r.client_samples_ns = {};
    r.client_latency = {}, r.client_service = {}, r.client_lag = {};
}

}  // namespace ipcb
