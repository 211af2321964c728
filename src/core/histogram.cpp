#include "core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/sys.hpp"

namespace ipcb {

LatencyHistogram::LatencyHistogram(int significant_digits) : digits_(significant_digits) {
    if (digits_ < 1 || digits_ > 5) throw Error("histogram precision must be 1 to 5 significant digits");
    // Single-unit resolution up to 2 x 10^digits: a bucket's width is at most 1/10^digits of its values.
    const double largest_single_unit = 2.0 * std::pow(10.0, digits_);
    const int magnitude = int(std::ceil(std::log2(largest_single_unit)));
    sub_bucket_half_count_magnitude_ = magnitude - 1;
    sub_bucket_count_ = std::uint64_t(1) << magnitude;
    sub_bucket_half_count_ = sub_bucket_count_ / 2;
    sub_bucket_mask_ = sub_bucket_count_ - 1;
    std::size_t buckets = 1;
    while ((sub_bucket_count_ << (buckets - 1)) <= kHighest) ++buckets;
    counts_.assign((buckets + 1) * sub_bucket_half_count_, 0);
}

std::size_t LatencyHistogram::index_of(std::uint64_t v) const {
    const int pow2_ceiling = 64 - __builtin_clzll(v | sub_bucket_mask_);
    const int bucket = pow2_ceiling - (sub_bucket_half_count_magnitude_ + 1);
    const std::uint64_t sub = v >> bucket;
    return (std::size_t(bucket + 1) << sub_bucket_half_count_magnitude_) + std::size_t(sub - sub_bucket_half_count_);
}

std::uint64_t LatencyHistogram::value_of_index(std::size_t i) const {
    int bucket = int(i >> sub_bucket_half_count_magnitude_) - 1;
    std::uint64_t sub = (i & (sub_bucket_half_count_ - 1)) + sub_bucket_half_count_;
    if (bucket < 0) {
        sub -= sub_bucket_half_count_;
        bucket = 0;
    }
    return sub << bucket;
}

std::uint64_t LatencyHistogram::lowest_equivalent(std::uint64_t v) const { return value_of_index(index_of(v)); }

std::uint64_t LatencyHistogram::highest_equivalent(std::uint64_t v) const {
    const int pow2_ceiling = 64 - __builtin_clzll(v | sub_bucket_mask_);
    const int bucket = pow2_ceiling - (sub_bucket_half_count_magnitude_ + 1);
    return lowest_equivalent(v) + (std::uint64_t(1) << bucket) - 1;
}

void LatencyHistogram::record(std::uint64_t ns) {
    ++counts_[index_of(std::min(ns, kHighest))];  // beyond ~73 min: the last bucket; max stays exact
    ++total_;
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
    sum_ += ns;
}

void LatencyHistogram::merge(const LatencyHistogram &o) {
    if (o.digits_ != digits_) throw Error("merging histograms of different precision");
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
    sum_ += o.sum_;
}

void LatencyHistogram::reset() {
    std::fill(counts_.begin(), counts_.end(), 0);
    total_ = 0, min_ = UINT64_MAX, max_ = 0, sum_ = 0;
}

double LatencyHistogram::stddev() const {
    if (total_ == 0) return 0;
    const double m = mean();
    double sq = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (!counts_[i]) continue;
        const std::uint64_t lo = value_of_index(i);
        const double mid = double(lo) + double(highest_equivalent(lo) - lo) / 2;
        sq += double(counts_[i]) * (mid - m) * (mid - m);
    }
    return std::sqrt(sq / double(total_));
}

std::uint64_t LatencyHistogram::value_at_percentile(double p) const {
    if (total_ == 0) return 0;
    if (p >= 100) return max_;
    const double wanted = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * double(total_) - 1e-9);
    const std::uint64_t rank = std::max<std::uint64_t>(1, std::uint64_t(wanted));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(highest_equivalent(value_of_index(i)), max_);
    }
    return max_;
}

std::uint64_t LatencyHistogram::count_above(std::uint64_t ns) const {
    std::uint64_t n = 0;
    for (std::size_t i = index_of(std::min(ns, kHighest)) + 1; i < counts_.size(); ++i) n += counts_[i];
    return n;
}

double LatencyHistogram::relative_precision() const { return 1.0 / double(sub_bucket_half_count_); }

namespace {

template <class T>
void put(std::vector<std::byte> &out, T v) {
    const auto *p = reinterpret_cast<const std::byte *>(&v);
    out.insert(out.end(), p, p + sizeof v);
}

template <class T>
T take(std::span<const std::byte> &in) {
    if (in.size() < sizeof(T)) throw Error("histogram record cut short");
    T v;
    std::memcpy(&v, in.data(), sizeof v);
    in = in.subspan(sizeof v);
    return v;
}

}  // namespace

std::vector<std::byte> LatencyHistogram::serialize() const {
    std::vector<std::byte> out;
    put<std::uint32_t>(out, std::uint32_t(digits_));
    put(out, total_), put(out, min_), put(out, max_);
    put(out, std::uint64_t(sum_ >> 64)), put(out, std::uint64_t(sum_));
    for (std::size_t i = 0; i < counts_.size(); ++i)
        if (counts_[i]) put(out, std::uint32_t(i)), put(out, counts_[i]);
    return out;
}

LatencyHistogram LatencyHistogram::deserialize(std::span<const std::byte> in) {
    const auto digits = take<std::uint32_t>(in);
    if (digits < 1 || digits > 5) throw Error("histogram record has a bad precision");
    LatencyHistogram h{int(digits)};
    h.total_ = take<std::uint64_t>(in), h.min_ = take<std::uint64_t>(in), h.max_ = take<std::uint64_t>(in);
    const auto high = take<std::uint64_t>(in), low = take<std::uint64_t>(in);
    h.sum_ = (static_cast<Uint128>(high) << 64) | low;
    std::uint64_t counted = 0;
    while (!in.empty()) {
        const auto i = take<std::uint32_t>(in);
        const auto n = take<std::uint64_t>(in);
        if (i >= h.counts_.size()) throw Error("histogram record has a bucket out of range");
        h.counts_[i] += n;
        counted += n;
    }
    if (counted != h.total_) throw Error("histogram record's counts do not add up to its total");
    return h;
}

}  // namespace ipcb
