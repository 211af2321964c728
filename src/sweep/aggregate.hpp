#pragma once
// Aggregates over the repetitions of one configuration (mode, variant, size, inflight): the
// median of each figure and its spread, and a flag when repetitions disagree.
#include <map>
#include <string>
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

// Repetitions "disagree" when (max - min) / median of p50 or ops/s exceeds this.
inline constexpr double kDisagreeThreshold = 0.25;

struct Spread {
    double median = 0, min = 0, max = 0;
    double relative() const { return median > 0 ? (max - min) / median : 0; }
};

struct Aggregate {
    Section section = Section::run;  // RunConfig::section of its runs: aggregates never mix sections
    std::string key;                 // "uds/inflight=16/size:4096" (config_key), also the benchmark name
    std::string mode, variant, size;
    // Its first run's configuration: the axis values, typed (run/results/run_axes.hpp), that
    // pairs of aggregates are compared by; the repetitions differ only in seed and repetition.
    RunConfig config;
    std::size_t size_min = 0, size_max = 0;
    unsigned inflight = 1;
    std::uint64_t spin_ns = 0;
    double rate = 0, rate_percent = 0;  // open loop: the offered rate (absolute, or a percent)
    unsigned clients = 1;
    int runs = 0, ok_runs = 0, unsupported_runs = 0;  // superseded attempts are not among them
    int noisy_runs = 0;                               // ok runs still noisy after their retries (--retry-noisy)
    int repeated_runs = 0;                            // ok runs that are a repeat of a noisy attempt
    Spread p50_us, p99_us, avg_us, ops_per_sec, mib_per_sec, cpu_us_per_op, server_cpu_percent, client_cpu_percent;
    Spread p50_over_floor;                  // ok runs with a floor
    Spread syscalls_per_op;                 // ok runs whose syscalls were counted (both sides)
    std::map<std::string, int> placements;  // repetitions per placement (RunResult::placement)
    struct PlacementGroup {
        int ok_runs = 0;
        Spread p50_us, p50_over_floor;
    };
    // Medians per placement, when the ok runs saw more than one placement.
    std::map<std::string, PlacementGroup> by_placement;
    bool disagree = false;  // repetitions disagree beyond kDisagreeThreshold
    // They disagree, but no placement's own repetitions do: placement explains the disagreement.
    bool placement_explains = false;
    std::vector<std::size_t> run_indices;  // into the report's runs
};

// The io_uring integration overhead: an io_uring-driven mode against its baseline at the same
// size, ping-pong, and the same value in every axis both take (socket type, spin budget where
// both spin, clients, placement, rate); ratios of medians (> 1: io_uring costs more).
struct OverheadRow {
    std::string pair;  // "uds vs uds-sync"
    std::string uring_mode, baseline_mode, variant, size;
    std::size_t size_bytes = 0;  // 0 for a size range
    double p50_uring = 0, p50_base = 0, p99_uring = 0, p99_base = 0, cpu_uring = 0, cpu_base = 0;
    double p50_ratio() const { return p50_base > 0 ? p50_uring / p50_base : 0; }
    double p99_ratio() const { return p99_base > 0 ? p99_uring / p99_base : 0; }
    double cpu_ratio() const { return cpu_base > 0 ? cpu_uring / cpu_base : 0; }
};
// The pairs are the mode table's (Mode::baseline), in its order.
std::vector<OverheadRow> uring_overhead(const std::vector<Aggregate> &aggregates);

std::string config_key(const RunConfig &c);
Spread spread_of(const std::vector<double> &values);
// One aggregate per section and configuration, in order of first appearance in `runs`.
std::vector<Aggregate> aggregate_runs(const std::vector<RunResult> &runs);
// The aggregates of closed-loop repetitions: a sweep's matrix, or the runs of a plain command
// (what benchmark.json, bmf.json, the overhead pairs and the matrix plots are made of).
std::vector<Aggregate> matrix_aggregates(const std::vector<Aggregate> &aggregates);
std::vector<Aggregate> section_aggregates(const std::vector<Aggregate> &aggregates, Section section);

}  // namespace ipcb
