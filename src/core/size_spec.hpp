#pragma once
// Message-size specifications ("4096", "4K", "2K-4K", "typical") and the seeded per-message
// size generator both roles use.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ipcb {

// The largest message a run may carry: where copying designs grow with the size and zero-copy
// ones stay flat. The default matrix stops at kMatrixMaxSize; the sweep's --sizes large adds
// 512 KiB, 1 MiB and 4 MiB.
inline constexpr std::size_t kMaxMessageSize = 4 * 1024 * 1024;
inline constexpr std::size_t kMatrixMaxSize = 128 * 1024;
// Past kMatrixMaxSize a size is a whole number of 4 KiB pages (512K, 1M, 4M; 129K is refused):
// large messages are the regime where a design's cost is counted in pages moved (copying designs
// grow page by page, zero-copy ones stay flat), so their sizes step in pages, and a size just over
// the matrix's largest (129K for 128K) is taken for the typo it usually is, not run.
inline constexpr std::size_t kLargeSizeStep = 4096;

struct SizeSpec {
    std::string text;     // as the user wrote it, normalised ("typical", "4096", "2048-4096")
    std::size_t min = 0;  // inclusive
    std::size_t max = 0;  // inclusive
    bool fixed() const { return min == max; }
};

// Throws std::invalid_argument naming the problem. Sizes are bytes; K = KiB (1024), M = MiB.
SizeSpec parse_size_spec(std::string_view text);
// One size: digits with an optional K/KiB/M/MiB suffix, within 1 B..4 MiB, whole 4 KiB pages past
// 128 KiB.
std::size_t parse_size(std::string_view text);

// Uniform sizes in [min, max] from a seeded xorshift generator: cheap enough to call per message
// and identical for a given seed, so a run can be repeated exactly.
class SizeGenerator {
public:
    SizeGenerator(const SizeSpec &spec, std::uint64_t seed);
    std::size_t next();

private:
    std::size_t min_, span_;
    std::uint64_t state_;
};

}  // namespace ipcb
