#include "interleave/floor_paired.hpp"

#include <cmath>
#include <map>
#include <tuple>

#include "interleave/paired.hpp"

namespace ipcb {

std::vector<RunResult> run_floor_paired(const std::vector<RunConfig> &configs, double slice_s, std::uint64_t seed,
                                        const std::function<bool()> &interrupted) {
    using Key = std::tuple<std::size_t, int, int>;  // the floor's size and CPUs
    std::map<Key, std::vector<const RunConfig *>> groups;
    std::vector<Key> order;
    for (const RunConfig &c : configs) {
        const Key k{c.floor_bytes(), c.client_cpu, c.server_cpu};
        if (!groups.count(k)) order.push_back(k);
        groups[k].push_back(&c);
    }
    const SliceTiming timing = slice_timing_for(slice_s);
    std::vector<RunResult> out;
    for (const Key &k : order) {
        const std::vector<const RunConfig *> &members = groups[k];
        InterleavedGroup g(seed);
        for (const RunConfig *c : members) g.add(c->label(), MemberKind::design, hold_design(*c, timing));
        g.add("floor", MemberKind::floor, hold_floor(*members.front(), timing));
        const int rounds = std::max(1, int(std::ceil(members.front()->duration_s / slice_s - 1e-9)));
        while (g.rounds < rounds && !interrupted()) {
            bool any = false;
            for (std::size_t i = 0; i < members.size(); ++i) any |= g.members[i].active();
            if (!any || !g.run_round(interrupted)) break;
        }
        for (auto &[member, result] : finish_with_floor_ratios(g)) out.push_back(std::move(result));
    }
    return out;
}

}  // namespace ipcb
