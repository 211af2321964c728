#pragma once
// The result pipe's format: length-prefixed, checksummed records from a role (the child side
// writes them) to the orchestrator (which reads them with FrameStream).
// Layout: magic u32 | type u32 | length u64 | payload[length] | fnv1a64(header+payload) u64.
// A short read, EOF inside a record, a bad magic/type or a checksum mismatch is an error, so a
// child that dies mid-write can never be mistaken for one that reported.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ipcb {

enum class FrameType : std::uint32_t {
    ready = 1,              // setup finished; payload: role info (JSON)
    result = 2,             // timed phase finished; payload: role report (JSON)
    samples = 3,            // client latency samples; payload: uint32 ns per operation
    error = 4,              // the role failed; payload: message text
    service_samples = 5,    // open loop: service times from the actual send; payload as samples
    latency_histogram = 6,  // client: LatencyHistogram::serialize() of its latencies
    service_histogram = 7,  // open loop: of its service times
    lag_histogram = 8,      // open loop: of its send lags
    // An interleaved run (run/parent/sliced_run.hpp): the client finished its warmup and waits for
    // slices; then per slice its figures (JSON) and its latency histogram.
    warmed = 9,
    slice = 10,
    slice_histogram = 11,
};

struct Frame {
    FrameType type;
    std::vector<std::byte> payload;
    std::string text() const { return {reinterpret_cast<const char *>(payload.data()), payload.size()}; }
};

inline constexpr std::uint32_t kFrameMagic = 0x42435049;  // "IPCB"
inline constexpr std::size_t kFrameOverhead = 24;         // header 16 + checksum 8

std::vector<std::byte> encode_frame(FrameType type, std::span<const std::byte> payload);
void write_frame(int fd, FrameType type, std::span<const std::byte> payload);
void write_frame(int fd, FrameType type, const std::string &text);

// Complete frames at the start of `stream` (a stream still being read); `partial` says whether
// bytes of an unfinished frame follow. Throws Error on a bad magic, type or checksum.
struct FrameScan {
    std::vector<Frame> frames;
    bool partial = false;
};
FrameScan scan_frames(std::span<const std::byte> stream);

// A result pipe being read: each append() decodes the records it completes, once, and keeps only
// the bytes of the record still in flight. Throws Error on a bad magic, type or checksum.
class FrameStream {
public:
    void append(std::span<const std::byte> bytes);
    const std::vector<Frame> &frames() const { return frames_; }
    bool has(FrameType type) const;
    // Throws Error when the stream ended inside a record.
    void finish() const;

private:
    std::vector<Frame> frames_;
    std::vector<std::byte> pending_;  // an incomplete record
};

std::uint64_t fnv1a64(std::span<const std::byte> data, std::uint64_t h = 0xcbf29ce484222325ULL);

}  // namespace ipcb
