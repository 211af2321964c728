#pragma once
// Message contents and their verification.
//
// Every message byte is determined by (sequence number, direction, length): the body is a fixed
// pseudo-random pattern, and "stamp" words derived from the sequence number are written at
// every kStampStride bytes and at the tail. A sender rewrites only the stamps of a buffer it
// filled with the pattern once, so building a message costs ~n/2048 stores, not a copy.
//
// Policy (stated in every report):
//  - every message: all stamps are checked (sequence, direction, length; catches stale, repeated,
//    dropped, misplaced or torn data at 2 KiB granularity);
//  - a sampled 1 in kFullCheckEvery messages (chosen by a hash of the sequence number): every
//    byte is compared, so corruption anywhere in a body is caught in a sampled message.
// The server answers by restamping the request in place as a response, so the body it returns is
// the body it received: a full check on the client covers the request path too.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ipcb::payload {

inline constexpr std::size_t kStampStride = 2048;
inline constexpr unsigned kFullCheckEvery = 16;

enum class Dir : std::uint8_t { request = 0, response = 1 };

// Fills `buf` with the body pattern (done once per buffer; stamps are written per message).
void fill_pattern(std::span<std::byte> buf);

// Writes the stamps of message `seq` travelling in direction `dir` into msg.
void stamp(std::span<std::byte> msg, std::uint64_t seq, Dir dir);

// Puts the body pattern back where stamp() wrote a message of msg.size() bytes, so the buffer
// can carry a message of another length (an old tail stamp would otherwise sit in its body).
void restore_pattern(std::span<std::byte> msg);

// Checks the stamps (every message). Returns "" when they match, else what is wrong.
std::string check_stamps(std::span<const std::byte> msg, std::uint64_t seq, Dir dir);

// Checks every byte (stamps and body pattern). Returns "" when it matches, else what is wrong.
std::string check_full(std::span<const std::byte> msg, std::uint64_t seq, Dir dir);

// Whether message `seq` is one of the sampled messages whose every byte is checked.
bool full_check_due(std::uint64_t seq);

// Offset of a byte the per-message stamp check covers (used by fault injection to corrupt a byte
// that must be detected whatever the sampling).
std::size_t stamped_offset(std::size_t len, std::uint64_t salt);

}  // namespace ipcb::payload
