#include "sweep/placement_pairs.hpp"

namespace ipcb {

std::string without_placement(const std::string &variant) {
    std::string v = variant;
    for (const char *part : {",same-cpu", "same-cpu,", "same-cpu"})
        if (const auto at = v.find(part); at != std::string::npos) {
            v.erase(at, std::string(part).size());
            break;
        }
    return v;
}

std::vector<PlacementPair> placement_pairs(const std::vector<Aggregate> &aggregates) {
    const std::vector<Aggregate> matrix = section_aggregates(aggregates, "matrix");
    std::vector<PlacementPair> pairs;
    for (const Aggregate &one : section_aggregates(aggregates, "placement")) {
        const std::string variant = without_placement(one.variant);
        for (const Aggregate &two : matrix)
            if (two.mode == one.mode && two.size == one.size && two.variant == variant && two.inflight == 1 &&
                two.ok_runs > 0 && one.ok_runs > 0)
                pairs.push_back({one.mode, variant, one.size, two, one});
    }
    return pairs;
}

}  // namespace ipcb
