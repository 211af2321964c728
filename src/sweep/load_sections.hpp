#pragma once
// The sweep's sections after the matrix. Load: each mode at one size, first closed loop (its
// capacity, section "capacity"), then open loop at one ladder of absolute rates (1k, 3k, 10k ...
// 1M requests/s) up to the first it cannot carry, so designs compare at the same rate, then at
// percents of its own capacity. Fan-in: each mode that has a fan-in server with 1, 2, 4, 8 clients.
// Spin: each spinning mode at a low and a high rate of the ladder with spin budgets from 0 to
// 1 ms (what a spin budget buys in p99 and costs in CPU). Sequential, not shuffled: the ladder
// stops where a mode saturates.
#include <cstdint>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "run/results/run_types.hpp"

namespace ipcb {

struct LoadSections {
    std::vector<double> ladder;            // absolute rates every mode runs at, up to where it saturates
    std::vector<double> percents;          // of each mode's closed-loop capacity
    std::vector<unsigned> fan_in_clients;  // client counts of the fan-in section
    std::vector<double> spin_rates;        // the spin section: rates of the ladder it runs at
    std::vector<std::uint64_t> spins_ns;   // and spin budgets, for every spinning mode
    unsigned spin_modes_limit = 0;         // at most this many spinning modes (0: all)
    SizeSpec size;
    double duration_s = 0.4, warmup_s = 0.05;
};

LoadSections default_load_sections(bool quick);

// Runs both sections for `modes` through run(config) (which records each run) with `base`'s CPUs,
// timeout and seed; returns {"load", "load_knees", "fan_in", "spin"} arrays for report.json.
nlohmann::json run_load_sections(const LoadSections &s, const std::vector<std::string> &modes, const RunConfig &base,
                                 const std::function<RunResult(const RunConfig &)> &run);

// The largest 1, 2 or 5 x 10^k at or below `rate`.
double round_down_1_2_5(double rate);

}  // namespace ipcb
