#include "core/signed_rank.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ipcb {

double signed_rank_upper_p(const std::vector<double> &d) {
    std::vector<double> nonzero;
    for (double x : d)
        if (x != 0 && std::isfinite(x)) nonzero.push_back(x);
    const std::size_t n = nonzero.size();
    if (n == 0) return 1;
    // Mid-ranks of |d|, doubled so ties (half ranks) stay whole numbers.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return std::fabs(nonzero[a]) < std::fabs(nonzero[b]); });
    std::vector<std::size_t> rank2(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && std::fabs(nonzero[order[j + 1]]) == std::fabs(nonzero[order[i]])) ++j;
        for (std::size_t k = i; k <= j; ++k) rank2[order[k]] = i + j + 2;  // 2 x mean of ranks i+1..j+1
        i = j + 1;
    }
    std::size_t observed = 0, total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        total += rank2[i];
        if (nonzero[i] > 0) observed += rank2[i];
    }
    // prob[s]: P(W+ doubled = s), each sign + or - with probability 1/2, one rank at a time.
    std::vector<double> prob(total + 1, 0);
    prob[0] = 1;
    std::size_t reach = 0;
    for (std::size_t r : rank2) {
        for (std::size_t s = reach + 1; s-- > 0;) {
            const double p = prob[s] / 2;
            prob[s] = p;
            prob[s + r] += p;
        }
        reach += r;
    }
    double upper = 0;
    for (std::size_t s = observed; s <= total; ++s) upper += prob[s];
    return std::min(1.0, upper);
}

PairedComparison compare_paired(const std::vector<double> &base, const std::vector<double> &other) {
    PairedComparison out;
    std::vector<double> ratios, logs;
    for (std::size_t i = 0; i < std::min(base.size(), other.size()); ++i) {
        const double b = base[i], o = other[i];
        if (!(b > 0) || !(o > 0)) continue;  // NaN or a missing figure
        ratios.push_back(o / b);
        logs.push_back(std::log(o / b));
    }
    out.pairs = ratios.size();
    if (ratios.empty()) return out;
    out.ratio = median_interval(ratios);
    out.p_value = signed_rank_upper_p(logs);
    for (double &x : logs) x = -x;
    out.p_value_below = signed_rank_upper_p(logs);
    return out;
}

}  // namespace ipcb
