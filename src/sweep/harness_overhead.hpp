#pragma once
// What the harness itself adds to a round trip: `uds-sync` at 4 KiB (the harness's simplest mode)
// against the bare blocking socketpair ping-pong (floor/bare_pingpong.hpp), in both placements,
// each pair back to back so both see the same minute of the host; the median of the pairs' ratios.
#include <functional>
#include <string>
#include <vector>

#include "floor/bare_pingpong.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

struct HarnessOverheadRow {
    std::string placement;  // "separate" | "same-cpu"
    std::size_t bytes = 0;
    std::vector<double> bare_p50_us, harness_p50_us;  // pair by pair
    std::vector<std::size_t> runs;                    // the uds-sync runs (indices into the report's runs)
    double median_ratio = 0;                          // of harness / bare p50, pair by pair; 0: none measured
    std::string error;                                // why a pair could not be measured ("" when all were)
};

// `pairs` pairs per placement, the uds-sync runs made from `base` (CPUs, timing) with run(config),
// which appends each to `runs`.
std::vector<HarnessOverheadRow> measure_harness_overhead(const RunConfig &base, int pairs, std::vector<RunResult> &runs,
                                                         const std::function<RunResult(const RunConfig &)> &run);

}  // namespace ipcb
