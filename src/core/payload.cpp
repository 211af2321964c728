#include "core/payload.hpp"

#include <array>
#include <cstring>
#include <memory>

#include "core/size_spec.hpp"

namespace ipcb::payload {
namespace {

constexpr std::uint64_t kSeqMul = 0x9E3779B97F4A7C15ULL;  // odd: seq -> seq*kSeqMul is a bijection
constexpr std::uint64_t kIndexMul = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kLenMul = 0xFF51AFD7ED558CCDULL;
constexpr std::uint64_t kTailIndex = 0xFFFFFFFFULL;
constexpr std::array<std::uint64_t, 2> kDirKey = {0x5245515545535421ULL, 0x524553504F4E5345ULL};

// Multiplicative inverse of an odd 64-bit constant (Newton's iteration), to decode a wrong
// stamp back into the sequence number it carries: the error then says "got seq N".
constexpr std::uint64_t inverse(std::uint64_t a) {
    std::uint64_t x = a;
    for (int i = 0; i < 6; ++i) x *= 2 - a * x;
    return x;
}
constexpr std::uint64_t kSeqInv = inverse(kSeqMul);
static_assert(kSeqMul * kSeqInv == 1);

std::uint64_t stamp_value(std::uint64_t seq, std::uint64_t index, std::size_t len, Dir dir) {
    return seq * kSeqMul ^ (index + 1) * kIndexMul ^ std::uint64_t(len) * kLenMul ^ kDirKey[int(dir)];
}

std::uint64_t load64(const std::byte *p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

// Stamp layout: words at k*kStampStride while they fit, plus a tail word at len-8 when it does
// not overlap the last stride word. Messages under 8 bytes carry the low bytes of stamp 0.
std::size_t stride_words(std::size_t len) { return len < 8 ? 0 : (len - 8) / kStampStride + 1; }
bool has_tail(std::size_t len) { return len >= 8 && len - 8 >= (stride_words(len) - 1) * kStampStride + 8; }

const std::byte *pattern() {
    static const std::unique_ptr<std::byte[]> p = [] {
        auto buf = std::make_unique<std::byte[]>(kMaxMessageSize);
        std::uint64_t x = 0x243F6A8885A308D3ULL;  // splitmix64
        for (std::size_t i = 0; i < kMaxMessageSize; i += 8) {
            std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            z ^= z >> 31;
            std::memcpy(buf.get() + i, &z, 8);
        }
        return buf;
    }();
    return p.get();
}

std::string describe_stamp(std::uint64_t got, std::uint64_t index, std::size_t len, std::uint64_t seq, Dir dir,
                           std::size_t offset) {
    std::string what = std::string(dir == Dir::request ? "request" : "response") + " seq " + std::to_string(seq) +
                       " (" + std::to_string(len) + " B): stamp at offset " + std::to_string(offset) + " ";
    for (Dir d : {Dir::request, Dir::response}) {
        std::uint64_t base = got ^ (index + 1) * kIndexMul ^ std::uint64_t(len) * kLenMul ^ kDirKey[int(d)];
        std::uint64_t carried = base * kSeqInv;
        if (carried < seq + (1u << 20) && carried + (1u << 20) > seq && !(carried == seq && d == dir))
            return what + "carries " + (d == Dir::request ? "request" : "response") + " seq " +
                   std::to_string(carried) + " (stale, repeated, dropped or misdirected message)";
    }
    return what + "is corrupt";
}

}  // namespace

void fill_pattern(std::span<std::byte> buf) {
    const std::byte *p = pattern();
    for (std::size_t off = 0; off < buf.size(); off += kMaxMessageSize)
        std::memcpy(buf.data() + off, p, std::min(kMaxMessageSize, buf.size() - off));
}

void stamp(std::span<std::byte> msg, std::uint64_t seq, Dir dir) {
    const std::size_t len = msg.size();
    if (len < 8) {
        std::uint64_t v = stamp_value(seq, 0, len, dir);
        std::memcpy(msg.data(), &v, len);
        return;
    }
    const std::size_t words = stride_words(len);
    for (std::size_t k = 0; k < words; ++k) {
        std::uint64_t v = stamp_value(seq, k, len, dir);
        std::memcpy(msg.data() + k * kStampStride, &v, 8);
    }
    if (has_tail(len)) {
        std::uint64_t v = stamp_value(seq, kTailIndex, len, dir);
        std::memcpy(msg.data() + len - 8, &v, 8);
    }
}

void restore_pattern(std::span<std::byte> msg) {
    const std::size_t len = msg.size();
    const std::byte *p = pattern();
    if (len < 8) {
        std::memcpy(msg.data(), p, len);
        return;
    }
    for (std::size_t k = 0; k < stride_words(len); ++k)
        std::memcpy(msg.data() + k * kStampStride, p + k * kStampStride, 8);
    if (has_tail(len)) std::memcpy(msg.data() + len - 8, p + len - 8, 8);
}

std::string check_stamps(std::span<const std::byte> msg, std::uint64_t seq, Dir dir) {
    const std::size_t len = msg.size();
    if (len < 8) {
        std::uint64_t v = stamp_value(seq, 0, len, dir);
        if (std::memcmp(msg.data(), &v, len) == 0) return {};
        std::uint64_t got = 0;
        std::memcpy(&got, msg.data(), len);
        return describe_stamp(got, 0, len, seq, dir, 0);  // a short message can only say "corrupt"
    }
    const std::size_t words = stride_words(len);
    for (std::size_t k = 0; k < words; ++k) {
        std::uint64_t got = load64(msg.data() + k * kStampStride);
        if (got != stamp_value(seq, k, len, dir)) return describe_stamp(got, k, len, seq, dir, k * kStampStride);
    }
    if (has_tail(len)) {
        std::uint64_t got = load64(msg.data() + len - 8);
        if (got != stamp_value(seq, kTailIndex, len, dir))
            return describe_stamp(got, kTailIndex, len, seq, dir, len - 8);
    }
    return {};
}

std::string check_full(std::span<const std::byte> msg, std::uint64_t seq, Dir dir) {
    if (auto err = check_stamps(msg, seq, dir); !err.empty()) return err;
    const std::size_t len = msg.size();
    if (len < 8) return {};
    const std::byte *p = pattern();
    const std::size_t body_end = has_tail(len) ? len - 8 : len;
    // Compare the pattern between consecutive stamp words.
    for (std::size_t off = 8; off < body_end; off += kStampStride) {
        std::size_t end = std::min(off + kStampStride - 8, body_end);
        if (std::memcmp(msg.data() + off, p + off, end - off) != 0) {
            std::size_t i = off;
            while (msg[i] == p[i]) ++i;
            return std::string(dir == Dir::request ? "request" : "response") + " seq " + std::to_string(seq) + " (" +
                   std::to_string(len) + " B): body byte at offset " + std::to_string(i) + " is corrupt";
        }
    }
    return {};
}

bool full_check_due(std::uint64_t seq) {
    std::uint64_t h = seq * kSeqMul;
    return (h >> 60) % kFullCheckEvery == 0;
}

std::size_t stamped_offset(std::size_t len, std::uint64_t salt) {
    if (len < 8) return salt % len;
    return (salt % stride_words(len)) * kStampStride + salt % 8;
}

}  // namespace ipcb::payload
