#pragma once
// The paired reading of an interleaved group: who leads, every design's ratio to the leader round
// by round, and how sure the lead is, held against the A/A twin's noise.
//  - the leader is the design with the lowest median of its kept slices' figure; every other
//    active design gets compare_paired(leader, it): the median ratio it / leader over the rounds
//    both have, that median's interval, and the one-sided signed-rank p-value of "not above";
//  - the runner-up is the design with the lowest median ratio;
//  - the A/A band: the twin against the design it repeats (a design still in); band = the far end of that ratio's
//    interval, folded above 1 (max(high, 1 / low)): what two identical designs differ by here;
//  - confidence of leader over runner-up: confidence_word(p) (high p <= 0.01: seven rounds all one
//    way; medium <= 0.05: five), then the A/A rule: a median ratio inside the band is never called
//    (undecided), an interval that reaches into it is at most low; without an A/A of at least
//    kMinAaRounds rounds, at most low.
#include <optional>
#include <string>
#include <vector>

#include "core/signed_rank.hpp"
#include "interleave/group.hpp"

namespace ipcb {

inline constexpr std::size_t kMinAaRounds = 5;

struct PairFigure {
    std::size_t member = 0;   // the design compared (or the twin)
    std::size_t against = 0;  // the leader (or the twin's design)
    PairedComparison cmp;
};

struct PairedRanking {
    int leader = -1, runner_up = -1;  // member indices (-1: none)
    std::vector<PairFigure> pairs;    // every active design but the leader, against it
    std::optional<PairFigure> aa;     // the twin against its design, once it has rounds
    double band = 0;                  // the A/A band (>= 1); 0 while there is none
    std::string confidence = "undecided";
    std::string note;  // why not higher ("" when high)
    const PairFigure *pair_of(std::size_t member) const;
};

PairedRanking rank_paired(const InterleavedGroup &g, Objective o);

// Every design's p50 over the floor's, paired per round (unset without a floor or pairs).
std::optional<PairedComparison> floor_ratio(const InterleavedGroup &g, std::size_t member);
// g.finish_all(), each run's interleaved.floor_ratio filled from the group's floor slices.
std::vector<std::pair<std::size_t, RunResult>> finish_with_floor_ratios(InterleavedGroup &g);

}  // namespace ipcb
