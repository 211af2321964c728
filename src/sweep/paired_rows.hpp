#pragma once
// The sweep's decision rows answered paired (the advice's interleaved method, interleave/): after
// decide(), each matrix, placement and load row's leading designs (its lowest-p99 choice, its
// runner-up and the rest of its Pareto set, kPairedRowDesigns at most) are held at once and run
// in rounds of slices with an A/A twin of the choice and the floor, until the paired ranking is
// high or kPairedRowRounds rounds ran. The row's confidence, its p-value and its runner-up then
// come from the paired rounds (DecisionRow::paired says how); where the paired leader is not the
// row's choice, the row is undecided and says so. Loop rows (neighbours) keep their unpaired
// confidence: a held run cannot pause the neighbours' open loop. `--sweep --quick` answers no row
// paired (it must stay about a minute; the groups take 20-35 s there).
#include <functional>
#include <vector>

#include "interleave/group.hpp"
#include "sweep/decision.hpp"

namespace ipcb {

inline constexpr std::size_t kPairedRowDesigns = 4;
inline constexpr int kPairedRowRounds = 12;

struct PairedRowPlan {
    double slice_s = 0.1;
    int max_rounds = kPairedRowRounds;
    std::uint64_t seed = 1;
};

// Runs the rows' groups; every held run is appended to `runs` (section "decision").
void answer_rows_paired(std::vector<DecisionRow> &rows, std::vector<RunResult> &runs, const PairedRowPlan &plan,
                        const std::function<bool()> &interrupted);

}  // namespace ipcb
