#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/hgrm.hpp"
#include "core/histogram.hpp"
#include "core/stats.hpp"

using namespace ipcb;

namespace {

// The exact nearest-rank value: the smallest with at least p% of the samples at or below it.
std::uint64_t exact_percentile(const std::vector<std::uint64_t> &sorted, double p) {
    std::size_t rank = std::size_t(std::ceil(p / 100.0 * double(sorted.size()) - 1e-9));
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

// Latencies shaped like a round trip's: a lognormal body around `median_ns`, a tail of stalls
// up to tens of milliseconds, and a few values past 4.29 s (2^32 ns).
std::vector<std::uint64_t> recorded_distribution(std::uint64_t seed, double median_ns, std::size_t n) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> body(std::log(median_ns), 0.35);
    std::uniform_real_distribution<double> tail(1e5, 5e7);
    std::vector<std::uint64_t> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(std::uint64_t(i % 997 == 0 ? tail(rng) : body(rng)) + 1);
    v.push_back(5'000'000'000ULL);      // a 5 s stall
    v.push_back(3'600'000'000'000ULL);  // an hour
    return v;
}

}  // namespace

TEST_CASE("histogram percentiles are within the stated precision of the exact ones (property)") {
    for (int digits : {2, 3, 4}) {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            for (double median_ns : {600.0, 18'000.0, 2'500'000.0}) {
                CAPTURE(digits);
                CAPTURE(seed);
                CAPTURE(median_ns);
                std::vector<std::uint64_t> v = recorded_distribution(seed, median_ns, 20'000);
                LatencyHistogram h(digits);
                for (std::uint64_t x : v) h.record(x);
                std::sort(v.begin(), v.end());
                CHECK(h.relative_precision() < std::pow(10.0, -digits));
                CHECK(h.count() == v.size());
                CHECK(h.min() == v.front());
                CHECK(h.max() == v.back());  // exact, past 2^32 ns
                for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
                    CAPTURE(p);
                    const double exact = double(exact_percentile(v, p));
                    const double got = double(h.value_at_percentile(p));
                    CHECK(got >= exact);  // the highest value of the bucket that holds the rank
                    CHECK(got - exact <= exact * h.relative_precision() + 1);
                }
            }
        }
    }
}

TEST_CASE("histograms merge as if recorded in one, and survive serialisation") {
    std::vector<std::uint64_t> a = recorded_distribution(7, 20'000, 5'000), b = recorded_distribution(8, 90'000, 3'000);
    LatencyHistogram ha, hb, all;
    for (auto x : a) ha.record(x), all.record(x);
    for (auto x : b) hb.record(x), all.record(x);
    ha.merge(hb);
    const LatencyHistogram back = LatencyHistogram::deserialize(ha.serialize());
    for (double p : {50.0, 99.0, 99.99, 100.0}) {
        CHECK(ha.value_at_percentile(p) == all.value_at_percentile(p));
        CHECK(back.value_at_percentile(p) == all.value_at_percentile(p));
    }
    CHECK(back.count() == all.count());
    CHECK(back.mean() == doctest::Approx(all.mean()));
    std::vector<std::byte> cut = ha.serialize();
    cut.resize(cut.size() - 3);
    CHECK_THROWS(LatencyHistogram::deserialize(cut));
    CHECK_THROWS(LatencyHistogram(2).merge(LatencyHistogram(3)));
}

TEST_CASE("histogram statistics and .hgrm text") {
    LatencyHistogram h;
    for (std::uint64_t us = 1; us <= 1000; ++us) h.record(us * 1000);
    const LatencyStats s = histogram_stats(h);
    CHECK(s.count == 1000);
    CHECK(s.avg == doctest::Approx(500.5));
    CHECK(s.p50 == doctest::Approx(500.0).epsilon(0.001));
    CHECK(s.p99 == doctest::Approx(990.0).epsilon(0.001));
    CHECK(s.max == doctest::Approx(1000.0));
    CHECK(s.outliers == 0);
    const std::string t = hgrm_text(h);
    CHECK(t.find("Total count    =         1000") != std::string::npos);
    CHECK(t.find("1000.000 1.000000000000       1000") != std::string::npos);
    CHECK(hgrm_text(LatencyHistogram()).find("Total count    =            0") != std::string::npos);
}
