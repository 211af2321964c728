#pragma once
// How sure a ranking of two designs is, from their repeated runs alone (no assumption about the
// shape of a run's figures: runs on a noisy host are skewed and jump): the one-sided
// Mann-Whitney rank test, and a distribution-free interval of a median. The advice and the
// sweep's decision table both say how sure they are with these (docs/report-format.md).
#include <string>
#include <vector>

namespace ipcb {

struct RankComparison {
    // P(a run of `better` is below a run of `worse`), ties counting half: U / (n m).
    double superiority = 0.5;
    // The one-sided p-value of "better is not lower than worse": exact for up to 20 runs a side
    // (every ordering equally likely), the normal approximation beyond; 1 when a side is empty.
    double p_value = 1;
};

// Lower is better (latency, CPU per request).
RankComparison compare_lower(const std::vector<double> &better, const std::vector<double> &worse);

// The confidence a p-value gives, in words: high (p <= 0.01: five runs a side that do not
// overlap), medium (<= 0.05: three a side), low (<= 0.20), else undecided.
inline constexpr double kHighConfidenceP = 0.01, kMediumConfidenceP = 0.05, kLowConfidenceP = 0.20;
std::string confidence_word(double p_value);

struct MedianInterval {
    double median = 0, low = 0, high = 0;
    double coverage = 0;  // the interval holds the true median with at least this probability
};
// The median and the narrowest order-statistic interval [x(k), x(n+1-k)] that covers the true
// median with probability >= 0.90; with under 5 values that is the whole range (coverage shown).
MedianInterval median_interval(std::vector<double> values);

}  // namespace ipcb
