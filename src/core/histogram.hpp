#pragma once
// A latency histogram in HdrHistogram's log-linear layout: values from 1 ns to about 73 minutes
// (2^42 ns) recorded into a fixed set of buckets, so its memory does not depend on how many values
// a run records. Each power-of-two range is split into 2^k equal sub-buckets, enough that every
// value is kept to `significant_digits` decimal digits (3 by default: a value and the bucket it
// lands in differ by less than 1/1000 of it). Percentiles are the highest value of the bucket
// that holds the rank (as HdrHistogram reports them); count, min, max and mean are exact.
// Histograms of the same precision merge by adding counts (the clients of a fan-in run).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ipcb {

__extension__ using Uint128 = unsigned __int128;

class LatencyHistogram {
public:
    static constexpr std::uint64_t kHighest = std::uint64_t(1) << 42;  // ns, about 73 minutes

    explicit LatencyHistogram(int significant_digits = 3);

    void record(std::uint64_t ns);
    void merge(const LatencyHistogram &other);  // same significant_digits
    void reset();

    std::uint64_t count() const { return total_; }
    std::uint64_t min() const { return total_ ? min_ : 0; }
    std::uint64_t max() const { return max_; }  // exact, even past kHighest
    double mean() const { return total_ ? double(sum_) / double(total_) : 0; }
    double stddev() const;  // from the buckets' middle values around the exact mean
    int significant_digits() const { return digits_; }
    // The value at percentile p (0..100): the highest value of the bucket holding the
    // ceil(p/100 * count)-th smallest value (at least the first); the exact max at 100.
    std::uint64_t value_at_percentile(double p) const;
    // Values above `ns` (bucket resolution).
    std::uint64_t count_above(std::uint64_t ns) const;
    // The largest difference between a recorded value and what the histogram reports for it,
    // relative to the value: 2^-(sub-bucket bits - 1), under 10^-significant_digits.
    double relative_precision() const;

    // A compact byte form (non-empty buckets only) for the result pipe, and back.
    std::vector<std::byte> serialize() const;
    static LatencyHistogram deserialize(std::span<const std::byte> bytes);  // throws Error when malformed

private:
    std::size_t index_of(std::uint64_t v) const;
    std::uint64_t value_of_index(std::size_t i) const;
    std::uint64_t highest_equivalent(std::uint64_t v) const;
    std::uint64_t lowest_equivalent(std::uint64_t v) const;

    int digits_;
    int sub_bucket_half_count_magnitude_ = 0;
    std::uint64_t sub_bucket_count_ = 0, sub_bucket_half_count_ = 0, sub_bucket_mask_ = 0;
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0, min_ = UINT64_MAX, max_ = 0;
    Uint128 sum_ = 0;  // sum of every value: exact mean for any run length
};

}  // namespace ipcb
