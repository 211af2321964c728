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

constexpr std::size_t bytes(std::size_t payload) { return kHeader + ((payload + 7) & ~std::size_t(7)); }

inline void write(std::byte *data, std::size_t cap, std::uint64_t pos, std::span<const std::byte> msg) {
    const std::uint32_t len = std::uint32_t(msg.size());
    std::memcpy(data + pos % cap, &len, sizeof len);
    if (msg.empty()) return;  // memcpy from a null span's data() is undefined, even for 0 bytes
    const std::size_t off = (pos + kHeader) % cap, first = std::min(msg.size(), cap - off);
    std::memcpy(data + off, msg.data(), first);
    std::memcpy(data, msg.data() + first, msg.size() - first);
}

inline std::uint32_t length_at(const std::byte *data, std::size_t cap, std::uint64_t pos) {
    std::uint32_t len;
    std::memcpy(&len, data + pos % cap, sizeof len);
    return len;
}

inline void read(const std::byte *data, std::size_t cap, std::uint64_t pos, std::span<std::byte> out) {
    if (out.empty()) return;
    const std::size_t off = (pos + kHeader) % cap, first = std::min(out.size(), cap - off);
    std::memcpy(out.data(), data + off, first);
    std::memcpy(out.data() + first, data, out.size() - first);
}

}  // namespace ipcb::record
