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
#include <optional>
#include <string>
#include <vector>

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

// One point of the load or spin section: a run (an index into the report's runs) and how it was
// chosen: "ladder" (an absolute rate), "percent" (of the mode's capacity), "spin" (a spin budget).
struct SectionPoint {
    std::string kind;
    std::size_t run = 0;
};

// The knee of one mode on the ladder: the lowest rate whose p99 is at least twice the p99 at the
// lowest rate, or that saturated (unset when neither happened over the rates run).
struct Knee {
    std::string mode;
    std::optional<double> p99_at_lowest_us, knee_rate, p99_at_knee_us;
};
inline constexpr const char *kKneeRule =
    "the lowest rate of the ladder whose p99 is at least 2 x the p99 at the lowest rate, or that saturated";

struct SectionResults {
    std::vector<SectionPoint> load, spin;
    std::vector<Knee> knees;
    std::vector<std::size_t> fan_in;  // ok fan-in runs
};

// Runs the sections for `modes` with `base`'s CPUs, timeout and seed: run(config) runs one (and
// may print it); each is appended to `runs`, which the results index.
SectionResults run_load_sections(const LoadSections &s, const std::vector<std::string> &modes, const RunConfig &base,
                                 std::vector<RunResult> &runs, const std::function<RunResult(const RunConfig &)> &run);

}  // namespace ipcb
