#include "core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/histogram.hpp"

namespace ipcb {
namespace {

template <class T>
double nearest_rank(std::span<const T> sorted, double p) {
    if (sorted.empty()) return 0;
    const double n = double(sorted.size());
    std::size_t rank = std::size_t(std::ceil(p / 100.0 * n - 1e-9));  // guard 0.999*1000 = 998.9999
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return double(sorted[rank - 1]);
}

}  // namespace

double percentile_sorted(std::span<const double> sorted, double p) { return nearest_rank(sorted, p); }
double percentile_sorted(std::span<const std::uint32_t> sorted, double p) { return nearest_rank(sorted, p); }

LatencyStats compute_latency_stats(std::vector<std::uint32_t> &samples) {
    LatencyStats s;
    if (samples.empty()) return s;
    std::sort(samples.begin(), samples.end());
    std::span<const std::uint32_t> v(samples);
    constexpr double us = 1e-3;
    s.count = v.size();
    double sum = 0;
    for (auto x : v) sum += x;
    const double mean = sum / double(v.size());
    double sq = 0;
    for (auto x : v) sq += (double(x) - mean) * (double(x) - mean);
    s.avg = mean * us;
    s.stddev = std::sqrt(sq / double(v.size())) * us;
    s.min = v.front() * us;
    s.max = v.back() * us;
    s.p50 = nearest_rank(v, 50) * us;
    s.p90 = nearest_rank(v, 90) * us;
    s.p95 = nearest_rank(v, 95) * us;
    s.p99 = nearest_rank(v, 99) * us;
    s.p999 = nearest_rank(v, 99.9) * us;
    s.p9999 = nearest_rank(v, 99.99) * us;
    const double limit = nearest_rank(v, 50) * kOutlierFactor;
    s.outliers = std::uint64_t(
        v.end() - std::upper_bound(v.begin(), v.end(), limit, [](double l, std::uint32_t x) { return l < double(x); }));
    for (double p : kSpectrumPercentiles) s.spectrum.emplace_back(p, nearest_rank(v, p) * us);
    return s;
}

LatencyStats histogram_stats(const LatencyHistogram &h, std::span<const double> asked) {
    LatencyStats s;
    if (h.count() == 0) return s;
    constexpr double us = 1e-3;
    auto at = [&](double p) { return double(h.value_at_percentile(p)) * us; };
    s.count = h.count();
    s.avg = h.mean() * us;
    s.stddev = h.stddev() * us;
    s.min = double(h.min()) * us;
    s.max = double(h.max()) * us;
    s.p50 = at(50), s.p90 = at(90), s.p95 = at(95), s.p99 = at(99), s.p999 = at(99.9), s.p9999 = at(99.99);
    s.outliers = h.count_above(h.value_at_percentile(50) * std::uint64_t(kOutlierFactor));
    for (double p : kSpectrumPercentiles) s.spectrum.emplace_back(p, p == 0 ? s.min : at(p));
    for (double p : asked) s.asked.emplace_back(p, at(p));
    return s;
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double LatencyStats::at(double percentile) const {
    for (auto [p, us] : asked)
        if (p == percentile) return us;
    const std::pair<double, double> fixed[] = {{50, p50}, {90, p90},    {95, p95},
                                               {99, p99}, {99.9, p999}, {99.99, p9999}};
    for (auto [p, us] : fixed)
        if (p == percentile) return us;
    return -1;
}

std::string percentile_name(double percentile) {
    char text[32];
    std::snprintf(text, sizeof text, "p%g", percentile);
    return text;
}

std::string percentiles_text(std::span<const double> percentiles) {
    std::string text;
    for (double p : percentiles) text += (text.empty() ? "" : ",") + percentile_name(p).substr(1);
    return text;
}

}  // namespace ipcb
