#include "sweep/aggregate.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/stats.hpp"
#include "modes/mode.hpp"
#include "run/results/run_axes.hpp"

namespace ipcb {

std::string config_key(const RunConfig &c) {
    std::string v = c.variant();
    std::string key = c.mode;
    // inflight is already part of the variant when it is not 1
    if (!v.empty()) key += "/" + v;
    key += "/size:" + c.size.text;
    return key;
}

Spread spread_of(const std::vector<double> &values) {
    Spread s;
    if (values.empty()) return s;
    s.median = median(values);
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    return s;
}

namespace {

// One aggregate per configuration, with the indices of its runs, in order of first appearance.
std::vector<Aggregate> group_by_config(const std::vector<RunResult> &runs) {
    std::vector<Aggregate> out;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].superseded) continue;  // a noisy attempt run again: the report keeps it, figures do not
        const RunConfig &c = runs[i].config;
        const std::string key = config_key(c);
        auto [it, fresh] = index.try_emplace(std::string(section_name(c.section)) + " " + key, out.size());
        if (fresh) {
            Aggregate a;
            a.section = c.section;
            a.key = key;
            a.mode = c.mode;
            a.variant = c.variant();
            a.config = c;
            a.size = c.size.text;
            a.size_min = c.size.min;
            a.size_max = c.size.max;
            a.inflight = c.inflight;
            a.spin_ns = c.spin_ns;
            a.rate = c.rate_percent > 0 ? 0 : c.rate;
            a.rate_percent = c.rate_percent;
            a.clients = c.clients;
            out.push_back(a);
        }
        out[it->second].run_indices.push_back(i);
    }
    return out;
}

// Report order: modes as registered, then inflight, spin budget, clients, absolute rates before
// percents (each ascending), variant and size.
void sort_for_report(std::vector<Aggregate> &out) {
    auto mode_rank = [](const std::string &m) {
        const auto &modes = all_modes();
        for (std::size_t i = 0; i < modes.size(); ++i)
            if (m == modes[i]->name) return i;
        return modes.size();
    };
    std::stable_sort(out.begin(), out.end(), [&](const Aggregate &x, const Aggregate &y) {
        return std::tuple(mode_rank(x.mode), x.inflight, x.spin_ns, x.clients, x.rate_percent, x.rate, x.variant,
                          x.size_min, x.size_max) < std::tuple(mode_rank(y.mode), y.inflight, y.spin_ns, y.clients,
                                                               y.rate_percent, y.rate, y.variant, y.size_min,
                                                               y.size_max);
    });
}

bool spread_disagrees(const Spread &s) { return s.relative() > kDisagreeThreshold; }

// Placements of the repetitions, and per-placement medians where the ok runs saw several.
void fill_placements(Aggregate &a, const std::vector<RunResult> &runs) {
    std::map<std::string, std::vector<double>> p50, over;
    for (std::size_t i : a.run_indices) {
        const RunResult &r = runs[i];
        ++a.placements[r.placement()];
        if (!r.ok()) continue;
        p50[r.placement()].push_back(r.latency->p50);
        if (r.has_floor()) over[r.placement()].push_back(r.p50_over_floor());
    }
    if (p50.size() < 2) return;
    bool any_group_disagrees = false;
    for (auto &[placement, values] : p50) {
        Aggregate::PlacementGroup &g = a.by_placement[placement];
        g.ok_runs = int(values.size());
        g.p50_us = spread_of(values);
        g.p50_over_floor = spread_of(over[placement]);
        any_group_disagrees |= g.ok_runs > 1 && spread_disagrees(g.p50_us);
    }
    a.placement_explains = a.disagree && !any_group_disagrees;
}

void fill_spreads(Aggregate &a, const std::vector<RunResult> &runs) {
    std::vector<double> p50, p99, avg, ops, mib, cpu, scpu, ccpu, over, syscalls;
    for (std::size_t i : a.run_indices) {
        const RunResult &r = runs[i];
        ++a.runs;
        a.unsupported_runs += r.status == RunStatus::unsupported;
        if (!r.ok()) continue;
        ++a.ok_runs;
        a.noisy_runs += r.noise.noisy;
        a.repeated_runs += r.attempt > 1;
        p50.push_back(r.latency->p50);
        p99.push_back(r.latency->p99);
        avg.push_back(r.latency->avg);
        ops.push_back(r.ops_per_sec);
        mib.push_back(r.throughput_mib_s);
        cpu.push_back(r.mechanism_cpu_us_per_op());
        scpu.push_back(r.server_cpu_percent);
        ccpu.push_back(r.client_cpu_percent);
        if (r.has_floor()) over.push_back(r.p50_over_floor());
        if (r.syscalls_per_op() >= 0) syscalls.push_back(r.syscalls_per_op());
    }
    a.p50_us = spread_of(p50);
    a.p99_us = spread_of(p99);
    a.avg_us = spread_of(avg);
    a.ops_per_sec = spread_of(ops);
    a.mib_per_sec = spread_of(mib);
    a.cpu_us_per_op = spread_of(cpu);
    a.server_cpu_percent = spread_of(scpu);
    a.client_cpu_percent = spread_of(ccpu);
    a.p50_over_floor = spread_of(over);
    a.syscalls_per_op = spread_of(syscalls);
    a.disagree = a.ok_runs > 1 && (spread_disagrees(a.p50_us) || spread_disagrees(a.ops_per_sec));
    fill_placements(a, runs);
}

// Same size, ping-pong, both measured, and the same value in every axis both modes take but the
// io_uring knobs (the baseline has none): socket type, spin budget where both spin, clients,
// placement, offered load (run_axes.hpp).
bool comparable(const Aggregate &uring, const Aggregate &base) {
    return base.size == uring.size && uring.inflight == 1 && base.inflight == 1 && uring.ok_runs > 0 &&
           base.ok_runs > 0 && same_axes(uring.config, base.config, {Axis::uring});
}

OverheadRow overhead_row(const Aggregate &a, const Aggregate &b) {
    OverheadRow r;
    r.pair = a.mode + " vs " + b.mode;
    r.uring_mode = a.mode;
    r.baseline_mode = b.mode;
    r.variant = a.variant;
    r.size = a.size;
    r.size_bytes = a.size_min == a.size_max ? a.size_max : 0;
    r.p50_uring = a.p50_us.median, r.p50_base = b.p50_us.median;
    r.p99_uring = a.p99_us.median, r.p99_base = b.p99_us.median;
    r.cpu_uring = a.cpu_us_per_op.median, r.cpu_base = b.cpu_us_per_op.median;
    return r;
}

}  // namespace

std::vector<Aggregate> aggregate_runs(const std::vector<RunResult> &runs) {
    std::vector<Aggregate> out = group_by_config(runs);
    sort_for_report(out);
    for (Aggregate &a : out) fill_spreads(a, runs);
    return out;
}

std::vector<OverheadRow> uring_overhead(const std::vector<Aggregate> &aggregates) {
    std::vector<OverheadRow> rows;
    for (const Mode *mode : all_modes()) {
        if (!mode->baseline) continue;
        for (const Aggregate &a : aggregates) {
            if (a.mode != mode->name) continue;
            for (const Aggregate &b : aggregates)
                if (b.mode == mode->baseline && comparable(a, b)) rows.push_back(overhead_row(a, b));
        }
    }
    return rows;
}

std::vector<Aggregate> section_aggregates(const std::vector<Aggregate> &aggregates, Section section) {
    std::vector<Aggregate> out;
    for (const Aggregate &a : aggregates)
        if (a.section == section) out.push_back(a);
    return out;
}

std::vector<Aggregate> matrix_aggregates(const std::vector<Aggregate> &aggregates) {
    std::vector<Aggregate> out = section_aggregates(aggregates, Section::matrix);
    if (out.empty()) out = section_aggregates(aggregates, Section::run);
    return out;
}

}  // namespace ipcb
