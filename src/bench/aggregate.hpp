#pragma once
// Aggregates over the repetitions of one configuration (mode, variant, size, inflight): the
// median of each figure and its spread, and a flag when repetitions disagree.
#include <string>
#include <vector>

#include "bench/run_types.hpp"

namespace ipcb {

// Repetitions "disagree" when (max - min) / median of p50 or ops/s exceeds this.
inline constexpr double kDisagreeThreshold = 0.25;

struct Spread {
    double median = 0, min = 0, max = 0;
    double relative() const { return median > 0 ? (max - min) / median : 0; }
};

struct Aggregate {
    std::string key;        // "uds/size:4096/inflight:1", also the benchmark name
    std::string mode, variant, size;
    std::size_t size_min = 0, size_max = 0;
    unsigned inflight = 1;
    int runs = 0, ok_runs = 0;
    Spread p50_us, p99_us, avg_us, ops_per_sec, mib_per_sec, cpu_us_per_op, server_cpu_percent, client_cpu_percent;
    bool disagree = false;  // repetitions disagree beyond kDisagreeThreshold
    std::vector<std::size_t> run_indices;  // into the report's runs
};

std::string config_key(const RunConfig &c);
Spread spread_of(const std::vector<double> &values);
// One aggregate per configuration, in order of first appearance in `runs`.
std::vector<Aggregate> aggregate_runs(const std::vector<RunResult> &runs);

}  // namespace ipcb
