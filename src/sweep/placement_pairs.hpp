#pragma once
// The two placements side by side: each configuration of the placement section (both ends on one
// CPU) against the same configuration of the matrix (two CPUs), medians over repetitions.
#include <string>
#include <vector>

#include "sweep/aggregate.hpp"

namespace ipcb {

struct PlacementPair {
    std::string mode, variant, size;  // the two-CPU configuration's variant (e.g. "spin=0us")
    Aggregate separate, same_cpu;
    double p50_ratio() const {
        return separate.p50_us.median > 0 ? same_cpu.p50_us.median / separate.p50_us.median : 0;
    }
    double cpu_ratio() const {
        return separate.cpu_us_per_op.median > 0 ? same_cpu.cpu_us_per_op.median / separate.cpu_us_per_op.median : 0;
    }
};

// Pairs of aggregates with ok runs in both placements, in the placement section's order: the
// section's runs at `there` (same-cpu, or a topology class: smt, cross-cache, ...) against the
// matrix's (`same_cpu` then holds the `there` side).
std::vector<PlacementPair> placement_pairs(const std::vector<Aggregate> &aggregates,
                                           Placement there = Placement::same_cpu);

}  // namespace ipcb
