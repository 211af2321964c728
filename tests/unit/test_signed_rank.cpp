// The paired statistic of the interleaved advice against published tables and brute force.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/signed_rank.hpp"

using namespace ipcb;

namespace {

// Differences whose ranks 1..n carry the given signs (+1 / -1), magnitudes 1..n.
std::vector<double> ranked(const std::vector<int> &signs) {
    std::vector<double> d;
    for (std::size_t i = 0; i < signs.size(); ++i) d.push_back(signs[i] * double(i + 1));
    return d;
}

// P(W+ >= w) by enumerating every sign pattern of ranks 1..n.
double brute_upper(unsigned n, unsigned w) {
    unsigned hits = 0;
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
        unsigned s = 0;
        for (unsigned i = 0; i < n; ++i)
            if (mask >> i & 1) s += i + 1;
        hits += s >= w;
    }
    return double(hits) / double(1u << n);
}

}  // namespace

TEST_CASE("signed-rank: every round above gives 2^-n") {
    CHECK(signed_rank_upper_p(ranked({1, 1, 1, 1, 1})) == doctest::Approx(1.0 / 32));
    CHECK(signed_rank_upper_p(ranked({1, 1, 1, 1, 1, 1, 1})) == doctest::Approx(1.0 / 128));
    CHECK(signed_rank_upper_p(ranked({-1, -1, -1, -1, -1})) == doctest::Approx(1.0));
}

TEST_CASE("signed-rank: the published table's critical values (one-sided)") {
    // n = 10: P(T- <= 10) = 0.0420, P(T- <= 11) = 0.0527; n = 8: P(T- <= 5) = 0.0391, <= 6: 0.0547.
    // T- = the sum of the negative ranks; W+ = n(n+1)/2 - T-.
    auto with_negative_sum = [](unsigned n, std::vector<unsigned> negative) {
        std::vector<int> s(n, 1);
        for (unsigned r : negative) s[r - 1] = -1;
        return ranked(s);
    };
    CHECK(signed_rank_upper_p(with_negative_sum(10, {1, 2, 3, 4})) == doctest::Approx(0.0419921875));  // T- = 10
    CHECK(signed_rank_upper_p(with_negative_sum(10, {5, 6})) == doctest::Approx(0.052734375));         // T- = 11
    CHECK(signed_rank_upper_p(with_negative_sum(8, {5})) == doctest::Approx(0.0390625));
    CHECK(signed_rank_upper_p(with_negative_sum(8, {1, 5})) == doctest::Approx(0.0546875));
    // n = 20, T- = 60: 0.0487 (the table's one-sided 5% critical value is 60).
    CHECK(signed_rank_upper_p(with_negative_sum(20, {20, 19, 18, 3})) == doctest::Approx(0.048653602600097656));
}

TEST_CASE("signed-rank: agrees with enumeration for every statistic of n = 9") {
    for (unsigned w = 0; w <= 45; ++w) {
        // ranks chosen greedily from the top so their sum is w
        std::vector<int> s(9, -1);
        unsigned left = w;
        for (unsigned r = 9; r >= 1; --r)
            if (r <= left) s[r - 1] = 1, left -= r;
        REQUIRE(left == 0);
        CHECK(signed_rank_upper_p(ranked(s)) == doctest::Approx(brute_upper(9, w)));
    }
}

TEST_CASE("signed-rank: zeros are left out, ties share their mid-rank") {
    CHECK(signed_rank_upper_p({0, 0, 1, 2, 3}) == doctest::Approx(1.0 / 8));
    CHECK(signed_rank_upper_p({0, 0, 0}) == 1);
    // |d| = 1, 1, 2: ranks 1.5, 1.5, 3; W+ = 4.5 of 6 with signs (+, -, +): patterns with
    // W+ >= 4.5 are {+,+,+} (6), {+,-,+} and {-,+,+} (4.5): 3 of 8.
    CHECK(signed_rank_upper_p({1, -1, 2}) == doctest::Approx(3.0 / 8));
}

TEST_CASE("paired comparison: ratios per round, the missing rounds left out") {
    const std::vector<double> base{10, 10, 10, 10, 10, 10, 10, NAN}, other{11, 12, 11.5, 11, 12.5, 11.2, 0, 20};
    const PairedComparison c = compare_paired(base, other);
    CHECK(c.pairs == 6);
    CHECK(c.ratio.median == doctest::Approx(1.135));
    CHECK(c.ratio.low >= 1.1);
    CHECK(c.p_value == doctest::Approx(1.0 / 64));
    CHECK(c.p_value_below == doctest::Approx(1.0));
    // A host that doubles every figure in one round moves both alike: the pairing keeps the order.
    const PairedComparison drift = compare_paired({1, 2, 1, 2, 1}, {1.1, 2.2, 1.1, 2.2, 1.1});
    CHECK(drift.p_value == doctest::Approx(1.0 / 32));
    CHECK(drift.ratio.median == doctest::Approx(1.1));
}
