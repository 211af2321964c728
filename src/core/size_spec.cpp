#include "core/size_spec.hpp"

#include <cctype>
#include <charconv>

namespace ipcb {
namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::size_t parse_size(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        throw std::invalid_argument("size " + quoted(text) + " is larger than the maximum of 4 MiB");
    if (ec != std::errc() || end == text.data())
        throw std::invalid_argument("size " + quoted(text) + " is not a number of bytes (e.g. 4096, 4K, 128K, 4M)");
    std::string_view suffix(end, std::size_t(text.data() + text.size() - end));
    std::uint64_t unit = 1;
    if (suffix.empty() || iequals(suffix, "B")) unit = 1;
    else if (iequals(suffix, "K") || iequals(suffix, "KiB")) unit = 1024;
    else if (iequals(suffix, "M") || iequals(suffix, "MiB")) unit = 1024 * 1024;
    else throw std::invalid_argument("size " + quoted(text) + " has an unknown unit (use B, K or M)");
    if (value == 0) throw std::invalid_argument("size " + quoted(text) + " is zero; the minimum is 1 byte");
    if (value > kMaxMessageSize / unit || value * unit > kMaxMessageSize)
        throw std::invalid_argument("size " + quoted(text) + " is larger than the maximum of 4 MiB");
    const std::size_t bytes = std::size_t(value * unit);
    if (bytes > kMatrixMaxSize && bytes % kLargeSizeStep != 0)
        throw std::invalid_argument(
            "size " + quoted(text) + " (" + std::to_string(bytes) +
            " bytes) is past 128 KiB and not a whole number of 4 KiB pages: sizes past "
            "128 KiB step in pages (e.g. " +
            std::to_string((bytes + kLargeSizeStep - 1) / kLargeSizeStep * (kLargeSizeStep / 1024)) + "K, 1M, 4M)");
    return bytes;
}

SizeSpec parse_size_spec(std::string_view text) {
    if (text.empty()) throw std::invalid_argument("empty size spec (use e.g. 4K, 2K-4K or typical)");
    if (iequals(text, "typical")) return {"typical", 2048, 4096};
    if (auto dash = text.find('-'); dash != std::string_view::npos) {
        std::size_t lo = parse_size(text.substr(0, dash));
        std::size_t hi = parse_size(text.substr(dash + 1));
        if (lo > hi) throw std::invalid_argument("size range " + quoted(text) + " has its minimum above its maximum");
        return {std::to_string(lo) + "-" + std::to_string(hi), lo, hi};
    }
    std::size_t n = parse_size(text);
    return {std::to_string(n), n, n};
}

SizeGenerator::SizeGenerator(const SizeSpec &spec, std::uint64_t seed)
    : min_(spec.min), span_(spec.max - spec.min + 1) {
    // splitmix64 of the seed: distinct seeds give unrelated, never-zero xorshift states.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    state_ = (z ^ (z >> 31)) | 1;
}

std::size_t SizeGenerator::next() {
    if (span_ == 1) return min_;
    // xorshift64*: a few cycles per draw; the 53-bit draw's modulo bias is below 2^-31 for spans
    // up to 4 Mi.
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return min_ + std::size_t((state_ * 0x2545F4914F6CDD1DULL >> 11) % span_);
}

}  // namespace ipcb
