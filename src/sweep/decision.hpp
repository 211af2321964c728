#pragma once
// The answer a sweep gives: for each offered rate of the load ladder (at the load sections' size)
// and for each size the matrix ran (closed loop, as fast as it goes), which design gives the
// lowest p99, which the lowest CPU per request (the mechanism's: an open-loop client's pacing
// excluded), and the Pareto set of the two: the designs no other beats on both. A design is a
// mode with its variant (spin budget, io_uring knobs); a saturated run is not a candidate.
#include <optional>
#include <string>
#include <vector>

#include "run/results/run_types.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/loop_section.hpp"

namespace ipcb {

struct Choice {
    std::string label;  // mode[variant]
    double p50_us = 0, p99_us = 0, cpu_us_per_op = 0;
    std::vector<std::size_t> runs;  // indices into the report's runs
    std::string placement;          // of its runs ("separate-cores", ..., "mixed")
    double send_lag_p99_us = 0;     // open loop: how late its requests left, p99 (0 closed loop)
    double neighbours_p99_us = 0;   // loop rows: the neighbours' p99 beside this design's IPC
};

struct DecisionRow {
    std::optional<double> rate;                    // requests/s offered; nullopt: closed loop, as fast as it goes
    std::string size;                              // the size spec
    Section section = Section::load;               // where its candidates came from: load (+ spin), matrix or placement
    std::string requested_placement = "separate";  // where the candidates' two ends ran (RunConfig::placement)
    std::optional<Choice> lowest_p99, lowest_cpu;
    std::vector<Choice> pareto;      // by p99 ascending
    std::vector<std::string> notes;  // every caveat of the row (empty: none)
    std::size_t candidates = 0;      // designs that carried the rate
    std::string neighbours;          // loop rows: the neighbour load ("" for the other rows)
    // How sure the lowest-p99 choice is over the runner-up on p99, by the advice's statistic
    // (core/rank_test.hpp) over the repetitions each has: high, medium, low, undecided, or
    // "single" when only one design was a candidate (no winner is named then).
    std::string confidence = "undecided";
    double confidence_p_value = 1;
    std::string runner_up;  // the runner-up on p99 ("" with one candidate)
    std::string note;       // the one thing that matters, one line (the full list: notes)
    // How the confidence was reached: "paired" (an interleaved group: sweep/paired_rows.hpp) or
    // "repetitions" (the rank test over the sections' repetitions).
    std::string method = "repetitions";
    struct Paired {
        int rounds = 0, slices_dropped = 0;
        std::string leader;             // the paired leader (the choice, unless the note says otherwise)
        double ratio_median = 0;        // runner-up / leader, p99 per round
        double low = 0, high = 0;       // that median's interval
        double aa_band = 0;             // the A/A band (0: none)
        std::vector<std::size_t> runs;  // the group's held runs, indices into runs
    };
    std::optional<Paired> paired;
};

// A choice is uncertain when the runner-up is within kCloseCall of it, when its candidates ran in
// different placements, or (matrix) when its repetitions disagree or their ranges overlap.
inline constexpr double kCloseCall = 0.10;
// A choice's p99 is partly the load generator's when its requests' send lag p99 passes this
// share of its latency p99 (latency counts from the due time, so a late send counts in it).
inline constexpr double kLateSendShare = 0.5;

// Loop rows (one per IPC rate and neighbour load): a candidate must carry the neighbours (achieved
// at least kNeighboursCarried of offered) and keep their p99 within kNeighboursSlack x the best
// design's there; among those, lowest IPC p99. A design that makes the neighbours wait is not
// the answer, however low its own p99.
inline constexpr double kNeighboursCarried = 0.95;
inline constexpr double kNeighboursSlack = 2.0;

std::vector<DecisionRow> decide(const std::vector<RunResult> &runs, const std::vector<Aggregate> &aggregates,
                                const std::vector<LoopRow> &loop = {});

}  // namespace ipcb
