#pragma once
// The record format both shared-memory rings use: [u32 length][u32 unused][payload padded to 8],
// at monotonically increasing byte positions taken modulo the data area's capacity. Headers are
// 8-aligned and never wrap; a payload may wrap and is then copied in two pieces, so a message is
// copied once into the ring and once out of it, and a ring may be as small as one record.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ipcb::record {

inline constexpr std::size_t kHeader = 8;
// A length that marks the rest of the data area as unused: the next record starts at the ring's
// beginning (zero-copy records are contiguous, never wrapped).
inline constexpr std::uint32_t kSkip = 0xFFFFFFFFu;

constexpr std::size_t bytes(std::size_t payload) { return kHeader + ((payload + 7) & ~std::size_t(7)); }

// Records up to a page whose positions repeat: see repeating_capacity.
inline constexpr std::size_t kRepeatingMaxPayload = 4096;

// A ring capacity whose records do not walk: an exact multiple of the largest record, so equal
// records land on the same cache lines lap after lap (a capacity rounded up to 4 KiB pages drifts
// a 4 KiB record through three page windows, which cost 1.44x the handoff floor on an AMD EPYC
// host against 0.9x repeating: tools/ring_cost's "repeating" step). At least `records` records,
// and at least a page of them, so small records still spread over a page's lines. Only up to
// kRepeatingMaxPayload: A/B on the Intel Xeon VM here, p50 of lfshm and lfshm-spin at 64 B and
// `typical` unchanged (within 5%), at 4 KiB 2-13% lower, at 128 KiB 3-7% higher (two records
// exactly 128 KiB + 8 apart, in the same cache sets); larger records keep the page-rounded
// capacity, where they drift by under a page per lap.
constexpr std::size_t repeating_capacity(std::size_t records, std::size_t max_payload) {
    const std::size_t record = bytes(max_payload);
    if (max_payload > kRepeatingMaxPayload) return (records * record + 4095) & ~std::size_t(4095);
    const std::size_t per_page = (4096 + record - 1) / record;
    return (records > per_page ? records : per_page) * record;
}

// Copies n bytes to / from ring position pos, in two pieces when they wrap.
inline void put(std::byte *data, std::size_t cap, std::uint64_t pos, const std::byte *src, std::size_t n) {
    if (n == 0) return;  // memcpy from a null span's data() is undefined, even for 0 bytes
    const std::size_t off = pos % cap, first = std::min(n, cap - off);
    std::memcpy(data + off, src, first);
    std::memcpy(data, src + first, n - first);
}
inline void get(const std::byte *data, std::size_t cap, std::uint64_t pos, std::byte *dst, std::size_t n) {
    if (n == 0) return;
    const std::size_t off = pos % cap, first = std::min(n, cap - off);
    std::memcpy(dst, data + off, first);
    std::memcpy(dst + first, data, n - first);
}

inline void write_header(std::byte *data, std::size_t cap, std::uint64_t pos, std::size_t payload) {
    const std::uint32_t len = std::uint32_t(payload);
    std::memcpy(data + pos % cap, &len, sizeof len);
}

inline void write(std::byte *data, std::size_t cap, std::uint64_t pos, std::span<const std::byte> msg) {
    write_header(data, cap, pos, msg.size());
    put(data, cap, pos + kHeader, msg.data(), msg.size());
}

inline std::uint32_t length_at(const std::byte *data, std::size_t cap, std::uint64_t pos) {
    std::uint32_t len;
    std::memcpy(&len, data + pos % cap, sizeof len);
    return len;
}

inline void read(const std::byte *data, std::size_t cap, std::uint64_t pos, std::span<std::byte> out) {
    get(data, cap, pos + kHeader, out.data(), out.size());
}

}  // namespace ipcb::record
