#pragma once
// Paired comparison of two designs measured in the same rounds (an interleaved advice: each round
// runs every candidate once, in short slices, so a drift of the host falls on both figures of a
// round alike). Per round the ratio other / base; over rounds:
//  - the one-sided Wilcoxon signed-rank test of "other is not above base" on the log ratios
//    (paired, no assumption about the shape of the differences beyond symmetry under the null;
//    its p-value is exact for any number of rounds: the permutation distribution of the signs,
//    ties given their mid-ranks, rounds whose ratio is exactly 1 left out, as Wilcoxon did);
//  - the median ratio with its distribution-free interval (core/rank_test.hpp, median_interval).
// docs/method.md, "Interleaved advice", says why paired and why this test.
#include <cstddef>
#include <vector>

#include "core/rank_test.hpp"

namespace ipcb {

struct PairedComparison {
    std::size_t pairs = 0;     // rounds where both have a figure
    MedianInterval ratio;      // of other / base over those rounds (all 0 without pairs)
    double p_value = 1;        // one-sided: small when other is above base
    double p_value_below = 1;  // the other side: small when other is below base
};

// `base` and `other`: one figure per round, the same rounds; a figure <= 0 or NaN is missing
// (that round's slice was dropped), and its round is left out.
PairedComparison compare_paired(const std::vector<double> &base, const std::vector<double> &other);

// P(W+ >= observed) under the null for differences `d` (zeros left out): the exact upper tail
// of the signed-rank statistic, by counting sign patterns over the (doubled, so whole) mid-ranks.
double signed_rank_upper_p(const std::vector<double> &d);

}  // namespace ipcb
