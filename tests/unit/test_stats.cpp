#include <doctest/doctest.h>

#include <algorithm>

#include "core/stats.hpp"
#include "core/syscall_counter.hpp"

using namespace ipcb;

TEST_CASE("nearest-rank percentiles on hand-computed data") {
    // 1..10 us (in ns): p50 = 5th value, p90 = 9th, p95 and p99 = 10th (ceil(9.5) = 10).
    std::vector<std::uint32_t> v = {10000, 3000, 1000, 2000, 9000, 4000, 5000, 8000, 7000, 6000};
    LatencyStats s = compute_latency_stats(v);
    CHECK(s.count == 10);
    CHECK(s.min == doctest::Approx(1.0));
    CHECK(s.max == doctest::Approx(10.0));
    CHECK(s.avg == doctest::Approx(5.5));
    CHECK(s.p50 == doctest::Approx(5.0));
    CHECK(s.p90 == doctest::Approx(9.0));
    CHECK(s.p95 == doctest::Approx(10.0));
    CHECK(s.p99 == doctest::Approx(10.0));
    // population stddev of 1..10 = sqrt(8.25)
    CHECK(s.stddev == doctest::Approx(2.8722813).epsilon(1e-6));
    CHECK(std::is_sorted(v.begin(), v.end()));
}

TEST_CASE("percentiles of 1000 samples pick exact ranks") {
    std::vector<std::uint32_t> v;
    for (std::uint32_t i = 1000; i >= 1; --i) v.push_back(i * 1000);  // 1..1000 us, reversed
    LatencyStats s = compute_latency_stats(v);
    CHECK(s.p50 == doctest::Approx(500));
    CHECK(s.p95 == doctest::Approx(950));
    CHECK(s.p99 == doctest::Approx(990));
    CHECK(s.p999 == doctest::Approx(999));  // ceil(0.999 * 1000) = 999, not 1000
    CHECK(s.p9999 == doctest::Approx(1000));
    REQUIRE(!s.spectrum.empty());
    CHECK(s.spectrum.front().second == doctest::Approx(1));
    CHECK(s.spectrum.back().second == doctest::Approx(1000));
}

TEST_CASE("single sample and empty input") {
    std::vector<std::uint32_t> one = {42000};
    LatencyStats s = compute_latency_stats(one);
    CHECK(s.p50 == doctest::Approx(42));
    CHECK(s.p99 == doctest::Approx(42));
    CHECK(s.stddev == doctest::Approx(0));
    std::vector<std::uint32_t> none;
    CHECK(compute_latency_stats(none).count == 0);
}

TEST_CASE("median of even and odd counts") {
    CHECK(median({3, 1, 2}) == doctest::Approx(2));
    CHECK(median({4, 1, 2, 3}) == doctest::Approx(2.5));
    CHECK(median({}) == doctest::Approx(0));
}

TEST_CASE("syscall counts: a difference adds 'other', never negative") {
    SyscallCounts before{.total = 100, .by_name = {{"futex", 10}, {"read", 5}}};
    SyscallCounts after{.total = 130, .by_name = {{"futex", 30}, {"read", 7}}};
    SyscallCounts d = after - before;
    CHECK(d.total == 30);
    CHECK(d.by_name.at("futex") == 20);
    CHECK(d.by_name.at("read") == 2);
    CHECK(d.by_name.at("other") == 8);
    after.total = 120;  // counters read one after another: the named ones may have run ahead
    CHECK((after - before).by_name.at("other") == 0);
}
