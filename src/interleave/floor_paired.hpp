#pragma once
// --floor-paired runs: the asked runs held at once and run interleaved in slices with their floor
// (the two-thread handoff at their size on their CPUs), so each run's p50 / floor is a ratio of
// figures taken in the same round: the speed check of a design against its floor that a host
// whose level moves 2x from one minute to the next still answers.
#include <functional>
#include <vector>

#include "interleave/group.hpp"

namespace ipcb {

// Runs that share a floor (size, CPUs) form one group, held together for ceil(duration / slice)
// rounds; every run's result carries interleaved.floor_ratio.
std::vector<RunResult> run_floor_paired(const std::vector<RunConfig> &configs, double slice_s, std::uint64_t seed,
                                        const std::function<bool()> &interrupted);

}  // namespace ipcb
