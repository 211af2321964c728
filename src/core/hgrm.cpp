#include "core/hgrm.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/histogram.hpp"
#include "core/stats.hpp"

namespace ipcb {
namespace {

constexpr int kTicksPerHalfDistance = 5;  // HdrHistogram's default for outputPercentileDistribution

std::string row(double value_us, double fraction, std::uint64_t count, bool last) {
    char line[96];
    if (last) std::snprintf(line, sizeof line, "%12.3f %2.12f %10llu\n", value_us, fraction, (unsigned long long)count);
    else
        std::snprintf(line, sizeof line, "%12.3f %2.12f %10llu %14.2f\n", value_us, fraction, (unsigned long long)count,
                      1.0 / (1.0 - fraction));
    return line;
}

// HdrHistogram's next percentile: the step halves each time the remaining distance to 100% does.
double next_percentile(double p) {
    const double halvings = std::floor(std::log2(100.0 / (100.0 - p))) + 1;
    return p + 100.0 / (kTicksPerHalfDistance * std::pow(2.0, halvings));
}

std::string header() {
    char head[128];
    std::snprintf(head, sizeof head, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
                  "1/(1-Percentile)");
    return head;
}

}  // namespace

std::string hgrm_text(const LatencyHistogram &h) {
    std::string out = header();
    const std::uint64_t total = h.count();
    std::uint64_t count = 0;
    for (double p = 0; total && count < total; p = next_percentile(p)) {
        const std::uint64_t value = h.value_at_percentile(p);
        count = total - h.count_above(value);
        if (p > 0 && value >= h.max()) count = total;
        out += row(double(value) * 1e-3, double(count) / double(total), count, count == total);
    }
    char foot[256];
    std::snprintf(foot, sizeof foot,
                  "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n#[Max     = %12.3f, Total count    = %12llu]\n",
                  h.mean() * 1e-3, h.stddev() * 1e-3, double(h.max()) * 1e-3, (unsigned long long)total);
    return out + foot;
}

std::string hgrm_text(std::span<const std::uint32_t> sorted_ns) {
    char head[128];
    std::snprintf(head, sizeof head, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
                  "1/(1-Percentile)");
    std::string out = head;
    const std::uint64_t total = sorted_ns.size();
    double sum = 0, sq = 0;
    for (auto x : sorted_ns) sum += x;
    const double mean = total ? sum / double(total) : 0;
    for (auto x : sorted_ns) sq += (x - mean) * (x - mean);
    std::uint64_t count = 0;
    for (double p = 0; total && count < total; p = next_percentile(p)) {
        const double value = percentile_sorted(sorted_ns, p);
        count = std::uint64_t(std::upper_bound(sorted_ns.begin(), sorted_ns.end(), std::uint32_t(value)) -
                              sorted_ns.begin());
        out += row(value * 1e-3, double(count) / double(total), count, count == total);
    }
    char foot[256];
    std::snprintf(foot, sizeof foot,
                  "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n#[Max     = %12.3f, Total count    = %12llu]\n",
                  mean * 1e-3, total ? std::sqrt(sq / double(total)) * 1e-3 : 0.0,
                  total ? sorted_ns.back() * 1e-3 : 0.0, (unsigned long long)total);
    return out + foot;
}

}  // namespace ipcb
