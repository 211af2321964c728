#include "floor/memcpy_bandwidth.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "core/sys.hpp"

namespace ipcb {
namespace {

constexpr std::size_t kArena = 64u << 20;  // larger than any LLC here: copies stream from DRAM

double stream_gbps(std::vector<std::byte> &src, std::vector<std::byte> &dst, std::size_t block) {
    double best = 0;
    for (int pass = 0; pass < 3; ++pass) {
        const std::uint64_t t0 = now_ns();
        for (std::size_t off = 0; off + block <= kArena; off += block)
            std::memcpy(dst.data() + off, src.data() + off, block);
        const std::uint64_t t1 = now_ns();
        best = std::max(best, double(kArena) / double(t1 - t0));
    }
    return best;
}

double hot_gbps(std::vector<std::byte> &src, std::vector<std::byte> &dst, std::size_t block) {
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        constexpr int kCopies = 512;
        const std::uint64_t t0 = now_ns();
        for (int i = 0; i < kCopies; ++i) {
            std::memcpy(dst.data(), src.data(), block);
            asm volatile("" ::"r"(dst.data()) : "memory");  // keep every copy
        }
        const std::uint64_t t1 = now_ns();
        best = std::max(best, double(block) * kCopies / double(t1 - t0));
    }
    return best;
}

}  // namespace

MemcpyBandwidth measure_memcpy_bandwidth() {
    std::vector<std::byte> src(kArena, std::byte{1}), dst(kArena, std::byte{2});  // touched: no page faults
    MemcpyBandwidth m;
    m.block_4k_cold_gbps = stream_gbps(src, dst, 4096);
    m.block_128k_cold_gbps = stream_gbps(src, dst, 128 * 1024);
    m.block_128k_hot_gbps = hot_gbps(src, dst, 128 * 1024);
    return m;
}

}  // namespace ipcb
