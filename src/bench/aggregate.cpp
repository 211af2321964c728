#include "bench/aggregate.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "modes/mode.hpp"

#include "core/stats.hpp"

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

std::vector<Aggregate> aggregate_runs(const std::vector<RunResult> &runs) {
    std::vector<Aggregate> out;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const RunConfig &c = runs[i].config;
        std::string key = config_key(c);
        auto [it, fresh] = index.try_emplace(key, out.size());
        if (fresh) {
            Aggregate a;
            a.key = key;
            a.mode = c.mode;
            a.variant = c.variant();
            a.size = c.size.text;
            a.size_min = c.size.min;
            a.size_max = c.size.max;
            a.inflight = c.inflight;
            out.push_back(a);
        }
        out[it->second].run_indices.push_back(i);
    }
    // Report order: modes as registered, then inflight, variant and size.
    auto mode_rank = [](const std::string &m) {
        const auto &modes = all_modes();
        for (std::size_t i = 0; i < modes.size(); ++i)
            if (m == modes[i]->name) return i;
        return modes.size();
    };
    std::stable_sort(out.begin(), out.end(), [&](const Aggregate &x, const Aggregate &y) {
        return std::tuple(mode_rank(x.mode), x.inflight, x.variant, x.size_min, x.size_max) <
               std::tuple(mode_rank(y.mode), y.inflight, y.variant, y.size_min, y.size_max);
    });
    for (Aggregate &a : out) {
        std::vector<double> p50, p99, avg, ops, mib, cpu, scpu, ccpu;
        for (std::size_t i : a.run_indices) {
            const RunResult &r = runs[i];
            ++a.runs;
            if (!r.ok()) continue;
            ++a.ok_runs;
            p50.push_back(r.latency->p50);
            p99.push_back(r.latency->p99);
            avg.push_back(r.latency->avg);
            ops.push_back(r.ops_per_sec);
            mib.push_back(r.throughput_mib_s);
            cpu.push_back(r.cpu_us_per_op);
            scpu.push_back(r.server_cpu_percent);
            ccpu.push_back(r.client_cpu_percent);
        }
        a.p50_us = spread_of(p50);
        a.p99_us = spread_of(p99);
        a.avg_us = spread_of(avg);
        a.ops_per_sec = spread_of(ops);
        a.mib_per_sec = spread_of(mib);
        a.cpu_us_per_op = spread_of(cpu);
        a.server_cpu_percent = spread_of(scpu);
        a.client_cpu_percent = spread_of(ccpu);
        a.disagree = a.ok_runs > 1 &&
                     (a.p50_us.relative() > kDisagreeThreshold || a.ops_per_sec.relative() > kDisagreeThreshold);
    }
    return out;
}

std::vector<OverheadRow> uring_overhead(const std::vector<Aggregate> &aggregates) {
    std::vector<OverheadRow> rows;
    for (auto [uring, base] : kOverheadPairs) {
        for (const Aggregate &a : aggregates) {
            if (a.mode != uring || a.inflight != 1 || a.ok_runs == 0) continue;
            for (const Aggregate &b : aggregates) {
                // same size, ping-pong, and the same spin budget (lfshm-uring vs lfshm)
                if (b.mode != base || b.size != a.size || b.inflight != 1 || b.ok_runs == 0) continue;
                if (a.variant != b.variant && !(a.variant.empty() || b.variant.empty())) continue;
                OverheadRow r;
                r.pair = std::string(uring) + " vs " + base;
                r.uring_mode = uring;
                r.baseline_mode = base;
                r.variant = a.variant;
                r.size = a.size;
                r.size_bytes = a.size_min == a.size_max ? a.size_max : 0;
                r.p50_uring = a.p50_us.median, r.p50_base = b.p50_us.median;
                r.p99_uring = a.p99_us.median, r.p99_base = b.p99_us.median;
                r.cpu_uring = a.cpu_us_per_op.median, r.cpu_base = b.cpu_us_per_op.median;
                rows.push_back(r);
            }
        }
    }
    return rows;
}

}  // namespace ipcb
