#include "sweep/placement_pairs.hpp"

#include "run/results/run_axes.hpp"

namespace ipcb {

std::vector<PlacementPair> placement_pairs(const std::vector<Aggregate> &aggregates, Placement there) {
    const std::vector<Aggregate> matrix = section_aggregates(aggregates, Section::matrix);
    std::vector<PlacementPair> pairs;
    for (const Aggregate &one : section_aggregates(aggregates, Section::placement)) {
        if (one.config.placement != there) continue;
        for (const Aggregate &two : matrix)
            if (two.mode == one.mode && two.size == one.size && two.inflight == 1 && two.ok_runs > 0 &&
                one.ok_runs > 0 && same_axes(one.config, two.config, {Axis::placement}))
                pairs.push_back({one.mode, two.variant, one.size, two, one});
    }
    return pairs;
}

}  // namespace ipcb
