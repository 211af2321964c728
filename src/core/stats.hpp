#pragma once
// Latency statistics computed exactly from every raw sample (no histogram binning).
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ipcb {

class LatencyHistogram;

struct LatencyStats {
    std::uint64_t count = 0;
    double avg = 0, min = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, p9999 = 0, max = 0;
    double stddev = 0;           // population standard deviation
    std::uint64_t outliers = 0;  // samples above kOutlierFactor x p50 (counted, never dropped)
    // (percentile, us) at kSpectrumPercentiles, for percentile-spectrum plots.
    std::vector<std::pair<double, double>> spectrum;
    // (percentile, us) at the percentiles the user asked for (--percentiles), in their order.
    std::vector<std::pair<double, double>> asked;
    // The value at an asked percentile, else at one of the fixed ones (50, 90, 95, 99, 99.9,
    // 99.99), else -1.
    double at(double percentile) const;
};

// What the console shows without --percentiles, and the most one may ask for.
inline constexpr double kDefaultPercentiles[] = {50, 99};
inline constexpr std::size_t kMaxPercentiles = 16;
// "p50", "p99.9": how a percentile is named in the report, the console and the CSV.
std::string percentile_name(double percentile);
// "50,99"
std::string percentiles_text(std::span<const double> percentiles);

inline constexpr double kOutlierFactor = 10.0;

inline constexpr double kSpectrumPercentiles[] = {0,    10,   25,   50,    75,    90,    95,     98,     99,
                                                  99.5, 99.8, 99.9, 99.95, 99.98, 99.99, 99.995, 99.999, 100};

// Nearest-rank percentile of sorted data: the smallest value with at least p% of samples <= it,
// i.e. sorted[ceil(p/100 * n) - 1]. Exact, and always one of the samples.
double percentile_sorted(std::span<const double> sorted, double p);
double percentile_sorted(std::span<const std::uint32_t> sorted, double p);

// Samples in nanoseconds; the result is in microseconds. `samples` is sorted in place.
LatencyStats compute_latency_stats(std::vector<std::uint32_t> &samples);
// The same figures from a histogram (core/histogram.hpp): percentiles to its precision, count,
// min, max and mean exact.
// `asked`: percentiles also wanted (LatencyStats::asked).
LatencyStats histogram_stats(const LatencyHistogram &h, std::span<const double> asked = {});

double median(std::vector<double> values);

}  // namespace ipcb
