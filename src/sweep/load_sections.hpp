#pragma once
// The sweep's load sections, run after the matrix. Load: each mode at one size, first closed loop
// (its capacity), then open loop at percents of that capacity, then at one common absolute rate
// that every mode carried (half the smallest capacity, rounded down to 1, 2 or 5 x 10^k): where
// each mode's latency knee is. Fan-in: each mode that has a fan-in server with 1, 2, 4, 8 clients.
// Rates depend on capacities measured on the way, so these runs are sequential, not shuffled.
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "run/results/run_types.hpp"

namespace ipcb {

struct LoadSections {
    std::vector<double> percents;          // of each mode's closed-loop capacity
    std::vector<unsigned> fan_in_clients;  // client counts of the fan-in section
    SizeSpec size;
    double duration_s = 0.4, warmup_s = 0.05;
};

LoadSections default_load_sections(bool quick);

// Runs both sections for `modes` through run(config) (which records each run) with `base`'s CPUs,
// timeout and seed; returns {"load": [...], "load_knees": [...], "fan_in": [...]} for report.json.
nlohmann::json run_load_sections(const LoadSections &s, const std::vector<std::string> &modes, const RunConfig &base,
                                 const std::function<RunResult(const RunConfig &)> &run);

// The largest 1, 2 or 5 x 10^k at or below `rate`.
double round_down_1_2_5(double rate);

}  // namespace ipcb
