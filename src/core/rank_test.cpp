#include "core/rank_test.hpp"

#include <algorithm>
#include <cmath>

namespace ipcb {
namespace {

constexpr std::size_t kExactUpTo = 20;

// P(U <= u) under the null for sample sizes n and m, with U counted in halves (ties), exactly:
// the number of arrangements with a given U follows the recursion N(n, m, u) = N(n-1, m, u - m)
// + N(n, m-1, u) (is the largest value from the first sample or the second?).
double exact_lower_tail(std::size_t n, std::size_t m, double u) {
    const std::size_t max_u = n * m;
    // counts[i][j][k]: arrangements of i and j values with U = k; rolled over j.
    std::vector<std::vector<std::vector<double>>> counts(n + 1, std::vector<std::vector<double>>(m + 1));
    for (std::size_t i = 0; i <= n; ++i)
        for (std::size_t j = 0; j <= m; ++j) {
            std::vector<double> &c = counts[i][j];
            c.assign(i * j + 1, 0);
            if (i == 0 || j == 0) {
                c[0] = 1;
                continue;
            }
            const std::vector<double> &a = counts[i - 1][j], &b = counts[i][j - 1];
            for (std::size_t k = 0; k < a.size(); ++k) c[k + j] += a[k];  // largest from sample 1: j below it
            for (std::size_t k = 0; k < b.size(); ++k) c[k] += b[k];
        }
    const std::vector<double> &all = counts[n][m];
    double below = 0, total = 0;
    for (std::size_t k = 0; k <= max_u; ++k) {
        total += all[k];
        if (double(k) <= u + 1e-9) below += all[k];
    }
    return below / total;
}

}  // namespace

RankComparison compare_lower(const std::vector<double> &better, const std::vector<double> &worse) {
    RankComparison out;
    const std::size_t n = better.size(), m = worse.size();
    if (n == 0 || m == 0) return out;
    // U_worse_below: pairs where the "worse" run is lower (ties half). Small means better wins.
    double u = 0;
    for (double b : better)
        for (double w : worse) u += w < b ? 1 : (w == b ? 0.5 : 0);
    out.superiority = 1 - u / double(n * m);
    if (n <= kExactUpTo && m <= kExactUpTo) {
        out.p_value = exact_lower_tail(n, m, u);
    } else {
        const double mean = double(n * m) / 2, sd = std::sqrt(double(n * m) * double(n + m + 1) / 12);
        out.p_value = 0.5 * std::erfc(-((u + 0.5 - mean) / sd) / std::sqrt(2.0));
    }
    return out;
}

std::string confidence_word(double p) {
    if (p <= kHighConfidenceP) return "high";
    if (p <= kMediumConfidenceP) return "medium";
    if (p <= kLowConfidenceP) return "low";
    return "undecided";
}

MedianInterval median_interval(std::vector<double> v) {
    MedianInterval out;
    if (v.empty()) return out;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    out.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    // P(Binomial(n, 1/2) < k) for k = 1, 2, ...: the interval [x(k), x(n+1-k)] misses the median
    // with probability 2 P(B < k).
    auto below = [n](std::size_t k) {
        double p = 0, term = std::pow(0.5, double(n));  // P(B = 0)
        for (std::size_t i = 0; i < k; ++i) {
            p += term;
            term = term * double(n - i) / double(i + 1);
        }
        return p;
    };
    std::size_t k = 1;
    while (k + 1 <= n / 2 && 1 - 2 * below(k + 1) >= 0.90) ++k;
    out.low = v[k - 1];
    out.high = v[n - k];
    out.coverage = 1 - 2 * below(k);
    return out;
}

}  // namespace ipcb
